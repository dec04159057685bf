/** The host profile's public-key crypto (src/tls/host_ecc.ts, host_sig.ts; wasm/zs_host_ecc.c,
 *  zs_host_sig.c): the imports against node:crypto, their refusals, and handshakes on it and on the C path it
 *  falls back to, with the same mbedTLS error for an invalid peer point on both. Runs on the
 *  host core and again on the pure-C core (which never calls the import); V8 only. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createECDH, generateKeyPairSync, sign, verify as nodeVerify, constants } from 'node:crypto';
import { TLS1_2, TLS1_3, type TlsSession } from '../../src/tls/index.js';
import { hostEcc, hostAccel } from '../../src/tls/host_ecc.js';
import { hostEcdsaSign, hostEcdsaVerify, hostRsaVerify } from '../../src/tls/host_sig.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { flushCredCache } from '../../src/tls/cred_cache.js'; // internal: shared parsed credentials
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const BASE = 1, SHARED = 2;
/** Whether this run's core is the host profile's (the default one, or $ZSOCK_WASM naming it). */
const HOST_CORE = !process.env.ZSOCK_WASM || /core-host\.wasm$/.test(process.env.ZSOCK_WASM);

/** A memory as the core lends it, with the import bound to it. */
function mem() {
  const memory = { buffer: new ArrayBuffer(4096) };
  const m = new Uint8Array(memory.buffer);
  return { m, ecc: hostEcc(() => memory), verify: hostEcdsaVerify(() => memory), rsa: hostRsaVerify(() => memory),
    sign: hostEcdsaSign(() => memory) };
}

const I = suite('host ECDH import');

I('P-256 and P-384: k*G and the shared x coordinate as node:crypto computes them', () => {
  for (const [group, curve, n] of [[23, 'prime256v1', 32], [24, 'secp384r1', 48]] as const) {
    const a = createECDH(curve), b = createECDH(curve);
    // A key whose first byte is zero, as 1 key in 256 is.
    for (let i = 0; i < 10000 && (a.generateKeys(), a.getPrivateKey().length === n); i++);
    assert.ok(a.getPrivateKey().length < n, 'a key with a leading zero byte');
    b.generateKeys();
    const { m, ecc } = mem();
    // node gives the private key without its leading zero bytes (1 key in 256): the scalar is
    // n bytes big-endian, so it goes right-aligned (regression: a shifted scalar failed k*G).
    const k = a.getPrivateKey();
    m.set(k, n - k.length);
    assert.is(ecc(BASE, group, 0, n, 0, 0, 1024, 200), 1 + 2 * n);
    assert.equal(m.slice(1024, 1024 + 1 + 2 * n), Uint8Array.from(a.getPublicKey()));
    m.set(b.getPublicKey(), 256);
    assert.is(ecc(SHARED, group, 0, n, 256, 1 + 2 * n, 2048, n), n);
    assert.equal(m.slice(2048, 2048 + n), Uint8Array.from(b.computeSecret(a.getPublicKey())));
  }
});

I('refuses (0) what it does not serve, and never throws into the core', () => {
  const { m, ecc } = mem();
  m.fill(1, 0, 64);
  const bad: Array<[number, number, number, number, number, number, number, number]> = [
    [3, 23, 0, 32, 0, 0, 1024, 65], // no such operation
    [BASE, 25, 0, 66, 0, 0, 1024, 200], // P-521: not served
    [SHARED, 29, 0, 32, 256, 32, 2048, 32], // X25519: the core's own is as fast (zs_c25519.c)
    [BASE, 23, 0, 31, 0, 0, 1024, 65], // scalar of the wrong length
    [BASE, 23, 0, 32, 0, 0, 1024, 64], // output too small
    [SHARED, 23, 0, 32, 256, 64, 2048, 32], // compressed-size point
    [BASE, 23, 4090, 32, 0, 0, 1024, 65], // scalar beyond memory
    [SHARED, 23, 0, 32, 256, 65, 4080, 32], // output beyond memory
    [BASE, 23, -8, 32, 0, 0, 1024, 65], // a pointer that reads negative in JS
  ];
  for (const args of bad) assert.is(ecc(...args), 0, JSON.stringify(args));
  m.set([4, ...new Uint8Array(64).fill(7)], 256); // (7.., 7..) is not on P-256
  assert.is(ecc(SHARED, 23, 0, 32, 256, 65, 2048, 32), 0);
  m.fill(0, 0, 32); // the scalar 0 is not a P-256 private key
  assert.is(ecc(BASE, 23, 0, 32, 0, 0, 1024, 65), 0);
});

