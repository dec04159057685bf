/**
 * The host side of the host profile's signatures (wasm/zs_host_sig.c): the core's imports
 * `zs_host_ecdsa_verify`, `zs_host_rsa_verify` and `zs_host_ecdsa_sign`, done with node:crypto.
 * The core asks only with the message it hashed; a 0 sends it to mbedTLS, whose answer stands.
 */
import { createECDH, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { NIST, hostAccel, inside, viewOf, type Memory } from './host_ecc.js';
import { bytesEqual } from './bytes.js';

const HASH: Record<number, string> = { 1: 'sha256', 2: 'sha384', 3: 'sha512' };

/** Public keys already imported (a CA's or a peer's key is verified with again and again), most
 *  recently used first, each with a copy of the bytes it was made from: a lookup compares bytes
 *  (a base64 text of the key as the map key cost about 50 us per RSA verification under load). */
type Entry = { kind: number; a: Uint8Array; b: Uint8Array; key: KeyObject };
interface KeyCache { readonly entries: Entry[]; readonly max: number; readonly evicted?: (e: Entry) => void }
const keys: KeyCache = { entries: [], max: 32 };
const b64 = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).toString('base64url');

/** The key of `kind` (a group, or 0 for RSA) made from a and b (a point; or n and e; or a
 *  private scalar and its point) in `cache`, made and kept there when it is not. */
function cached(cache: KeyCache, kind: number, a: Uint8Array, b: Uint8Array, make: () => KeyObject): KeyObject {
  const all = cache.entries;
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    if (e.kind !== kind || !bytesEqual(e.a, a) || !bytesEqual(e.b, b)) continue;
    if (i > 0) all.unshift(...all.splice(i, 1));
    return e.key;
  }
  const key = make();
  all.unshift({ kind, a: a.slice(), b: b.slice(), key });
  if (all.length > cache.max) cache.evicted?.(all.pop()!);
  return key;
}

const NONE = new Uint8Array(0);

function ecKey(group: number, point: Uint8Array): KeyObject {
  const n = NIST[group].bytes;
  return cached(keys, group, point, NONE, () => createPublicKey({ key: { kty: 'EC', crv: NIST[group].jwk,
    x: b64(point.subarray(1, 1 + n)), y: b64(point.subarray(1 + n)) }, format: 'jwk' }));
}

function rsaKey(n: Uint8Array, e: Uint8Array): KeyObject {
  let i = 0;
  while (i < e.length - 1 && e[i] === 0) i++; // JWK integers are minimal
  const ex = e.subarray(i);
  return cached(keys, 0, n, ex, () => createPublicKey({ key: { kty: 'RSA', n: b64(n), e: b64(ex) }, format: 'jwk' }));
}

/** The verification itself, counted: 1 or 0, and 0 when node:crypto throws. */
function counted(f: () => boolean): number {
  try {
    const ok = f();
    hostAccel.served++;
    return ok ? 1 : 0;
  } catch {
    hostAccel.refused++;
    return 0;
  }
}

function refuse(): number {
  hostAccel.refused++;
  return 0;
}

/** zs_host_ecdsa_verify(group, hash, msg, msglen, point, plen, sig, siglen) over the core's
 *  memory (wasm/zs_host_sig.c): 1 when the DER signature over msg verifies with the
 *  uncompressed point; 0 otherwise, also for anything it does not serve (the core then asks
 *  mbedTLS, whose answer stands). It never throws into the core. */
export function hostEcdsaVerify(memory: Memory) {
  const view = viewOf(memory);
  return (group: number, hash: number, msg: number, mlen: number, p: number, plen: number, sig: number, slen: number): number => {
    msg >>>= 0; mlen >>>= 0; p >>>= 0; plen >>>= 0; sig >>>= 0; slen >>>= 0; // u32 from the core
    const c = NIST[group], alg = HASH[hash];
    const m = view();
    if (!hostAccel.enabled || !c || !alg || plen !== 1 + 2 * c.bytes || !inside(m, msg, mlen) ||
      !inside(m, p, plen) || !inside(m, sig, slen) || m[p] !== 4) return refuse();
    return counted(() => verify(alg, m.subarray(msg, msg + mlen),
      { key: ecKey(group, m.subarray(p, p + plen)), dsaEncoding: 'der' }, m.subarray(sig, sig + slen)));
  };
}

