/** Byte strings compared by content (the caches of parsed credentials and imported keys). */

/** Whether a and b hold the same bytes. Not constant-time: for cache lookups, never for
 *  checking a secret an attacker chooses. Four bytes a step where both views start on a 4-byte
 *  boundary (the cache's copies do, and so do most callers' arrays): each new session compares
 *  its credentials with the cache's, about 1.4 KB for a CA and a server pair, which a byte loop
 *  made 30 µs per session while V8 still interprets it (XS always does), 1 µs after. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  if (((a.byteOffset | b.byteOffset) & 3) === 0) {
    const n = a.length >> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, n), wb = new Int32Array(b.buffer, b.byteOffset, n);
    for (; i < n; i++) if (wa[i] !== wb[i]) return false;
    i = n << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
