/**
 * The state of a TLS stream socket, its options (SOL_TLS, and SOL_SOCKET/IPPROTO_TCP passed to
 * the connection) and what it reports (poll events, addresses). tls.ts drives it.
 */
import * as E from '../errno.js';
import * as C from '../api/constants.js';
import type { TlsSession, TlsServerState, TlsError } from '../tls/index.js';
import { Sock, type Out } from './socket.js';
import { TcpSock } from './tcp.js';
import { TlsOptions } from './tls_options.js';
import { purgeSessionCaches } from './tls_state.js';
import type { SockAddr } from './addr.js';

export type Phase = 'idle' | 'connecting' | 'handshaking' | 'established' | 'listening' | 'failed';

export abstract class TlsSockBase extends Sock {
  readonly tls = new TlsOptions();
  phase: Phase = 'idle';
  protected session: TlsSession | null = null;
  protected out: Uint8Array[] = [];
  protected outBytes = 0;
  protected plain: Uint8Array[] = [];
  protected plainBytes = 0;
  protected peerClosed = false;
  protected fatal = false;       // a TLS error after the handshake (latched ECONNABORTED)
  protected verifyFlags: number | null = null;
  protected tickets = 0;
  protected timer: NodeJS.Timeout | undefined;
  protected processing = false;
  protected nbPending = false;     // a non-blocking connect whose success was not yet reported
  protected peerKey = '';
  protected inBytesSeen = 0;     // ciphertext bytes taken from the connection
  srvState: TlsServerState | null = null;
  /** TLS errors of this socket, oldest first (zsock_tls_get_error reads them). */
  readonly errors: TlsError[] = [];
  /** The peer ended the handshake cleanly (close_notify or EOF) rather than with an error. */
  cleanClose = false;
  /** What the last send/recv that returned -EAGAIN was doing (SSL_get_error's WANT_*). */
  lastOp: 'read' | 'write' | null = null;
  protected readonly unsubscribe: () => void;

  constructor(family: number, proto: number, readonly inner: TcpSock = new TcpSock(family)) {
    super(family, C.SOCK_STREAM, proto);
    inner.nonblock = true; // the TLS layer never waits on its inner socket; it is woken by it
    inner.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, 1); // whole flights, no Nagle stall
    this.unsubscribe = inner.wq.subscribe(() => this.process());
  }

  /** Moves everything that can move now (tls.ts). */
  abstract process(): void;

  /** The TLS session (null before the handshake starts and after the socket let it go). */
  get engine(): TlsSession | null {
    return this.session;
  }

  /** Ciphertext waiting for room on the connection. */
  get unsentCiphertext(): number {
    return this.outBytes;
  }

  /** The peer's close_notify arrived. */
  get peerDone(): boolean {
    return this.peerClosed;
  }

  override pollEvents(): number {
    switch (this.phase) {
      case 'listening': return this.inner.pollEvents();
      case 'failed': return C.ZSOCK_POLLERR;
      case 'established': {
        let ev = this.error || this.fatal ? C.ZSOCK_POLLERR : 0;
        if (this.plainBytes > 0 || this.peerClosed || this.fatal) ev |= C.ZSOCK_POLLIN;
        if (this.peerClosed) ev |= C.ZSOCK_POLLHUP;
        if (this.outBytes < this.sndbuf && !this.fatal && (this.inner.pollEvents() & C.ZSOCK_POLLOUT)) ev |= C.ZSOCK_POLLOUT;
        return ev;
      }
      default: return 0;
    }
  }

  override readable(): number { return -E.EOPNOTSUPP; } // FIONREAD on TLS: not supported (Zephyr)
  override localAddr(): SockAddr | null { return this.inner.localAddr(); }
  override peerAddr(): SockAddr | null { return this.inner.peerAddr(); }
  override shutdown(how: number): number { return this.inner.shutdown(how); } // pure passthrough

  override getsockopt(level: number, name: number, out: Out<unknown>): number {
    if (level === C.SOL_TLS) return this.getTls(name, out);
    if (level === C.SOL_SOCKET && [C.SO_PROTOCOL, C.SO_TYPE, C.SO_DOMAIN, C.SO_RCVTIMEO, C.SO_SNDTIMEO, C.SO_RCVBUF, C.SO_SNDBUF].includes(name)) {
      return super.getsockopt(level, name, out);
    }
    if (level === C.SOL_SOCKET && name === C.SO_ERROR) {
      out.value = this.takeError() || this.inner.takeError();
      return 0;
    }
    return this.inner.getsockopt(level, name, out);
  }

  override setsockopt(level: number, name: number, value: unknown): number {
    if (level === C.SOL_TLS) {
      const r = this.tls.set(name, value);
      if (r === 0 && name === C.TLS_SESSION_CACHE_PURGE) purgeSessionCaches();
      return r;
    }
    if (level === C.SOL_SOCKET && [C.SO_RCVTIMEO, C.SO_SNDTIMEO, C.SO_RCVBUF, C.SO_SNDBUF, C.SO_PROTOCOL, C.SO_TYPE, C.SO_DOMAIN, C.SO_ERROR].includes(name)) {
      return super.setsockopt(level, name, value);
    }
    return this.inner.setsockopt(level, name, value);
  }

  private getTls(name: number, out: Out<unknown>): number {
    switch (name) {
      case C.TLS_CIPHERSUITE_USED:
        if (this.phase !== 'established') return -E.ENOTCONN;
        out.value = this.session!.ciphersuite;
        return 0;
      case C.TLS_CERT_VERIFY_RESULT:
        if (this.verifyFlags === null) return -E.ENOTCONN;
        out.value = this.verifyFlags;
        return 0;
      case C.TLS_DTLS_CID_STATUS: case C.TLS_DTLS_PEER_CID_VALUE:
        return -E.ENOTCONN; // no DTLS session on a stream socket
      default:
        return this.tls.get(name, out);
    }
  }
}
