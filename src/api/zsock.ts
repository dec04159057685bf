/**
 * The zsock_* functions: Zephyr's BSD-socket API. Every function validates its arguments and
 * returns Zephyr's result on success (a count, 0, an fd) and, where Zephyr returns -1 and sets
 * errno, the negative errno itself (and sets `errno` as it returns: docs/sockets.md, porting).
 * Calls that may wait return a Promise; a non-blocking socket never waits.
 */
import * as E from '../errno.js';
import * as C from './constants.js';
import { config } from '../config.js';
import { fdtable } from './fds.js';
import { utf8Encode } from '../utf8.js';
import { addrArg, liveBuf, optAddr, snapshot, writable, writeBack } from './args.js';
import type { Out, Sock } from '../sockets/socket.js';
import { createSocket } from '../sockets/registry.js';
import { PairSock } from '../sockets/pair.js';
import { inet_ntop, inet_pton, type SockAddr } from '../sockets/addr.js';
import * as P from '../sockets/poll.js';
import * as D from '../sockets/dns.js';
import { ret, settle, lastErrno, setErrno } from './last_errno.js';
import '../sockets/ttls.js'; // the TLS policy maps connections as they are established
import { ttlsIoctl, type TtlsIoctl } from '../sockets/ttls_ioctl.js';


/** The last error of any zsock call (POSIX-style code reads it; concurrent code should use the
 *  return value, which is always the truth for its own call). */
export function zsock_errno(): number { return lastErrno(); }

/** The socket behind fd, or null. Looking it up never changes it. */
function sock(fd: number): Sock | null {
  return fdtable.get(fd);
}

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
  if (!Array.isArray(sv) || !writable(sv)) return ret(-E.EFAULT);
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
  if (!writeBack(sv, [a, b])) {
    fdtable.close(a);
    fdtable.close(b);
    return ret(-E.EFAULT);
  }
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
  if (!s) return ret(-E.EBADF);
  const a = addrArg(addr);
  return ret(a ? s.bind(a) : -E.EINVAL);
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
export function zsock_connect(fd: number, addr: SockAddr): Promise<number> {
  return settle((async () => {
    const s = sock(fd);
    if (!s) return -E.EBADF;
    const a = addrArg(addr);
    return a ? await s.connect(a) : -E.EINVAL;
  })());
}

/** The new connection's fd (the peer's address into `addr`); waits unless non-blocking (-EAGAIN).
 *  The fd is reserved first, as Zephyr's accept does: with none free it is -ENFILE at once and
 *  the connection stays queued. */
export function zsock_accept(fd: number, addr?: SockAddr): Promise<number> {
  return settle((async () => {
    const s = sock(fd);
    if (!s) return -E.EBADF;
    if (addr !== undefined && addr !== null && !writable(addr)) return -E.EFAULT;
    const nfd = fdtable.reserve();
    if (nfd < 0) return nfd;
    const peer = {} as SockAddr;
    const child = await s.accept(peer);
    if (typeof child === 'number') {
      fdtable.free(nfd);
      return child;
    }
    fdtable.finalize(nfd, child);
    if (addr && peer.family !== undefined) writeBack(addr, peer);
    return nfd;
  })());
}

/** Sends buf (to `to` on a datagram socket): the count taken (a short write is normal on a
 *  stream), -EAGAIN (non-blocking, or SO_SNDTIMEO), -EBADF, -EFAULT (not a Uint8Array), -EINVAL
 *  (flags), -ENOTCONN, -EDESTADDRREQ, -EMSGSIZE, or the connection's errno. */
export function zsock_sendto(fd: number, buf: Uint8Array, flags: number, to: SockAddr | null): Promise<number> {
  return settle((async () => {
    const s = sock(fd);
    if (!s) return -E.EBADF;
    if (!liveBuf(buf)) return -E.EFAULT;
    if (!Number.isInteger(flags)) return -E.EINVAL;
    const dest = optAddr(to);
    if (dest === undefined) return -E.EINVAL;
    return await s.sendto(buf, flags, dest);
  })());
}

/** Sends what fits now (a short write is normal); blocks per SO_SNDTIMEO unless MSG_DONTWAIT. */
export function zsock_send(fd: number, buf: Uint8Array, flags: number): Promise<number> {
  return zsock_sendto(fd, buf, flags, null);
}

/** Fills buf: the count, 0 at EOF, -EAGAIN (non-blocking or SO_RCVTIMEO), -ENOTCONN, ...
 *  Flags: MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC (datagram: the real length). */
