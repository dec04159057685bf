/**
 * Ciphertext queues of one session, and the windows of wasm memory they are staged through.
 *
 * Received bytes wait in a JS queue; for each driving call they are copied into the shared
 * in-window, and what the core did not consume goes back to the queue. Bytes the core wrote to
 * the out-window are collected into the out queue after each call (or mid-call when the window
 * fills). All sessions share one pair of windows: calls are synchronous, so they never overlap,
 * and an idle session holds no wasm memory for I/O at all.
 */
import { ZS, type CoreExports } from './abi.js';
import { BufferPool, NO_CHUNKS } from './pool.js';
import { MBEDTLS } from './errors.js';
import { config } from '../config.js';

/** What staging needs of the loaded core (wasm.ts's Core; an interface, so io.ts sits below it). */
export interface StagingCore {
  readonly x: CoreExports;
  readonly u8: Uint8Array;
  readonly staging: Staging;
  alloc(size: number): number;
}
type Core = StagingCore;

const FRAME = ZS.FRAME_HDR; // datagram frame header: u32 little-endian length

/**
 * The in/out windows and a plaintext area, allocated once per core (outside the arena) and
 * sized to the records of the core's profile: the in-window holds the largest record the core
 * accepts (one whole datagram, framed), the out-window the largest it sends, the plaintext area
 * what one record carries. A stream larger than a window goes through in several rounds.
 * With the embedded profile (4 KB in, 2 KB out) that is about 11 KB; with 16 KB records, 50 KB.
 */
export class Staging {
  readonly inCap: number;
  readonly outCap: number;
  readonly ptCap: number;
  readonly inPtr: number;
  readonly outPtr: number;
  readonly ptPtr: number;
  /** Buffers of `outCap` bytes that collected stream output longer than a quarter of them goes
   *  into (one per record or flight); a consumer gives them back through TlsSession.recycle.
   *  At most ZSOCK_TLS_RECORD_POOL are kept free. */
  readonly outPool = new BufferPool(() => ({ size: this.outCap, max: config.ZSOCK_TLS_RECORD_POOL }));

  /** Allocates the three areas, or none: throws TlsError ENOMEM (see Core.alloc). */
  constructor(core: Core) {
    const x = core.x;
    this.inCap = x.zs_record_limit(ZS.RECORD_IN) + FRAME;
    this.outCap = x.zs_record_limit(ZS.RECORD_OUT) + FRAME;
    this.ptCap = Math.max(x.zs_record_limit(ZS.CONTENT_IN), x.zs_record_limit(ZS.CONTENT_OUT));
    const got: number[] = [];
    try {
      for (const n of [this.inCap, this.outCap, this.ptCap]) got.push(core.alloc(n));
    } catch (e) {
      got.forEach((p) => x.zs_release(p));
      throw e;
    }
    [this.inPtr, this.outPtr, this.ptPtr] = got;
  }

  /** The core's staging areas. */
  static of(core: Core): Staging {
    return core.staging;
  }
}

const NONE = NO_CHUNKS; // an idle session's queues hold no array

export class CipherPipe {
  private inQ = NONE;
  private inBytes = 0;
  private outQ = NONE;
  private outBytes = 0;
  private staged = 0;   // bytes copied into the in-window by begin()
  private consumed = 0; // of those, bytes the core has read (before the latest zs_io)
  private eof = false;

  /** `ctx`: the core context the pipe lends its windows to (it is only used while it lives). */
  constructor(
    private readonly core: Core,
    private readonly ctx: number,
    readonly datagram: boolean,
  ) {}

  /** Called with each queued chunk once the core has consumed it, or when the queue is dropped
   *  (the session's onConsumed): its feeder may reuse the buffer then. */
  release: (chunk: Uint8Array) => void = noRelease;

  /** Queues received ciphertext: a stream chunk, or exactly one datagram. Keeps the reference
   *  until `release` gives it back. */
  feed(data: Uint8Array): void {
    if (data.length === 0) return; // an empty datagram carries no record
    if (this.inQ === NONE) this.inQ = [data];
    else this.inQ.push(data);
    this.inBytes += data.length;
  }

  /** The transport reached end of file (stream only): once the queued input is used up, the
   *  core reads EOF (mbedTLS: CONN_EOF mid-handshake or without a close_notify). */
  feedEof(): void {
    this.eof = true;
  }

  get bufferedInput(): number {
    return this.inBytes;
  }

  get pendingOutput(): number {
    return this.outBytes;
  }

  /** Takes the queued output: one coalesced chunk for a stream (a whole flight in one write),
   *  one array per datagram for DTLS. */
  drain(): Uint8Array[] {
    let out = this.outQ;
    if (!this.datagram && out.length > 1) {
      out = [concat(out, this.outBytes)];
      for (const part of this.outQ) Staging.of(this.core).outPool.give(part);
    }
    this.outQ = NONE;
    this.outBytes = 0;
    return out === NONE ? [] : out;
  }

  /** Takes the queued input the core has not read (stream): after the peer's close_notify it is
   *  what follows the TLS session on the connection, plain text again (STARTTLS-style stop). */
  takeUnread(): Uint8Array {
    const rest = concat(this.inQ, this.inBytes);
    this.clear();
    return rest;
  }

  /** Drops the queued input (the session is freed): every chunk is released. */
  clear(): void {
    for (const c of this.inQ) this.release(c);
    this.inQ = NONE;
    this.inBytes = 0;
  }

