/**
 * A/B of two builds of zsock's TypeScript in one process, for a change on the socket path (the
 * TLS layer, TCP writes, the session's copies): the tree under test (this one) and another
 * checkout's build/js take turns, over loopback sockets, each with its own modules, core and
 * fd table. Timed by CPU time (wall beside it); prints the median of the per-round ratios
 * this / other with p10..p90. A benchmark, never a test.
 *
 *   node build/js/bench/ab_trees.js OTHER_ROOT bulk aes128gcm|chacha20 [ROUNDS] [MB]
 *   node build/js/bench/ab_trees.js OTHER_ROOT hs tls13-x25519|tls13-p256|tls12-p256|resumed [ROUNDS] [K]
 *
 * OTHER_ROOT is a checkout with `node scripts/build-ts.mjs` run and build/certs, build/wasm in
 * place (for example `git archive BASE | tar -x -C /tmp/before`). $ZSOCK_WASM picks both cores;
 * $ZSOCK_WASM_OTHER another core for the other tree (A/B of two cores on the socket path, with
 * a copy of this tree as the other).
 */
import { join } from 'node:path';
import { ROOT } from '../test/helpers/pki.js';
import { abRounds, type Sample } from './lib/stats.js';
import type { ZsockPeer } from './lib/zsock_sockets.js';

type Tree = { zsockSockets(kind: string): Promise<ZsockPeer> };

async function tree(root: string, path?: string): Promise<Tree> {
  const tls = await import(join(root, 'build/js/src/tls/index.js'));
  tls.loadCore({ arenaSize: 32 * 1024 * 1024, path });
  return import(join(root, 'build/js/bench/lib/zsock_sockets.js'));
}

const f2 = (v: number) => v.toFixed(2);

async function main(): Promise<void> {
  const [other, mode, what, roundsS, nS] = process.argv.slice(2);
  if (!other || !['bulk', 'hs'].includes(mode) || !what) throw new Error('usage: ab_trees OTHER_ROOT bulk|hs KIND [ROUNDS] [MB|K]');
  const rounds = Number(roundsS) || 9, n = Number(nS) || (mode === 'bulk' ? 4 : 4);
  const [a, b] = [await tree(ROOT), await tree(other, process.env.ZSOCK_WASM_OTHER)];
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
  const unit = mode === 'bulk' ? 'MB/s' : 'ms';
  console.log(`${mode} ${what}: this ${f2(ab.zsock.cpu.median)} ${unit}, other ${f2(ab.peer.cpu.median)} ${unit} (CPU); ` +
    `this/other ${f2(ab.ratio.median)} (${f2(ab.ratio.p10)}..${f2(ab.ratio.p90)}), wall ${f2(ab.wallRatio.median)}`);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
