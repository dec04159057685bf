/**
 * A firmware-like program with nothing but the engine and its platform: no console, timers,
 * TextEncoder/TextDecoder, crypto or require as globals, as on a Moddable device. A TLS 1.3
 * handshake between two sessions in memory (host name, ALPN, a PEM CA), data both ways, the
 * peer's certificate: everything src/tls needs must come through test/xs/platform.ts.
 * Exits 0 when all went as expected, 1 when a check failed, 2 when a global is there.
 */
import sys from 'zsock:sys';
import host from 'zsock:host';
import { TlsSession, TLS1_2, TLS1_3 } from '../../../src/tls/index.js';
import { pki } from '../../helpers/pki.js';
import { handshake, flush } from '../../helpers/pump.js';

const DEVICE_LACKS = ['console', 'setTimeout', 'setInterval', 'clearTimeout', 'TextEncoder', 'TextDecoder', 'crypto',
  'queueMicrotask', 'atob', 'btoa', 'require', 'process', 'performance', 'structuredClone'];
const present = DEVICE_LACKS.filter((name) => name in globalThis);
if (present.length) {
  host.eprint(`globals a device lacks: ${present.join(', ')}`);
  sys.exit(2);
}

let failed = 0;
const check = (ok: boolean, what: string) => {
  host.print(`${ok ? 'ok' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};
const same = (a: Uint8Array | null, b: Uint8Array) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

for (const version of [TLS1_3, TLS1_2]) {
  const c = new TlsSession({ role: 'client', ca: [pki.caPem()], hostname: 'localhost', alpn: ['zs/1', 'http/1.1'], minVersion: version, maxVersion: version });
  const s = new TlsSession({ role: 'server', certs: [pki.serverEc()], alpn: ['http/1.1'] });
  const r = handshake(c, s);
  check(r.client.state === 'done' && r.server.state === 'done', `TLS ${version.toString(16)} handshake`);
  check(c.alpn === 'http/1.1' && s.alpn === 'http/1.1', 'ALPN agreed');
  check(same(c.peerCertificate, pki.serverEc().cert), 'peer certificate');
  const data = new Uint8Array(3000).map((_, i) => i & 255);
  check(c.write(data, Date.now()).state === 'done', 'write');
  flush(c, s);
  const buf = new Uint8Array(4096);
  const got = s.read(buf, Date.now());
  check(got.state === 'done' && same(buf.subarray(0, got.state === 'done' ? got.n : 0), data), 'read what was written');
  c.free();
  s.free();
}
sys.exit(failed ? 1 : 0);
