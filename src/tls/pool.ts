/**
 * A pool of fixed-size byte buffers for the record path: ciphertext read from a connection and
 * plaintext decrypted from it are held in pooled buffers until used, so a stream of records
 * allocates nothing per record (a fresh 16 KB array costs a zero-fill, an allocation and GC
 * work each time; copying into a reused one costs a fifth of that).
 *
 * Ownership is strict: `take()` hands a buffer to one holder, which gives it back once with
 * `give()` when no view of it is kept anywhere. A buffer given back twice, or one the pool did
 * not make, is ignored (never handed out twice). The pool keeps at most `max` free buffers;
 * the rest go to the garbage collector.
 */
/** Marks on a pooled buffer's ArrayBuffer: its pool, and whether it is free now. */
const POOL = Symbol('zsock.pool');
const FREE = Symbol('zsock.pool.free');
type Marked = ArrayBuffer & { [POOL]?: BufferPool; [FREE]?: boolean };

export class BufferPool {
  private readonly free: Uint8Array[] = [];

  /** `size` bytes per buffer; at most `max` kept free. */
  constructor(readonly size: number, private readonly max = 16) {}

  /** A buffer of `size` bytes (its contents are whatever its last holder left). */
  take(): Uint8Array {
    const b = this.free.pop();
    if (b) {
      (b.buffer as Marked)[FREE] = false;
      return b;
    }
    const fresh = new Uint8Array(this.size);
    (fresh.buffer as Marked)[POOL] = this;
    return fresh;
  }

  /** Gives back the buffer under `view` (any view of a buffer from take()). The holder must
   *  keep no view of it. Anything else is ignored. */
  give(view: Uint8Array): void {
    const ab = view.buffer as Marked;
    if (ab[POOL] !== this || ab[FREE] || this.free.length >= this.max) return;
    ab[FREE] = true;
    this.free.push(new Uint8Array(ab));
  }

  /** Whether `view` lies in a buffer of this pool. */
  owns(view: Uint8Array): boolean {
    return (view.buffer as Marked)[POOL] === this;
  }
}

/** The record path's pool: buffers of one TLS record's plaintext (16 KB), shared by all
 *  sessions (calls are synchronous; each buffer has one holder at a time). */
export const recordPool = new BufferPool(16384, 32);
