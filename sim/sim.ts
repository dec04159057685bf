/**
 * The simulator: a virtual network, the host bridge, and boards booted from firmware bundles.
 * `zsock sim` (sim/args.ts has the usage) runs until Ctrl-C, until a firmware calls exit() (its
 * status is the command's), or until every board has crashed. A board that only serves keeps
 * the run going, and the command says which ports it listens on and how to forward them.
 */
import { appendFileSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VNet, type LinkParams } from './vnet.js';
import { Bridge, type Forward } from './bridge.js';
import { SimBoard } from './board.js';
import { ProcessBoard } from './process_board.js';
import { XsBoard, xsAvailable, xsBoardBinary } from './xs_board.js';
import { buildXsHost } from './xs_build.js';
import { boardNamed } from '../boards/boards.js';
import { buildBundle } from '../boards/build.js';
import type { CoreBinding } from '../src/tls/wasm.js';
import { wasmBinding } from '../src/tls/wasm_binding.js';
import { cacheDir, coreWasmPath, resolveFirmware } from './paths.js';
import { parseHostfwdRule, parseSimArgs, SIM_USAGE } from './args.js';
import { boardNames, checkSimOptions, credentialEntry } from './check.js';
import { Pcap } from './pcap.js';

export interface BoardSpec {
  board: string;
  name?: string;
  /** This board's firmware (else SimOptions.firmware). */
  firmware?: string;
  /** Build-time settings for the firmware (a sample's Kconfig: app_config). */
  config?: Record<string, string>;
  /** hostfwd rules whose target is this board unless they name another. */
  hostfwd?: string[];
  /** A `zsock cred` store loaded into this board's credential store before its firmware runs. */
  credStore?: string;
  /** The engine of a moddable-esp32 board (else SimOptions.engine, else XS when it is built). */
  engine?: Engine;
}

/** Which engine runs a moddable-esp32 board: V8 in a node:vm sandbox, or XS in its own process. */
export type Engine = 'v8' | 'xs';

/** The engine a board runs on: a moddable board's own, else the run's, else XS when the XS host is
 *  built (as `zsock sim`); every other board runs on V8. */
export function engineOf(spec: BoardSpec, opts: SimOptions): Engine {
  if (boardNamed(spec.board).natives !== 'moddable') return 'v8';
  return spec.engine ?? opts.engine ?? (xsAvailable() ? 'xs' : 'v8');
}

export interface SimOptions {
  boards: BoardSpec[];
  /** A .ts entry (built per board), a sample's name, a folder, or a built bundle (.js, .mjs). */
  firmware?: string | string[];
  /** hostfwd rules for the first board on the virtual network, unless they name a board. */
  hostfwd?: string[];
  /** A credential store for every board that names none of its own. */
  credStore?: string;
  seed?: number;
  link?: Partial<LinkParams>;
  log?: (line: string, stream: 'out' | 'err') => void;
  coreWasm?: string;
  /** Where bundles are built and kept (a folder per board); by default a folder of this run in
   *  the per-user cache (sim/PID-N), removed when the run stops, so runs never share files. */
  outDir?: string;
  /** A libpcap file that gets every frame of the virtual network (sim/pcap.ts). */
  pcap?: string;
  /** A file that gets every board's TLS key log lines (NSS's SSLKEYLOGFILE format), for
   *  Wireshark to decrypt the --pcap capture. */
  keylog?: string;
  /** The engine of every moddable-esp32 board that names none (default: XS when it is built). */
  engine?: Engine;
}

/** A firmware argument (a sample's name, a folder, a file, from the cwd) as an entry file. */
export function firmwareEntry(fw: string): string {
  const entry = resolveFirmware(fw);
  if (!entry) throw new Error(`firmware ${fw}: no such file, folder with a main.ts, or sample`);
  return entry;
}

let runs = 0;

/** Running simulators; one process-wide handler routes a board's unhandled rejection to it. */
const live = new Set<Sim>();

/** A board's unhandled rejection is that board's crash (ignored once it has stopped); any other
 *  rejection is rethrown, as Node would without a handler. */
function onRejection(reason: unknown): void {
  for (const sim of live) {
    const b = sim.boards.find((x) => x.owns(reason));
    if (b) return b.fail(reason);
  }
  throw reason;
}