export function zsock_recvfrom(fd: number, buf: Uint8Array, flags: number, from?: SockAddr | null): Promise<number> {
  return settle((async () => {
    const s = sock(fd);
    if (!s) return -E.EBADF;
    if (!liveBuf(buf)) return -E.EFAULT;
    if (!Number.isInteger(flags)) return -E.EINVAL;
    if (from !== undefined && from !== null && !writable(from)) return -E.EFAULT;
    const src = from ? ({} as SockAddr) : null;
    const n = await s.recvfrom(buf, flags, src);
    if (from && src && src.family !== undefined) writeBack(from, src);
    return liveBuf(buf) ? n : -E.EFAULT; // the caller detached buf while it waited
  })());
}

/** recvfrom() without the source address. */
export function zsock_recv(fd: number, buf: Uint8Array, flags: number): Promise<number> {
  return zsock_recvfrom(fd, buf, flags, null);
}

/**
 * Sends all of buf on a stream socket, waiting for room up to `timeoutMs` (negative: forever),
 * as Zephyr's zsock_send_all: 0 when all was sent; -EAGAIN when the time ran out, -errno on
 * failure; `sent.value` says how much went either way. -EOPNOTSUPP on a datagram socket (a
 * datagram is all or nothing already), -EBADF, -EFAULT, -EINVAL.
 */
export function zsock_send_all(fd: number, buf: Uint8Array, flags: number, timeoutMs: number, sent?: Out<number> | null): Promise<number> {
  return settle((async () => {
    const s = sock(fd);
    if (!s) return -E.EBADF;
    if (!liveBuf(buf) || (sent !== undefined && sent !== null && !writable(sent))) return -E.EFAULT;
    if (!Number.isInteger(flags) || !Number.isInteger(timeoutMs)) return -E.EINVAL;
    if (s.type !== C.SOCK_STREAM) return -E.EOPNOTSUPP;
    const end = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
    let done = 0, r = 0;
    while (done < buf.length) {
      r = await s.sendto(buf.subarray(done), flags | C.ZSOCK_MSG_DONTWAIT, null);
      if (r > 0) { done += r; continue; }
      if (r !== -E.EAGAIN) break;
      const left = end - Date.now();
      if (left <= 0) break;
      await P.poll(fdtable, [{ fd, events: C.ZSOCK_POLLOUT, revents: 0 }], 1, left === Infinity ? -1 : Math.ceil(left));
    }
    if (sent) writeBack(sent, { value: done });
    return done === buf.length ? 0 : (r < 0 ? r : -E.EAGAIN);
  })());
}

/** F_GETFL (O_NONBLOCK or 0) and F_SETFL; other commands -EINVAL. */
export function zsock_fcntl(fd: number, cmd: number, flags = 0): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (cmd === C.F_GETFL) return s.nonblock ? C.O_NONBLOCK : 0;
  if (cmd === C.F_SETFL) {
    if (!Number.isInteger(flags)) return ret(-E.EINVAL);
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
  if (request === C.SIOCTTLSCTL) {
    // The request block is read and written by the ioctl: a frozen block or a throwing Proxy is
    // -EFAULT before anything happens.
    if (!writable(arg)) return settle(Promise.resolve(sock(fd) ? -E.EFAULT : -E.EBADF));
    return ttlsIoctl(sock(fd), arg as unknown as TtlsIoctl).then(ret, () => ret(-E.EFAULT));
  }
  return ioctlSync(fd, request, arg as Out<number>);
}

function ioctlSync(fd: number, request: number, arg: Out<number>): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (request !== C.FIONBIO && request !== C.FIONREAD) return ret(-E.EOPNOTSUPP);
  if (!writable(arg)) return ret(-E.EFAULT);
  if (request === C.FIONBIO) {
    const v = snapshot(arg);
    if (!v.ok) return ret(-E.EFAULT);
    s.nonblock = !!(v.value as Out<number>).value;
    return 0;
  }
  const n = s.readable();
  if (n < 0) return ret(n);
  return writeBack(arg, { value: n }) ? 0 : ret(-E.EFAULT);
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
  if (!writable(out)) return ret(-E.EFAULT);
  const got: Out<unknown> = {};
  const r = s.getsockopt(level, optname, got);
  if (r < 0) return ret(r);
  return writeBack(out, got) ? r : ret(-E.EFAULT);
}

/** Sets an option: 0, -EBADF, -ENOPROTOOPT (unknown, or read-only), -EINVAL (a bad value),
 *  -ENOENT (TLS_SEC_TAG_LIST with a tag that has no credentials). */
