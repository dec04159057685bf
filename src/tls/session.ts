/**
 * TlsSession: one TLS or DTLS session of the wasm core, sans-IO.
 *
 * The caller feeds received ciphertext (`feed`), drives the session (`handshake`, `read`,
 * `write`, `closeNotify`), and sends whatever `drain` returns. Nothing here waits, touches a
 * socket or reads a clock: each driving call is told the time. Every driving call answers a
 * TlsStep, the next action for the socket layer (step.ts). After every call,
 * `pendingOutput > 0` means there is ciphertext to send.
 */
import { getCore } from './wasm.js';
import { ZS } from './abi.js';
import { SessionInfo } from './session_info.js';
import { CipherPipe, Staging } from './io.js';
import { MBEDTLS, TlsError, engineError, tlsError } from './errors.js';
import { ENOMEM } from '../errno.js';
import { applyConfig, versionRange, type TlsConfig, TLS1_3 } from './config.js';
import { keylogSinks, takeKeylog, type KeylogSink } from './keylog.js';
import { CLOSED, WANT_READ, WANT_VERIFY, done, type TlsStep } from './step.js';

const VERIFY_PENDING = ZS.VERIFY_PENDING; // zs_handshake: paused for a deferred verify answer
const VERIFY_DEFER = ZS.VERIFY_DEFER;     // zs_host_verify: the answer comes later
const BADCERT_OTHER = 0x0100; // MBEDTLS_X509_BADCERT_OTHER: a deferred answer that failed

let nextId = 1;
const byId = new Map<number, TlsSession>();

/** One TLS or DTLS session, sans-IO (file comment): configured by a TlsConfig, driven with the
 *  time; its errors are TlsError (mbedTLS code, errno, reason), sticky once fatal. */
export class TlsSession extends SessionInfo {
  readonly role: 'client' | 'server';
  readonly datagram: boolean;
  private readonly id = nextId++;
  private readonly pipe: CipherPipe;
  private verifyCallback: TlsConfig['verifyCallback'];
  private verifyAnswer: number | null = null; // a deferred verify callback's flags, not yet given
  /** Called when a deferred verify answer arrives: drive the handshake again. */
  onVerifyAnswer: (() => void) | null = null;
  private readonly keylogSinks: readonly KeylogSink[];

  /** Creates a configured session. Throws TlsError: EINVAL for unusable configuration
   *  (unparsable certificate or key, bad option), ENOMEM when the arena is exhausted. */
  constructor(config: TlsConfig) {
    super(getCore());
    this.role = config.role;
    this.datagram = config.transport === 'datagram';
    const [min, max] = versionRange(config);
    this.ctx = this.core.x.zs_new(this.id, this.role === 'server' ? 1 : 0, this.datagram ? 1 : 0, min, max);
    if (this.ctx === 0) throw new TlsError(MBEDTLS.ALLOC_FAILED, ENOMEM, 'TLS arena exhausted');
    this.pipe = new CipherPipe(this.core, this.ctx, this.datagram);
    this.verifyCallback = config.verifyCallback;
    if (this.verifyCallback) byId.set(this.id, this);
    this.keylogSinks = keylogSinks(config, this.core);
    try {
      applyConfig(this.core, this.ctx, config);
      if (this.keylogSinks.length && this.core.x.zs_keylog(this.ctx, 1) < 0) throw new TlsError(MBEDTLS.ALLOC_FAILED, ENOMEM, 'TLS arena exhausted');
    } catch (e) {
      this.free();
      throw e;
    }
    this.core.verifyHook ??= verifyHook;
  }

  /** Queues received ciphertext (a stream chunk, or one whole datagram). The session keeps the
   *  reference until the bytes are consumed: do not modify `data` afterwards (onConsumed says
   *  when the session is done with it). */
  feed(data: Uint8Array): void {
    this.pipe.feed(data);
  }

  /** Called with each fed chunk once the core has consumed all of it, or when free() drops it:
   *  the feeder may reuse its buffer from then on (a pool's). */
  set onConsumed(fn: (chunk: Uint8Array) => void) {
    this.pipe.release = fn;
  }

  /** The transport reached end of file (TCP FIN). Stream sessions only. */
  feedEof(): void {
    this.pipe.feedEof();
  }

  /** Ciphertext to send, in order: one chunk per flight for streams, one per datagram for DTLS. */
  drain(): Uint8Array[] {
    return this.pipe.drain();
  }

  /** Optional: gives back a stream chunk a session's drain() returned, once the caller keeps
   *  no view of it (it was sent, or a peer session consumed it: that session's onConsumed),
   *  even after that session was freed (the buffers are the core's). Its buffer then takes
   *  later output, so a stream of records allocates nothing per record. A chunk not given
   *  back is the garbage collector's; anything else is ignored. */
  static recycle(chunk: Uint8Array): void {
    if (chunk instanceof Uint8Array) Staging.of(getCore()).outPool.give(chunk);
  }

  /** Bytes waiting in `drain()`. */
  get pendingOutput(): number {
    return this.pipe.pendingOutput;
  }

