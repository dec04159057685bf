/**
 * The host side of the host profile's AES-GCM (wasm/zs_gcm_host.c): the core's one import
 * `zs_host_gcm`, done with node:crypto. Only a core built with PROFILE=host imports it.
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { inside, viewOf, type Memory } from './host_ecc.js';

const MODES: Record<number, CipherGCMTypes> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };

/** Reusable arrays for the short inputs (key, nonce, additional data, tag), by role and length:
 *  node:crypto copies each before createCipheriv, setAAD or setAuthTag returns, so a record
 *  passes them in these instead of four new views of the core's memory (about 0.4 KB of garbage
 *  a record, 3 KB a handshake). Longer ones than SHORT_MAX get a view as before. The key's copy
 *  is wiped once the cipher holds it (keys are 16, 24 or 32 bytes: always a copy). */
const SHORT_MAX = 64;
const KEY = 0, IV = 1, AD = 2, TAG = 3;
const shorts: Uint8Array[][] = [[], [], [], []];

function short(role: number, m: Uint8Array, at: number, n: number): Uint8Array {
  if (n > SHORT_MAX) return m.subarray(at, at + n);
  const b = shorts[role][n] ?? (shorts[role][n] = new Uint8Array(n));
  for (let i = 0; i < n; i++) b[i] = m[at + i];
  return b;
}

/** zs_host_gcm(enc, key, keylen, iv, ivlen, ad, adlen, in, len, out, tag, taglen) over the
 *  core's memory: 0; 1 when a decryption's tag does not verify; 2 for a key length or a host
 *  error. It never throws into the core. `in` and `out` may overlap (records are sealed in place). */
export function hostGcm(memory: Memory) {
  const view = viewOf(memory);
  return (enc: number, k: number, kl: number, iv: number, ivl: number, ad: number, adl: number,
    inp: number, len: number, out: number, tag: number, tl: number): number => {
    const mode = MODES[kl];
    if (!mode) return 2;
    try {
      const m = view();
      k >>>= 0; iv >>>= 0; ivl >>>= 0; ad >>>= 0; adl >>>= 0; inp >>>= 0; len >>>= 0; out >>>= 0; tag >>>= 0; tl >>>= 0; // u32 from the core
      if (!inside(m, k, kl) || !inside(m, iv, ivl) || !inside(m, ad, adl) || !inside(m, inp, len) ||
        !inside(m, out, len) || !inside(m, tag, tl)) return 2;
      if (enc) {
        const c = createCipheriv(mode, short(KEY, m, k, kl), short(IV, m, iv, ivl), { authTagLength: tl });
        c.setAAD(short(AD, m, ad, adl));
        const o = c.update(m.subarray(inp, inp + len));
        c.final();
        m.set(o, out);
        m.set(c.getAuthTag(), tag);
        return 0;
      }
      const d = createDecipheriv(mode, short(KEY, m, k, kl), short(IV, m, iv, ivl), { authTagLength: tl });
      d.setAAD(short(AD, m, ad, adl));
      d.setAuthTag(short(TAG, m, tag, tl));
      const o = d.update(m.subarray(inp, inp + len));
      try { d.final(); } catch { return 1; }
      m.set(o, out);
      return 0;
    } catch {
      return 2;
    } finally {
      shorts[KEY][kl]?.fill(0);
    }
  };
}
