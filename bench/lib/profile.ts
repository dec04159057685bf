/** Per config profile, in a child process (one core per process): wasm size raw/gzip/brotli,
 *  cold start (load + instantiate, first handshake) against warmed handshakes, and arena bytes
 *  of an idle established TLS 1.3 client and its handshake peak. */
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { TlsSession, TLS1_3 } from '../../src/tls/index.js';
import { getCore } from '../../src/internal.js';
import { pki } from '../../test/helpers/pki.js';
import { handshake, flush } from '../../test/helpers/pump.js';
import { stat } from './stats.js';

export function sizes(path: string): { raw: number; gzip: number; brotli: number } {
  const b = readFileSync(path);
  return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length,
    brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
}

function oneHandshake(): { c: TlsSession; s: TlsSession } {
  const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(c, s);
  if (r.client.state !== 'done') throw new Error(JSON.stringify(r));
  return { c, s };
}

/** Run in the child: prints one JSON line. */
export function profileChild(): void {
  const t0 = performance.now();
  getCore();
  const load = performance.now() - t0;
  const t1 = performance.now();
  const first = oneHandshake();
  const firstMs = performance.now() - t1;
  flush(first.s, first.c);
  first.c.read(new Uint8Array(16), Date.now()); // tickets in: the idle state of a client
  const idle = first.c.memory().current, peak = first.c.memory().peak;
  const sIdle = first.s.memory().current, sPeak = first.s.memory().peak;
  first.c.free();
  first.s.free();
  const warm: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const p = oneHandshake();
    warm.push(performance.now() - t);
    p.c.free();
    p.s.free();
  }
  console.log(JSON.stringify({ loadMs: load, firstHandshakeMs: firstMs, warmHandshakeMs: stat(warm).median,
    client: { idle, peak }, server: { idle: sIdle, peak: sPeak } }));
}