  /** Received ciphertext not yet consumed. */
  get bufferedInput(): number {
    return this.pipe.bufferedInput;
  }

  /** Advances the handshake. `now` is the caller's clock in ms, passed to every driving call:
   *  the engine never reads a clock. It is a wall clock (certificates are checked against it);
   *  DTLS retransmission timers run on it. */
  handshake(now: number): TlsStep {
    const early = this.check();
    if (early) return early;
    if (this.handshakeDone) return done(0);
    this.core.x.zs_clock(now);
    if (this.verifyAnswer !== null) {
      const flags = this.verifyAnswer;
      this.verifyAnswer = null;
      const r = this.call(() => this.core.x.zs_verify_resume(this.ctx, flags));
      if (r < 0) return this.step(r);
    }
    const r = this.call(() => this.core.x.zs_handshake(this.ctx));
    this.waitingVerify = r === VERIFY_PENDING;
    return r === VERIFY_PENDING ? WANT_VERIFY : this.step(r);
  }

  /** Decrypts application data into `buf`: done(n > 0), want-read, closed or fatal. A stream
   *  read fills as much of `buf` as whole records allow; a DTLS read returns one record (the
   *  rest of a longer one is discarded, as with UDP). Finishes the handshake first if needed. */
  read(buf: Uint8Array, now: number): TlsStep {
    const pre = this.ready(now);
    if (pre) return pre;
    if (buf.length === 0) return done(0);
    const x = this.core.x, pt = Staging.of(this.core).ptPtr;
    let total = 0;
    let after = 0; // what ended a read that already returned data: reported now, sticky after
    let full = 0;
    const ret = this.call(() => {
      for (;;) {
        const want = Math.min(buf.length - total, Staging.of(this.core).ptCap);
        const r = x.zs_read(this.ctx, pt, want);
        if (r === MBEDTLS.RECEIVED_NEW_SESSION_TICKET) {
          this.ticketCount++;
          continue;
        }
        if (r === MBEDTLS.WANT_WRITE || (r < 0 && total === 0)) return r;
        if (r === 0) this.eofSeen = true; // mbedTLS reads transport EOF as 0
        if (r <= 0) {
          if (r !== MBEDTLS.WANT_READ) after = r || MBEDTLS.PEER_CLOSE_NOTIFY;
          return r === 0 && total === 0 ? MBEDTLS.PEER_CLOSE_NOTIFY : total;
        }
        buf.set(this.core.u8.subarray(pt, pt + r), total);
        this.core.u8.fill(0, pt, pt + r); // the staging is shared: no plaintext stays behind
        total += r;
        if (this.datagram) {
          full = r + this.discardRecordTail(pt);
          return total;
        }
        if (total === buf.length) return total;
      }
    });
    if (after) this.step(after);
    return full > total ? { state: 'done', n: total, full } : this.step(ret);
  }

  /** Encrypts all of `data` (a stream) or one datagram's worth (DTLS; larger gives EMSGSIZE).
   *  With `oneRecord`, a stream write stops after one record: done(n) with n the bytes that
   *  record took, a legal short count (as Zephyr's send, one mbedtls_ssl_write). Finishes the
   *  handshake first if needed. */
  write(data: Uint8Array, now: number, oneRecord = false): TlsStep {
    const pre = this.ready(now);
    if (pre) return pre;
    const ptCap = Staging.of(this.core).ptCap;
    if (this.datagram && data.length > ptCap) {
      return { state: 'fatal', error: engineError.tooLarge(data.length, ptCap) };
    }
    const x = this.core.x, pt = Staging.of(this.core).ptPtr;
    if (data.length === 0) return done(0);
    let sent = 0;
    while (sent < data.length) {
      const n = Math.min(data.length - sent, ptCap);
      this.core.u8.set(data.subarray(sent, sent + n), pt);
      const r = this.call(() => x.zs_write(this.ctx, pt, n));
      this.core.u8.fill(0, pt, pt + n); // encrypted (or refused): wipe the shared staging
      if (r < 0) return this.step(r);
      sent += r;
      if (this.datagram || oneRecord) break;
    }
    return done(sent);
  }

  /** Sends close_notify. The session may still read what the peer sends before its own. */
  closeNotify(now: number): TlsStep {
    const early = this.check();
    if (early && early !== CLOSED) return early;
    this.core.x.zs_clock(now);
    const r = this.call(() => this.core.x.zs_close_notify(this.ctx));
    return r < 0 && r !== MBEDTLS.WANT_READ ? this.step(r) : done(0);
  }

  /** TLS 1.3 KeyUpdate (RFC 8446 4.6.3): our next sending key; with `requestPeer` the peer is
   *  asked to update its own. Received KeyUpdates are handled by read(). ENOTSUP before an
   *  established TLS 1.3 session (not latched). */
  keyUpdate(requestPeer: boolean, now: number): TlsStep {
    return this.postHandshake('KeyUpdate', now, () => this.core.x.zs_key_update(this.ctx, requestPeer ? 1 : 0));
  }

