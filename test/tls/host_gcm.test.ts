/** The host profile's AES-GCM import (src/tls/host_gcm.ts), over a memory as the core lends it:
 *  a NIST vector, in-place sealing, a bad tag, bad lengths and ranges, without throwing into the
 *  core. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hostGcm } from '../../src/tls/host_gcm.js';

const G = suite('host AES-GCM import');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

// NIST GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD).
const KEY = hex('feffe9928665731c6d6a8f9467308308'), IV = hex('cafebabefacedbaddecaf888');
const AAD = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
const PT = hex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
const CT = hex('42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091');
const TAG = hex('5bc94fbc3221a5db94fae95ae7121a47');

/** A memory with key, iv, aad, input at fixed offsets, and the import bound to it. */
function setup(input: Uint8Array) {
  const mem = { buffer: new ArrayBuffer(65536) } as WebAssembly.Memory; // all the import reads
  const m = new Uint8Array(mem.buffer);
  const at = { key: 0, iv: 64, ad: 128, in: 256, out: 1024, tag: 2048 };
  m.set(KEY, at.key); m.set(IV, at.iv); m.set(AAD, at.ad); m.set(input, at.in);
  return { m, at, gcm: hostGcm(() => mem) };
}

G('encrypts a NIST vector with its tag', () => {
  const { m, at, gcm } = setup(PT);
  assert.is(gcm(1, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 16), 0);
  assert.equal(m.slice(at.out, at.out + CT.length), CT);
  assert.equal(m.slice(at.tag, at.tag + 16), TAG);
});

G('seals in place (in == out), as TLS records are', () => {
  const { m, at, gcm } = setup(PT);
  assert.is(gcm(1, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.in, at.tag, 16), 0);
  assert.equal(m.slice(at.in, at.in + CT.length), CT);
});

G('decrypts and verifies; a flipped tag bit gives 1 and leaves the output unwritten', () => {
  const { m, at, gcm } = setup(CT);
  m.set(TAG, at.tag);
  assert.is(gcm(0, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, CT.length, at.out, at.tag, 16), 0);
  assert.equal(m.slice(at.out, at.out + PT.length), PT);
  m.fill(0, at.out, at.out + PT.length);
  m[at.tag] ^= 1;
  assert.is(gcm(0, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, CT.length, at.out, at.tag, 16), 1);
  assert.ok(m.slice(at.out, at.out + PT.length).every((b) => b === 0));
});

G('a key length other than 16/24/32 or a bad tag length gives 2, never a throw', () => {
  const { at, gcm } = setup(PT);
  assert.is(gcm(1, at.key, 20, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 16), 2);
  assert.is(gcm(1, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 3), 2);
});

G('any range beyond memory gives 2 and writes nothing (regression: a key or nonce beyond it was read as zeros)', () => {
  const { m, at, gcm } = setup(PT);
  const end = m.length;
  const cases: [string, number[]][] = [
    ['key', [1, end - 8, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 16]],
    ['nonce', [1, at.key, 16, end - 4, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 16]],
    ['additional data', [1, at.key, 16, at.iv, 12, end - 2, AAD.length, at.in, PT.length, at.out, at.tag, 16]],
    ['input', [1, at.key, 16, at.iv, 12, at.ad, AAD.length, end - 10, PT.length, at.out, at.tag, 16]],
    ['output', [1, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, end - 10, at.tag, 16]],
    ['tag', [1, at.key, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, end - 8, 16]],
    ['a pointer that reads negative in JS', [1, -16, 16, at.iv, 12, at.ad, AAD.length, at.in, PT.length, at.out, at.tag, 16]],
  ];
  for (const [what, args] of cases) {
    const before = m.slice();
    assert.is((gcm as (...a: number[]) => number)(...args), 2, what);
    assert.equal(m, before, `${what}: memory unchanged`);
  }
});

G.run();
