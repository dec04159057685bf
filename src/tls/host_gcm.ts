/**
 * The host side of the host profile's AES-GCM (wasm/zs_gcm_host.c): the core's one import
 * `zs_host_gcm`, done with node:crypto. Only a core built with PROFILE=host imports it.
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';

const MODES: Record<number, CipherGCMTypes> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };

/** zs_host_gcm(enc, key, keylen, iv, ivlen, ad, adlen, in, len, out, tag, taglen) over the
 *  core's memory: 0; 1 when a decryption's tag does not verify; 2 for a key length or a host
 *  error. It never throws into the core. `in` and `out` may overlap (records are sealed in place). */
export function hostGcm(memory: () => { readonly buffer: ArrayBufferLike }) {
  let m: Uint8Array = new Uint8Array(0); // a view of the core's memory, made again when the memory grows
  return (enc: number, k: number, kl: number, iv: number, ivl: number, ad: number, adl: number,
    inp: number, len: number, out: number, tag: number, tl: number): number => {
    const mode = MODES[kl];
    if (!mode) return 2;
    try {
      if (m.buffer !== memory().buffer) m = new Uint8Array(memory().buffer);
      const key = m.subarray(k, k + kl), nonce = m.subarray(iv, iv + ivl);
      if (enc) {
        const c = createCipheriv(mode, key, nonce, { authTagLength: tl });
        c.setAAD(m.subarray(ad, ad + adl));
        const o = c.update(m.subarray(inp, inp + len));
        c.final();
        m.set(o, out);
        m.set(c.getAuthTag(), tag);
        return 0;
      }
      const d = createDecipheriv(mode, key, nonce, { authTagLength: tl });
      d.setAAD(m.subarray(ad, ad + adl));
      d.setAuthTag(m.subarray(tag, tag + tl)); // copied by node:crypto
      const o = d.update(m.subarray(inp, inp + len));
      try { d.final(); } catch { return 1; }
      m.set(o, out);
      return 0;
    } catch {
      return 2;
    }
  };
}
