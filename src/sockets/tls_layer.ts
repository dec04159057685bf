/**
 * The TLS layer of a stream socket: one TlsSession over the socket's own TCP connection (the
 * transport), with one state, one ciphertext queue, one plaintext queue and the handshake
 * deadline. It is driven by the transport's events (process()), as a kernel would drive it:
 * ciphertext is pulled and decrypted as it arrives, so POLLIN means application data, and
 * output is pushed as the connection takes it. STARTTLS attaches a layer to an open
 * connection; STOPTLS detaches it and the connection is plain again (the fd never changes).
 *
 *   handshaking ──done──▶ open ──stop()──▶ closing ──peer's close_notify──▶ detached
 *        │                 │                  │
 *        └──failure────────┴──────────────────┴──▶ failed (errno from failureErrno)
 *
 * Every state change goes through setState(), which stops the deadline and wakes waiters.
 */
import * as E from '../errno.js';
import { TlsSession, MBEDTLS, VERIFY_NOT_RUN, failureErrno, type TlsConfig, type TlsError, type TlsFailure } from '../tls/index.js';
import { timers, type Timer } from '../platform.js';
import { ByteQueue } from './byte_queue.js';
import { recordPool } from '../tls/pool.js';

/** The layer's one state (see the diagram above). */
export type LayerState = 'handshaking' | 'open' | 'closing' | 'failed' | 'detached';

/** What the layer needs from the connection under it (the TCP socket of the same fd). */
export interface StreamTransport {
  /** Reads what is queued now: a count, 0 at EOF, -EAGAIN, or the connection's -errno
   *  (peeked, not consumed: the socket's SO_ERROR still reports it). */
  read(dst: Uint8Array): number;
  /** Writes what fits in the send buffer now: a count, -EAGAIN, or -errno. The connection may
   *  keep src: the layer never touches bytes it wrote again. */
  write(src: Uint8Array): number;
  /** Writes regardless of the send buffer (a closing layer's last records). */
  writeAll(src: Uint8Array): void;
  /** FIN after what is queued. */
  end(): void;
  /** Puts bytes back in front of the receive queue (input a detached layer did not use). */
  unread(bytes: Uint8Array): void;
}

/** The socket that owns the layer: its buffer sizes and how to wake its waiters. */
export interface LayerHost {
  readonly rcvbuf: number;
  readonly sndbuf: number;
  /** Wakes everything waiting on the socket (recv, send, poll, ioctl, completion ports). */
  changed(): void;
}

/** How a layer starts: its session's configuration and what it tells its owner. */
export interface LayerOptions {
  config: TlsConfig;
  /** The handshake deadline (ms). */
  handshakeTimeout: number;
  /** AT-TLS ALLOW_HSTIMEOUT: a handshake that times out before the peer sent a byte detaches
   *  (the connection stays plain) instead of failing. */
  detachOnSilentTimeout?: boolean;
  /** A client session worth storing for resumption (after the handshake, after each ticket). */
  onSession?: (saved: Uint8Array) => void;
  /** The layer detached (the connection is plain again): the owner drops it and gives back
   *  its TLS context. */
  onDetach?: () => void;
}

/** A read or a decrypted chunk of a quarter of a pooled buffer or more stays in it; a smaller
 *  one is copied out (an idle connection with a few bytes queued holds a few bytes, not a
 *  whole record buffer). */
const small = (n: number, buf: Uint8Array) => n < buf.length >> 2;

/** A fed chunk the session is done with goes back to the pool. */
const giveBack = (chunk: Uint8Array) => recordPool.give(chunk);
const NO_HOOKS: Omit<LayerOptions, 'config' | 'handshakeTimeout'> = Object.freeze({});
const NO_ERRORS: readonly TlsError[] = Object.freeze([]);

/** One TLS session driving one connection; created in state handshaking. Calls on a failed
 *  layer report its sticky errno; on a detached one the owner has already dropped it. */
