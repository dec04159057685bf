/** Small pieces the board adapters share. */
import type { NetAddr } from '../../src/net/driver.js';

/**
 * Binds with a port the adapter picks itself when the caller asked for 0: neither platform API
 * reports the port it chose, and getsockname() must answer. Tries the IANA dynamic range. null
 * when the port (or every port tried) is taken: the native constructor threw.
 */
export function bindPicked<T>(port: number, open: (port: number) => T): { it: T; port: number } | null {
  if (port) {
    try { return { it: open(port), port }; } catch { return null; } // taken
  }
  for (let i = 0; i < 32; i++) {
    const p = 49152 + Math.floor(Math.random() * 16384);
    try { return { it: open(p), port: p }; } catch { /* taken: try another */ }
  }
  return null;
}

export const familyOf = (a: string): 4 | 6 => (a.includes(':') ? 6 : 4);

export const addr = (address: string, port: number): NetAddr => ({ family: familyOf(address), address, port });

/** A FIFO of byte chunks with partial takes: what a driver holds until the platform takes it. */
export class ByteQueue {
  private q: Uint8Array[] = [];
  length = 0;

  push(b: Uint8Array): void {
    if (!b.length) return;
    this.q.push(b.slice());
    this.length += b.length;
  }

  /** Returns bytes taken by take() to the front (the platform would not take them). */
  putBack(b: Uint8Array): void {
    if (!b.length) return;
    this.q.unshift(b);
    this.length += b.length;
  }

  /** Removes and returns up to `n` bytes (fewer only when fewer are queued). */
  take(n: number): Uint8Array {
    n = Math.min(n, this.length);
    if (this.q.length && this.q[0].length === n) { this.length -= n; return this.q.shift()!; }
    const out = new Uint8Array(n);
    for (let at = 0; at < n;) {
      const head = this.q[0];
      const k = Math.min(head.length, n - at);
      out.set(head.subarray(0, k), at);
      at += k;
      if (k === head.length) this.q.shift(); else this.q[0] = head.subarray(k);
    }
    this.length -= n;
    return out;
  }
}
