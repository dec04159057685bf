/**
 * TCP stream sockets over the NetDriver. Receive data waits in a queue (the driver is paused
 * when it reaches SO_RCVBUF); sends are accepted while the driver's unsent bytes are below
 * SO_SNDBUF, so short writes, EAGAIN and the loss of POLLOUT happen as on a device.
 *
 * A stream socket owns an optional TLS layer (tls_layer.ts) over its own connection: a TLS
 * socket (tls.ts) attaches one when its connect or accept completes, the policy (ttls.ts)
 * when a connection it secures is established or on STARTTLS. While a layer is attached the
 * user's calls go through it (tls_io.ts); the fd and this object never change.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { driver } from '../net/index.js';
import type { TcpConn, TcpEvents } from '../net/driver.js';
import { timers } from '../platform.js';
import { Sock, type Out } from './socket.js';
import { applyTcpOptions, getTcpOption, setTcpOption } from './tcp_options.js';
import { ANY4, ANY6, checkAddr, fill, fromNet, toNet, type SockAddr } from './addr.js';
import { bindAddr, release, repick } from './ports.js';
import { portRange } from './ip_options.js';
import { ListenQueue, clampBacklog } from './tcp_listen.js';
import { ByteQueue } from './byte_queue.js';
import type { StreamTransport, TlsLayer } from './tls_layer.js';
import { purgeSessionCaches, type ContextToken } from './tls_state.js';
import type { TlsOptions } from './tls_options.js';
import { getStreamTlsOpt } from './tls_sockopt.js';
import * as tlsIo from './tls_io.js';
import { ConnEvents, ConnTransport, FinWait } from './tcp_conn.js';

type State = 'new' | 'connecting' | 'connected' | 'listening' | 'failed';

/** Told when a plain TCP connection is established, outbound (its connect completed) or
 *  inbound (accepted, its fd already reserved): the TLS policy maps it here, once. */
export type EstablishedHook = (tcp: TcpSock, direction: 'inbound' | 'outbound') => void;
let established: EstablishedHook | null = null;

/** Installs the policy's hook (ttls.ts); null removes it. */
export function onEstablished(hook: EstablishedHook | null): void {
  established = hook;
}

/** A TCP stream socket (plain, or a TLS socket's base: tls.ts), owning an optional TLS layer.
 *  States: new -> connecting -> connected | failed; new -> listening. */
export class TcpSock extends Sock {
  state: State = 'new';
  /** The TLS layer over this connection, while one is attached. */
  layer: TlsLayer | null = null;
  /** The TLS context this socket holds (a TLS socket from creation; a policy-secured
   *  connection while its layer is attached). Released exactly once. */
  ctx: ContextToken | null = null;
  /** SOL_TLS options: a TLS socket's own, or a policy rule's while its layer is attached. */
  tls: TlsOptions | null = null;
  /** What the TLS policy decided for this connection (ttls.ts), once established. */
  policy: unknown = null;
  /** The connection as a transport for the TLS layer (never waits, never consumes SO_ERROR). */
  readonly transport: StreamTransport = new ConnTransport(this);
  private local: SockAddr | null = null;
  private autoPort = false;
  private conn: TcpConn | null = null;
  private listening: ListenQueue<TcpSock> | null = null;
  private readonly rx = new ByteQueue();
  private eof = false;       // the peer's FIN
  private gone = false;      // the connection is closed
  private rdShut = false;    // shutdown(SHUT_RD)
  private paused = false;
  private nbConnect = false; // a non-blocking connect whose success was not yet reported
  private tlsErrorTaken = false;
  private synTimer: unknown = undefined;
  /** Bumped when a connection is dropped (ConnEvents ignores the old one's events). */
  connGen = 0;
  private ready: Promise<void> | null = null; // a listener's: bound (whenReady)
  private markReady: (() => void) | null = null;

  constructor(family: number, proto: number = C.IPPROTO_TCP) {
    super(family, C.SOCK_STREAM, proto);
  }

