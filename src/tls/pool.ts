/**
 * A pool of fixed-size byte buffers for the record path: ciphertext read from a connection and
 * plaintext decrypted from it are held in pooled buffers until used, so a stream of records
 * allocates nothing per record (a fresh 16 KB array costs a zero-fill, an allocation and GC
 * work each time; copying into a reused one costs a fifth of that).
 *
 * Ownership is strict: `take()` hands a buffer to one holder, which gives it back once with
 * `give()` when no view of it is kept anywhere. A buffer given back twice, or one the pool did
 * not make, is ignored (never handed out twice). The pool keeps at most `max` free buffers;
 * the rest go to the garbage collector. Size and count are read at each call, so a board's
 * configure() applies to the next buffer: one of another size is not kept.
 */
import { config } from '../config.js';

/** The chunk list of an empty queue (the record path's and the sockets' byte queues): no array
 *  of its own, as a host with thousands of idle connections keeps several per connection,
 *  nearly all empty. Frozen, never written: a queue makes its own array at its first chunk. */
export const NO_CHUNKS: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

/** Marks on a pooled buffer's ArrayBuffer: its pool, and whether it is free now. */
const POOL = Symbol('zsock.pool');
const FREE = Symbol('zsock.pool.free');
type Marked = ArrayBuffer & { [POOL]?: BufferPool; [FREE]?: boolean };

export interface PoolShape {
  /** Bytes per buffer. */
  size: number;
  /** Free buffers kept at most. */
  max: number;
}

export class BufferPool {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly shape: () => PoolShape) {}

  /** Bytes per buffer now. */
  get size(): number {
    return this.shape().size;
  }

  /** A buffer of `size` bytes (its contents are whatever its last holder left). */
  take(): Uint8Array {
    const { size } = this.shape();
    for (let b = this.free.pop(); b; b = this.free.pop()) {
      if (b.length !== size) continue; // made before the size changed: left to the collector
      (b.buffer as Marked)[FREE] = false;
      return b;
    }
    const fresh = new Uint8Array(size);
    (fresh.buffer as Marked)[POOL] = this;
    return fresh;
  }

  /** Gives back the buffer under `view` (any view of a buffer from take()). The holder must
   *  keep no view of it. Anything else is ignored. */
  give(view: Uint8Array): void {
    const ab = view.buffer as Marked;
    const { size, max } = this.shape();
    if (ab[POOL] !== this || ab[FREE] || ab.byteLength !== size || this.free.length >= max) return;
    ab[FREE] = true;
    this.free.push(new Uint8Array(ab));
  }

  /** Whether `view` lies in a buffer of this pool. */
  owns(view: Uint8Array): boolean {
    return (view.buffer as Marked)[POOL] === this;
  }

  /** Free buffers kept now (tests, measurements). */
  get kept(): number {
    return this.free.length;
  }
}

/** The record path's pool, shared by all sessions (calls are synchronous; each buffer has one
 *  holder at a time): ZSOCK_TLS_RECORD_BUF bytes a buffer, ZSOCK_TLS_RECORD_POOL kept. */
export const recordPool = new BufferPool(() => ({ size: config.ZSOCK_TLS_RECORD_BUF, max: config.ZSOCK_TLS_RECORD_POOL }));
