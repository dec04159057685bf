/**
 * TLS stream sockets (IPPROTO_TLS_1_2 / _1_3): a TCP socket whose TLS layer is attached when its
 * connect completes (client) or when accept hands it out (server). The handshake progresses by
 * itself, driven by the connection's events: a blocking connect waits for it, a non-blocking one
 * returns -EINPROGRESS and completion shows as POLLOUT (failure POLLERR + SO_ERROR), beyond
 * Zephyr. The TLS context is taken at socket() (as Zephyr's ztls_socket) and kept until close.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { TlsServerState, TLS1_2, TLS1_3, TlsError } from '../tls/index.js';
import type { Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { TlsOptions } from './tls_options.js';
import { TlsLayer } from './tls_layer.js';
import { contexts, clientCache, listeners, sessionKey, type ContextToken } from './tls_state.js';
import * as tlsIo from './tls_io.js';
import type { SockAddr } from './addr.js';

/** An IPPROTO_TLS_* stream socket: TCP whose TLS layer starts when connect completes (client)
 *  or accept hands it out (server). listen() gives it the shared server state. */
export class TlsSock extends TcpSock {
  override tls: TlsOptions;
  /** A listener's ticket key, session cache and cookie key (renewed by a purge). */
  srvState: TlsServerState | null = null;
  private nbPending = false; // a non-blocking connect whose success was not yet reported

  constructor(family: number, proto: number, ctx: ContextToken | null, tls = new TlsOptions()) {
    super(family, proto);
    this.ctx = ctx;
    this.tls = tls;
  }

  /** TCP_NODELAY on unless set: whole flights, no Nagle stall. */
  protected override get nodelayDefault(): number {
    return 1;
  }

  /** An accepted connection: a TLS socket with the listener's options; its context is taken
   *  when accept hands it out. */
  protected override newChild(): TcpSock {
    return new TlsSock(this.family, this.proto, null, this.tls.clone());
  }

  override listen(backlog: number): number {
    const first = this.state !== 'listening';
    const r = super.listen(backlog);
    if (r === 0 && first) {
      this.renewServerState();
      listeners.add(this);
    }
    return r;
  }

  /** A new ticket key and cache; sessions still running keep the old state until they end. */
  renewServerState(): void {
    this.srvState?.free();
    this.srvState = new TlsServerState();
  }

  override async connect(addr: SockAddr): Promise<number> {
    if (this.state === 'listening') return -E.EINVAL;
    if (this.layer || this.state === 'connecting') {
      if (tlsIo.pending(this)) return this.nonblock ? -E.EALREADY : tlsIo.handshakeDone(this);
      if (this.layer?.state === 'failed') return -this.layer.errno;
      if (this.nbPending) { this.nbPending = false; return 0; }
      return -E.EISCONN;
    }
    const r = await super.connect(addr);
    if (r === -E.EINPROGRESS) {
      this.nbPending = true;
      return r;
    }
    if (r < 0) return r;
    return tlsIo.handshakeDone(this);
  }

  /** The TCP connection is up: the client handshake starts. */
  protected override connected(): void {
    this.startTls('client');
  }

  /** Accepts a connection and starts the server handshake on it (a blocking listener waits
   *  for it; a non-blocking one returns the new socket at once, handshake in progress).
   *  -ENOMEM when no TLS context is free (the connection stays queued); the handshake's errno
   *  when it fails. */
  override async accept(addr?: SockAddr): Promise<Sock | number> {
    if (this.state !== 'listening') return -E.EINVAL;
    const child = await super.accept(addr);
    if (typeof child === 'number') return child;
    const t = child as TlsSock;
    t.ctx = contexts.take(true);
    if (!t.ctx) {
      // No context: -ENOMEM, and the connection waits in the backlog (Zephyr resets it), so an
      // application that frees a context (drops a stalled handshake) can accept it next
      this.requeue(t);
      return -E.ENOMEM;
    }
    t.rcvtimeo = this.rcvtimeo;
    t.sndtimeo = this.sndtimeo;
    t.startTls('server', this.srvState);
    if (this.nonblock) return t;
    const r = await tlsIo.handshakeDone(t);
    if (r < 0) {
      t.close();
      return r;
    }
    return t;
  }

  private startTls(role: 'client' | 'server', srv: TlsServerState | null = null): void {
    const cfg = this.tls.engineConfig(role, false);
    cfg.minVersion = Math.max(cfg.minVersion ?? TLS1_2, this.proto === C.IPPROTO_TLS_1_3 ? TLS1_3 : TLS1_2); // 1_3 never downgrades
    // The client cache's key is made here, not kept on the socket: only a caching socket needs it
    const key = role === 'client' && this.tls.sessionCache ? sessionKey(this.peerAddr()) : null;
    if (key !== null) cfg.session = clientCache.get(key);
    if (role === 'server' && srv) cfg.serverState = { handle: srv.handle, tickets: true, cache: !!this.tls.sessionCache };
    try {
      this.layer = new TlsLayer(this.transport, this, {
        config: cfg,
        handshakeTimeout: config.NET_SOCKETS_TLS_CONNECT_TIMEOUT,
        onSession: key !== null ? (saved) => clientCache.set(key, saved) : undefined,
      });
    } catch (e) {
      // the configuration cannot make a session (a credential gone since setsockopt)
      this.error = e instanceof TlsError ? e.errno : E.EINVAL;
      this.state = 'failed';
      this.finish();
    }
    this.changed();
  }

  override close(): void {
    if (this.closed) return;
    listeners.delete(this);
    this.srvState?.free(); // children still shaking hands keep it (the core counts references)
    this.srvState = null;
    this.tls.wipe(); // key log lines not read (TLS_KEYLOG)
    super.close();
  }
}