  /** A TLS socket (IPPROTO_TLS_*): user calls are TLS from connect/accept on. */
  get secure(): boolean {
    return this.proto !== C.IPPROTO_TCP;
  }

  /** A new socket for an incoming connection (a TLS listener makes TLS children). */
  protected newChild(): TcpSock {
    return new TcpSock(this.family, this.proto);
  }

  /** The connection is established (connect completed): a TLS socket starts its handshake. */
  protected connected(): void {
    if (!this.secure) established?.(this, 'outbound');
  }

  override bind(addr: SockAddr): number {
    if (this.local || this.state !== 'new') return -E.EINVAL;
    const b = bindAddr('tcp', this.family, addr, this.reuse(), this.v6only, portRange(this.opts));
    if (typeof b === 'number') return b;
    this.local = b.local;
    this.autoPort = b.auto;
    return 0;
  }

  private reuse(): boolean {
    return !!(this.opts.get(`so${C.SO_REUSEADDR}`) || this.opts.get(`so${C.SO_REUSEPORT}`));
  }

  override listen(backlog: number): number {
    if (this.state === 'listening') {
      this.listening!.setBacklog(backlog);
      return 0;
    }
    if (this.state !== 'new') return -E.EINVAL;
    if (!this.local) {
      const r = this.bind({ family: this.family, addr: this.family === C.AF_INET6 ? ANY6 : ANY4, port: 0 });
      if (r < 0) return r;
    }
    this.state = 'listening';
    this.ready = new Promise((r) => (this.markReady = r));
    this.listening = new ListenQueue<TcpSock>(clampBacklog(backlog), {
      make: (conn) => this.child(conn),
      ready: (errno) => { if (errno) this.error = errno; this.markReady?.(); },
      retry: (errno, retries) => {
        const local = this.local!;
        const port = repick('tcp', errno, local, this.autoPort, retries, this.v6only, portRange(this.opts));
        if (port === null) return null;
        this.local = { ...local, port };
        return toNet(this.local);
      },
      drop: (child) => child.conn?.destroy(),
      changed: () => this.changed(),
    });
    this.listening.start(toNet(this.local!), this.v6only);
    return 0;
  }

  override whenReady(): Promise<void> {
    return this.ready ?? super.whenReady();
  }

  /** A connection the listener completed, as the socket accept() will return. */
  private child(conn: TcpConn): TcpSock {
    const child = this.newChild();
    child.rcvbuf = this.rcvbuf;
    child.sndbuf = this.sndbuf;
    for (const [k, v] of this.opts) child.optsW.set(k, v);
    child.attach(conn);
    child.state = 'connected';
    child.applyOptions();
    return child;
  }

  /** Blocks (not bounded by SO_RCVTIMEO, as Zephyr) until a connection is queued. */
  override async accept(addr?: SockAddr): Promise<Sock | number> {
    if (this.state !== 'listening') return -E.EINVAL;
    const r = await this.block<Sock | number>(() => (this.error ? -this.takeError() : this.listening!.shift() ?? null), 0, false);
    if (r instanceof TcpSock) {
      const peer = r.peerAddr();
      if (peer) fill(addr, peer);
      if (!r.secure) established?.(r, 'inbound');
    }
    return r;
  }

  /** Puts an accepted connection back in front of the queue (a TLS listener found no context
   *  for it: the peer waits in the backlog instead of being reset). */
  protected requeue(child: TcpSock): void {
    this.listening?.unshift(child);
  }

  /** SO_ERROR: a failed TLS layer's errno once (it stands for whatever failed under it),
   *  else the connection's pending error; either is then cleared, as POSIX. */
  override takeError(): number {
    const L = this.layer;
    if (L?.state === 'failed' && !this.tlsErrorTaken) {
      this.tlsErrorTaken = true;
      this.error = 0;
      return L.errno;
    }
    return super.takeError();
  }

