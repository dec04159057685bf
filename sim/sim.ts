/**
 * The simulator: a virtual network, the host bridge, and boards booted from firmware bundles.
 * `zsock sim --board NAME [--name N] [--config K=V ...] [FIRMWARE] [--board ...] [--hostfwd
 *  tcp:H-:G ...] [--seed N] [--latency MS] [--loss P] [FIRMWARE]` runs until Ctrl-C, until a
 * firmware calls exit() (its status is the command's), or until every board has crashed.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VNet, type LinkParams } from './vnet.js';
import { Bridge, parseHostfwd, type Forward } from './bridge.js';
import { SimBoard } from './board.js';
import { ProcessBoard } from './process_board.js';
import { boardNamed } from '../boards/boards.js';
import { buildBundle } from '../boards/build.js';
import type { CoreBinding } from '../src/tls/wasm.js';
import { wasmBinding } from '../src/tls/wasm_binding.js';

export interface BoardSpec {
  board: string;
  name?: string;
  /** This board's firmware (else SimOptions.firmware). */
  firmware?: string;
  /** Build-time settings for the firmware (a sample's Kconfig: samples/common/config.ts). */
  config?: Record<string, string>;
}

export interface SimOptions {
  boards: BoardSpec[];
  /** A .ts entry (built per board), a sample's name, or an already built bundle (.js, .mjs). */
  firmware?: string | string[];
  hostfwd?: string[];
  seed?: number;
  link?: Partial<LinkParams>;
  log?: (line: string, stream: 'out' | 'err') => void;
  coreWasm?: string;
}

