/** X25519 on our fixed limbs (wasm/zs_c25519.c, through zs_x25519.c and mbedTLS's Everest
 *  variant) against OpenSSL's own X25519: a wrong public key or shared secret fails the handshake
 *  or the Finished check. A peer's small-order share fails as mbedTLS fails it. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { CIPHERSUITES as CS, TLS1_2, TLS1_3, TlsSession, type TlsConfig } from '../../src/tls/index.js';
import { CERTS, pki } from '../helpers/pki.js';
import { Wire, Peer, connectTo, freePort } from '../helpers/net.js';
import { handshake } from '../helpers/pump.js';

const X = suite('x25519');
const f = (name: string) => join(CERTS, name);
const peers: Peer[] = [];
const sessions: TlsSession[] = [];
X.after.each(() => {
  peers.splice(0).forEach((p) => p.kill());
  sessions.splice(0).forEach((s) => s.free());
});

function session(c: TlsConfig): TlsSession {
  const s = new TlsSession(c);
  sessions.push(s);
  return s;
}

/** openssl s_server offering X25519 only; our client exchanges a line with its -rev echo. */
async function againstOpenssl(version: number, extra: Partial<TlsConfig>, args: string[]): Promise<TlsSession> {
  const port = await freePort();
  const p = new Peer('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-rev', '-naccept', '1', '-groups', 'X25519',
    '-cert', f('server-ec.crt'), '-key', f('server-ec.key'), ...args], 'ACCEPT');
  peers.push(p);
  await p.ready;
  const s = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: version, maxVersion: version, groups: [29], ...extra });
  const wire = new Wire(s, await connectTo(port));
  const hs = await wire.handshake();
  assert.is(hs.state, 'done', JSON.stringify(hs));
  wire.write('x25519 line\n');
  assert.match(await wire.readText('enil 91552x'), 'enil 91552x');
  wire.close();
  return s;
}

X('TLS 1.3 with OpenSSL: our key share (PSA key generation) and shared secret agree with its', async () => {
  const s = await againstOpenssl(TLS1_3, {}, ['-tls1_3']);
  assert.is(s.group, 29);
});

X('TLS 1.2 ECDHE-ECDSA with OpenSSL: the legacy ECDH context (Everest variant) agrees too', async () => {
  // TLS 1.2 also reads supported_groups as the curves the client takes in certificates, so P-256
  // is listed after X25519 (OpenSSL would otherwise find no usable certificate); -groups X25519
  // on the server leaves X25519 the only key exchange.
  const s = await againstOpenssl(TLS1_2, { groups: [29, 23], ciphersuites: [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] }, ['-tls1_2']);
  assert.is(s.version, TLS1_2);
  assert.is(s.group, 29);
});

X('P-256 is untouched by the X25519 hook: a P-256-only handshake still succeeds in memory', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3, groups: [23] });
  const s = session({ role: 'server', certs: [pki.serverEc()], groups: [23] });
  const r = handshake(c, s);
  assert.is(r.client.state, 'done');
  assert.is(c.group, 23);
});

/** The first X25519 share (group 29, 32 bytes) in a client's TLS 1.3 ClientHello or its TLS 1.2
 *  ClientKeyExchange (length byte 32), zeroed: u = 0 has small order, every shared secret with it
 *  is zero. */
function zeroShare(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 22) return bytes;
  const at = bytes[5] === 1 ? ((i: number) => bytes[i] === 0 && bytes[i + 1] === 29 && bytes[i + 2] === 0 && bytes[i + 3] === 32 ? i + 4 : -1)
    : bytes[5] === 16 ? ((i: number) => (i === 9 && bytes[i] === 32 ? i + 1 : -1)) : () => -1;
  for (let i = 9; i + 33 <= bytes.length; i++) {
    const k = at(i);
    if (k >= 0) {
      const out = bytes.slice();
      out.fill(0, k, k + 32);
      return out;
    }
  }
  return bytes;
}

X('a client\'s small-order share (u = 0) fails the server\'s handshake with mbedTLS\'s error', () => {
  const cases = [
    // PSA's key agreement refuses it: MBEDTLS_ERR_SSL_BAD_INPUT_DATA
    { version: TLS1_3, groups: [29], code: -0x7100 },
    // Everest's context refuses the all-zero secret after the ladder, which ssl_tls12_server.c
    // reports as MBEDTLS_ERR_SSL_DECODE_ERROR
    { version: TLS1_2, groups: [29, 23], code: -0x7300 },
  ];
  for (const k of cases) {
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: k.version, maxVersion: k.version, groups: k.groups,
      ciphersuites: k.version === TLS1_2 ? [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] : undefined });
    const s = session({ role: 'server', certs: [pki.serverEc()], groups: [29] });
    const r = handshake(c, s, { tamper: (from, b) => (from === 'client' ? zeroShare(b) : b) });
    assert.is(r.server.state, 'fatal', `TLS ${k.version.toString(16)}: ${JSON.stringify(r.server)}`);
    assert.is(r.server.state === 'fatal' && r.server.error.code, k.code, `TLS ${k.version.toString(16)}`);
  }
});

X.run();
