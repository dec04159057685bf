/**
 * POSIX names (Zephyr's CONFIG_NET_SOCKETS_POSIX_NAMES): the same functions and constants as
 * the zsock_* API, without the prefix, from their own entry point ('zsock/posix') so that they
 * never clash with anything else a program imports.
 */
import * as Z from './api/zsock.js';
import * as M from './api/msg.js';
import * as C from './api/constants.js';
import * as S from './api/strerror.js';
export { sys_exit as exit } from './sys.js';

/** The zsock_* function of the same name (zsock_socket, zsock_connect, ...): see the zsock reference. */
export const socket = Z.zsock_socket, socketpair = Z.zsock_socketpair, close = Z.zsock_close;
/** The zsock_* function of the same name: see the zsock reference. */
export const shutdown = Z.zsock_shutdown, bind = Z.zsock_bind, listen = Z.zsock_listen;
/** The zsock_* function of the same name: see the zsock reference. */
export const connect = Z.zsock_connect, accept = Z.zsock_accept;
/** The zsock_* function of the same name: see the zsock reference. */
export const send = Z.zsock_send, sendto = Z.zsock_sendto, sendmsg = M.zsock_sendmsg;
/** The zsock_* function of the same name: see the zsock reference. */
export const recv = Z.zsock_recv, recvfrom = Z.zsock_recvfrom, recvmsg = M.zsock_recvmsg;
/** The zsock_* function of the same name: see the zsock reference. */
export const fcntl = Z.zsock_fcntl, ioctl = Z.zsock_ioctl, poll = Z.zsock_poll, select = Z.zsock_select;
/** The zsock_* function of the same name: see the zsock reference. */
export const getsockopt = Z.zsock_getsockopt, setsockopt = Z.zsock_setsockopt;
/** The zsock_* function of the same name: see the zsock reference. */
export const getsockname = Z.zsock_getsockname, getpeername = Z.zsock_getpeername;
/** The zsock_* function of the same name: see the zsock reference. */
export const gethostname = Z.zsock_gethostname, inet_pton = Z.zsock_inet_pton, inet_ntop = Z.zsock_inet_ntop;
/** getaddrinfo, freeaddrinfo: zsock_getaddrinfo, zsock_freeaddrinfo. */
export const getaddrinfo = Z.zsock_getaddrinfo, freeaddrinfo = Z.zsock_freeaddrinfo;
/** gai_strerror (the message of an EAI_* code), getnameinfo: zsock_gai_strerror, zsock_getnameinfo. */
export const gai_strerror = Z.zsock_gai_strerror, getnameinfo = Z.zsock_getnameinfo;
/** The fd_set macros for select: ZSOCK_FD_ZERO, ZSOCK_FD_SET, ZSOCK_FD_CLR, ZSOCK_FD_ISSET. */
export const FD_ZERO = Z.ZSOCK_FD_ZERO, FD_SET = Z.ZSOCK_FD_SET, FD_CLR = Z.ZSOCK_FD_CLR, FD_ISSET = Z.ZSOCK_FD_ISSET;
/** The fd_set of select (ZsockFdSet). */
export const fd_set = Z.ZsockFdSet;
/** strerror (Zephyr's messages) and glibc's strerrorname_np: see src/api/strerror.ts. */
export const strerror = S.zsock_strerror, strerrorname_np = S.zsock_errno_name;
/** The last error (POSIX `errno`), read through a function because an import cannot be live-set. */
export const errno = Z.zsock_errno;

/** recv/send flags: ZSOCK_MSG_* without the prefix. */
export const MSG_PEEK = C.ZSOCK_MSG_PEEK, MSG_CTRUNC = C.ZSOCK_MSG_CTRUNC, MSG_TRUNC = C.ZSOCK_MSG_TRUNC;
/** recv/send flags: ZSOCK_MSG_* without the prefix. */
export const MSG_DONTWAIT = C.ZSOCK_MSG_DONTWAIT, MSG_WAITALL = C.ZSOCK_MSG_WAITALL;
/** poll events: ZSOCK_POLL* without the prefix. */
export const POLLIN = C.ZSOCK_POLLIN, POLLPRI = C.ZSOCK_POLLPRI, POLLOUT = C.ZSOCK_POLLOUT;
/** poll events: ZSOCK_POLL* without the prefix. */
export const POLLERR = C.ZSOCK_POLLERR, POLLHUP = C.ZSOCK_POLLHUP, POLLNVAL = C.ZSOCK_POLLNVAL;
/** shutdown's how: ZSOCK_SHUT_* without the prefix. */
export const SHUT_RD = C.ZSOCK_SHUT_RD, SHUT_WR = C.ZSOCK_SHUT_WR, SHUT_RDWR = C.ZSOCK_SHUT_RDWR;
export {
  AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_LOCAL, PF_INET, PF_INET6, PF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
  IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6, IPPROTO_TLS_1_2, IPPROTO_TLS_1_3, IPPROTO_DTLS_1_2,
  SOL_SOCKET, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_PRIORITY, SO_LINGER,
  SO_REUSEPORT, SO_RCVTIMEO, SO_SNDTIMEO, SO_BINDTODEVICE, SO_PROTOCOL, SO_DOMAIN, SO_TIMESTAMPING, SO_TXTIME,
  TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, IPV6_V6ONLY,
  F_GETFL, F_SETFL, O_NONBLOCK, FIONREAD, FIONBIO, SOMAXCONN,
  AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, NI_NUMERICHOST, NI_NUMERICSERV,
  SOL_TLS, TLS_SEC_TAG_LIST, TLS_HOSTNAME, TLS_CIPHERSUITE_LIST, TLS_CIPHERSUITE_USED, TLS_PEER_VERIFY,
  TLS_DTLS_ROLE, TLS_ALPN_LIST, TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, TLS_CERT_NOCOPY,
  TLS_NATIVE, TLS_SESSION_CACHE, TLS_SESSION_CACHE_PURGE, TLS_DTLS_CID, TLS_DTLS_CID_STATUS, TLS_DTLS_CID_VALUE,
  TLS_DTLS_PEER_CID_VALUE, TLS_DTLS_HANDSHAKE_ON_CONNECT, TLS_CERT_VERIFY_RESULT, TLS_CERT_VERIFY_CALLBACK,
  TLS_KEYLOG, TLS_KEYLOG_DISABLED, TLS_KEYLOG_ENABLED,
  TLS_PEER_VERIFY_NONE, TLS_PEER_VERIFY_OPTIONAL, TLS_PEER_VERIFY_REQUIRED,
  EAI_BADFLAGS, EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_FAMILY, EAI_SOCKTYPE, EAI_SERVICE, EAI_ADDRFAMILY, EAI_SYSTEM,
} from './api/constants.js';
export * from './errno.js';
export * from './tls/cred_public.js';
export type { SockAddr, PollFd, AddrInfo } from './api/zsock.js';
export type { MsgHdr } from './api/msg.js';