I('ECDSA: 1 for a DER signature that verifies, 0 for a wrong one and for what it does not serve', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const msg = Buffer.from('the signed content'), sig = sign('sha256', msg, privateKey);
  const { m, verify } = mem();
  m.set(msg, 0); m.set(point, 256); m.set(sig, 512);
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 1);
  assert.is(verify(23, 2, 0, msg.length, 256, 65, 512, sig.length), 0, 'another hash');
  assert.is(verify(24, 1, 0, msg.length, 256, 65, 512, sig.length), 0, 'another curve');
  assert.is(verify(23, 1, 0, msg.length, 256, 64, 512, sig.length), 0, 'a point of the wrong length');
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length - 1), 0, 'a cut signature');
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 4090, 64), 0, 'a signature beyond memory');
  assert.is(verify(23, 7, 0, msg.length, 256, 65, 512, sig.length), 0, 'no such hash');
  m[0] ^= 1;
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 0, 'another message');
});

I('ECDSA signing: a DER signature that verifies with the key, written in place; 0 for what it does not serve', () => {
  for (const [group, curve, n, hash, alg] of [[23, 'P-256', 32, 1, 'sha256'], [24, 'P-384', 48, 2, 'sha384']] as const) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const jwk = privateKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const d = Buffer.from(jwk.d!, 'base64url');
    const msg = Buffer.from('the content a server signs');
    const { m, sign: hostSign } = mem();
    m.set(msg, 0); m.set(d, 256 + n - d.length); m.set(point, 512);
    for (let i = 0; i < 2; i++) { // the second with the key node:crypto imported the first time
      m.fill(0, 1024, 1024 + 256);
      const len = hostSign(group, hash, 0, msg.length, 256, n, 512, point.length, 1024, 256);
      assert.ok(len > 8 && len <= 2 * n + 9, `${curve}: ${len} bytes`);
      assert.is(m[1024], 0x30, 'a DER SEQUENCE');
      assert.ok(nodeVerify(alg, msg, { key: publicKey, dsaEncoding: 'der' }, m.subarray(1024, 1024 + len)), `${curve} verifies`);
    }
    assert.is(hostSign(group, 7, 0, msg.length, 256, n, 512, point.length, 1024, 256), 0, 'no such hash');
    assert.is(hostSign(25, hash, 0, msg.length, 256, n, 512, point.length, 1024, 256), 0, 'no such group');
    assert.is(hostSign(group, hash, 0, msg.length, 256, n - 1, 512, point.length, 1024, 256), 0, 'a scalar of the wrong length');
    assert.is(hostSign(group, hash, 0, msg.length, 256, n, 512, point.length - 1, 1024, 256), 0, 'a point of the wrong length');
    assert.is(hostSign(group, hash, 0, msg.length, 256, n, 512, point.length, 1024, 8), 0, 'no room for the signature');
    assert.is(hostSign(group, hash, 0, msg.length, 256, n, 512, point.length, 4090, 64), 0, 'room beyond memory');
    assert.is(hostSign(group, hash, 0, msg.length, 4080, n, 512, point.length, 1024, 256), 0, 'a scalar beyond memory');
    const other = Buffer.from(generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ format: 'jwk' }).d!, 'base64url');
    m.fill(0, 256, 256 + n); m.set(other, 256 + n - other.length);
    assert.is(hostSign(group, hash, 0, msg.length, 256, n, 512, point.length, 1024, 256), 0, 'a scalar that is not the point\'s');
    m.fill(0, 256, 256 + n); // the scalar 0 is no private key
    assert.is(hostSign(group, hash, 0, msg.length, 256, n, 512, point.length, 1024, 256), 0, 'a zero scalar');
  }
});

I('RSA: 1 for a PKCS#1 v1.5 signature that verifies, 0 otherwise', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url'), e = Buffer.concat([Buffer.alloc(1), Buffer.from(jwk.e!, 'base64url')]);
  const msg = Buffer.from('to be signed'), sig = sign('sha256', msg, privateKey);
  const pss = sign('sha256', msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
  const { m, rsa } = mem();
  m.set(msg, 0); m.set(n, 256); m.set(e, 768); m.set(sig, 1024); m.set(pss, 2048);
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, 4, 1024), 1, 'e with a leading zero byte');
  assert.is(rsa(2, 0, msg.length, 256, 256, 768, 4, 1024), 0, 'another hash');
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, 4, 2048), 0, 'a PSS signature');
  assert.is(rsa(1, 0, msg.length, 256, 64, 768, 4, 1024), 0, 'a modulus too short');
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, 9, 1024), 0, 'an exponent too long');
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, 4, 3900), 0, 'a signature beyond memory');
  m[1030] ^= 1;
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, 4, 1024), 0, 'a flipped bit');
});

