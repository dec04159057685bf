/**
 * The host side of the host profile's P-256 and P-384 (wasm/zs_host_ecc.c): the core's import
 * `zs_host_ecc`, done with node:crypto. Only a core built with PROFILE=host imports it.
 */
import { createECDH } from 'node:crypto';

const BASE = 1, SHARED = 2;
/** IANA NamedGroup -> node:crypto curve and field bytes. */
export const NIST: Record<number, { curve: string; jwk: string; bytes: number }> = {
  23: { curve: 'prime256v1', jwk: 'P-256', bytes: 32 },
  24: { curve: 'secp384r1', jwk: 'P-384', bytes: 48 },
};

/** The host profile's public-key imports (this file and host_sig.ts): on by default. Off, every
 *  call answers "not served" and the core runs its C path (for comparing the two paths in one
 *  process); `served` and `refused` count the calls. */
export const hostAccel = { enabled: true, served: 0, refused: 0 };

/** Whether [ptr, ptr + len) lies in `m` (both u32 from the core): every range an import is
 *  given is checked with it before it is read or written. */
export const inside = (m: Uint8Array, ptr: number, len: number): boolean => ptr + len <= m.length;

/** How an import reaches the core's memory (its buffer is replaced when the memory grows). */
export type Memory = () => { readonly buffer: ArrayBufferLike };

/** A view of the core's memory for one import, made again only when the memory grew. */
export function viewOf(memory: Memory): () => Uint8Array {
  let v: Uint8Array = new Uint8Array(0);
  return () => (v.buffer === memory().buffer ? v : (v = new Uint8Array(memory().buffer)));
}

/** What one call computes: k * G (uncompressed), or x(k * peer). node:crypto throws for a scalar
 *  out of range or a point off the curve. */
function compute(op: number, group: number, k: Buffer, peer: Buffer | null): Buffer {
  const ecdh = createECDH(NIST[group].curve);
  ecdh.setPrivateKey(k);
  return op === BASE ? ecdh.getPublicKey() : ecdh.computeSecret(peer!);
}

/** The lengths a call must carry: scalar, peer point and output, or null for a call the host
 *  does not know (another group or operation). */
function shape(op: number, group: number): { k: number; p: number; out: number } | null {
  if (op !== BASE && op !== SHARED) return null;
  const c = NIST[group];
  if (!c) return null;
  return { k: c.bytes, p: op === SHARED ? 1 + 2 * c.bytes : 0, out: op === BASE ? 1 + 2 * c.bytes : c.bytes };
}

/** zs_host_ecc(op, group, k, klen, p, plen, out, outcap) over the core's memory: the bytes
 *  written to `out`; 0 when the call is not one it serves (group, operation, a length that does
 *  not match, a range outside memory) or node:crypto refuses an input (the core then runs its C
 *  path, which gives mbedTLS's own error). It never throws into the core. */
export function hostEcc(memory: Memory) {
  const view = viewOf(memory);
  return (op: number, group: number, k: number, klen: number, p: number, plen: number, out: number, outcap: number): number => {
    const n = serve(view(), op, group, k, klen, p, plen, out, outcap);
    if (n) hostAccel.served++; else hostAccel.refused++;
    return n;
  };
}

function serve(m: Uint8Array, op: number, group: number, k: number, klen: number,
  p: number, plen: number, out: number, outcap: number): number {
  const s = shape(op, group);
  k >>>= 0; klen >>>= 0; p >>>= 0; plen >>>= 0; out >>>= 0; outcap >>>= 0; // u32 from the core
  if (!hostAccel.enabled || !s || klen !== s.k || plen !== s.p || outcap < s.out) return 0;
  if (!inside(m, k, klen) || !inside(m, p, plen) || !inside(m, out, s.out)) return 0;
  const key = Buffer.from(m.subarray(k, k + klen)); // a copy, wiped below
  try {
    const r = compute(op, group, key, plen ? Buffer.from(m.subarray(p, p + plen)) : null);
    if (r.length !== s.out) return 0;
    m.set(r, out);
    if (op === SHARED) r.fill(0);
    return s.out;
  } catch {
    return 0;
  } finally {
    key.fill(0);
  }
}