export class TlsLayer {
  state: LayerState = 'handshaking';
  /** Failed: the errno every surface reports (sticky). */
  errno = 0;
  /** Failed during the handshake, not after it. */
  failedInHandshake = false;
  /** The peer ended the handshake cleanly (close_notify or EOF) rather than with an error. */
  cleanClose = false;
  /** The peer's close_notify (or EOF) came: nothing more to read. */
  peerClosed = false;
  private errorList: TlsError[] | null = null; // made at the first error
  /** What the last send/recv that gave -EAGAIN was doing (SSL_get_error's WANT_*). */
  lastOp: 'read' | 'write' | null = null;
  /** Ciphertext bytes taken from the connection. */
  inBytes = 0;
  private verifyFlags: number | null = null;
  private session: TlsSession | null;
  private readonly out = new ByteQueue();
  private readonly plain = new ByteQueue(recordPool);
  private timer: Timer = undefined;
  private processing = false;
  private tickets = 0;
  /** The session must be driven at the next process() though no input came (it starts; a
   *  deferred verify answered; the transport ended). Otherwise an event that brought no
   *  ciphertext (a write completing) does not step a handshake that can only want to read. */
  private kick = true;
  /** The last decrypt stopped at the plaintext bound, not for want of input: records may wait
   *  in the session for room. */
  private starved = false;

  readonly role: 'client' | 'server';
  /** What the layer tells its owner (LayerOptions); the configuration itself is not kept once
   *  the session has it. */
  private readonly opts: Omit<LayerOptions, 'config' | 'handshakeTimeout'>;

  /** Starts a layer; the handshake begins at once. Throws the engine's TlsError when the
   *  configuration cannot make a session (the caller maps it to its errno). */
  constructor(private readonly t: StreamTransport, private readonly host: LayerHost, opts: LayerOptions) {
    this.role = opts.config.role;
    const { onSession, onDetach, detachOnSilentTimeout } = opts;
    this.opts = onSession || onDetach || detachOnSilentTimeout ? { onSession, onDetach, detachOnSilentTimeout } : NO_HOOKS;
    this.session = new TlsSession(opts.config);
    this.session.onConsumed = giveBack; // the reads pull() fed it
    if (opts.config.verifyCallback) this.session.onVerifyAnswer = () => { this.kick = true; this.process(); };
    this.timer = timers.start(opts.handshakeTimeout, () => this.onDeadline());
    this.process();
  }

  /** The session (null once failed-and-freed or detached). */
  get engine(): TlsSession | null {
    return this.session;
  }

  /** Decrypted bytes not yet read. */
  get unread(): number {
    return this.plain.length;
  }

  /** TLS errors, oldest first (takeErrors empties them). */
  get errors(): readonly TlsError[] {
    return this.errorList ?? NO_ERRORS;
  }

  /** Takes the TLS errors, oldest first (zsock_tls_get_error). */
  takeErrors(): TlsError[] {
    const e = this.errorList ?? [];
    this.errorList = null;
    return e;
  }

  /** Ciphertext waiting for room on the connection. */
  get unsent(): number {
    return this.out.length;
  }

  /** TLS_CERT_VERIFY_RESULT: null before verification ran. */
  get verifyResult(): number | null {
    return this.verifyFlags;
  }

  /** Moves everything that can move now: ciphertext in, handshake, decrypt, ciphertext out.
   *  Runs on every transport event and after every user call. */
  process(): void {
    if (this.processing || !this.session || this.state === 'failed' || this.state === 'detached') return;
    this.processing = true;
    try {
      // One read at a time, each answered before the next: what a read makes us send (a
      // KeyUpdate answer) counts against the send buffer before more input is taken.
      for (;;) {
        const s = this.session;
        if (!s) break;
        const fed = this.pull(s);
        const drive = fed > 0 || this.kick;
        this.kick = false;
        if (drive && this.state === 'handshaking') this.stepHandshake(s);
        if ((drive || this.starved) && (this.state === 'open' || this.state === 'closing')) this.decrypt(s);
        this.push();
        if (fed <= 0) break;
      }
      if (this.state === 'closing' && this.peerClosed) this.detach();
    } finally {
      this.processing = false;
      this.host.changed();
    }
  }

