/**
 * Beyond Zephyr: application-controlled TLS on zsock sockets, in the three models that code is
 * ported from (docs/ttls.md):
 *  - z/OS AT-TLS: a policy table maps TCP connections to TLS rules (transparent or
 *    application-controlled); the SIOCTTLSCTL ioctl is in zsock_ioctl.
 *  - OpenSSL: zsock_tls_handshake (SSL_do_handshake) and zsock_tls_get_error (SSL_get_error).
 *  - IBM i: zsock_tls_handshake_start (gsk_secure_soc_startInit) with I/O completion ports.
 */
import * as E from '../errno.js';
import { fdtable } from './fds.js';
import { ret, settle } from './last_errno.js';
import * as C from '../constants.js';
import { writable, writeBack } from './args.js';
import type { Out } from '../sockets/socket.js';
import * as P from '../sockets/ttls_policy.js';
import { tlsGetError, tlsHandshake, type TlsErrorInfo } from '../sockets/tls_control.js';
import * as Q from '../sockets/completion.js';

/** Replaces the TLS policy table (an array of TtlsRule). 0, or -EINVAL for a malformed rule
 *  (the table is then unchanged). Connections already mapped keep their rule. */
export function ttls_policy_set(rules: P.TtlsRule[]): number {
  let copy: unknown;
  try {
    copy = Array.isArray(rules) ? rules.map((r) => (r && typeof r === 'object' ? { ...r } : r)) : rules;
  } catch {
    return ret(-E.EFAULT); // a rule that cannot be read (a Proxy that throws)
  }
  return ret(P.setPolicy(copy));
}

/** Loads the policy table from a JSON file: 0, -ENOENT, -EINVAL. */
export function ttls_policy_load(path: string): number {
  if (typeof path !== 'string' || path.length === 0) return ret(-E.EINVAL);
  return ret(P.loadPolicy(path));
}

/** The policy table (copies of the rules). */
export function ttls_policy_get(): P.TtlsRule[] {
  return P.getPolicy();
}

/** SSL_do_handshake: 1 when the handshake is done; 0 when the peer ended it cleanly; < 0 when
 *  it failed, or on a non-blocking socket -EAGAIN until it is done (zsock_tls_get_error says
 *  what it waits for). For TLS sockets, DTLS clients (TLS_DTLS_HANDSHAKE_ON_CONNECT 0) and
 *  connections secured by SIOCTTLSCTL INIT_CONNECTION; -EOPNOTSUPP on other sockets. */
export function zsock_tls_handshake(fd: number): Promise<number> {
  const s = fdtable.get(fd);
  return settle(s ? tlsHandshake(s) : Promise.resolve(-E.EBADF));
}

/** SSL_get_error: SSL_ERROR_* for `retval`, what a call on fd just returned. Reads (and
 *  empties) the socket's error queue in the same call, into `queue` when given. */
export function zsock_tls_get_error(fd: number, retval: number, queue?: Out<TlsErrorInfo[]> | null): number {
  const q: Out<TlsErrorInfo[]> = {};
  const r = tlsGetError(fdtable.get(fd), Number.isInteger(retval) ? retval : -E.EINVAL, queue ? q : null);
  if (queue && !writeBack(queue, q)) return C.SSL_ERROR_SYSCALL; // the queue was read; it cannot be handed over
  return r;
}

/** QsoCreateIOCompletionPort: a port number (> 0), or -ENOMEM past its limit. */
export function zsock_io_completion_port_create(): number {
  return ret(Q.createPort());
}

/** QsoDestroyIOCompletionPort: 0 or -EINVAL. Pending operations on it are cancelled. */
export function zsock_io_completion_port_destroy(port: number): number {
  return ret(Q.destroyPort(port));
}

/** QsoWaitForIOCompletion: the next completion into out.value; 0, -ETIMEDOUT after timeoutMs
 *  (negative: forever), -EINVAL for a bad port, -EINTR if the port is destroyed meanwhile. */
export function zsock_io_completion_wait(port: number, out: Out<Q.Overlapped>, timeoutMs: number): Promise<number> {
  return settle(writable(out) ? Q.waitPort(port, out, timeoutMs) : Promise.resolve(-E.EFAULT));
}

/** gsk_secure_soc_startInit: starts the handshake on fd and returns 0 at once; the result is
 *  posted to `port` in `area` (returnValue GSK_OK or GSK_ERROR_IO with errnoValue,
 *  operationCompleted GSKSECURESOCSTARTINIT, your descriptorHandle and operationId). */
export function zsock_tls_handshake_start(fd: number, port: number, area: Q.Overlapped): number {
  // The area is written when the handshake completes, later: it must take the results then.
  if (area !== null && typeof area === 'object' && !writable(area)) return ret(fdtable.get(fd) ? -E.EFAULT : -E.EBADF);
  return ret(Q.startHandshake(fdtable.get(fd), fd, port, area));
}

/** QsoCancelOperation: 0, -ENOENT when nothing with operationId is pending on fd, -EBADF. */
export function zsock_io_cancel_operation(fd: number, operationId: number): number {
  return ret(Q.cancelOperation(fdtable.get(fd), fd, operationId));
}

/** QsoIsOperationPending: 1 or 0; -EBADF. */
export function zsock_io_is_operation_pending(fd: number, operationId: number): number {
  return ret(Q.isOperationPending(fdtable.get(fd), fd, operationId));
}

export type { TtlsRule, TtlsRole, TtlsDirection } from '../sockets/ttls_policy.js';
export type { TtlsIoctl } from '../sockets/ttls_ioctl.js';
export type { TlsErrorInfo } from '../sockets/tls_control.js';
export type { Overlapped } from '../sockets/completion.js';
