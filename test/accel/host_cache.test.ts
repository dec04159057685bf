/** What the host profile's imports keep between calls (src/tls/host_sig.ts, host_gcm.ts): the
 *  imported public keys, found again by their bytes, and a view of the core's memory, made again
 *  when the memory grows. A cached key must never answer for another key. V8 only. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { hostEcdsaVerify, hostRsaVerify } from '../../src/tls/host_sig.js';
import { hostGcm } from '../../src/tls/host_gcm.js';

const C = suite('host imports: cached keys and memory views');

function ecPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

C('ECDSA: a key verified with before does not answer for another key of the same curve', () => {
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' }), b = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const memory = { buffer: new ArrayBuffer(4096) };
  const m = new Uint8Array(memory.buffer), verify = hostEcdsaVerify(() => memory);
  const msg = Buffer.from('signed by a'), sig = sign('sha256', msg, a.privateKey);
  m.set(msg, 0); m.set(sig, 512);
  m.set(ecPoint(a.publicKey), 256);
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 1, 'a, imported');
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 1, 'a, from the cache');
  m.set(ecPoint(b.publicKey), 256); // the same place in memory, another key
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 0, 'b does not verify a signature by a');
  m.set(ecPoint(a.publicKey), 256);
  m[256 + 64] ^= 1; // a's point with its last byte changed
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 0, 'a point one bit off');
});

C('RSA: the cache tells keys apart by modulus and exponent', () => {
  const a = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = a.publicKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url'), e = Buffer.from(jwk.e!, 'base64url');
  const memory = { buffer: new ArrayBuffer(4096) };
  const m = new Uint8Array(memory.buffer), rsa = hostRsaVerify(() => memory);
  const msg = Buffer.from('to be signed'), sig = sign('sha256', msg, a.privateKey);
  m.set(msg, 0); m.set(n, 256); m.set(e, 768); m.set(sig, 1024);
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, e.length, 1024), 1);
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, e.length, 1024), 1, 'from the cache');
  m[768 + e.length - 1] ^= 2; // another exponent, the same modulus
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, e.length, 1024), 0);
  m[768 + e.length - 1] ^= 2;
  m[300] ^= 1; // another modulus, the same exponent
  assert.is(rsa(1, 0, msg.length, 256, 256, 768, e.length, 1024), 0);
});

C('AES-GCM and ECDSA read the grown memory, not the view of the old one', () => {
  let memory = { buffer: new ArrayBuffer(4096) };
  const gcm = hostGcm(() => memory);
  const key = new Uint8Array(16).fill(7), iv = new Uint8Array(12).fill(9), plain = Buffer.from('grown memory');
  const seal = () => {
    const m = new Uint8Array(memory.buffer);
    m.set(key, 0); m.set(iv, 32); m.set(plain, 64);
    assert.is(gcm(1, 0, 16, 32, 12, 0, 0, 64, plain.length, 128, 256, 16), 0);
    return { ct: m.slice(128, 128 + plain.length), tag: m.slice(256, 272) };
  };
  const c = createCipheriv('aes-128-gcm', key, iv);
  const want = c.update(plain);
  c.final();
  const first = seal();
  memory = { buffer: new ArrayBuffer(8192) }; // as a core's memory.grow: a new buffer
  const second = seal();
  assert.equal(second.ct, Uint8Array.from(want));
  assert.equal(second.tag, Uint8Array.from(c.getAuthTag()));
  assert.equal(first, second);
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const verify = hostEcdsaVerify(() => memory);
  const msg = Buffer.from('after growth'), sig = sign('sha256', msg, a.privateKey);
  const m = new Uint8Array(memory.buffer);
  m.set(msg, 0); m.set(ecPoint(a.publicKey), 256); m.set(sig, 512);
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 1);
  memory = { buffer: new ArrayBuffer(16384) };
  assert.is(verify(23, 1, 0, msg.length, 256, 65, 512, sig.length), 0, 'the new memory holds no signature');
});

C.run();
