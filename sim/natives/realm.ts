/**
 * What an emulated native needs from the board it serves: the board's own constructors (a
 * sandboxed board is another realm, and its code checks `instanceof ArrayBuffer`), and `post`,
 * which delivers a callback into the board later, never inside the caller's stack (Moddable
 * posts messages to the machine; Espruino runs events from its idle loop), and reports a
 * callback that throws as that board's crash.
 */
export interface BoardRealm {
  ArrayBuffer: ArrayBufferConstructor;
  Uint8Array: Uint8ArrayConstructor;
  Error: ErrorConstructor;
  RangeError: RangeErrorConstructor;
  post(fn: () => void): void;
}

/** The host realm, for adapters run in-process (tests) rather than in a sandbox. */
export const hostRealm: BoardRealm = {
  ArrayBuffer, Uint8Array, Error, RangeError,
  post: (fn) => { setImmediate(fn); },
};

/** A copy of `bytes` as an ArrayBuffer of the board's realm. */
export function boardBuffer(r: BoardRealm, bytes: Uint8Array): ArrayBuffer {
  const ab = new r.ArrayBuffer(bytes.length);
  new r.Uint8Array(ab).set(bytes);
  return ab;
}

/** Bytes of what a board passed to write(): an ArrayBuffer or any view of one. */
export function bytesOf(x: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  if (x && Object.prototype.toString.call(x) === '[object ArrayBuffer]') return new Uint8Array(x as ArrayBuffer);
  return null;
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for a numeric address, 0 for anything else (names included). */
export function numericFamily(a: unknown): 0 | 4 | 6 {
  if (typeof a !== 'string') return 0;
  if (V4.test(a)) return 4;
  return /^[0-9a-fA-F:.]+$/.test(a) && a.includes(':') ? 6 : 0;
}
