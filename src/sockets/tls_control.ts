/**
 * OpenSSL's explicit handshake and result codes on zsock sockets (SSL_do_handshake,
 * SSL_get_error): zsock_tls_handshake and zsock_tls_get_error, for code ported from OpenSSL.
 */
import * as E from '../errno.js';
import * as C from '../api/constants.js';
import type { Out } from './socket.js';
import type { Sock } from './socket.js';
import { TlsSock } from './tls.js';
import { DtlsSock } from './dtls.js';

/** One entry of a socket's error queue (what OpenSSL's ERR_get_error would give). */
export interface TlsErrorInfo {
  /** The mbedTLS error code (negative). */
  code: number;
  /** The errno zsock reports for it. */
  errno: number;
  message: string;
}

/** SSL_do_handshake: 1 done, 0 the peer ended it cleanly, < 0 failed or (non-blocking) not yet. */
export async function tlsHandshake(s: Sock): Promise<number> {
  if (s instanceof TlsSock) return s.explicitHandshake();
  if (s instanceof DtlsSock) {
    const r = await s.shakeHands();
    return r === 0 ? 1 : r === -E.EINPROGRESS ? -E.EAGAIN : r;
  }
  return -E.EOPNOTSUPP; // not a secure socket (a policy-controlled TCP one: INIT_CONNECTION first)
}

const RETRY = [E.EAGAIN, E.EINPROGRESS, E.EALREADY];

/** SSL_get_error for `ret`, the value a call on `s` returned. The socket's error queue is read
 *  (and emptied) in the same call: into `queue` when given. */
export function tlsGetError(s: Sock | null, ret: number, queue?: Out<TlsErrorInfo[]> | null): number {
  const errs = s instanceof TlsSock ? s.errors.splice(0) : [];
  if (queue && typeof queue === 'object') queue.value = errs.map((e) => ({ code: e.code, errno: e.errno, message: e.message }));
  if (ret > 0) return C.SSL_ERROR_NONE;
  if (!s) return C.SSL_ERROR_SYSCALL;
  if (!(s instanceof TlsSock)) {
    if (ret < 0 && RETRY.includes(-ret)) return C.SSL_ERROR_WANT_READ; // DTLS: a handshake waits for datagrams
    return ret === 0 ? C.SSL_ERROR_ZERO_RETURN : C.SSL_ERROR_SYSCALL;
  }
  if (ret === 0) {
    // recv 0: close_notify is a clean end; a bare FIN may be a truncation attack (SYSCALL)
    return s.engine?.closedCleanly || (s.phase === 'failed' && s.cleanClose && s.peerDone) ? C.SSL_ERROR_ZERO_RETURN : C.SSL_ERROR_SYSCALL;
  }
  if (RETRY.includes(-ret)) return wantOf(s);
  if (-ret === E.ECONNABORTED && s.peerDone) return C.SSL_ERROR_ZERO_RETURN;
  return errs.length ? C.SSL_ERROR_SSL : C.SSL_ERROR_SYSCALL;
}

/** What a call that would block was waiting for. */
function wantOf(s: TlsSock): number {
  switch (s.phase) {
    case 'listening': return C.SSL_ERROR_WANT_ACCEPT;
    case 'connecting': return C.SSL_ERROR_WANT_CONNECT;
    case 'handshaking':
      if (s.engine?.awaitingVerify) return C.SSL_ERROR_WANT_X509_LOOKUP;
      return s.unsentCiphertext > 0 ? C.SSL_ERROR_WANT_WRITE : C.SSL_ERROR_WANT_READ;
    default:
      // after the handshake a read may have to write first (a KeyUpdate answer stuck behind a
      // full connection), and a write waits for room
      if (s.lastOp === 'write' || s.unsentCiphertext > 0) return C.SSL_ERROR_WANT_WRITE;
      return C.SSL_ERROR_WANT_READ;
  }
}