/** A sample's name (samples/NAME/main.ts) or a path, as a firmware entry. */
export function firmwareEntry(fw: string): string {
  const sample = join('samples', fw, 'main.ts');
  return !existsSync(fw) && existsSync(sample) ? sample : fw;
}

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
  readonly boards: SimBoard[] = [];
  /** native-sim boards: host processes. */
  readonly processes: ProcessBoard[] = [];
  readonly forwards: { spec: Forward; port: number }[] = [];
  private readonly log: (line: string, stream: 'out' | 'err') => void;
  constructor(readonly opts: SimOptions) {
    this.vnet = new VNet(opts.seed ?? 1);
    if (opts.link) this.vnet.setLink(null, null, opts.link);
    this.bridge = new Bridge(this.vnet);
    this.log = opts.log ?? ((line, s) => (s === 'err' ? process.stderr : process.stdout).write(line + '\n'));
  }

  async start(): Promise<void> {
    const shared = Array.isArray(this.opts.firmware) ? undefined : this.opts.firmware;
    const firmware = this.opts.boards.map((b, i) => b.firmware ?? (Array.isArray(this.opts.firmware) ? this.opts.firmware[i] : shared));
    if (firmware.some((f) => !f)) throw new Error('every board needs a firmware');
    // Each virtual board gets the core of its profile (one instance per board, compiled once).
    const cores = new Map<string, CoreBinding>();
    const coreFor = (profile: 'full' | 'embedded') => {
      const file = this.opts.coreWasm ?? process.env.ZSOCK_WASM
        ?? join(process.cwd(), `build/wasm/zsock-core${profile === 'embedded' ? '-embedded' : ''}.wasm`);
      if (!cores.has(file)) cores.set(file, wasmBinding(readFileSync(file)));
      return cores.get(file)!;
    };
    live.add(this);
    if (live.size === 1) process.on('unhandledRejection', onRejection);
    for (const [i, spec] of this.opts.boards.entries()) {
      const board = boardNamed(spec.board);
      const name = spec.name ?? (this.opts.boards.length > 1 ? `${spec.board}-${i + 1}` : spec.board);
      const entry = resolve(firmwareEntry(firmware[i]!));
      const path = /\.m?js$/.test(entry) ? entry : (await buildBundle(spec.board, entry, join('build/bundles', name), spec.config)).path;
      if (board.natives === 'host') {
        const p = new ProcessBoard(board, name, this.log);
        this.processes.push(p);
        p.boot(path, this.opts.coreWasm ? { ZSOCK_WASM: resolve(this.opts.coreWasm) } : {});
        continue;
      }
      const b = new SimBoard(this.vnet, board, name, { core: coreFor(board.limits.profile), log: this.log });
      this.boards.push(b);
      b.boot(path);
    }
    const fwd = this.opts.hostfwd ?? [];
    if (fwd.length && !this.boards.length) throw new Error('hostfwd needs a board on the virtual network (native-sim uses the host\'s ports directly)');
    for (const f of fwd) {
      const spec = parseHostfwd(f);
      this.forwards.push({ spec, port: await this.bridge.forward(spec, this.boards[0].host) });
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

  stop(): void {
    for (const b of [...this.boards, ...this.processes]) b.stop();
    this.bridge.close();
    // Promises a stopped board left behind may still reject on this turn.
    setImmediate(() => {
      live.delete(this);
      if (!live.size) process.off('unhandledRejection', onRejection);
    });
  }
}

function usage(): number {
  console.error('usage: zsock sim --board NAME [--name N] [--config KEY=VALUE ...] [FIRMWARE] [--board ...]\n' +
    '                 [--hostfwd tcp|udp:HOSTPORT-:GUESTPORT ...] [--seed N] [--latency MS] [--loss P] [FIRMWARE]\n' +
    'FIRMWARE is a sample name (echo-server, echo-client, http-get, big-http-download), a .ts entry or a\n' +
    'built bundle (.js); written after a --board it is that board\'s, at the end it is every board\'s.');
  return 2;
}

/** Parses `zsock sim` arguments; a number on error (usage printed). */
export function parseSimArgs(args: string[]): SimOptions | number {
  const opts: SimOptions = { boards: [], hostfwd: [], link: {} };
  let shared: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    const cur = opts.boards.at(-1);
    if (a === '--board' && v) { boardNamed(v); opts.boards.push({ board: v }); i++; }
    else if (a === '--name' && v && cur) { cur.name = v; i++; }
    else if ((a === '--config' || a === '-D') && v && cur && /^[A-Z][A-Z0-9_]*=/.test(v)) {
      const at = v.indexOf('=');
      (cur.config ??= {})[v.slice(0, at)] = v.slice(at + 1);
      i++;
    }
    else if (a === '--hostfwd' && v) { opts.hostfwd!.push(v); i++; }
    else if (a === '--seed' && v) { opts.seed = Number(v); i++; }
    else if (a === '--latency' && v) { opts.link!.latencyMs = Number(v); i++; }
    else if (a === '--loss' && v) { opts.link!.loss = Number(v); i++; }
    else if (!a.startsWith('-') && cur && !cur.firmware && !shared) cur.firmware = a;
    else if (!a.startsWith('-') && !shared) shared = a;
    else return usage();
  }
  if (!opts.boards.length) return usage();
  // A lone trailing firmware after one board's own is the last board's; otherwise everyone's.
  for (const b of opts.boards) b.firmware ??= shared;
  if (opts.boards.some((b) => !b.firmware)) return usage();
  return opts;
}

/** The `zsock sim` command. */
export async function simCommand(args: string[]): Promise<number> {
  let opts: SimOptions | number;
  try {
    opts = parseSimArgs(args);
  } catch (e) {
    console.error(`zsock sim: ${(e as Error).message}`);
    return 2;
  }
  if (typeof opts === 'number') return opts;
  const sim = new Sim(opts);
  try {
    await sim.start();
  } catch (e) {
    console.error(`zsock sim: ${(e as Error).message}`);
    sim.stop();
    return 1;
  }
  for (const f of sim.forwards) console.error(`hostfwd ${f.spec.proto} 127.0.0.1:${f.port} -> ${sim.boards[0].name}:${f.spec.guestPort}`);
  return new Promise((done) => {
    const finish = (code: number) => { sim.stop(); done(code); };
    process.once('SIGINT', () => { console.error('zsock sim: stopped'); finish(0); });
    process.once('SIGTERM', () => finish(0));
    sim.done().then(({ status }) => finish(status));
  });
}