  override async connect(addr: SockAddr): Promise<number> {
    switch (this.state) {
      case 'listening': return -E.EINVAL;
      case 'connected':
        if (this.nbConnect) { this.nbConnect = false; return 0; }
        return -E.EISCONN;
      case 'connecting': return -E.EALREADY;
      case 'failed': {
        const e = this.takeError();
        if (e) return -e;
        this.state = 'new';
      }
    }
    const text = checkAddr(addr, this.family);
    if (typeof text === 'number') return text;
    if (addr.port === 0) return -E.ECONNREFUSED;
    if (!this.local && this.opts.has('portrange')) {
      // IP_LOCAL_PORT_RANGE: the connection's port comes from the socket's range, not the host's.
      const r = this.bind({ family: this.family, addr: this.family === C.AF_INET6 ? ANY6 : ANY4, port: 0 });
      if (r < 0) return r;
    }
    this.state = 'connecting';
    this.conn = driver().tcpConnect(toNet({ ...addr, addr: text }), this.local ? toNet(this.local) : null, this.events());
    this.synDeadline();
    if (this.nonblock) {
      this.nbConnect = true;
      return -E.EINPROGRESS;
    }
    const r = await this.block(() => (this.state === 'connected' ? 0 : this.state === 'failed' ? -this.takeError() : null),
      config.NET_SOCKETS_CONNECT_TIMEOUT, false, -E.ETIMEDOUT);
    if (r === -E.ETIMEDOUT && this.state === 'connecting') {
      this.abandon();
      this.state = 'new';
    }
    return r;
  }

  /** Zephyr's SYN retransmissions: the SYN and NET_TCP_RETRY_COUNT more, each
   *  NET_TCP_INIT_RETRANSMISSION_TIMEOUT after the last; then the connect has failed with
   *  ETIMEDOUT (POLLERR and SO_ERROR for a non-blocking one), whatever the platform's own
   *  retries would still do. */
  private synDeadline(): void {
    const conn = this.conn;
    const ms = (config.NET_TCP_RETRY_COUNT + 1) * config.NET_TCP_INIT_RETRANSMISSION_TIMEOUT;
    timers.stop(this.synTimer);
    this.synTimer = timers.start(ms, () => {
      this.synTimer = undefined;
      if (this.state !== 'connecting' || this.conn !== conn || this.closed) return;
      this.abandon();
      this.state = 'failed';
      this.error = E.ETIMEDOUT;
      this.moved();
    }, true);
  }

  /** Drops a connection that is still connecting; its driver's later events are ignored. */
  private abandon(): void {
    this.stopSynTimer();
    this.conn?.destroy();
    this.conn = null;
    this.connGen++;
  }

  /** The SYN deadline is over (connected, failed or closed): its timer is let go. */
  private stopSynTimer(): void {
    timers.stop(this.synTimer);
    this.synTimer = undefined;
  }

  private attach(conn: TcpConn): void {
    this.conn = conn;
    conn.events = this.events();
  }

  private events(): TcpEvents {
    return new ConnEvents(this, this.connGen);
  }

  /** The driver's events (ConnEvents, for the current connection only). @internal */
  connOpened(): void {
    this.stopSynTimer();
    this.state = 'connected';
    this.applyOptions();
    this.connected();
    this.moved();
  }

  /** @internal */
  connData(d: Uint8Array): void {
    this.rx.push(d);
    if (this.rx.length >= this.rcvbuf && !this.paused) {
      this.paused = true;
      this.conn?.pause();
    }
    this.moved();
  }

  /** @internal */
  connEnded(): void {
    this.eof = true;
    this.moved();
  }

  /** @internal */
  connFailed(errno: number): void {
    if (this.state === 'connecting') this.state = 'failed';
    this.error = errno;
    this.moved();
  }

  /** @internal */
  connClosed(): void {
    this.gone = true;
    if (this.state === 'connecting') {
      this.state = 'failed';
      this.error ||= E.ECONNREFUSED;
    }
    this.moved();
  }

  /** Something moved on the connection: the TLS layer (if any) runs, then waiters wake. */
  moved(): void {
    if (this.layer) this.layer.process(); // wakes waiters itself
    else this.changed();
  }

  override async sendto(buf: Uint8Array, flags: number, to: SockAddr | null): Promise<number> {
    if (this.layer || this.secure) return tlsIo.send(this, buf, flags);
    return this.sendPlain(buf, flags, to);
  }

