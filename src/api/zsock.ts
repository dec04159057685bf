/**
 * The zsock_* functions: Zephyr's BSD-socket API. Every function validates its arguments and
 * returns what Zephyr returns: a count or 0 on success, a negative errno on failure (and sets
 * `errno`). Calls that may wait return a Promise; a non-blocking socket never waits.
 */
import * as E from '../errno.js';
import * as C from './constants.js';
import { config } from '../config.js';
import { fdtable } from './fds.js';
import { utf8Encode } from '../utf8.js';
import type { Out, Sock } from '../sockets/socket.js';
import { createSocket } from '../sockets/registry.js';
import { PairSock } from '../sockets/pair.js';
import { fill, inet_ntop, inet_pton, type SockAddr } from '../sockets/addr.js';
import * as P from '../sockets/poll.js';
import * as D from '../sockets/dns.js';
import { ret, lastErrno, setErrno } from './last_errno.js';
import '../sockets/ttls.js'; // the TLS policy maps connections as they are established
import { ttlsIoctl, type TtlsIoctl } from '../sockets/ttls_ioctl.js';


/** The last error of any zsock call (POSIX-style code reads it; concurrent code should use the
 *  return value, which is always the truth for its own call). */
export function zsock_errno(): number { return lastErrno(); }

/** The socket behind fd, or null. Looking it up never changes it. */
function sock(fd: number): Sock | null {
  return fdtable.get(fd);
}

const isBuf = (b: unknown): b is Uint8Array => b instanceof Uint8Array;

/** Creates a socket: its fd, or -EAFNOSUPPORT / -EPROTOTYPE / -EPROTONOSUPPORT / -EINVAL /
 *  -ENFILE (no free fd) / -ENOMEM (a family's own limit, e.g. TLS contexts). */
export function zsock_socket(family: number, type: number, proto: number): number {
  const fd = fdtable.reserve();
  if (fd < 0) return ret(fd);
  const s = createSocket(family, type, proto);
  if (typeof s === 'number') {
    fdtable.free(fd);
    return ret(s);
  }
  fdtable.finalize(fd, s);
  return fd;
}

/** A connected AF_UNIX stream pair into sv[0], sv[1]. */
export function zsock_socketpair(family: number, type: number, proto: number, sv: number[]): number {
  if (!Array.isArray(sv)) return ret(-E.EFAULT);
  if (family !== C.AF_UNIX) return ret(-E.EAFNOSUPPORT);
  if (type !== C.SOCK_STREAM) return ret(-E.EPROTOTYPE);
  if (proto !== 0) return ret(-E.EPROTONOSUPPORT);
  const a = fdtable.reserve();
  if (a < 0) return ret(a);
  const b = fdtable.reserve();
  if (b < 0) { fdtable.free(a); return ret(b); }
  const [x, y] = PairSock.pair();
  fdtable.finalize(a, x);
  fdtable.finalize(b, y);
  sv[0] = a;
  sv[1] = b;
  return 0;
}

/** Closes fd; callers blocked on it get -EINTR. */
export function zsock_close(fd: number): number {
  return ret(fdtable.close(fd));
}

/** SHUT_RD marks EOF for recv; SHUT_WR and SHUT_RDWR are -ENOTSUP (as Zephyr); else -EINVAL. */
export function zsock_shutdown(fd: number, how: number): number {
  const s = sock(fd);
  return ret(s ? s.shutdown(how) : -E.EBADF);
}

/** Binds to a local address: 0, -EBADF, -EINVAL (bound already, or a bad address), -EAFNOSUPPORT
 *  (another family), -EADDRINUSE, -EADDRNOTAVAIL. Any socket state before connect/listen. */
export function zsock_bind(fd: number, addr: SockAddr): number {
  const s = sock(fd);
  return ret(s ? s.bind(addr) : -E.EBADF);
}

/** Backlog 0 counts as 1; an unbound socket gets an ephemeral port. */
export function zsock_listen(fd: number, backlog: number): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!Number.isInteger(backlog)) return ret(-E.EINVAL);
  return ret(s.listen(backlog));
}

/** TCP: connects (blocking: up to CONFIG_NET_SOCKETS_CONNECT_TIMEOUT, then -ETIMEDOUT;
 *  non-blocking: -EINPROGRESS, then -EALREADY; completion is POLLOUT, failure POLLERR with
 *  SO_ERROR). UDP: sets the default peer. */
export async function zsock_connect(fd: number, addr: SockAddr): Promise<number> {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  return ret(await s.connect(addr));
}

/** The new connection's fd (the peer's address into `addr`); waits unless non-blocking (-EAGAIN).
 *  The fd is reserved first, as Zephyr's accept does: with none free it is -ENFILE at once and
 *  the connection stays queued. */
export async function zsock_accept(fd: number, addr?: SockAddr): Promise<number> {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  const nfd = fdtable.reserve();
  if (nfd < 0) return ret(nfd);
  const child = await s.accept(addr);
  if (typeof child === 'number') {
    fdtable.free(nfd);
    return ret(child);
  }
  fdtable.finalize(nfd, child);
  return nfd;
}