export function zsock_setsockopt(fd: number, level: number, optname: number, value: unknown): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  const v = snapshot(value); // read once: a Proxy or a detached buffer is -EFAULT here
  return ret(v.ok ? s.setsockopt(level, optname, v.value) : -E.EFAULT);
}

/** The bound address into `addr`; -EINVAL when unbound (as Zephyr). */
export function zsock_getsockname(fd: number, addr: SockAddr): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!writable(addr)) return ret(-E.EINVAL);
  const a = s.localAddr();
  if (!a) return ret(-E.EINVAL);
  return writeBack(addr, a) ? 0 : ret(-E.EFAULT);
}

/** The peer's address into `addr`; -ENOTCONN when not connected. */
export function zsock_getpeername(fd: number, addr: SockAddr): number {
  const s = sock(fd);
  if (!s) return ret(-E.EBADF);
  if (!writable(addr)) return ret(-E.EINVAL);
  const a = s.peerAddr();
  if (!a) return ret(-E.ENOTCONN);
  return writeBack(addr, a) ? 0 : ret(-E.EFAULT);
}

/** CONFIG_NET_HOSTNAME, NUL-terminated, into buf; -EINVAL if buf is too small. */
export function zsock_gethostname(buf: Uint8Array): number {
  if (!liveBuf(buf)) return ret(-E.EFAULT);
  const name = utf8Encode(config.NET_HOSTNAME);
  if (buf.length < name.length + 1) return ret(-E.EINVAL);
  buf.set(name);
  buf[name.length] = 0;
  return 0;
}

/** Text address to bytes in dst: 1, 0 for a malformed address (or no usable dst), -1 for
 *  another family (as POSIX, with errno EAFNOSUPPORT). */
export function zsock_inet_pton(family: number, src: string, dst: Uint8Array): number {
  if (!liveBuf(dst)) return 0;
  const r = inet_pton(family, src, dst);
  if (r < 0) setErrno(E.EAFNOSUPPORT);
  return r;
}

/** Bytes to a text address (RFC 5952 for IPv6), or null for another family or short input. */
export function zsock_inet_ntop(family: number, src: Uint8Array): string | null {
  return liveBuf(src) ? inet_ntop(family, src) : null;
}

/** Resolves host and service into res.value (a linked list, as Zephyr's): 0 or an EAI_* code
 *  (negative); sets errno for EAI_SYSTEM. */
export async function zsock_getaddrinfo(host: string | null, service: string | null, hints: D.AddrInfoHints | null,
  res: Out<D.AddrInfo | null>): Promise<number> {
  const text = (v: unknown) => v === null || v === undefined || typeof v === 'string';
  const h = snapshot(hints);
  if (!h.ok || !writable(res) || !text(host) || !text(service)) {
    await null; // errno is set as the call settles, like every waiting call's (settle)
    setErrno(E.EFAULT);
    return C.EAI_SYSTEM;
  }
  const out: Out<D.AddrInfo | null> = {};
  const r = await D.getaddrinfo(host, service, h.value as D.AddrInfoHints | null, out, (e) => setErrno(e));
  if (r === 0 && !writeBack(res, out)) {
    setErrno(E.EFAULT);
    return C.EAI_SYSTEM;
  }
  return r;
}

/** Kept for ported code: results are garbage collected. */
export function zsock_freeaddrinfo(_res: D.AddrInfo | null): void {
  // Results are garbage collected; kept for ported code.
}

/** The message of an EAI_* code. */
export function zsock_gai_strerror(code: number): string {
  return D.gai_strerror(typeof code === 'number' ? code : NaN);
}

/** Address to host and service text (NI_NUMERICHOST/NI_NUMERICSERV): 0 or an EAI_* code. */
export function zsock_getnameinfo(addr: SockAddr, host: Out<string> | null, serv: Out<string> | null, flags: number): number {
  const a = addrArg(addr);
  const outOk = (o: unknown) => o === null || o === undefined || writable(o);
  if (!a || !outOk(host) || !outOk(serv)) {
    setErrno(E.EFAULT);
    return C.EAI_SYSTEM;
  }
  const h: Out<string> = {}, v: Out<string> = {};
  const r = D.getnameinfo(a, h, v, flags);
  if (r === 0 && ((host && !writeBack(host, h)) || (serv && !writeBack(serv, v)))) {
    setErrno(E.EFAULT);
    return C.EAI_SYSTEM;
  }
  return r;
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