  /** Decrypted bytes into dst: the count (0 when none are queued). */
  read(dst: Uint8Array): number {
    const n = this.plain.take(dst);
    if (n > 0) this.process(); // room again: pull and decrypt more
    return n;
  }

  /** Encrypts one record of what the send buffer has room for: the count taken (a short count
   *  when buf is longer than a record, as Zephyr's send), null when it must wait (no room, or
   *  a renegotiation under way), or -errno. */
  write(buf: Uint8Array): number | null {
    const s = this.session;
    if (this.state === 'failed') return -this.errno;
    if (!s || this.state !== 'open' || this.peerClosed) return -E.ECONNABORTED; // as Zephyr, after close_notify too
    const room = this.host.sndbuf - this.out.length;
    if (room <= 0) return null;
    const n = Math.min(room, buf.length);
    const st = s.write(buf.subarray(0, n), Date.now(), true);
    if (st.state === 'fatal') {
      this.fail({ kind: 'engine', error: st.error });
      return -this.errno;
    }
    this.push();
    return st.state === 'done' ? st.n : null;
  }

  /** Runs a post-handshake control (KeyUpdate, a ticket, renegotiation): 0, -ENOTCONN when the
   *  connection is not open, -EPROTO when the engine refused. */
  control(op: (s: TlsSession) => { state: string }, wantReadOk = false): number {
    const s = this.session;
    if (!s || this.state !== 'open') return -E.ENOTCONN;
    const st = op(s);
    this.push();
    this.host.changed();
    return st.state === 'done' || (wantReadOk && st.state === 'want-read') ? 0 : -E.EPROTO;
  }

  /** STOPTLS: sends close_notify; detached once the peer's comes (at once if it came). */
  stop(): void {
    if (this.state !== 'open') return;
    this.session!.closeNotify(Date.now());
    this.setState('closing');
    this.push();
    if (this.peerClosed) this.detach();
  }

  /** Ends a handshake under way (a cancelled asynchronous one); nothing once it is over. */
  abort(f: TlsFailure): void {
    if (this.state === 'handshaking') this.fail(f);
  }

  /** The owner closes: close_notify if open (as Zephyr's close), the last records go out,
   *  the session is freed. */
  close(): void {
    timers.stop(this.timer);
    if (this.session && this.state === 'open') {
      this.session.closeNotify(Date.now());
      this.push();
    }
    for (const c of this.out.splice()) this.t.writeAll(c);
    this.freeSession();
  }

  /** Feeds the session one read of ciphertext: the bytes fed, 0 when there was nothing to
   *  take (or the end came), -1 when the layer must not take more now. After the peer's
   *  close_notify nothing more is TLS: what follows stays on the connection. While decrypted
   *  data or our own output is over its bound (a peer that does not read, yet sends records
   *  that ask for answers), input waits on the connection, so the peer's window closes: what a
   *  peer can make us hold is the send buffer plus the answers to one read. */
  private pull(s: TlsSession): number {
    if (this.plain.length >= this.host.rcvbuf || this.out.length >= this.host.sndbuf || this.peerClosed) return -1;
    if (this.state === 'failed' || this.state === 'detached') return -1;
    const buf = recordPool.take();
    const r = this.t.read(buf);
    if (r > 0) {
      const copy = small(r, buf);
      s.feed(copy ? buf.slice(0, r) : buf.subarray(0, r)); // the session gives it back
      if (copy) recordPool.give(buf);
      this.inBytes += r;
      return r;
    }
    recordPool.give(buf);
    if (r === 0) {
      s.feedEof();
      this.kick = true;
    } else if (r !== -E.EAGAIN) this.fail({ kind: 'transport', errno: -r });
    return 0;
  }

