/**
 * The idiomatic layer's one error type. A failed zsock_* call becomes a ZsockError whose `code`
 * is the errno's name ('ECONNREFUSED') and whose `errno` is its (positive) value; a failed TLS
 * call carries the TLS layer's reasons (zsock_tls_get_error's queue). A wrong argument to this
 * layer (a programmer's error) is a ZsockError too, with the code ERR_ZSOCK_INVALID_ARG.
 */
import * as Z from '../api/index.js';
import { EINVAL } from '../errno.js';
import { describeVerifyFlags } from '../tls/index.js';

/** The `code` of a wrong argument given to this layer (its errno is EINVAL). */
export const ERR_ZSOCK_INVALID_ARG = 'ERR_ZSOCK_INVALID_ARG';

/** A failed socket operation (or a wrong argument to one). `code`: the errno's name, or
 *  ERR_ZSOCK_INVALID_ARG; `errno`: the errno value (positive, as Zephyr's `errno` holds it);
 *  `syscall`: the zsock_* call that failed; `tls`: the TLS layer's reason, when it gave one. */
export class ZsockError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly tls: string | undefined;

  constructor(code: string, errno: number, syscall: string, message: string, tls?: string) {
    super(message);
    this.name = 'ZsockError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    this.tls = tls;
  }
}

/** The error of a zsock_* call that returned `rc` (< 0); with `fd`, the TLS layer's reasons
 *  for it (its error queue, which this empties) go into `tls` and the message. */
export function callError(rc: number, syscall: string, fd?: number): ZsockError {
  const errno = Math.abs(rc);
  const code = Z.zsock_errno_name(errno) || `E${errno}`;
  const tls = fd === undefined ? undefined : tlsReason(fd, rc);
  const text = `${syscall}: ${Z.zsock_errstr(errno)}${tls ? ` (${tls})` : ''}`;
  return new ZsockError(code, errno, syscall, text, tls);
}

/** A wrong argument: what was expected of which parameter. */
export function argError(what: string, syscall: string): ZsockError {
  return new ZsockError(ERR_ZSOCK_INVALID_ARG, EINVAL, syscall, `${syscall}: ${what}`);
}

function tlsReason(fd: number, rc: number): string | undefined {
  const queue: Z.Out<Z.TlsErrorInfo[]> = {};
  Z.zsock_tls_get_error(fd, rc, queue);
  const why = (queue.value ?? []).map((e) => e.message).filter(Boolean);
  if (why.length) return why.join('; ');
  // A DTLS client's failed handshake leaves its queue empty; the verification result remains.
  const v: Z.Out<unknown> = {};
  const flags = Z.zsock_getsockopt(fd, Z.SOL_TLS, Z.TLS_CERT_VERIFY_RESULT, v) === 0 ? v.value : 0;
  const failed = typeof flags === 'number' && flags !== 0 && flags !== 0xffffffff;
  return failed ? `certificate verification failed: ${describeVerifyFlags(flags)}` : undefined;
}

/** `rc` when it is a success (>= 0); throws its ZsockError otherwise. */
export function check(rc: number, syscall: string, fd?: number): number {
  if (rc < 0) throw callError(rc, syscall, fd);
  return rc;
}
