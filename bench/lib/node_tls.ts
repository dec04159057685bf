/** The first peer: Node's tls (OpenSSL) over loopback, both ends in this process, doing what the
 *  zsock sockets do: the same groups, suites, key type, record size, and one parsed client
 *  context per kind (as zsock keeps its parsed credentials). */
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTS } from '../../test/helpers/pki.js';
import { RECORD, cpuOf, rate, type Sample } from './stats.js';

const pem = (n: string) => readFileSync(join(CERTS, n));
type Opts = tls.SecureContextOptions & { ecdhCurve?: string; ciphers?: string };
const OPTS: Record<string, Opts> = {
  'tls12-p256': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ecdhCurve: 'P-256', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  'tls13-p256': { minVersion: 'TLSv1.3', ecdhCurve: 'P-256' },
  'tls13-x25519': { minVersion: 'TLSv1.3', ecdhCurve: 'X25519' },
  resumed: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519' },
};
const SUITE = { chacha20: 'TLS_CHACHA20_POLY1305_SHA256', aes128gcm: 'TLS_AES_128_GCM_SHA256' };

export interface NodeTlsPeer {
  /** One handshake, done when both ends are (as zsock's connect + accept): ms of CPU and wall. */
  handshake(): Promise<Sample>;
  /** MB/s client to server (CPU and wall), one RECORD per write. */
  bulk(suite: 'aes128gcm' | 'chacha20', mbytes: number): Promise<Sample>;
  close(): void;
}

/** A Node TLS server and a client factory for one handshake kind. */
export async function nodeTls(kind: string): Promise<NodeTlsPeer> {
  const o = OPTS[kind];
  let sink: ((n: number) => void) | null = null;
  let accepted: (() => void) | null = null;
  const server = tls.createServer({ cert: pem('server-ec.crt'), key: pem('server-ec.key'), ...o }, (s) => {
    accepted?.();
    s.on('data', (d: Buffer) => sink?.(d.length));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let session: Buffer | undefined;
  const contexts = new Map<string, tls.SecureContext>();
  const ctxFor = (ciphers?: string) => {
    const key = ciphers ?? '';
    if (!contexts.has(key)) contexts.set(key, tls.createSecureContext({ ca: pem('ca.crt'), ...o, ...(ciphers ? { ciphers } : {}) }));
    return contexts.get(key)!;
  };
  const connect = (ciphers?: string) => new Promise<tls.TLSSocket>((resolve, reject) => {
    let n = 0, s: tls.TLSSocket | null = null;
    const both = () => { if (++n === 2) resolve(s!); };
    accepted = both;
    s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', secureContext: ctxFor(ciphers),
      ...(kind === 'resumed' && session ? { session } : {}) }, both);
    s.on('session', (x: Buffer) => { session = x; });
    s.on('error', reject);
  });
  if (kind === 'resumed') { const s = await connect(); await new Promise((r) => setTimeout(r, 20)); s.destroy(); }
  return {
    async handshake() {
      let s: tls.TLSSocket | null = null;
      const t = await cpuOf(async () => { s = await connect(); });
      if (kind === 'resumed' && !s!.isSessionReused()) throw new Error('Node: the resumed handshake was a full one');
      s!.destroy();
      return t;
    },
    async bulk(suite, mbytes) {
      const s = await connect(SUITE[suite]);
      s.setNoDelay(true);
      const total = mbytes << 20, chunk = Buffer.alloc(RECORD, 7);
      let got = 0;
      const t = await cpuOf(() => new Promise<void>((resolve) => {
        sink = (n) => { got += n; if (got >= total) resolve(); };
        const pumpFrom = (from: number) => {
          for (let sent = from; sent < total;) {
            sent += chunk.length;
            if (!s.write(chunk)) { s.once('drain', () => pumpFrom(sent)); return; }
          }
        };
        pumpFrom(0);
      }));
      sink = null;
      s.destroy();
      return rate(total, t);
    },
    close() { server.close(); },
  };
}

/** A TLS 1.3 server on loopback that accepts and holds connections (for the scale test). */
export async function holdingServer(): Promise<{ port: number; close(): void }> {
  const held: tls.TLSSocket[] = [];
  const server = tls.createServer({ cert: pem('server-ec.crt'), key: pem('server-ec.key'), minVersion: 'TLSv1.3' }, (s) => { held.push(s); s.on('error', () => {}); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, r));
  return { port: (server.address() as AddressInfo).port, close() { held.forEach((s) => s.destroy()); server.close(); } };
}

/** Opens `n` idle TLS 1.3 Node clients to `port`, 50 at a time, sharing one SecureContext. */
export async function nodeIdle(n: number, port: number): Promise<tls.TLSSocket[]> {
  const socks: tls.TLSSocket[] = [];
  const secureContext = tls.createSecureContext({ ca: pem('ca.crt'), minVersion: 'TLSv1.3' });
  for (let i = 0; i < n; i += 50) {
    socks.push(...await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', secureContext }, () => resolve(s));
      s.on('error', reject);
    }))));
  }
  return socks;
}
