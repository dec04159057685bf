/**
 * A/B of two builds of zsock's TypeScript in one process, for a change on the socket path (the
 * TLS layer, TCP writes, the session's copies) or in TlsSession: the tree under test (this one)
 * and another checkout's build/js take turns, over loopback sockets (bulk, hs) or in memory
 * through TlsSession as the bench's hs-mem rows (mem), each with its own modules, core and fd
 * table. Timed by CPU time (wall beside it); prints the median of the per-round ratios
 * this / other with p10..p90, and the load average. A benchmark, never a test.
 *
 *   node build/js/bench/ab_trees.js OTHER_ROOT bulk aes128gcm|chacha20 [ROUNDS] [MB]
 *   node build/js/bench/ab_trees.js OTHER_ROOT hs tls13-x25519|tls13-p256|tls12-p256|resumed [ROUNDS] [K]
 *   node build/js/bench/ab_trees.js OTHER_ROOT mem tls13-x25519|tls13-p256|tls12-p256|resumed|dtls12 [ROUNDS] [K]
 *
 * OTHER_ROOT is a checkout with `node scripts/build-ts.mjs` run and build/certs, build/wasm in
 * place (for example `git archive BASE | tar -x -C /tmp/before`). $ZSOCK_WASM picks both cores;
 * $ZSOCK_WASM_OTHER another core for the other tree (A/B of two cores on the socket path, with
 * a copy of this tree as the other).
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { ROOT } from '../test/helpers/pki.js';
import { abRounds, perRun, warmUp, MEM_WARM_MS, type Sample } from './lib/stats.js';
import type { ZsockPeer } from './lib/zsock_sockets.js';
import type { Kind } from './lib/engine.js';

type Engine = typeof import('./lib/engine.js');
type Tree = { zsockSockets(kind: string): Promise<ZsockPeer>; engine: Engine };

async function tree(root: string, path?: string): Promise<Tree> {
  const tls = await import(join(root, 'build/js/src/tls/index.js'));
  tls.loadCore({ arenaSize: 32 * 1024 * 1024, path });
  const engine = await import(join(root, 'build/js/bench/lib/engine.js')) as Engine;
  return { ...await import(join(root, 'build/js/bench/lib/zsock_sockets.js')), engine };
}

/** The in-memory rounds of one tree: K handshakes of `kind`, as the bench's hs-mem rows, after
 *  the same warm-up. */
function memRun(t: Tree, kind: Kind, k: number): () => Promise<Sample> {
  const session = kind === 'resumed' ? t.engine.ticket() : undefined;
  warmUp(MEM_WARM_MS, () => t.engine.engineHandshake(kind, session));
  return () => perRun(k, () => t.engine.engineHandshake(kind, session));
}

const f2 = (v: number) => v.toFixed(2);

async function main(): Promise<void> {
  const [other, mode, what, roundsS, nS] = process.argv.slice(2);
  if (!other || !['bulk', 'hs', 'mem'].includes(mode) || !what) throw new Error('usage: ab_trees OTHER_ROOT bulk|hs|mem KIND [ROUNDS] [MB|K]');
  const rounds = Number(roundsS) || 9, n = Number(nS) || 4;
  const [a, b] = [await tree(ROOT), await tree(other, process.env.ZSOCK_WASM_OTHER)];
  if (mode === 'mem') {
    report(mode, what, 'ms', await abRounds(rounds, memRun(a, what as Kind, n), memRun(b, what as Kind, n)));
    process.exit(0);
  }
  const kind = mode === 'bulk' ? 'tls13-x25519' : what;
  const [pa, pb] = [await a.zsockSockets(kind), await b.zsockSockets(kind)];
  const run = async (p: ZsockPeer): Promise<Sample> => {
    if (mode === 'bulk') return p.bulk(what as 'aes128gcm' | 'chacha20', n);
    let cpu = 0, wall = 0;
    for (let i = 0; i < n; i++) { const s = await p.handshake(); cpu += s.cpu; wall += s.wall; }
    return { cpu: cpu / n, wall: wall / n };
  };
  const ab = await abRounds(rounds, () => run(pa), () => run(pb));
  pa.close();
  pb.close();
  report(mode, what, mode === 'bulk' ? 'MB/s' : 'ms', ab);
  process.exit(0);
}

function report(mode: string, what: string, unit: string, ab: Awaited<ReturnType<typeof abRounds>>): void {
  const f3 = (v: number) => v.toFixed(3);
  console.log(`${mode} ${what}: this ${f3(ab.zsock.cpu.median)} (${f3(ab.zsock.cpu.p10)}..${f3(ab.zsock.cpu.p90)}) ${unit}, ` +
    `other ${f3(ab.peer.cpu.median)} (${f3(ab.peer.cpu.p10)}..${f3(ab.peer.cpu.p90)}) ${unit} (CPU); ` +
    `this/other ${f2(ab.ratio.median)} (${f2(ab.ratio.p10)}..${f2(ab.ratio.p90)}), wall ${f2(ab.wallRatio.median)}; ` +
    `load ${loadavg().map(f2).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