  /** Stages queued input and lends both windows to the core. */
  begin(): void {
    const s = Staging.of(this.core);
    const u8 = this.core.u8;
    let n = 0;
    for (const chunk of this.inQ) {
      if (this.datagram) {
        const len = Math.min(chunk.length, s.inCap - FRAME); // longer: truncated, as UDP
        if (n + FRAME + len > s.inCap) break;
        new DataView(u8.buffer, s.inPtr + n, FRAME).setUint32(0, len, true);
        u8.set(chunk.subarray(0, len), s.inPtr + n + FRAME);
        n += FRAME + len;
      } else {
        const take = Math.min(chunk.length, s.inCap - n);
        u8.set(chunk.subarray(0, take), s.inPtr + n);
        n += take;
        if (n === s.inCap) break;
      }
    }
    this.staged = n;
    this.consumed = 0;
    this.core.x.zs_io(this.ctx, s.inPtr, n, s.outPtr, s.outCap);
    if (this.eof && !this.datagram && !this.hasUnstaged()) this.core.x.zs_io_eof(this.ctx);
  }

  /** Runs one core call `op` with the windows lent: the core's answer. Retries on WANT_WRITE
   *  (window full) after collecting output, on WANT_READ after input was consumed (mbedTLS may
   *  stop after taking a message in, e.g. a TLS 1.3 NewSessionTicket, and report it only on the
   *  next call), and on WANT_READ while more input is queued than one window could stage. */
  run(op: () => number): number {
    const x = this.core.x;
    this.begin();
    try {
      for (;;) {
        const used = x.zs_io_in_used(this.ctx);
        const r = op();
        if (r === MBEDTLS.WANT_READ && x.zs_io_in_used(this.ctx) > used) continue;
        if (r === MBEDTLS.WANT_WRITE) {
          if (this.flush() === 0) return MBEDTLS.BUFFER_TOO_SMALL; // cannot make progress
          continue;
        }
        if (r === MBEDTLS.WANT_READ && this.hasUnstaged()) {
          this.end();
          this.begin();
          continue;
        }
        return r;
      }
    } finally {
      this.end();
    }
  }

  /** True when input is queued beyond what begin() could stage. */
  hasUnstaged(): boolean {
    return this.datagram ? this.framesIn(this.staged) < this.inQ.length : this.inBytes > this.staged;
  }

  /** Collects the core's output and gives it a fresh out-window; input position is kept.
   *  Returns the number of bytes collected. */
  flush(): number {
    const x = this.core.x, ctx = this.ctx, s = Staging.of(this.core);
    const produced = x.zs_io_out_len(ctx);
    this.consumed += x.zs_io_in_used(ctx);
    if (produced > 0) this.collect(s.outPtr, produced);
    x.zs_io(ctx, s.inPtr + this.consumed, this.staged - this.consumed, s.outPtr, s.outCap);
    return produced;
  }

  /** Collects output and drops consumed input from the queue. */
  end(): void {
    this.flush();
    if (this.datagram) {
      const used = this.framesIn(this.consumed);
      for (const d of used > 0 ? this.inQ.splice(0, used) : NONE) {
        this.inBytes -= d.length;
        this.release(d);
      }
    } else {
      this.dropBytes(this.consumed);
    }
    this.staged = this.consumed = 0;
  }

  /** How many queued datagrams the first `bytes` of the in-window held. */
  private framesIn(bytes: number): number {
    const cap = Staging.of(this.core).inCap;
    let at = 0, i = 0;
    while (i < this.inQ.length) {
      const next = at + FRAME + Math.min(this.inQ[i].length, cap - FRAME);
      if (next > bytes) break;
      at = next;
      i++;
    }
    return i;
  }

  private dropBytes(n: number): void {
    if (n === 0) return;
    this.inBytes -= n;
    while (n > 0) {
      const head = this.inQ[0];
      if (head.length <= n) {
        n -= head.length;
        this.inQ.shift();
        this.release(head);
      } else {
        this.inQ[0] = head.subarray(n);
        n = 0;
      }
    }
    if (this.inBytes === 0) this.inQ = NONE; // an idle session keeps no array
  }

  private collect(ptr: number, len: number): void {
    const s = Staging.of(this.core);
    // Stream output that fills a good part of the window (a record) goes into a pooled buffer
    // (len <= outCap): a fresh 16 KB array per record costs an allocation, a zero-fill and GC
    // work, and a page fault per 4 KB on top while the process's heap is young or after it
    // forked a child (about 50 us a record here, docs/bench.md). Shorter output (a handshake
    // flight, a short record) gets an array of its own size: a pooled buffer that is not given
    // back (the socket path gives none back) costs a whole window's allocation and zero-fill for
    // a few hundred bytes, 44 us of a 0.5 ms resumed handshake (docs/bench.md, "Handshakes in
    // memory: warm-up and short output"). A new array, not slice(): V8's slice() of a view of
    // wasm memory takes twice as long.
    const pooled = !this.datagram && len > s.outCap / 4;
    const bytes = pooled ? s.outPool.take().subarray(0, len) : new Uint8Array(len);
    bytes.set(this.core.u8.subarray(ptr, ptr + len));
    if (this.outQ === NONE) this.outQ = [];
    if (!this.datagram) {
      this.outQ.push(bytes);
      this.outBytes += len;
      return;
    }
    // Datagrams are views of one array, so it never goes back to a pool.
    const dv = new DataView(bytes.buffer);
    for (let at = 0; at + FRAME <= len; ) {
      const n = dv.getUint32(at, true);
      this.outQ.push(bytes.subarray(at + FRAME, at + FRAME + n));
      this.outBytes += n;
      at += FRAME + n;
    }
  }
}

function noRelease(): void {}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
