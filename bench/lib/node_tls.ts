/** The first peer: Node's tls (OpenSSL) over loopback, and zsock's TLS sockets over loopback,
 *  for the same handshakes and bulk transfer. */
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTS } from '../../test/helpers/pki.js';

const pem = (n: string) => readFileSync(join(CERTS, n));
const OPTS: Record<string, tls.SecureContextOptions & { ecdhCurve?: string; ciphers?: string }> = {
  'tls12-p256': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ecdhCurve: 'P-256', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
  'tls13-p256': { minVersion: 'TLSv1.3', ecdhCurve: 'P-256' },
  'tls13-x25519': { minVersion: 'TLSv1.3', ecdhCurve: 'X25519' },
  resumed: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519' },
};

export interface NodeTlsPeer {
  handshake(): Promise<number>;
  bulk(suite: 'aes128gcm' | 'chacha20', mbytes: number): Promise<number>;
  close(): void;
}

/** A Node TLS server and a client factory for one handshake kind. */
export async function nodeTls(kind: string): Promise<NodeTlsPeer> {
  const o = OPTS[kind];
  let sink: ((n: number) => void) | null = null;
  const server = tls.createServer({ cert: pem('server-ec.crt'), key: pem('server-ec.key'), ...o }, (s) => {
    s.on('data', (d: Buffer) => sink?.(d.length));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let session: Buffer | undefined;
  const connect = (extra: tls.ConnectionOptions = {}) => new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pem('ca.crt'), ...o, ...extra,
      ...(kind === 'resumed' && session ? { session } : {}) }, () => resolve(s));
    s.on('session', (x: Buffer) => { session = x; });
    s.on('error', reject);
  });
  if (kind === 'resumed') { const s = await connect(); await new Promise((r) => setTimeout(r, 20)); s.destroy(); }
  return {
    async handshake() {
      const t0 = performance.now();
      const s = await connect();
      const dt = performance.now() - t0;
      s.destroy();
      return dt;
    },
    async bulk(suite, mbytes) {
      const s = await connect({ ciphers: suite === 'chacha20' ? 'TLS_CHACHA20_POLY1305_SHA256' : 'TLS_AES_128_GCM_SHA256' } as tls.ConnectionOptions);
      (s as unknown as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
      const total = mbytes << 20, chunk = Buffer.alloc(16384, 7);
      let got = 0;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        sink = (n) => { got += n; if (got >= total) resolve(); };
        const pumpFrom = (from: number) => {
          for (let sent = from; sent < total;) {
            sent += chunk.length;
            if (!s.write(chunk)) { s.once('drain', () => pumpFrom(sent)); return; }
          }
        };
        pumpFrom(0);
      });
      const ms = performance.now() - t0;
      sink = null;
      s.destroy();
      return total / 1048576 / (ms / 1000);
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

