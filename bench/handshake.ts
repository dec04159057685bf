/**
 * One figure set for the wasm core, measured beside Node's own TLS (OpenSSL) in the same run:
 * a full TLS 1.3 ECDSA P-256 handshake over loopback TCP (client and server in this process),
 * median of N after warm-up; plus wasm size and arena bytes per context.
 * Run: make bench (or node build/js/bench/handshake.js). Never a test: timing is not asserted.
 */
import { createServer, type AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TlsSession, TLS1_2, TLS1_3, getCore } from '../src/tls/index.js';
import { CERTS, pki } from '../test/helpers/pki.js';
import { Wire, connectTo } from '../test/helpers/net.js';
import { handshake, flush } from '../test/helpers/pump.js';

const N = Number(process.env.N) || 40;
const pemFile = (n: string) => readFileSync(join(CERTS, n));

function median(xs: number[]): { median: number; p10: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

async function zsockOnce(): Promise<number> {
  const server = createServer((sock) => {
    const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
    const w = new Wire(s, sock);
    w.handshake().then(() => { s.free(); sock.end(); }, () => { s.free(); sock.destroy(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const t0 = performance.now();
  const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const w = new Wire(c, await connectTo(port));
  const step = await w.handshake();
  const dt = performance.now() - t0;
  if (step.state !== 'done') throw new Error(JSON.stringify(step));
  c.free();
  w.socket.destroy();
  server.close();
  return dt;
}

async function nodeOnce(): Promise<number> {
  const server = tls.createServer({ cert: pemFile('server-ec.crt'), key: pemFile('server-ec.key'), minVersion: 'TLSv1.3' }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pemFile('ca.crt'), minVersion: 'TLSv1.3' }, () => { s.destroy(); resolve(); });
    s.on('error', reject);
  });
  const dt = performance.now() - t0;
  server.close();
  return dt;
}

/** The same handshake with both ends in memory: pure engine CPU, no sockets. */
function inMemoryOnce(): number {
  const t0 = performance.now();
  const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(c, s);
  const dt = performance.now() - t0;
  if (r.client.state !== 'done') throw new Error('handshake failed');
  c.free();
  s.free();
  return dt;
}

function footprint() {
  const rows: Record<string, { idle: number; peak: number }> = {};
  for (const [v, name] of [[TLS1_2, 'TLS 1.2'], [TLS1_3, 'TLS 1.3']] as const) {
    const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v });
    const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
    handshake(c, s);
    flush(c, s);
    c.read(new Uint8Array(16), Date.now()); // TLS 1.3: take the tickets in
    rows[`${name} client`] = { idle: c.memory().current, peak: c.memory().peak };
    rows[`${name} server`] = { idle: s.memory().current, peak: s.memory().peak };
    c.free();
    s.free();
  }
  return rows;
}

async function main() {
  const wasm = readFileSync(process.env.ZSOCK_WASM ?? join(CERTS, '../wasm/zsock-core.wasm'));
  const t0 = performance.now();
  getCore();
  const coldMs = performance.now() - t0;
  for (let i = 0; i < 5; i++) { await zsockOnce(); await nodeOnce(); } // warm-up
  const z: number[] = [], n: number[] = [];
  for (let i = 0; i < N; i++) { z.push(await zsockOnce()); n.push(await nodeOnce()); } // interleaved
  const zm = median(z), nm = median(n);
  const mem = median(Array.from({ length: N }, inMemoryOnce));
  const result = {
    wasm: { bytes: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length },
    coldStartMs: +coldMs.toFixed(1),
    handshakeTls13P256Ms: { zsock: zm, node: nm, ratio: +(zm.median / nm.median).toFixed(2), runs: N, zsockInMemory: mem },
    arenaBytesPerContext: footprint(),
  };
  console.log(JSON.stringify(result, (_k, v) => (typeof v === 'number' ? +v.toFixed(2) : v), 2));
}

main();