const H = suite('handshakes on the host ECDH and on its C fallback');
H.after.each(() => { hostAccel.enabled = true; freeAll(); });

/** `groups`: the server's; the client offers P-256 after them, which TLS 1.2 needs for the
 *  server's P-256 certificate (RFC 8422 section 5.1). */
type Kind = { name: string; version: number; groups: number[]; ciphersuites?: number[]; calls: number };
const KINDS: Kind[] = [
  // calls: the server's key-pair check (once per parsed set: shared sets skip it) and its ECDSA
  // signature (P-256 certificate: one call, or refused two, the signature then its k * G), the client's
  // check of the certificate's RSA signature (the CA) and of the server's signature
  // (CertificateVerify, ServerKeyExchange), then a key generation and a shared secret on each end
  // for a NIST group (X25519 stays in the core)
  { name: 'TLS 1.3 P-256', version: TLS1_3, groups: [23], calls: 8 },
  { name: 'TLS 1.3 P-384', version: TLS1_3, groups: [24], calls: 8 },
  { name: 'TLS 1.3 x25519', version: TLS1_3, groups: [29], calls: 4 },
  { name: 'TLS 1.2 P-256', version: TLS1_2, groups: [23], ciphersuites: [0xc02b], calls: 8 },
  { name: 'TLS 1.2 x25519', version: TLS1_2, groups: [29], ciphersuites: [0xc02b], calls: 4 },
];

/** A client and a server; `fresh`: their credentials parsed anew (the key-pair check counted). */
function pair(k: Kind, fresh = true): [TlsSession, TlsSession] {
  if (fresh) flushCredCache(getCore());
  return [session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: k.version, groups: [...new Set([...k.groups, 23])], ciphersuites: k.ciphersuites }),
    session({ role: 'server', certs: [pki.serverEc()], groups: k.groups })];
}

for (const k of KINDS) {
  H(`${k.name}: the host serves the NIST curves; with it refused, the C path does`, () => {
    for (const on of [true, false]) {
      hostAccel.enabled = on;
      for (const fresh of [true, false]) {
        const served = hostAccel.served, refused = hostAccel.refused;
        const [c, s] = pair(k, fresh);
        const r = handshake(c, s);
        assert.is(r.client.state, 'done', `${k.name} ${on}: ${JSON.stringify(r.client)}`);
        assert.is(r.server.state, 'done');
        assert.is(c.group, k.groups[0]);
        const calls = fresh ? k.calls : k.calls - 1; // a shared set's pair was checked once
        assert.is(hostAccel.served - served, HOST_CORE && on ? calls : 0, `calls served (fresh ${fresh})`);
        assert.is(hostAccel.refused - refused, HOST_CORE && !on ? calls + 1 : 0, `calls refused (fresh ${fresh})`);
        freeAll();
      }
    }
  });
}

/** Flips a bit of the y coordinate in the client's TLS 1.2 ClientKeyExchange (an uncompressed
 *  P-256 point right after its length byte), so that the point is no longer on the curve. */
function badClientKeyExchange(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i + 5 < bytes.length; i += 5 + ((bytes[i + 3] << 8) | bytes[i + 4])) {
    if (bytes[i] === 22 && bytes[i + 5] === 16 && bytes[i + 9] === 65 && bytes[i + 10] === 4) {
      const out = bytes.slice();
      out[i + 10 + 64] ^= 1;
      return out;
    }
  }
  return bytes;
}

H('an invalid peer point fails with the same error on both paths, the host never asked', () => {
  const codes: number[] = [];
  for (const on of [true, false]) {
    hostAccel.enabled = on;
    const served = hostAccel.served;
    const [c, s] = pair(KINDS[3]);
    const r = handshake(c, s, { tamper: (from, b) => (from === 'client' ? badClientKeyExchange(b) : b) });
    assert.is(r.server.state, 'fatal');
    codes.push(r.server.state === 'fatal' ? r.server.error.code : 0);
    // all but the server's shared secret: the invalid point never reaches the host
    assert.is(hostAccel.served - served, HOST_CORE && on ? 7 : 0);
    freeAll();
  }
  assert.is(codes[0], codes[1]);
  // mbedtls_ecdh_compute_shared's MBEDTLS_ERR_ECP_INVALID_KEY, as ssl_tls12_server.c reports it
  assert.is(codes[0], -0x7300, 'MBEDTLS_ERR_SSL_DECODE_ERROR');
});

I.run();
H.run();