  private async sendPlain(buf: Uint8Array, flags: number, _to: SockAddr | null): Promise<number> {
    if (this.state !== 'connected') return this.state === 'failed' && this.error ? -this.takeError() : -E.ENOTCONN;
    if (buf.length === 0) return 0;
    return this.block(() => {
      const r = this.sendNow(buf);
      return r === -E.EAGAIN ? null : r;
    }, this.sndtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  /** Sends what fits now, never waiting: the count, -EAGAIN, or -errno. One driver write per
   *  call, of a copy (the caller may reuse buf), or of buf itself with `copy` false (a layer
   *  above that hands over bytes it never touches again). For layers above (TLS) and sendto. */
  sendNow(buf: Uint8Array, copy = true): number {
    if (this.state !== 'connected') return -E.ENOTCONN;
    if (this.error) return -this.takeError();
    if (this.gone || !this.conn) return -E.EPIPE;
    const room = this.sndbuf - this.conn.queued;
    if (room <= 0) return -E.EAGAIN;
    const n = Math.min(room, buf.length);
    this.conn.write(copy ? buf.slice(0, n) : buf.subarray(0, n));
    return n;
  }

  /** Sends FIN after what is queued (a layer above whose session died ends the transport). */
  finish(): void {
    if (this.conn && !this.gone) this.conn.end();
  }

  /** Hands bytes to the driver regardless of SO_SNDBUF (a closing TLS socket's last records). */
  sendForce(buf: Uint8Array): void {
    if (this.conn && !this.gone) this.conn.write(buf);
  }

  /** Puts bytes back in front of the receive queue: what a TLS session on this connection had
   *  taken but not used when it stopped (plain text again after close_notify). */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.rx.unshift(bytes);
    this.changed();
  }

  /** True while both directions are open (no FIN from the peer, no reset, no local close). */
  get established(): boolean {
    return this.state === 'connected' && !this.gone && !this.eof && !this.error;
  }

  /** Reads what is queued now, never waiting: the count, 0 at EOF, -EAGAIN, or -errno (the
   *  pending error is peeked, not taken: SO_ERROR still reports it). */
  recvNow(buf: Uint8Array): number {
    if (this.rx.length > 0) return this.take(buf, false);
    if (this.rdShut || this.eof) return 0;
    if (this.error) return -this.error;
    return this.gone ? 0 : -E.EAGAIN;
  }

  override async recvfrom(buf: Uint8Array, flags: number, from: SockAddr | null): Promise<number> {
    if (this.layer || this.secure) return tlsIo.recv(this, buf, flags);
    return this.recvPlain(buf, flags, from);
  }

  private async recvPlain(buf: Uint8Array, flags: number, from: SockAddr | null): Promise<number> {
    if (this.state !== 'connected') return this.state === 'failed' && this.error ? -this.takeError() : -E.ENOTCONN;
    if (buf.length === 0) return 0;
    const peek = (flags & C.ZSOCK_MSG_PEEK) !== 0;
    const waitall = (flags & C.ZSOCK_MSG_WAITALL) !== 0 && !peek;
    let got = 0;
    const r = await this.block(() => {
      if (this.rx.length > 0) {
        got += this.take(buf.subarray(got), peek);
        if (!waitall || got === buf.length) return got;
      }
      if (got > 0 && (this.eof || this.rdShut || this.error)) return got;
      if (this.rdShut || this.eof) return 0;
      if (this.error) return -this.takeError();
      return null;
    }, this.rcvtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
    if (from && this.conn?.remote) fill(from, fromNet(this.conn.remote));
    return typeof r === 'number' && r < 0 && got > 0 ? got : r; // a WAITALL timeout keeps the partial count
  }

  /** Copies queued bytes into dst; consumes them unless peeking. */
  private take(dst: Uint8Array, peek: boolean): number {
    const n = this.rx.take(dst, peek);
    if (peek) return n;
    if (this.paused && this.rx.length < this.rcvbuf) {
      this.paused = false;
      this.conn?.resume();
    }
    return n;
  }

  protected override shutdownRead(): number {
    this.rdShut = true;
    this.changed();
    return 0;
  }

  override pollEvents(): number {
    if (this.layer || (this.secure && this.state !== 'listening')) return tlsIo.pollEvents(this);
    return this.plainEvents();
  }

  /** The connection's own poll events (a TLS layer adds its own on top). */
  plainEvents(): number {
    const err = this.error ? C.ZSOCK_POLLERR : 0;
    switch (this.state) {
      case 'listening': return (this.listening?.length ? C.ZSOCK_POLLIN : 0) | err;
      case 'failed': return C.ZSOCK_POLLERR;
      case 'connected': {
        let ev = err;
        if (this.rx.length > 0 || this.eof || this.rdShut || this.gone) ev |= C.ZSOCK_POLLIN;
        if (this.eof || this.gone) ev |= C.ZSOCK_POLLHUP;
        if (!this.gone && this.conn && this.conn.queued < this.sndbuf) ev |= C.ZSOCK_POLLOUT;
        return ev;
      }
      default: return err;
    }
  }

  /** FIONREAD: queued bytes; -EOPNOTSUPP while TLS is on (Zephyr). */
  override readable(): number {
    return this.layer || this.secure ? -E.EOPNOTSUPP : this.rx.length;
  }

  override localAddr(): SockAddr | null {
    const live = this.conn?.local;
    return live ? fromNet(live) : this.local;
  }

  override peerAddr(): SockAddr | null {
    const r = this.state === 'connected' ? this.conn?.remote : null;
    return r ? fromNet(r) : null;
  }

  /** SOL_TLS on a socket with TLS options: the session's queries, then the options; on a plain
   *  connection -ENOPROTOOPT. Other levels as for any TCP socket. */
  override getsockopt(level: number, name: number, out: Out<unknown>): number {
    if (level !== C.SOL_TLS) return super.getsockopt(level, name, out);
    if (!this.tls) return -E.ENOPROTOOPT;
    const L = this.layer, open = L?.state === 'open' || L?.state === 'closing';
    return getStreamTlsOpt(this.tls, { open: open ? L.engine : null, verifyResult: L?.verifyResult ?? null }, name, out);
  }

  override setsockopt(level: number, name: number, value: unknown): number {
    if (level !== C.SOL_TLS) return super.setsockopt(level, name, value);
    if (!this.tls) return -E.ENOPROTOOPT;
    const r = this.tls.set(name, value);
    if (r === 0 && name === C.TLS_SESSION_CACHE_PURGE) purgeSessionCaches();
    return r;
  }

  /** TCP_NODELAY when the socket has not set it (a TLS socket sends whole flights: on). */
  protected get nodelayDefault(): number {
    return 0;
  }

  protected override getTcpOpt(name: number, out: Out<unknown>): number {
    return getTcpOption(this.opts, name, out, this.nodelayDefault);
  }

  protected override setTcpOpt(name: number, value: unknown): number {
    const r = setTcpOption(this.optsW, name, value);
    if (r === 0) this.applyOptions();
    return r;
  }

  protected override applyOptions(): void {
    if (this.conn) applyTcpOptions(this.opts, this.conn, this.nodelayDefault);
  }

  protected override interfaces(): string[] {
    return driver().interfaces();
  }

  override close(): void {
    if (this.closed) return;
    this.stopSynTimer();
    this.layer?.close(); // close_notify and the last records go out before FIN
    this.layer = null;
    this.ctx?.release();
    this.ctx = null;
    super.close();
    const conn = this.conn;
    if (conn && (this.rx.length > 0 || this.paused)) {
      conn.destroy(); // unread data: reset, as a host stack does on close
    } else if (conn) {
      conn.end(); // FIN after what is queued; the peer's FIN then closes it
      conn.events = new FinWait(conn, config.NET_TCP_FIN_TIMEOUT);
      conn.resume();
    }
    this.listening?.close();
    if (this.local) release('tcp', this.local);
  }
}
