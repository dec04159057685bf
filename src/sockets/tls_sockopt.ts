/**
 * Option routing shared by the secure sockets (TLS over TCP, DTLS over UDP), as Zephyr's
 * sockets_tls.c does it: SOL_TLS is the socket's own (its TlsOptions, and the session's
 * queries), the SOL_SOCKET options that describe the secure socket itself are its own, and
 * everything else goes to the transport under it.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { TlsSession } from '../tls/index.js';
import type { TlsOptions } from './tls_options.js';
import type { Out } from './socket.js';

/** SOL_SOCKET options a secure socket answers itself (its identity, timeouts, error). */
const OWN_SOL_SOCKET = [C.SO_PROTOCOL, C.SO_TYPE, C.SO_DOMAIN, C.SO_RCVTIMEO, C.SO_SNDTIMEO, C.SO_ERROR];

/** Whether (level, name) is the secure socket's own rather than its transport's. Buffer sizes
 *  are the transport's: the UDP queue is where a DTLS socket's datagrams wait. */
export function ownOption(level: number, name: number): boolean {
  return level === C.SOL_TLS || (level === C.SOL_SOCKET && OWN_SOL_SOCKET.includes(name));
}

/** What a stream session answers for SOL_TLS reads. */
export interface SessionView {
  /** The session once the handshake is over (TLS_CIPHERSUITE_USED), else null. */
  open: TlsSession | null;
  /** TLS_CERT_VERIFY_RESULT: null before verification ran. */
  verifyResult: number | null;
}

/** getsockopt(SOL_TLS, name) on a stream socket: the session's queries, then the options.
 *  -ENOTCONN for a query with no session to answer it. */
export function getStreamTlsOpt(tls: TlsOptions, view: SessionView, name: number, out: Out<unknown>): number {
  switch (name) {
    case C.TLS_CIPHERSUITE_USED:
      if (!view.open) return -E.ENOTCONN;
      out.value = view.open.ciphersuite;
      return 0;
    case C.TLS_CERT_VERIFY_RESULT:
      if (view.verifyResult === null) return -E.ENOTCONN;
      out.value = view.verifyResult;
      return 0;
    case C.TLS_DTLS_CID_STATUS: case C.TLS_DTLS_PEER_CID_VALUE:
      return -E.ENOTCONN; // no DTLS session on a stream socket
    default:
      return tls.get(name, out);
  }
}