export class Sim {
  readonly vnet: VNet;
  readonly bridge: Bridge;
  /** The boards on the virtual network (sandboxed). */
  readonly boards: (SimBoard | XsBoard)[] = [];
  /** native-sim boards: host processes. */
  readonly processes: ProcessBoard[] = [];
  readonly forwards: { spec: Forward; port: number; board: string }[] = [];
  private readonly log: (line: string, stream: 'out' | 'err') => void;
  private readonly scratch = join(cacheDir(), 'sim', `${process.pid}-${++runs}`);
  constructor(readonly opts: SimOptions) {
    this.vnet = new VNet(opts.seed ?? 1);
    if (opts.link) this.vnet.setLink(null, null, opts.link);
    this.bridge = new Bridge(this.vnet);
    if (opts.pcap) this.vnet.pcap = new Pcap(opts.pcap);
    this.log = opts.log ?? ((line, s) => (s === 'err' ? process.stderr : process.stdout).write(line + '\n'));
    if (opts.keylog) {
      const file = resolve(opts.keylog);
      writeFileSync(file, '', { mode: 0o600 }); // this run's lines, as the capture is this run's
      chmodSync(file, 0o600); // secrets: the user's only, also when the file was there before
      this.keylog = (lines) => appendFileSync(file, lines);
    }
  }

  /** Where the boards' TLS key log lines go (--keylog), else undefined. */
  private readonly keylog?: (lines: Uint8Array) => void;

  private firmwareOf(i: number): string {
    const f = this.opts.boards[i].firmware ?? (Array.isArray(this.opts.firmware) ? this.opts.firmware[i] : this.opts.firmware);
    if (!f) throw new Error('every board needs a firmware');
    return f;
  }

  /** The bundle a board boots: built from its entry (with its credential store first), or as given. */
  private async bundleFor(spec: BoardSpec, name: string, fw: string): Promise<string> {
    const entry = firmwareEntry(fw);
    if (/\.m?js$/.test(entry)) return entry;
    const out = join(this.opts.outDir ?? this.scratch, name);
    const store = spec.credStore ?? this.opts.credStore;
    const main = store ? credentialEntry(store, entry, out) : entry;
    // An XS board runs the device bundle (an ES module importing its natives).
    const device = engineOf(spec, this.opts) === 'xs';
    return (await buildBundle(spec.board, main, out, spec.config, { device, project: false })).path;
  }

  async start(): Promise<void> {
    // Each virtual board gets the core of its profile (one instance per board, compiled once).
    const cores = new Map<string, CoreBinding>();
    const coreFor = (profile: 'full' | 'embedded') => {
      const file = this.opts.coreWasm ?? coreWasmPath(profile);
      if (!cores.has(file)) cores.set(file, wasmBinding(readFileSync(file)));
      return cores.get(file)!;
    };
    live.add(this);
    if (live.size === 1) process.on('unhandledRejection', onRejection);
    const names = boardNames(this.opts.boards);
    for (const [i, spec] of this.opts.boards.entries()) {
      const board = boardNamed(spec.board);
      const path = await this.bundleFor(spec, names[i], this.firmwareOf(i));
      if (board.natives === 'host') {
        const p = new ProcessBoard(board, names[i], this.log);
        this.processes.push(p);
        // The bundle sits outside the package: it is told where the core is. A host program
        // keeps its key log in SSLKEYLOGFILE: the run's --keylog file, or none.
        p.boot(path, { ZSOCK_WASM: resolve(this.opts.coreWasm ?? coreWasmPath('full')), SSLKEYLOGFILE: this.opts.keylog ? resolve(this.opts.keylog) : '' });
        continue;
      }
      if (engineOf(spec, this.opts) === 'xs') {
        if (!xsAvailable()) throw new Error(`--engine xs: no XS host at ${xsBoardBinary()} (zsock sim builds it on first use; make xs in a checkout)`);
        const x = new XsBoard(this.vnet, board, names[i], this.log, this.keylog);
        this.boards.push(x);
        x.boot(path);
        await x.booted();
        continue;
      }
      const b = new SimBoard(this.vnet, board, names[i], { core: coreFor(board.limits.profile), log: this.log, keylog: this.keylog });
      this.boards.push(b);
      b.boot(path);
    }
    await this.startForwards(names);
  }

  /** hostfwd: a rule's board is the one it names, else the --board it follows, else the first. */
  private async startForwards(names: string[]): Promise<void> {
    const rules = [
      ...(this.opts.hostfwd ?? []).map((r) => ({ r, owner: undefined as string | undefined })),
      ...this.opts.boards.flatMap((b, i) => (b.hostfwd ?? []).map((r) => ({ r, owner: names[i] }))),
    ];
    if (rules.length && !this.boards.length) throw new Error('hostfwd needs a board on the virtual network (native-sim uses the host\'s ports directly)');
    for (const { r, owner } of rules) {
      const spec = parseHostfwdRule(r);
      if (typeof spec === 'string') throw new Error(`hostfwd ${r}: ${spec}`);
      const target = spec.board ?? owner ?? this.boards[0].name;
      const b = this.boards.find((x) => x.name === target);
      if (!b) throw new Error(`hostfwd ${r}: no board named ${target} on the virtual network`);
      this.forwards.push({ spec, port: await this.bridge.forward(spec, b.host), board: b.name });
    }
  }

