/**
 * Reading and writing the caller's values at the API boundary, so that nothing a caller passes
 * makes a zsock_* function throw: objects are read once into plain copies (a Proxy that throws,
 * a getter, a frozen object or a detached buffer becomes -EFAULT / -EINVAL here, not an
 * exception deep inside), and results are written back with a check.
 */
import type { SockAddr } from '../sockets/addr.js';

/** A Uint8Array whose memory is usable (not detached), else null. */
export function liveBuf(b: unknown): Uint8Array | null {
  if (!(b instanceof Uint8Array)) return null;
  try {
    b.subarray(0, 0); // throws on a detached buffer
    return b;
  } catch {
    return null;
  }
}

/** A plain copy of an address object; null when it is not one (or reading it throws). The
 *  fields' values are checked by the sockets (their errno), not here. */
export function addrArg(a: unknown): SockAddr | null {
  if (!a || typeof a !== 'object') return null;
  try {
    const { family, addr, port } = a as SockAddr;
    return { family, addr, port };
  } catch {
    return null;
  }
}

/** A shallow copy of an option or request object (arrays and Uint8Arrays copied too); the value
 *  itself for primitives; undefined when reading it throws or a buffer is detached. */
export function snapshot(v: unknown): { ok: true; value: unknown } | { ok: false } {
  if (v === null || typeof v !== 'object') return { ok: true, value: v };
  try {
    if (v instanceof Uint8Array) return liveBuf(v) ? { ok: true, value: v.slice() } : { ok: false };
    if (Array.isArray(v)) return { ok: true, value: [...v] };
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return { ok: true, value: v };
    return { ok: true, value: { ...v } };
  } catch {
    return { ok: false };
  }
}

/** Whether `o` is an object the call may write its results into. */
export function writable(o: unknown): o is Record<string, unknown> {
  if (!o || typeof o !== 'object') return false;
  try {
    return Object.isExtensible(o) && !Object.isFrozen(o);
  } catch {
    return false;
  }
}

/** Copies the fields of `from` into the caller's object: false when it refuses them. */
export function writeBack(to: unknown, from: object): boolean {
  try {
    Object.assign(to as object, from);
    return true;
  } catch {
    return false;
  }
}

/** An optional address argument: null (none given), the plain copy, or undefined (malformed). */
export function optAddr(a: unknown): SockAddr | null | undefined {
  return a === null || a === undefined ? null : addrArg(a) ?? undefined;
}
