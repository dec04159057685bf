/**
 * OpenSSL's explicit handshake and result codes on zsock sockets (SSL_do_handshake,
 * SSL_get_error): zsock_tls_handshake and zsock_tls_get_error, for code ported from OpenSSL.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { Out, Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { DtlsSock } from './dtls.js';
import { handshakeDone, pending } from './tls_io.js';
import type { TlsLayer } from './tls_layer.js';

/** One entry of a socket's error queue (what OpenSSL's ERR_get_error would give). */
export interface TlsErrorInfo {
  /** The mbedTLS error code (negative). */
  code: number;
  /** The errno zsock reports for it. */
  errno: number;
  message: string;
}

/** SSL_do_handshake: 1 done, 0 the peer ended it cleanly, < 0 failed or (non-blocking) not yet.
 *  A TCP connection is a TLS one once its TLS layer is attached (a TLS socket's connect or
 *  accept, a policy's transparent rule or INIT_CONNECTION); before that it is -EOPNOTSUPP. */
export async function tlsHandshake(s: Sock): Promise<number> {
  if (s instanceof TcpSock && (s.layer || s.secure)) return streamHandshake(s);
  if (s instanceof DtlsSock) {
    const r = await s.shakeHands();
    return r === 0 ? 1 : r === -E.EINPROGRESS ? -E.EAGAIN : r;
  }
  return -E.EOPNOTSUPP; // not a secure socket (a policy-controlled TCP one: INIT_CONNECTION first)
}

async function streamHandshake(s: TcpSock): Promise<number> {
  if (s.state === 'listening') return -E.EINVAL;
  if (pending(s)) {
    if (s.nonblock) return -E.EAGAIN;
    await handshakeDone(s);
  }
  const L = s.layer;
  if (s.closed) return -E.EINTR;
  if (!L) return s.secure && s.state === 'failed' ? -(s.takeError() || E.ECONNREFUSED) : -E.ENOTCONN;
  switch (L.state) {
    case 'open': case 'closing': return 1;
    case 'failed': return L.failedInHandshake && L.cleanClose ? 0 : -L.errno;
    default: return -E.ENOTCONN;
  }
}

const RETRY = [E.EAGAIN, E.EINPROGRESS, E.EALREADY];

/** The TLS layer of a stream socket that has or had TLS, else null. */
const layerOf = (s: Sock | null): TlsLayer | null => (s instanceof TcpSock ? s.layer : null);

/** SSL_get_error for `ret`, the value a call on `s` returned. The socket's error queue is read
 *  (and emptied) in the same call: into `queue` when given. */
export function tlsGetError(s: Sock | null, ret: number, queue?: Out<TlsErrorInfo[]> | null): number {
  const L = layerOf(s);
  const errs = L ? L.takeErrors() : [];
  if (queue && typeof queue === 'object') queue.value = errs.map((e) => ({ code: e.code, errno: e.errno, message: e.message }));
  if (ret > 0) return C.SSL_ERROR_NONE;
  if (!s) return C.SSL_ERROR_SYSCALL;
  const tcp = s instanceof TcpSock && (s.secure || L) ? s : null;
  if (!tcp) {
    if (ret < 0 && RETRY.includes(-ret)) return C.SSL_ERROR_WANT_READ; // DTLS: a handshake waits for datagrams
    return ret === 0 ? C.SSL_ERROR_ZERO_RETURN : C.SSL_ERROR_SYSCALL;
  }
  if (ret === 0) {
    // recv 0: close_notify is a clean end; a bare FIN may be a truncation attack (SYSCALL)
    return L?.engine?.closedCleanly || (L?.state === 'failed' && L.cleanClose && L.peerClosed) ? C.SSL_ERROR_ZERO_RETURN : C.SSL_ERROR_SYSCALL;
  }
  if (RETRY.includes(-ret)) return wantOf(tcp, L);
  if (-ret === E.ECONNABORTED && L?.peerClosed) return C.SSL_ERROR_ZERO_RETURN;
  return errs.length ? C.SSL_ERROR_SSL : C.SSL_ERROR_SYSCALL;
}

/** What a call that would block was waiting for. */
function wantOf(s: TcpSock, L: TlsLayer | null): number {
  if (s.state === 'listening') return C.SSL_ERROR_WANT_ACCEPT;
  if (!L) return C.SSL_ERROR_WANT_CONNECT;
  if (L.state === 'handshaking') {
    if (L.engine?.awaitingVerify) return C.SSL_ERROR_WANT_X509_LOOKUP;
    return L.unsent > 0 ? C.SSL_ERROR_WANT_WRITE : C.SSL_ERROR_WANT_READ;
  }
  // after the handshake a read may have to write first (a KeyUpdate answer stuck behind a
  // full connection), and a write waits for room
  if (L.lastOp === 'write' || L.unsent > 0) return C.SSL_ERROR_WANT_WRITE;
  return C.SSL_ERROR_WANT_READ;
}