/** Sends buf (to `to` on a datagram socket): the count taken (a short write is normal on a
 *  stream), -EAGAIN (non-blocking, or SO_SNDTIMEO), -EBADF, -EFAULT (not a Uint8Array), -EINVAL
 *  (flags), -ENOTCONN, -EDESTADDRREQ, -EMSGSIZE, or the connection's errno. */
export async function zsock_sendto(fd: number, buf: Uint8Array, flags: number, to: SockAddr | null): Promise<number> {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!isBuf(buf)) return ret(-E.EFAULT);
  if (!Number.isInteger(flags)) return ret(-E.EINVAL);
  return ret(await s.sendto(buf, flags, to ?? null));
}

/** Sends what fits now (a short write is normal); blocks per SO_SNDTIMEO unless MSG_DONTWAIT. */
export function zsock_send(fd: number, buf: Uint8Array, flags: number): Promise<number> {
  return zsock_sendto(fd, buf, flags, null);
}

/** struct msghdr: the peer's address (datagrams), the buffers, and the flags recvmsg sets. */
export interface MsgHdr {
  msg_name?: SockAddr | null;
  msg_iov: Uint8Array[];
  msg_flags?: number;
}

/** Gathers the iovecs into one send (one write on the wire). */
export async function zsock_sendmsg(fd: number, msg: MsgHdr, flags: number): Promise<number> {
  if (!sock(fd)) return ret(-E.EBADF);
  if (!msg || !Array.isArray(msg.msg_iov) || !msg.msg_iov.every(isBuf)) return ret(-E.EFAULT);
  const total = msg.msg_iov.reduce((n, b) => n + b.length, 0);
  const one = new Uint8Array(total);
  let at = 0;
  for (const b of msg.msg_iov) { one.set(b, at); at += b.length; }
  return zsock_sendto(fd, one, flags, msg.msg_name ?? null);
}

/** Fills buf: the count, 0 at EOF, -EAGAIN (non-blocking or SO_RCVTIMEO), -ENOTCONN, ...
 *  Flags: MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC (datagram: the real length). */
export async function zsock_recvfrom(fd: number, buf: Uint8Array, flags: number, from?: SockAddr | null): Promise<number> {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!isBuf(buf)) return ret(-E.EFAULT);
  if (!Number.isInteger(flags)) return ret(-E.EINVAL);
  return ret(await s.recvfrom(buf, flags, from ?? null));
}

/** recvfrom() without the source address. */
export function zsock_recv(fd: number, buf: Uint8Array, flags: number): Promise<number> {
  return zsock_recvfrom(fd, buf, flags, null);
}

/** Scatters into the iovecs; msg_flags gets MSG_TRUNC when a datagram did not fit. */
export async function zsock_recvmsg(fd: number, msg: MsgHdr, flags: number): Promise<number> {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!msg || !Array.isArray(msg.msg_iov) || !msg.msg_iov.every(isBuf)) return ret(-E.EFAULT);
  const tmp = new Uint8Array(msg.msg_iov.reduce((n, b) => n + b.length, 0));
  const m = { flags: 0 };
  const n = await s.recvfrom(tmp, flags, msg.msg_name ?? null, m);
  msg.msg_flags = m.flags;
  if (n <= 0) return ret(n);
  let at = 0;
  for (const b of msg.msg_iov) {
    const k = Math.min(b.length, Math.min(n, tmp.length) - at);
    if (k <= 0) break;
    b.set(tmp.subarray(at, at + k));
    at += k;
  }
  return n;
}

/** F_GETFL (O_NONBLOCK or 0) and F_SETFL; other commands -EINVAL. */
export function zsock_fcntl(fd: number, cmd: number, flags = 0): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (cmd === C.F_GETFL) return s.nonblock ? C.O_NONBLOCK : 0;
  if (cmd === C.F_SETFL) {
    s.nonblock = (flags & C.O_NONBLOCK) !== 0;
    return 0;
  }
  return ret(-E.EINVAL);
}

/** FIONBIO ({value: nonzero} sets non-blocking, 0 clears) and FIONREAD (bytes readable into
 *  arg.value); other requests -EOPNOTSUPP. Beyond Zephyr, SIOCTTLSCTL queries and controls TLS
 *  on a TCP connection (docs/ttls.md); it may wait, so it returns a Promise. */
export function zsock_ioctl(fd: number, request: typeof C.SIOCTTLSCTL, arg: TtlsIoctl): Promise<number>;
/** FIONBIO / FIONREAD: 0, -EBADF, -EFAULT, -EOPNOTSUPP (another request; FIONREAD on TLS). */
export function zsock_ioctl(fd: number, request: number, arg: Out<number>): number;
/** The implementation of both forms above. */
export function zsock_ioctl(fd: number, request: number, arg: Out<number> | TtlsIoctl): number | Promise<number> {
  if (request === C.SIOCTTLSCTL) return ttlsIoctl(sock(fd), arg as TtlsIoctl).then(ret);
  return ioctlSync(fd, request, arg as Out<number>);
}

