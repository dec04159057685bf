/**
 * Readable errors: strerror with the messages of Zephyr's libc (the `/**< ... *\/` text beside
 * each errno in its errno.h, which Zephyr's strerror table is generated from), and the symbolic
 * name of an errno value. Both accept a value as a call returned it (-61) or as `errno` holds it
 * (61), so `zsock_strerror(await zsock_connect(...))` reads naturally.
 */
import * as E from '../errno.js';

// Keyed by name, not number: Zephyr's numbering changed over releases, its messages did not.
const MESSAGES: Record<string, string> = {
  EPERM: 'Not owner', ENOENT: 'No such file or directory', ESRCH: 'No such context',
  EINTR: 'Interrupted system call', EIO: 'I/O error', ENXIO: 'No such device or address',
  E2BIG: 'Arg list too long', ENOEXEC: 'Exec format error', EBADF: 'Bad file number',
  ECHILD: 'No children', EAGAIN: 'No more contexts', ENOMEM: 'Not enough core',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Mount device busy',
  EEXIST: 'File exists', EXDEV: 'Cross-device link', ENODEV: 'No such device',
  ENOTDIR: 'Not a directory', EISDIR: 'Is a directory', EINVAL: 'Invalid argument',
  ENFILE: 'File table overflow', EMFILE: 'Too many open files', ENOTTY: 'Not a typewriter',
  ENAMETOOLONG: 'File name too long', EFBIG: 'File too large', ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek', EROFS: 'Read-only file system', EMLINK: 'Too many links',
  EPIPE: 'Broken pipe', EDEADLK: 'Resource deadlock avoided', ENOLCK: 'No locks available',
  ENOTSUP: 'Unsupported value', EMSGSIZE: 'Message size', EDOM: 'Argument too large',
  ERANGE: 'Result too large', EDESTADDRREQ: 'Destination address required',
  EPROTOTYPE: 'Protocol wrong type for socket', ENOPROTOOPT: 'Protocol not available',
  EPROTONOSUPPORT: 'Protocol not supported', ESOCKTNOSUPPORT: 'Socket type not supported',
  EOPNOTSUPP: 'Operation not supported on socket', EPFNOSUPPORT: 'Protocol family not supported',
  EAFNOSUPPORT: 'Addr family not supported', EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: "Can't assign requested address", ENOTSOCK: 'Socket operation on non-socket',
  ENETUNREACH: 'Network is unreachable', ENETRESET: 'Network dropped connection on reset',
  ECONNABORTED: 'Software caused connection abort', ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available', EISCONN: 'Socket is already connected',
  ENOTCONN: 'Socket is not connected', ESHUTDOWN: "Can't send after socket shutdown",
  ETOOMANYREFS: "Too many references: can't splice", ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused', ENETDOWN: 'Network is down', ETXTBSY: 'Text file busy',
  ELOOP: 'Too many levels of symbolic links', EHOSTUNREACH: 'No route to host',
  ENOTBLK: 'Block device required', EHOSTDOWN: 'Host is down',
  EINPROGRESS: 'Operation now in progress', EALREADY: 'Operation already in progress',
  ENOSYS: 'Function not implemented', ECANCELED: 'Operation canceled',
  ENOSR: 'Insufficient memory', ENOSTR: 'STREAMS device required', EPROTO: 'Generic STREAMS error',
  EBADMSG: 'Invalid STREAMS message', ENODATA: 'Missing expected message data',
  ETIME: 'STREAMS timeout occurred', ENOMSG: 'Unexpected message type', EILSEQ: 'Illegal byte sequence',
  // Beyond Zephyr (src/errno.ts): our own wording of what the systems they come from mean.
  EMVSERR: 'Internal error mapping the TLS policy', EUNATCH: 'Protocol for the address family not available',
};

/** Number → name; an alias (EWOULDBLOCK) never replaces the name it aliases. */
const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(E)) {
  if (typeof value === 'number' && !NAMES.has(value)) NAMES.set(value, name);
}

function magnitude(errnum: unknown): number | null {
  return typeof errnum === 'number' && Number.isSafeInteger(errnum) ? Math.abs(errnum) : null;
}

/**
 * strerror: Zephyr's message for an errno value, positive or negative ("Connection refused" for
 * 61 or -61), "Success" for 0, and "Unknown error N" (as Zephyr's strerror_r words it) for a
 * value that is no errno, a non-integer included. Never fails; sets no errno.
 */
export function zsock_strerror(errnum: number): string {
  const n = magnitude(errnum);
  if (n === 0) return 'Success';
  const name = n === null ? undefined : NAMES.get(n);
  if (name) return MESSAGES[name];
  if (n !== null) return `Unknown error ${n}`;
  const t = typeof errnum; // printable kinds only: an object or a Proxy is never converted
  return t === 'number' || t === 'string' || t === 'boolean' ? `Unknown error ${errnum}` : 'Unknown error';
}

/**
 * The symbolic name of an errno value, positive or negative ("ECONNREFUSED" for 61 or -61),
 * as glibc's strerrorname_np; "" for 0 and for a value that is no errno. Never fails.
 */
export function zsock_errno_name(errnum: number): string {
  const n = magnitude(errnum);
  return (n !== null && NAMES.get(n)) || '';
}

/**
 * The errno value of a symbolic name ("ECONNREFUSED" → 61; EWOULDBLOCK gives EAGAIN's value),
 * or 0 for a string that names no errno. Never fails.
 */
export function zsock_errno_value(name: string): number {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(E, name)) return 0;
  const v = (E as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : 0;
}

/**
 * "NAME: message" for an errno value, positive or negative ("ECONNREFUSED: Connection refused"),
 * what the samples print for a failed call; "Success" for 0 and "Unknown error N" for a value
 * that is no errno. Never fails.
 */
export function zsock_errstr(errnum: number): string {
  const name = zsock_errno_name(errnum);
  return name ? `${name}: ${zsock_strerror(errnum)}` : zsock_strerror(errnum);
}
