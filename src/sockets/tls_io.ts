/**
 * The user's calls on a stream socket while TLS is on (a TLS socket, or a TCP connection with
 * a policy's TLS layer attached): send, recv, poll and the handshake wait. Results follow
 * Zephyr's sockets_tls.c; every failure's errno is the layer's (failureErrno), so recv, send,
 * connect, SO_ERROR, the ioctl and completion ports agree.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { TlsLayer } from './tls_layer.js';

/** What these calls need of the stream socket (tcp.ts's TcpSock). */
export interface SecureStream {
  readonly layer: TlsLayer | null;
  /** A TLS socket (IPPROTO_TLS_*), TLS from connect/accept on. */
  readonly secure: boolean;
  readonly state: 'new' | 'connecting' | 'connected' | 'listening' | 'failed';
  readonly closed: boolean;
  readonly nonblock: boolean;
  readonly rcvtimeo: number;
  readonly sndtimeo: number;
  readonly sndbuf: number;
  readonly error: number;
  block<T>(ready: () => T | null, timeoutMs: number, dontwait: boolean): Promise<T | number>;
  takeError(): number;
  /** The connection's own poll events. */
  plainEvents(): number;
}
type TcpSock = SecureStream;

/** Whether the socket is still on its way to a secure connection (TCP connect of a TLS socket,
 *  or the handshake). */
export function pending(s: TcpSock): boolean {
  return s.layer?.state === 'handshaking' || (s.secure && !s.layer && s.state === 'connecting');
}

/** Waits for the handshake: 0 secure, 1 plain again (a tolerated timeout detached it), or
 *  -errno (the layer's; ENOTCONN when there is no TLS to wait for). Not bounded by a socket
 *  timeout: the handshake has its own deadline. */
export async function handshakeDone(s: TcpSock): Promise<number> {
  const first = s.layer;
  const r = await s.block(() => {
    if (pending(s)) return null;
    const L = s.layer ?? first;
    if (!L) return s.secure && s.state === 'failed' ? -(s.takeError() || E.ECONNREFUSED) : -E.ENOTCONN;
    switch (L.state) {
      case 'open': case 'closing': return 0;
      case 'failed': return -L.errno;
      case 'detached': return 1;
      default: return null;
    }
  }, 0, false);
  return r as number;
}

/** Null when the socket can carry data now; else what the call returns. */
async function ready(s: TcpSock, dontwait: boolean): Promise<number | null> {
  if (pending(s)) {
    if (dontwait || s.nonblock) return -E.EAGAIN;
    const r = await handshakeDone(s);
    if (r < 0) return r;
  }
  const L = s.layer;
  if (L?.state === 'failed') return -L.errno;
  return L && (L.state === 'open' || L.state === 'closing') ? null : -E.ENOTCONN;
}

function noteOp(s: TcpSock, op: 'read' | 'write', r: number): number {
  if (s.layer) s.layer.lastOp = r === -E.EAGAIN ? op : null;
  return r;
}

/** send(): what the send buffer takes now (short writes are normal); per SO_SNDTIMEO. */
export async function send(s: TcpSock, buf: Uint8Array, flags: number): Promise<number> {
  const dontwait = (flags & C.ZSOCK_MSG_DONTWAIT) !== 0;
  const pre = await ready(s, dontwait);
  if (pre !== null) return noteOp(s, 'write', pre);
  if (buf.length === 0) return 0;
  const r = await s.block(() => s.layer ? s.layer.write(buf) : -E.ENOTCONN, s.sndtimeo, dontwait);
  return noteOp(s, 'write', r as number);
}

/** recv(): decrypted bytes; 0 after the peer's close_notify; MSG_PEEK is -ENOTSUP (mbedTLS
 *  cannot peek, as Zephyr); MSG_WAITALL waits for all (a timeout keeps the partial count). */
export async function recv(s: TcpSock, buf: Uint8Array, flags: number): Promise<number> {
  if (flags & C.ZSOCK_MSG_PEEK) return -E.ENOTSUP;
  const dontwait = (flags & C.ZSOCK_MSG_DONTWAIT) !== 0;
  const pre = await ready(s, dontwait);
  if (pre !== null) return noteOp(s, 'read', pre);
  if (buf.length === 0) return 0;
  const waitall = (flags & C.ZSOCK_MSG_WAITALL) !== 0;
  let got = 0;
  const r = await s.block(() => {
    const L = s.layer;
    if (!L) return got || -E.ENOTCONN; // detached by a STOP meanwhile
    // Until nothing is left: a read makes room, and the layer decrypts more at once; the wake it
    // gives comes before this waiter waits, so waiting with bytes queued would sleep on them.
    for (let n = 1; n > 0 && got < buf.length;) got += (n = L.read(buf.subarray(got)));
    if (got > 0 && (!waitall || got === buf.length)) return got;
    if (L.state === 'failed') return got || -L.errno;
    if (L.peerClosed) return got;
    return null;
  }, s.rcvtimeo, dontwait);
  return noteOp(s, 'read', typeof r === 'number' && r < 0 && got > 0 ? got : r as number);
}

/** poll(): POLLIN means decrypted data (or the end), POLLOUT room in the TLS send buffer. */
export function pollEvents(s: TcpSock): number {
  const L = s.layer;
  if (!L) return s.state === 'failed' ? C.ZSOCK_POLLERR : 0; // a TLS socket still connecting
  switch (L.state) {
    case 'handshaking': case 'detached': return 0;
    case 'failed': return C.ZSOCK_POLLERR | (L.failedInHandshake ? 0 : C.ZSOCK_POLLIN);
    default: {
      let ev = s.error ? C.ZSOCK_POLLERR : 0;
      if (L.unread > 0 || L.peerClosed) ev |= C.ZSOCK_POLLIN;
      if (L.peerClosed) ev |= C.ZSOCK_POLLHUP;
      if (L.state === 'open' && L.unsent < s.sndbuf && (s.plainEvents() & C.ZSOCK_POLLOUT)) ev |= C.ZSOCK_POLLOUT;
      return ev;
    }
  }
}