function ioctlSync(fd: number, request: number, arg: Out<number>): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (request !== C.FIONBIO && request !== C.FIONREAD) return ret(-E.EOPNOTSUPP);
  if (!arg || typeof arg !== 'object') return ret(-E.EFAULT);
  if (request === C.FIONBIO) {
    s.nonblock = !!arg.value;
    return 0;
  }
  const n = s.readable();
  if (n < 0) return ret(n);
  arg.value = n;
  return 0;
}

/** Waits until an fd in fds[0..nfds) has an event or `timeout` ms pass (negative: forever; 0:
 *  just look): the number of fds with revents, 0 on timeout, -EFAULT, -EINVAL, -ENOMEM (more than
 *  CONFIG_ZVFS_POLL_MAX). A closed fd reports POLLNVAL. */
export function zsock_poll(fds: P.PollFd[], nfds: number, timeout: number): Promise<number> {
  return P.poll(fdtable, fds, nfds, timeout).then(ret);
}

/** select(): waits on fd sets below nfds; the number of bits left set, 0 on timeout, -EBADF for a
 *  closed fd in a set, -EINVAL. */
export function zsock_select(nfds: number, readfds: P.ZsockFdSet | null, writefds: P.ZsockFdSet | null,
  exceptfds: P.ZsockFdSet | null, timeout: { tv_sec: number; tv_usec: number } | null): Promise<number> {
  return P.select(fdtable, nfds, readfds, writefds, exceptfds, timeout).then(ret);
}

/** Option value into out.value. Unknown option or level: -ENOPROTOOPT. */
export function zsock_getsockopt(fd: number, level: number, optname: number, out: Out<unknown>): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!out || typeof out !== 'object') return ret(-E.EFAULT);
  return ret(s.getsockopt(level, optname, out));
}

/** Sets an option: 0, -EBADF, -ENOPROTOOPT (unknown, or read-only), -EINVAL (a bad value),
 *  -ENOENT (TLS_SEC_TAG_LIST with a tag that has no credentials). */
export function zsock_setsockopt(fd: number, level: number, optname: number, value: unknown): number {
  const s = sock(fd);
  return ret(s ? s.setsockopt(level, optname, value) : -E.EBADF);
}

/** The bound address into `addr`; -EINVAL when unbound (as Zephyr). */
export function zsock_getsockname(fd: number, addr: SockAddr): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!addr || typeof addr !== 'object') return ret(-E.EINVAL);
  const a = s.localAddr();
  if (!a) return ret(-E.EINVAL);
  fill(addr, a);
  return 0;
}

/** The peer's address into `addr`; -ENOTCONN when not connected. */
export function zsock_getpeername(fd: number, addr: SockAddr): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!addr || typeof addr !== 'object') return ret(-E.EINVAL);
  const a = s.peerAddr();
  if (!a) return ret(-E.ENOTCONN);
  fill(addr, a);
  return 0;
}

/** CONFIG_NET_HOSTNAME, NUL-terminated, into buf; -EINVAL if buf is too small. */
export function zsock_gethostname(buf: Uint8Array): number {
  if (!isBuf(buf)) return ret(-E.EFAULT);
  const name = utf8Encode(config.NET_HOSTNAME);
  if (buf.length < name.length + 1) return ret(-E.EINVAL);
  buf.set(name);
  buf[name.length] = 0;
  return 0;
}

/** Text address to bytes: 1, 0 for a malformed address, -EAFNOSUPPORT. */
export const zsock_inet_pton = inet_pton;
/** Bytes to a text address, or null. */
export const zsock_inet_ntop = inet_ntop;

/** Resolves host and service into res.value (a linked list, as Zephyr's): 0 or an EAI_* code
 *  (negative); sets errno for EAI_SYSTEM. */
export function zsock_getaddrinfo(host: string | null, service: string | null, hints: D.AddrInfoHints | null,
  res: Out<D.AddrInfo | null>): Promise<number> {
  return D.getaddrinfo(host, service, hints, res, (e) => setErrno(e));
}

/** Kept for ported code: results are garbage collected. */
export function zsock_freeaddrinfo(_res: D.AddrInfo | null): void {
  // Results are garbage collected; kept for ported code.
}

/** The message of an EAI_* code. */
export const zsock_gai_strerror = D.gai_strerror;

/** Address to host and service text (NI_NUMERICHOST/NI_NUMERICSERV): 0 or an EAI_* code. */
export function zsock_getnameinfo(addr: SockAddr, host: Out<string> | null, serv: Out<string> | null, flags: number): number {
  return D.getnameinfo(addr, host, serv, flags);
}

/** The socket object behind fd (Zephyr: its net_context), or null. */
export function zsock_get_context_object(fd: number): Sock | null {
  const s = sock(fd);
  if (!s) ret(-E.EBADF);
  return s;
}

export { ZsockFdSet, ZSOCK_FD_ZERO, ZSOCK_FD_SET, ZSOCK_FD_CLR, ZSOCK_FD_ISSET, type PollFd } from '../sockets/poll.js';
export type { AddrInfo, AddrInfoHints } from '../sockets/dns.js';
export type { SockAddr } from '../sockets/addr.js';
export type { Out, Timeval, Linger } from '../sockets/socket.js';
