/** How the samples print a failed call: the errno's name and Zephyr's message, and for a TLS
 *  socket the reason the TLS layer recorded (zsock_tls_get_error's queue). */
import * as Z from 'zsock';

/** "ECONNREFUSED: Connection refused" for -61 (a value a call returned). */
export function errstr(rc: number): string {
  return Z.zsock_errstr(rc);
}

/** errstr(rc), followed by the TLS layer's reasons for it on fd, if it has any
 *  ("ECONNABORTED: Software caused connection abort (certificate verification failed: ...)"). */
export function tlsErrstr(fd: number, rc: number): string {
  const why = tlsReasons(fd, rc);
  return why.length ? `${errstr(rc)} (${why.join('; ')})` : errstr(rc);
}

/** The TLS layer's reasons for `rc` on fd (its error queue, emptied), none for a plain socket. */
export function tlsReasons(fd: number, rc: number): string[] {
  const queue: Z.Out<Z.TlsErrorInfo[]> = {};
  Z.zsock_tls_get_error(fd, rc, queue);
  return (queue.value ?? []).map((e) => e.message).filter(Boolean);
}
