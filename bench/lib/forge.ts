/** node-forge, where it can run: its best suite is TLS 1.1 with RSA key exchange
 *  (TLS_RSA_WITH_AES_128_CBC_SHA), RSA-2048 certificate verified. Both ends in memory. */
import forge from 'node-forge';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTS } from '../../test/helpers/pki.js';

const text = (n: string) => readFileSync(join(CERTS, n), 'utf8');

function pair(): { client: forge.tls.Connection; server: forge.tls.Connection; received: () => number; ready: () => boolean } {
  const caStore = forge.pki.createCaStore([text('ca.crt')]);
  let got = 0, up = false;
  // eslint-disable-next-line prefer-const
  let client: forge.tls.Connection, server: forge.tls.Connection;
  server = forge.tls.createConnection({
    server: true,
    cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
    verifyClient: false,
    getCertificate: () => text('server-rsa.crt'),
    getPrivateKey: () => text('server-rsa.key'),
    connected: () => {},
    tlsDataReady: (c) => { client.process(c.tlsData.getBytes()); },
    dataReady: (c) => { got += c.data.length(); c.data.clear(); },
    closed: () => {},
    error: (_c, e) => { throw new Error(`forge server: ${e.message}`); },
  });
  client = forge.tls.createConnection({
    server: false,
    caStore,
    cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
    virtualHost: 'localhost',
    verify: (_c, verified) => verified,
    connected: () => { up = true; },
    tlsDataReady: (c) => { server.process(c.tlsData.getBytes()); },
    dataReady: () => {},
    closed: () => {},
    error: (_c, e) => { throw new Error(`forge client: ${e.message}`); },
  });
  return { client, server, received: () => got, ready: () => up };
}

/** One full handshake, ms. */
export function forgeHandshake(): number {
  const t0 = performance.now();
  const p = pair();
  p.client.handshake();
  if (!p.ready()) throw new Error('forge: no handshake');
  return performance.now() - t0;
}

/** MB/s client to server. */
export function forgeBulk(mbytes: number): number {
  const p = pair();
  p.client.handshake();
  const chunk = forge.util.createBuffer(Buffer.alloc(16384, 7).toString('binary')).getBytes();
  const total = mbytes << 20;
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += 16384) p.client.prepare(chunk);
  const ms = performance.now() - t0;
  if (p.received() < total) throw new Error(`forge: ${p.received()} of ${total}`);
  return total / 1048576 / (ms / 1000);
}
