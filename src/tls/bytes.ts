/** Byte strings compared by content (the caches of parsed credentials and imported keys). */

/** Whether a and b hold the same bytes. Not constant-time: for cache lookups, never for
 *  checking a secret an attacker chooses. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
