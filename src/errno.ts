/**
 * Zephyr's errno values (lib/libc/minimal/include/errno.h), which follow BSD numbering, not
 * Linux's: a ported program compares against these. Every zsock call returns `-E*` on failure
 * (and sets zsock_errno); zsock_strerror and zsock_errno_name give the message and the name.
 * EWOULDBLOCK is EAGAIN, as in Zephyr.
 */
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
  ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
  EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20,
  EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
  ENAMETOOLONG = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
  EPIPE = 32, EDEADLK = 33, ENOLCK = 34, ENOTSUP = 35, EMSGSIZE = 36, EDOM = 37,
  ERANGE = 38, EDESTADDRREQ = 40, EPROTOTYPE = 41, ENOPROTOOPT = 42,
  EPROTONOSUPPORT = 43, ESOCKTNOSUPPORT = 44, EOPNOTSUPP = 45, EPFNOSUPPORT = 46,
  EAFNOSUPPORT = 47, EADDRINUSE = 48, EADDRNOTAVAIL = 49, ENOTSOCK = 50,
  ENETUNREACH = 51, ENETRESET = 52, ECONNABORTED = 53, ECONNRESET = 54,
  ENOBUFS = 55, EISCONN = 56, ENOTCONN = 57, ESHUTDOWN = 58, ETOOMANYREFS = 59,
  ETIMEDOUT = 60, ECONNREFUSED = 61, ENETDOWN = 62, ETXTBSY = 63, ELOOP = 64,
  EHOSTUNREACH = 65, ENOTBLK = 66, EHOSTDOWN = 67, EINPROGRESS = 68, EALREADY = 69,
  ENOSYS = 71, ECANCELED = 72, ENOSR = 74, ENOSTR = 75, EPROTO = 76, EBADMSG = 77,
  ENODATA = 78, ETIME = 79, ENOMSG = 80, EILSEQ = 138,
  EWOULDBLOCK = EAGAIN;

/** Beyond Zephyr, from the seeds of application-controlled TLS: z/OS's EMVSERR (an internal
 *  error mapping AT-TLS policy) and IBM i's EUNATCH (the protocol an address family needs is
 *  not available). Values outside Zephyr's range. */
export const EMVSERR = 157, EUNATCH = 158;