  /** The first board to call exit(), with its status; or status 1 once every board has crashed. */
  done(): Promise<{ name: string; status: number }> {
    const all = [...this.boards, ...this.processes];
    return new Promise((r) => {
      for (const b of all) b.exited().then((status) => r({ name: b.name, status }));
      Promise.all(all.map((b) => b.crashed())).then(() => r({ name: 'all boards', status: 1 }));
    });
  }

  /** What each virtual board listens on that no hostfwd reaches: "tcp 4242", "udp 4243" ... */
  unforwarded(): { board: string; proto: 'tcp' | 'udp'; port: number }[] {
    const out: { board: string; proto: 'tcp' | 'udp'; port: number }[] = [];
    for (const b of this.boards) {
      if (b.state !== 'running') continue;
      const has = (proto: string, port: number) => this.forwards.some((f) => f.board === b.name && f.spec.proto === proto && f.spec.guestPort === port);
      for (const port of new Set(b.host.listeners.keys())) if (!has('tcp', port)) out.push({ board: b.name, proto: 'tcp', port });
      for (const port of new Set(b.host.udp.keys())) if (!has('udp', port) && port < 49152) out.push({ board: b.name, proto: 'udp', port });
    }
    return out;
  }

  stop(): void {
    for (const b of [...this.boards, ...this.processes]) b.stop();
    this.bridge.close();
    this.vnet.pcap?.close();
    if (!this.opts.outDir) rmSync(this.scratch, { recursive: true, force: true });
    // Promises a stopped board left behind may still reject on this turn.
    setImmediate(() => {
      live.delete(this);
      if (!live.size) process.off('unhandledRejection', onRejection);
    });
  }
}

/** Tells, once the boards have settled, what they serve that the host cannot reach yet. */
function hintForwards(sim: Sim): void {
  const open = sim.unforwarded();
  if (!open.length) return;
  const byBoard = new Map<string, string[]>();
  for (const o of open) byBoard.set(o.board, [...(byBoard.get(o.board) ?? []), `${o.proto} ${o.port}`]);
  for (const [board, ports] of byBoard) {
    const host = sim.boards.find((b) => b.name === board)!.host;
    const ex = open.find((o) => o.board === board)!;
    console.error(`zsock sim: ${board} (${host.v4}) listens on ${ports.join(', ')}, reachable from the other boards only; ` +
      `to reach it from this machine, run with --hostfwd ${ex.proto}:${ex.port}-${board}:${ex.port} (Ctrl-C stops)`);
  }
}

/** moddable-esp32 boards run on XS unless told otherwise: the XS host is built on first use
 *  (sim/xs_build.ts; a checkout's `make build` has it). When it cannot be built, a board that
 *  asked for XS is an error and the others run on V8, with a notice. false: do not run. */
function prepareEngines(o: SimOptions): boolean {
  const moddable = o.boards.filter((b) => boardNamed(b.board).natives === 'moddable');
  const asked = moddable.some((b) => (b.engine ?? o.engine) === 'xs');
  if (!asked && !moddable.some((b) => !b.engine && !o.engine)) return true;
  const r = buildXsHost((line) => console.error(line));
  if ('path' in r) {
    o.engine ??= 'xs';
    return true;
  }
  if (asked) console.error(`zsock sim: --engine xs: ${r.error}`);
  else console.error(`zsock sim: ${r.error}: moddable-esp32 boards run on V8`);
  o.engine = 'v8';
  return !asked;
}

/** The `zsock sim` command: its exit status (2 for a usage error, before anything boots). */
export async function simCommand(args: string[]): Promise<number> {
  const parsed = parseSimArgs(args);
  if ('help' in parsed) { console.log(SIM_USAGE); return 0; }
  const problem = 'error' in parsed ? parsed.error : checkSimOptions(parsed.opts);
  if (problem || !('opts' in parsed)) {
    console.error(`zsock sim: ${problem}\n${SIM_USAGE}`);
    return 2;
  }
  if (!prepareEngines(parsed.opts)) return 1;
  const sim = new Sim(parsed.opts);
  try {
    await sim.start();
  } catch (e) {
    console.error(`zsock sim: ${(e as Error).message}`);
    sim.stop();
    return 1;
  }
  for (const f of sim.forwards) console.error(`hostfwd ${f.spec.proto} 127.0.0.1:${f.port} -> ${f.board}:${f.spec.guestPort}`);
  // The virtual network holds no real handle: without this a serving board would end the process.
  const alive = setInterval(() => {}, 1 << 30);
  const hint = setTimeout(() => { if (!sim.forwards.length) hintForwards(sim); }, 1500);
  return new Promise((done) => {
    const finish = (code: number) => { clearInterval(alive); clearTimeout(hint); sim.stop(); done(code); };
    process.once('SIGINT', () => { console.error('zsock sim: stopped'); finish(0); });
    process.once('SIGTERM', () => finish(0));
    sim.done().then(({ status }) => finish(status));
  });
}
