/**
 * TLS stream sockets (IPPROTO_TLS_1_2 / _1_3): a TlsSession over an inner TCP socket that is
 * not in the fd table. The socket is driven by its inner socket's events, as a kernel would
 * drive it: ciphertext is pulled and decrypted as it arrives (so poll's POLLIN means
 * application data), and output is pushed as the inner socket takes it. So the handshake
 * progresses by itself: a blocking connect waits for it, a non-blocking one returns
 * -EINPROGRESS and completion shows as POLLOUT (failure POLLERR + SO_ERROR), beyond Zephyr.
 */
import * as E from '../errno.js';
import * as C from '../api/constants.js';
import { config } from '../config.js';
import { TlsSession, TlsServerState, TLS1_2, TLS1_3, MBEDTLS, type TlsConfig } from '../tls/index.js';
import { TlsSockBase } from './tls_base.js';
import type { Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { contexts, clientCache, listeners } from './tls_state.js';
import type { SockAddr } from './addr.js';

const SCRATCH = new Uint8Array(16384);

export class TlsSock extends TlsSockBase {
  private minVersion(): number {
    return this.proto === C.IPPROTO_TLS_1_3 ? TLS1_3 : TLS1_2; // 1_3 never downgrades (Zephyr PR #102570)
  }

  override bind(addr: SockAddr): number { return this.inner.bind(addr); }
  override whenReady(): Promise<void> { return this.inner.whenReady(); }

  override listen(backlog: number): number {
    const r = this.inner.listen(backlog);
    if (r === 0 && this.phase !== 'listening') {
      this.phase = 'listening';
      this.renewServerState();
      listeners.add(this);
    }
    return r;
  }

  /** New ticket key and cache (TLS_SESSION_CACHE_PURGE drops the old ones). */
  renewServerState(): void {
    this.srvState?.free();
    this.srvState = new TlsServerState();
  }

  override async connect(addr: SockAddr): Promise<number> {
    switch (this.phase) {
      case 'listening': return -E.EINVAL;
      case 'connecting': case 'handshaking': return this.nonblock ? -E.EALREADY : this.waitEstablished();
      case 'established':
        if (this.nbPending) { this.nbPending = false; return 0; }
        return -E.EISCONN;
      case 'failed': return -(this.takeError() || E.ECONNABORTED);
    }
    const r = await this.inner.connect(addr);
    if (r !== -E.EINPROGRESS && r !== 0) return r;
    this.peerKey = `${addr.addr}|${addr.port}`;
    this.phase = 'connecting';
    this.arm(config.NET_SOCKETS_CONNECT_TIMEOUT);
    this.process();
    if (this.nonblock) {
      this.nbPending = true;
      return -E.EINPROGRESS;
    }
    return this.waitEstablished();
  }

  protected waitEstablished(): Promise<number> {
    return this.block(() => (this.phase === 'established' ? 0 : this.phase === 'failed' ? -(this.takeError() || E.ECONNABORTED) : null), 0, false)
      .then((r) => r as number);
  }

  /** Accepts a TCP connection and runs the server handshake on it (a blocking listener waits
   *  for it; a non-blocking one returns the new socket at once, handshake in progress). */
  override async accept(addr?: SockAddr): Promise<Sock | number> {
    if (this.phase !== 'listening') return -E.EINVAL;
    this.inner.nonblock = this.nonblock;
    const child = await this.inner.accept(addr);
    this.inner.nonblock = true;
    if (typeof child === 'number') return child;
    if (!contexts.take()) {
      child.close();
      return -E.ENOMEM;
    }
    const t = new TlsSock(this.family, this.proto, child as TcpSock);
    Object.assign(t.tls, this.tls.clone());
    t.rcvtimeo = this.rcvtimeo;
    t.sndtimeo = this.sndtimeo;
    t.startHandshake('server', this.srvState);
    if (this.nonblock) return t;
    const r = await t.waitEstablished();
    if (r < 0) {
      t.close();
      return r === -E.ETIMEDOUT ? r : -E.ECONNABORTED;
    }
    return t;
  }

  protected startHandshake(role: 'client' | 'server', srv: TlsServerState | null): void {
    const cfg = this.tls.engineConfig(role, false);
    cfg.minVersion = Math.max(cfg.minVersion ?? TLS1_2, this.minVersion());
    this.tune(cfg);
    if (role === 'client' && this.tls.sessionCache) cfg.session = clientCache.get(this.peerKey);
    if (role === 'server' && srv) cfg.serverState = { handle: srv.handle, tickets: true, cache: !!this.tls.sessionCache };
    try {
      this.session = new TlsSession(cfg);
    } catch (e) {
      return this.fail((e as { errno?: number }).errno ?? E.EINVAL);
    }
    this.session.onVerifyAnswer = () => this.process();
    this.phase = 'handshaking';
    this.arm(this.handshakeTimeout());
    this.process();
  }

  /** Adjusts a session's configuration before it is created (policy-secured sockets). */
  protected tune(_cfg: TlsConfig): void {}

  /** How long a handshake may take (ms): CONFIG_NET_SOCKETS_TLS_CONNECT_TIMEOUT. */
  protected handshakeTimeout(): number {
    return config.NET_SOCKETS_TLS_CONNECT_TIMEOUT;
  }

  /** A handshake deadline passed: the socket fails with ETIMEDOUT. */
  protected onHandshakeTimeout(): void {
    this.fail(E.ETIMEDOUT);
  }

  /** A phase deadline (TCP connect, then the handshake): ETIMEDOUT when it passes. */
  protected arm(ms: number): void {
    clearTimeout(this.timer);
    const phase = this.phase;
    this.timer = setTimeout(() => {
      if (this.phase !== phase) return;
      if (phase === 'handshaking') this.onHandshakeTimeout(); else this.fail(E.ETIMEDOUT);
    }, ms);
    this.timer.unref?.();
  }

  /** The handshake failed: the alert (if any) goes out, then FIN, so the peer learns at once
   *  instead of waiting for its own timeout. */
  protected fail(errno: number): void {
    clearTimeout(this.timer);
    if (this.session) this.verifyFlags = this.session.verifyResult;
    this.phase = 'failed';
    this.error = errno;
    this.push();
    for (const c of this.out.splice(0)) this.inner.sendForce(c);
    this.outBytes = 0;
    this.inner.finish();
    this.changed();
  }

  /** Moves everything that can move now: TCP completion, ciphertext in, handshake, decrypt,
   *  ciphertext out. Runs on every inner event and after every user call. */
  process(): void {
    if (this.processing || this.closed) return;
    this.processing = true;
    try {
      if (this.phase === 'connecting') {
        if (this.inner.state === 'connected') this.startHandshake('client', null);
        else if (this.inner.state === 'failed') this.fail(this.inner.takeError() || E.ECONNREFUSED);
      }
      const s = this.session;
      if (!s || (this.phase !== 'handshaking' && this.phase !== 'established')) return;
      this.pull(s);
      if (this.phase === 'handshaking') this.stepHandshake(s);
      if (this.phase === 'established') this.decrypt(s);
      this.push();
    } finally {
      this.processing = false;
      this.changed();
    }
  }

  private pull(s: TlsSession): void {
    // After the peer's close_notify nothing more is TLS: what follows stays on the connection.
    while (this.plainBytes < this.rcvbuf && !this.peerClosed) {
      const r = this.inner.recvNow(SCRATCH);
      if (r > 0) { s.feed(SCRATCH.slice(0, r)); this.inBytesSeen += r; continue; }
      if (r === 0) s.feedEof();
      else if (r !== -E.EAGAIN) this.phase === 'handshaking' ? this.fail(-r) : (this.error = -r);
      return;
    }
  }

  private stepHandshake(s: TlsSession): void {
    const st = s.handshake(Date.now());
    if (st.state === 'done') {
      clearTimeout(this.timer);
      this.phase = 'established';
      this.verifyFlags = s.verifyResult;
      this.storeSession();
    } else if (st.state === 'fatal') {
      this.errors.push(st.error);
      this.cleanClose = st.error.code === MBEDTLS.CONN_EOF;
      this.fail(st.error.errno === E.ETIMEDOUT ? E.ETIMEDOUT : E.ECONNABORTED);
    } else if (st.state === 'closed') {
      this.cleanClose = true;
      this.fail(E.ECONNABORTED);
    }
  }

  private decrypt(s: TlsSession): void {
    while (this.plainBytes < this.rcvbuf && !this.peerClosed && !this.fatal) {
      const st = s.read(SCRATCH, Date.now());
      if (st.state === 'done') {
        this.plain.push(SCRATCH.slice(0, st.n));
        this.plainBytes += st.n;
      } else {
        if (st.state === 'closed') this.peerClosed = true;
        if (st.state === 'fatal') { this.fatal = true; this.error = E.ECONNABORTED; this.errors.push(st.error); }
        break;
      }
    }
    if (s.ticketsReceived !== this.tickets) {
      this.tickets = s.ticketsReceived;
      this.storeSession(); // TLS 1.3: resumable only once a ticket came
    }
  }

  private storeSession(): void {
    if (this.session?.role !== 'client' || !this.tls.sessionCache) return;
    const saved = this.session.saveSession();
    if (saved) clientCache.set(this.peerKey, saved);
  }

  protected push(): void {
    const s = this.session;
    if (s) for (const c of s.drain()) { this.out.push(c); this.outBytes += c.length; }
    while (this.out.length) {
      const n = this.inner.sendNow(this.out[0]);
      if (n < 0) return;
      this.outBytes -= n;
      if (n < this.out[0].length) { this.out[0] = this.out[0].subarray(n); return; }
      this.out.shift();
    }
  }

  /** Ends a handshake under way with `errno` (a cancelled asynchronous handshake); the peer
   *  gets FIN. Does nothing once the handshake is over. */
  abort(errno: number): void {
    if (this.phase === 'connecting' || this.phase === 'handshaking') this.fail(errno);
  }

  /** SSL_do_handshake's contract (zsock_tls_handshake): 1 established; 0 the peer ended the
   *  handshake cleanly; -EAGAIN not yet (non-blocking); another -errno on failure. */
  async explicitHandshake(): Promise<number> {
    if (this.phase === 'connecting' || this.phase === 'handshaking') {
      if (this.nonblock) return -E.EAGAIN;
      await this.waitEstablished();
    }
    switch (this.phase) {
      case 'established': this.nbPending = false; return 1;
      case 'failed': return this.cleanClose ? 0 : -(this.takeError() || E.ECONNABORTED);
      case 'listening': return -E.EINVAL;
      default: return this.closed ? -E.EINTR : -E.ENOTCONN;
    }
  }

  /** Waits for the handshake where needed; null when the socket can carry data. */
  private async ready(dontwait: boolean): Promise<number | null> {
    if (this.phase === 'connecting' || this.phase === 'handshaking') {
      if (dontwait || this.nonblock) return -E.EAGAIN;
      const r = await this.waitEstablished();
      if (r < 0) return r;
    }
    if (this.phase === 'failed') return -(this.takeError() || E.ECONNABORTED);
    return this.phase === 'established' ? null : -E.ENOTCONN;
  }

  override async sendto(buf: Uint8Array, flags: number, _to: SockAddr | null): Promise<number> {
    const dontwait = (flags & C.ZSOCK_MSG_DONTWAIT) !== 0;
    const pre = await this.ready(dontwait);
    if (pre !== null) return this.noteOp('write', pre);
    if (buf.length === 0) return 0;
    return this.noteOp('write', await this.block(() => {
      if (this.fatal || this.peerClosed) return -E.ECONNABORTED; // as Zephyr, after close_notify too
      if (this.error) return -this.takeError();
      const room = this.sndbuf - this.outBytes;
      if (room <= 0) return null;
      const n = Math.min(room, buf.length);
      const st = this.session!.write(buf.subarray(0, n), Date.now());
      if (st.state === 'fatal') { this.fatal = true; this.errors.push(st.error); return -E.ECONNABORTED; }
      this.push();
      // A renegotiation under way (RESET_CIPHER): nothing was taken; wait for it to finish.
      return st.state === 'done' ? n : null;
    }, this.sndtimeo, dontwait) as number);
  }

  private noteOp(op: 'read' | 'write', r: number): number {
    this.lastOp = r === -E.EAGAIN ? op : null;
    return r;
  }

  override async recvfrom(buf: Uint8Array, flags: number, _from: SockAddr | null): Promise<number> {
    if (flags & C.ZSOCK_MSG_PEEK) return -E.ENOTSUP; // mbedTLS cannot peek (Zephyr)
    const dontwait = (flags & C.ZSOCK_MSG_DONTWAIT) !== 0;
    const pre = await this.ready(dontwait);
    if (pre !== null) return this.noteOp('read', pre);
    if (buf.length === 0) return 0;
    const waitall = (flags & C.ZSOCK_MSG_WAITALL) !== 0;
    let got = 0;
    const r = await this.block(() => {
      if (this.plainBytes > 0) {
        got += this.take(buf.subarray(got));
        this.process(); // room again: pull and decrypt more
        if (!waitall || got === buf.length) return got;
      }
      if (this.peerClosed) return got;
      if (this.fatal) return got || -E.ECONNABORTED;
      if (this.error) return got || -this.takeError();
      return null;
    }, this.rcvtimeo, dontwait);
    return this.noteOp('read', typeof r === 'number' && r < 0 && got > 0 ? got : r as number);
  }

  private take(dst: Uint8Array): number {
    let n = 0;
    while (n < dst.length && this.plain.length) {
      const c = this.plain[0];
      const k = Math.min(c.length, dst.length - n);
      dst.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.plain.shift(); else this.plain[0] = c.subarray(k);
    }
    this.plainBytes -= n;
    return n;
  }

  override close(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    if (this.session && this.phase === 'established' && !this.fatal) {
      this.session.closeNotify(Date.now()); // Zephyr: close sends close_notify
      this.push();
    }
    for (const c of this.out) this.inner.sendForce(c);
    super.close();
    this.unsubscribe();
    this.inner.close();
    this.srvState?.free();
    listeners.delete(this);
    this.releaseEngine();
  }

  /** Frees the session and gives its TLS context back. */
  protected releaseEngine(): void {
    this.session?.free();
    this.session = null;
    contexts.give();
  }
}
