/**
 * Measures the TLS core on the engine it is bundled for (scripts/xs-measure.mjs runs it on V8 +
 * wasm and on XS + the native core): TLS 1.3 ECDSA handshakes (client and server in memory),
 * then the core's memory with two TLS 1.3 connections open. Prints one JSON line.
 */
import { TlsSession, TLS1_3, loadCore } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js';
import { Staging } from '../../src/tls/io.js';
import { pki } from '../../test/helpers/pki.js';
import { handshake, flush } from '../../test/helpers/pump.js';
import { engine, print, region, now, arena, heap } from 'measure-env';

if (arena) loadCore({ arenaSize: arena }); // a board's arena (96 KB on moddable-esp32); else the default

const N = 30;
const pair = () => [
  new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 }),
  new TlsSession({ role: 'server', certs: [pki.serverEc()] }),
] as const;

const warm = pair();
handshake(warm[0], warm[1]);
warm.forEach((s) => s.free());
const t0 = now();
for (let i = 0; i < N; i++) {
  const [c, s] = pair();
  const r = handshake(c, s);
  if (r.client.state !== 'done' || r.server.state !== 'done') throw new Error(`handshake ${r.client.state}/${r.server.state}`);
  c.free();
  s.free();
}
const handshakeMs = (now() - t0) / N;

// Two connections as a board holds them: the clients here, their servers beside them.
const core = getCore();
const before = core.arena().used;
const heap0 = heap();
const open = [pair(), pair()];
for (const [c, s] of open) {
  handshake(c, s);
  flush(c, s);
}
const heap1 = heap();
const clients = open.map(([c]) => c.memory());
const st = Staging.of(core);
print(JSON.stringify({
  engine,
  handshakeMs: Math.round(handshakeMs * 100) / 100,
  clientArena: clients,
  arenaForTwoConnections: core.arena().used - before,
  arenaPeak: core.arena().peak,
  staging: st.inCap + st.outCap + st.ptCap,
  region: region(),
  // The JS heap the four sessions hold (XS: chunks bytes and slots, after a collection).
  heapForTwoConnections: heap0 && heap1 ? { chunks: heap1.chunks - heap0.chunks, slots: heap1.slots - heap0.slots } : null,
}));
open.flat().forEach((s) => s.free());
