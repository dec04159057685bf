/**
 * A FIFO of bytes held as the chunks they arrived in (no copy on push): the receive queue of a
 * TCP connection, and the ciphertext and plaintext queues of a TLS layer. One type, so taking,
 * peeking, putting back and wiping are written and tested once.
 */
import { NO_CHUNKS, type BufferPool } from '../tls/pool.js';

const NONE = NO_CHUNKS; // an idle queue holds no array

export class ByteQueue {
  private chunks = NONE;
  private total = 0;

  /** With `pool`, chunks in its buffers go back to it once wholly taken, dropped or cleared
   *  (the queue is their one holder: push them and keep no other view). */
  constructor(private readonly pool: BufferPool | null = null) {}

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  /** Appends `bytes`; the queue keeps the array (the caller must not reuse it). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.chunks === NONE) this.chunks = [bytes];
    else this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Puts `bytes` back in front (what a layer above took but did not use). */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.chunks === NONE) this.chunks = [bytes];
    else this.chunks.unshift(bytes);
    this.total += bytes.length;
  }

  /** The first chunk, not removed (a writer offers it whole, then `drop`s what was taken). */
  first(): Uint8Array | undefined {
    return this.chunks[0];
  }

  /** Copies up to dst.length bytes into dst and removes them (unless `peek`): the count. */
  take(dst: Uint8Array, peek = false): number {
    let n = 0;
    for (let i = 0; i < this.chunks.length && n < dst.length; i++) {
      const c = this.chunks[i];
      const k = Math.min(c.length, dst.length - n);
      dst.set(c.subarray(0, k), n);
      n += k;
    }
    if (!peek) this.drop(n);
    return n;
  }

  /** Removes the first n bytes (at most what is queued). */
  drop(n: number): void {
    let left = Math.min(n, this.total);
    this.total -= left;
    while (left > 0) {
      const c = this.chunks[0];
      if (c.length <= left) {
        left -= c.length;
        this.chunks.shift();
        this.pool?.give(c);
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    if (this.total === 0) this.chunks = NONE; // an idle queue holds no array
  }

  /** Removes every chunk and returns them in order (a closing layer's last records); the caller
   *  becomes their holder (pooled ones included). */
  splice(): readonly Uint8Array[] {
    const all = this.chunks; // NONE when empty: the caller only reads it
    this.chunks = NONE;
    this.total = 0;
    return all;
  }

  /** Empties the queue; `wipe` zeroes the bytes first (plaintext or secrets). */
  clear(wipe = false): void {
    for (const c of this.splice()) {
      if (wipe) c.fill(0);
      this.pool?.give(c);
    }
  }
}
