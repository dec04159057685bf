/**
 * The simulator: a virtual network, the host bridge, and boards booted from firmware bundles.
 * `zsock sim --board NAME [--board NAME ...] [--hostfwd tcp:H-:G ...] [--seed N]
 *  [--latency MS] [--loss P] BUNDLE_OR_ENTRY` runs until Ctrl-C (or until every board stopped).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VNet, type LinkParams } from './vnet.js';
import { Bridge, parseHostfwd, type Forward } from './bridge.js';
import { SimBoard } from './board.js';
import { boardNamed } from '../boards/boards.js';
import { buildBundle } from '../boards/build.js';
import { wasmBinding } from '../src/tls/wasm_binding.js';

export interface SimOptions {
  boards: { board: string; name?: string }[];
  /** A TS/JS entry (built per board) or an already built bundle (.bundle.js). */
  firmware: string | string[];
  hostfwd?: string[];
  seed?: number;
  link?: Partial<LinkParams>;
  log?: (line: string, stream: 'out' | 'err') => void;
  coreWasm?: string;
}

export class Sim {
  readonly vnet: VNet;
  readonly bridge: Bridge;
  readonly boards: SimBoard[] = [];
  readonly forwards: { spec: Forward; port: number }[] = [];
  private onRejection = (reason: unknown) => {
    const b = this.boards.find((x) => x.owns(reason));
    if (b) b.fail(reason); else throw reason;
  };

  constructor(readonly opts: SimOptions) {
    this.vnet = new VNet(opts.seed ?? 1);
    if (opts.link) this.vnet.setLink(null, null, opts.link);
    this.bridge = new Bridge(this.vnet);
  }

  async start(): Promise<void> {
    const core = wasmBinding(readFileSync(this.opts.coreWasm ?? process.env.ZSOCK_WASM ?? join(process.cwd(), 'build/wasm/zsock-core.wasm')));
    process.on('unhandledRejection', this.onRejection);
    const firmware = Array.isArray(this.opts.firmware) ? this.opts.firmware : this.opts.boards.map(() => this.opts.firmware as string);
    for (const [i, spec] of this.opts.boards.entries()) {
      const board = boardNamed(spec.board);
      if (board.natives === 'host') throw new Error('native-sim runs on the host itself: node BUNDLE (see boards/native-sim/README.md)');
      const name = spec.name ?? (this.opts.boards.length > 1 ? `${spec.board}-${i + 1}` : spec.board);
      const b = new SimBoard(this.vnet, board, name, { core, log: this.opts.log });
      this.boards.push(b);
      const entry = resolve(firmware[i]);
      const path = entry.endsWith('.bundle.js') ? entry : (await buildBundle(spec.board, entry, join('build/bundles', name))).path;
      b.boot(path);
    }
    for (const f of this.opts.hostfwd ?? []) {
      const spec = parseHostfwd(f);
      this.forwards.push({ spec, port: await this.bridge.forward(spec, this.boards[0].host) });
    }
  }

  stop(): void {
    for (const b of this.boards) b.stop();
    this.bridge.close();
    process.off('unhandledRejection', this.onRejection);
  }
}

function usage(): number {
  console.error('usage: zsock sim --board NAME [--board NAME ...] [--hostfwd tcp:HOSTPORT-:GUESTPORT ...] [--seed N] [--latency MS] [--loss P] FIRMWARE');
  return 2;
}

/** The `zsock sim` command. */
export async function simCommand(args: string[]): Promise<number> {
  const opts: SimOptions = { boards: [], firmware: '', hostfwd: [], link: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === '--board' && v) { opts.boards.push({ board: v }); i++; }
    else if (a === '--hostfwd' && v) { opts.hostfwd!.push(v); i++; }
    else if (a === '--seed' && v) { opts.seed = Number(v); i++; }
    else if (a === '--latency' && v) { opts.link!.latencyMs = Number(v); i++; }
    else if (a === '--loss' && v) { opts.link!.loss = Number(v); i++; }
    else if (!a.startsWith('-') && !opts.firmware) opts.firmware = a;
    else return usage();
  }
  if (!opts.boards.length || !opts.firmware) return usage();
  const fw = opts.firmware as string;
  const sample = join('samples', fw, 'main.ts');
  if (!existsSync(fw) && existsSync(sample)) opts.firmware = sample;
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
    Promise.all(sim.boards.map((b) => b.crashed())).then(() => finish(1));
  });
}