/** zs_host_rsa_verify(hash, msg, msglen, n, nlen, e, elen, sig) over the core's memory
 *  (wasm/zs_host_sig.c): 1 when the PKCS#1 v1.5 signature of nlen bytes over msg verifies with
 *  the key (n, e); 0 otherwise, also for anything it does not serve. It never throws into the
 *  core. */
export function hostRsaVerify(memory: Memory) {
  const view = viewOf(memory);
  return (hash: number, msg: number, mlen: number, n: number, nlen: number, e: number, elen: number, sig: number): number => {
    msg >>>= 0; mlen >>>= 0; n >>>= 0; nlen >>>= 0; e >>>= 0; elen >>>= 0; sig >>>= 0; // u32 from the core
    const alg = HASH[hash];
    const m = view();
    if (!hostAccel.enabled || !alg || nlen < 128 || nlen > 512 || elen < 1 || elen > 8 || !inside(m, msg, mlen) ||
      !inside(m, n, nlen) || !inside(m, e, elen) || !inside(m, sig, nlen)) return refuse();
    return counted(() => verify(alg, m.subarray(msg, msg + mlen), rsaKey(m.subarray(n, n + nlen), m.subarray(e, e + elen)),
      m.subarray(sig, sig + nlen)));
  };
}

/** Private keys imported for signing: a server's own key, the same for each of its handshakes.
 *  Few (a process serves a few certificates), each with a copy of its scalar, wiped when the
 *  entry goes; node:crypto's own copy goes with the KeyObject. A key is imported only when its
 *  scalar gives its point (node:crypto would sign with a scalar of 0, or out of range). */
const signers: KeyCache = { entries: [], max: 4, evicted: (e) => e.a.fill(0) };

function signer(group: number, d: Uint8Array, point: Uint8Array): KeyObject {
  return cached(signers, group, d, point, () => {
    const ecdh = createECDH(NIST[group].curve);
    ecdh.setPrivateKey(d); // throws for 0 or a scalar out of range
    if (!bytesEqual(ecdh.getPublicKey(), point)) throw new Error('the scalar is not the point\'s');
    const n = NIST[group].bytes;
    return createPrivateKey({ key: { kty: 'EC', crv: NIST[group].jwk, d: b64(d),
      x: b64(point.subarray(1, 1 + n)), y: b64(point.subarray(1 + n)) }, format: 'jwk' });
  });
}

/** zs_host_ecdsa_sign(group, hash, msg, msglen, d, dlen, point, plen, sig, sigcap) over the
 *  core's memory (wasm/zs_host_sig.c): the length of the DER signature over msg written to sig
 *  with the key (d, point); 0 when it does not serve the call or the signature does not fit, and
 *  the core then signs in C. It never throws into the core. */
export function hostEcdsaSign(memory: Memory) {
  const view = viewOf(memory);
  return (group: number, hash: number, msg: number, mlen: number, d: number, dlen: number, p: number, plen: number,
    sig: number, cap: number): number => {
    msg >>>= 0; mlen >>>= 0; d >>>= 0; dlen >>>= 0; p >>>= 0; plen >>>= 0; sig >>>= 0; cap >>>= 0; // u32 from the core
    const c = NIST[group], alg = HASH[hash];
    const m = view();
    if (!hostAccel.enabled || !c || !alg || dlen !== c.bytes || plen !== 1 + 2 * c.bytes || !inside(m, msg, mlen) ||
      !inside(m, d, dlen) || !inside(m, p, plen) || !inside(m, sig, cap) || m[p] !== 4) return refuse();
    try {
      const s = sign(alg, m.subarray(msg, msg + mlen), { key: signer(group, m.subarray(d, d + dlen), m.subarray(p, p + plen)), dsaEncoding: 'der' });
      if (s.length > cap) return refuse();
      m.set(s, sig);
      hostAccel.served++;
      return s.length;
    } catch {
      return refuse();
    }
  };
}