  /** A TLS 1.3 server sends one more NewSessionTicket now. ENOTSUP otherwise (not latched). */
  sendTicket(now: number): TlsStep {
    return this.postHandshake('NewSessionTicket on demand', now, () => this.core.x.zs_send_ticket(this.ctx));
  }

  private postHandshake(what: string, now: number, op: () => number): TlsStep {
    const pre = this.check();
    if (pre) return pre;
    if (!this.handshakeDone || this.datagram || this.version !== TLS1_3) return { state: 'fatal', error: engineError.unsupported(what) };
    this.core.x.zs_clock(now);
    const r = this.call(op);
    return r === MBEDTLS.FEATURE_UNAVAILABLE ? { state: 'fatal', error: engineError.unsupported(what) } : this.step(r);
  }

  /** Stream: takes the received bytes the session has not read. After the peer's close_notify
   *  they are what follows on the connection (a STARTTLS-style return to plain text). */
  takeUnread(): Uint8Array {
    return this.pipe.takeUnread();
  }

  /** TLS 1.2 renegotiation (both sides must allow it). */
  renegotiate(now: number): TlsStep {
    const pre = this.ready(now);
    if (pre) return pre;
    return this.step(this.call(() => this.core.x.zs_renegotiate(this.ctx)));
  }

  /** Frees the session; mbedTLS wipes its keys. Idempotent. */
  free(): void {
    if (this.ctx === 0) return;
    this.core.x.zs_free(this.ctx);
    this.ctx = 0;
    this.pipe.clear();
    byId.delete(this.id);
  }


  // ---- internals -------------------------------------------------------------------------

  /** Runs `op` through the pipe (CipherPipe.run), then passes on the key log lines it made. */
  private call(op: () => number): number {
    try {
      return this.pipe.run(op);
    } finally {
      if (this.keylogSinks.length) takeKeylog(this.core, this.ctx, this.keylogSinks);
    }
  }

  /** DTLS: what a short read left of a record is discarded, as UDP does; returns its length. */
  private discardRecordTail(pt: number): number {
    let dropped = 0;
    for (let left = this.core.x.zs_bytes_avail(this.ctx); left > 0; left = this.core.x.zs_bytes_avail(this.ctx)) {
      const r = this.core.x.zs_read(this.ctx, pt, Math.min(left, Staging.of(this.core).ptCap));
      if (r <= 0) break;
      this.core.u8.fill(0, pt, pt + r);
      dropped += r;
    }
    return dropped;
  }

  private check(): TlsStep | null {
    if (this.ctx === 0) return { state: 'fatal', error: engineError.notSetUp() };
    if (this.fatal) return { state: 'fatal', error: this.fatal };
    return this.peerClosed ? CLOSED : null;
  }

  /** Common start of read/write: session alive, handshake finished. */
  private ready(now: number): TlsStep | null {
    const early = this.check();
    if (early) return early;
    this.core.x.zs_clock(now);
    if (this.handshakeDone) return null;
    const hs = this.handshake(now);
    return hs.state === 'done' ? null : hs;
  }

  private step(r: number): TlsStep {
    if (r >= 0) return done(r);
    if (r === MBEDTLS.WANT_READ || r === MBEDTLS.CRYPTO_IN_PROGRESS || r === MBEDTLS.ASYNC_IN_PROGRESS) {
      return WANT_READ;
    }
    if (r === MBEDTLS.PEER_CLOSE_NOTIFY) {
      this.peerClosed = true;
      return CLOSED;
    }
    const flags = this.core.x.zs_verify_result(this.ctx) >>> 0;
    this.fatal = tlsError(r, flags === 0xffffffff ? 0 : flags);
    return { state: 'fatal', error: this.fatal };
  }

  /** Runs the user's verify callback; never lets an exception cross into wasm. A Promise is a
   *  deferred answer: the handshake pauses (want-verify) until it settles with the flags. */
  callVerify(depth: number, der: Uint8Array, flagsPtr: number): number {
    const dv = this.core.dv;
    const flags = dv.getUint32(flagsPtr, true);
    try {
      const r = this.verifyCallback?.(der, depth, flags);
      if (r && typeof (r as Promise<number>).then === 'function') {
        const answer = (v: number) => {
          this.verifyAnswer = v;
          this.onVerifyAnswer?.();
        };
        (r as Promise<number>).then((v) => answer(typeof v === 'number' && v >= 0 ? v >>> 0 : BADCERT_OTHER), () => answer(BADCERT_OTHER));
        return VERIFY_DEFER;
      }
      if (typeof r === 'number' && r < 0) return r;
      if (typeof r === 'number') dv.setUint32(flagsPtr, r >>> 0, true);
      return 0;
    } catch {
      return MBEDTLS.X509_CERT_VERIFY_FAILED;
    }
  }
}

function verifyHook(id: number, depth: number, der: Uint8Array, flagsPtr: number): number {
  return byId.get(id)?.callVerify(depth, der, flagsPtr) ?? 0;
}