  private stepHandshake(s: TlsSession): void {
    const st = s.handshake(Date.now());
    if (st.state === 'done') {
      this.verifyFlags = ranVerify(s.verifyResult);
      this.setState('open');
      this.storeSession();
    } else if (st.state === 'fatal') {
      (this.errorList ??= []).push(st.error);
      this.cleanClose = st.error.code === MBEDTLS.CONN_EOF;
      this.fail({ kind: 'engine', error: st.error });
    } else if (st.state === 'closed') {
      this.cleanClose = true;
      this.fail({ kind: 'peer-closed' });
    }
  }

  private decrypt(s: TlsSession): void {
    this.starved = true; // unless the session answers that it wants input
    while (this.plain.length < this.host.rcvbuf && !this.peerClosed && this.session) {
      const buf = recordPool.take();
      const st = s.read(buf, Date.now());
      if (st.state === 'done' && !small(st.n, buf)) {
        this.plain.push(buf.subarray(0, st.n)); // the queue gives it back once read
        continue;
      }
      if (st.state === 'done') this.plain.push(buf.slice(0, st.n));
      recordPool.give(buf);
      if (st.state === 'done') continue;
      this.starved = false;
      if (st.state === 'closed') this.peerClosed = true;
      if (st.state === 'fatal') {
        (this.errorList ??= []).push(st.error);
        this.fail({ kind: 'engine', error: st.error });
      }
      break;
    }
    if (this.session && s.ticketsReceived !== this.tickets) {
      this.tickets = s.ticketsReceived;
      this.storeSession(); // TLS 1.3: resumable only once a ticket came
    }
  }

  private storeSession(): void {
    if (this.role !== 'client' || !this.opts.onSession) return;
    const saved = this.session?.saveSession();
    if (saved) this.opts.onSession(saved);
  }

  private push(): void {
    if (this.session) for (const c of this.session.drain()) this.out.push(c);
    for (let c = this.out.first(); c; c = this.out.first()) {
      const n = this.t.write(c);
      if (n <= 0) return;
      this.out.drop(n);
    }
  }

  private onDeadline(): void {
    this.timer = undefined;
    if (this.state !== 'handshaking') return;
    if (this.opts.detachOnSilentTimeout && this.inBytes === 0) this.detach();
    else this.fail({ kind: 'timeout' });
  }

  /** The one way to fail: the alert (if any) goes out, then FIN, so the peer learns at once.
   *  The errno is sticky; the session stays (for its queries) until the owner closes. */
  private fail(f: TlsFailure): void {
    if (this.state === 'failed' || this.state === 'detached') return;
    const inHandshake = this.state === 'handshaking';
    const v = this.session ? ranVerify(this.session.verifyResult) : null;
    if (v !== null && this.verifyFlags === null && inHandshake) this.verifyFlags = v;
    this.errno = failureErrno(f, !inHandshake);
    this.failedInHandshake = inHandshake;
    this.push();
    for (const c of this.out.splice()) this.t.writeAll(c);
    this.t.end();
    this.setState('failed');
  }

  /** Hands the connection back as plain TCP: what the session took but did not use goes back
   *  in front of the receive queue; the session is freed. */
  private detach(): void {
    const rest = this.session?.takeUnread();
    if (rest?.length) this.t.unread(rest);
    for (const c of this.out.splice()) this.t.writeAll(c);
    this.freeSession();
    this.setState('detached');
    this.opts.onDetach?.();
  }

  private freeSession(): void {
    this.session?.free();
    this.session = null;
    this.plain.clear(true);
  }

  private setState(next: LayerState): void {
    if (next !== 'handshaking') {
      timers.stop(this.timer);
      this.timer = undefined;
    }
    this.state = next;
    this.host.changed();
  }
}

/** A verification result only if verification ran (mbedTLS's all-ones means it did not, as on a
 *  server that asked for no certificate): else null, and TLS_CERT_VERIFY_RESULT is -ENOTCONN. */
function ranVerify(flags: number): number | null {
  return flags >>> 0 === VERIFY_NOT_RUN ? null : flags;
}
