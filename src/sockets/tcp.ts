/**
 * TCP stream sockets over the NetDriver: how a socket gets its connection (bind, connect with
 * Zephyr's SYN deadline, listen and accept), its options, and the TLS layer above it. The
 * connection's bytes (queues, backpressure, poll events) are tcp_stream.ts's.
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
import type { TcpConn } from '../net/driver.js';
import { timers } from '../platform.js';
import type { Sock, Out } from './socket.js';
import { TcpStream } from './tcp_stream.js';
import { applyTcpOptions, getTcpOption, setTcpOption } from './tcp_options.js';
import { ANY4, ANY6, checkAddr, fill, fromNet, toNet, type SockAddr } from './addr.js';
import { bindAddr, release, repick } from './ports.js';
import { portRange } from './ip_options.js';
import { ListenQueue, clampBacklog } from './tcp_listen.js';
import type { StreamTransport, TlsLayer } from './tls_layer.js';
import { purgeSessionCaches, type ContextToken } from './tls_state.js';
import type { TlsOptions } from './tls_options.js';
import { getStreamTlsOpt } from './tls_sockopt.js';
import * as tlsIo from './tls_io.js';
import { ConnTransport } from './tcp_conn.js';

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
export class TcpSock extends TcpStream {
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
  private listening: ListenQueue<TcpSock> | null = null;
  private nbConnect = false; // a non-blocking connect whose success was not yet reported
  private tlsErrorTaken = false;
  private synTimer: unknown = undefined;
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

  /** The connect completed: the SYN deadline is over, the options apply. @internal */
  connOpened(): void {
    this.stopSynTimer();
    this.state = 'connected';
    this.applyOptions();
    this.connected();
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

  override async recvfrom(buf: Uint8Array, flags: number, from: SockAddr | null): Promise<number> {
    if (this.layer || this.secure) return tlsIo.recv(this, buf, flags);
    return this.recvPlain(buf, flags, from);
  }

  override pollEvents(): number {
    if (this.layer || (this.secure && this.state !== 'listening')) return tlsIo.pollEvents(this);
    return this.plainEvents();
  }

  /** A listener's poll events: POLLIN while a connection waits for accept(). */
  override plainEvents(): number {
    if (this.state !== 'listening') return super.plainEvents();
    return (this.listening?.length ? C.ZSOCK_POLLIN : 0) | (this.error ? C.ZSOCK_POLLERR : 0);
  }

  /** FIONREAD: queued bytes; -EOPNOTSUPP while TLS is on (Zephyr). */
  override readable(): number {
    return this.layer || this.secure ? -E.EOPNOTSUPP : super.readable();
  }

  override localAddr(): SockAddr | null {
    const live = this.conn?.local;
    return live ? fromNet(live) : this.local;
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
    this.closeConn();
    this.listening?.close();
    if (this.local) release('tcp', this.local);
  }
}
