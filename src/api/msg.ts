/**
 * sendmsg / recvmsg / sendmsg_all, and their ancillary data: struct msghdr and the control
 * messages recvmsg writes (IP_PKTINFO, IPV6_RECVPKTINFO), in Zephyr's byte layout on a 32-bit
 * device (net_ip.h): struct net_cmsghdr { uint32 cmsg_len; int cmsg_level; int cmsg_type; } padded
 * to z_max_align_t (8), so the data starts at byte 16; little-endian; in_pktinfo is
 * { uint32 ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr } and in6_pktinfo
 * { in6_addr ipi6_addr; uint32 ipi6_ifindex }, addresses in network order.
 */
import * as E from '../errno.js';
import * as C from './constants.js';
import { fdtable } from './fds.js';
import { inet_pton, type SockAddr } from '../sockets/addr.js';
import type { Out } from '../sockets/socket.js';
import type { PktInfo, RecvMeta } from '../sockets/udp.js';
import { liveBuf, optAddr, snapshot, writable, writeBack } from './args.js';
import { settle } from './last_errno.js';
import { zsock_send_all, zsock_sendto } from './zsock.js';

/** struct msghdr: the peer's address (datagrams), the buffers, the flags recvmsg sets, and the
 *  ancillary data buffer: recvmsg reads msg_controllen as its size and sets it to the bytes of
 *  control messages written (0 when none). */
export interface MsgHdr {
  msg_name?: SockAddr | null;
  msg_iov: Uint8Array[];
  msg_flags?: number;
  msg_control?: Uint8Array | null;
  msg_controllen?: number;
}

/** One control message, as zsock_cmsgs reads them back. */
export interface Cmsg { cmsg_level: number; cmsg_type: number; cmsg_data: Uint8Array }

const HDR = 16; // NET_ALIGN_D(sizeof(struct net_cmsghdr))
const ALIGN = 8;

const size = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0x7fffffff;

/** NET_CMSG_LEN: cmsg_len for `length` bytes of data; -EINVAL for a length that is not one. */
export function NET_CMSG_LEN(length: number): number {
  return size(length) ? HDR + length : -E.EINVAL;
}

/** NET_CMSG_SPACE: the bytes a control message with `length` bytes of data occupies (what to
 *  size msg_control with); -EINVAL for a length that is not one. */
export function NET_CMSG_SPACE(length: number): number {
  return size(length) ? HDR + Math.ceil(length / ALIGN) * ALIGN : -E.EINVAL;
}

/** The control messages in msg.msg_control[0..msg_controllen), as NET_CMSG_FIRSTHDR /
 *  NET_CMSG_NXTHDR walk them; [] for none or a malformed buffer. */
export function zsock_cmsgs(msg: MsgHdr): Cmsg[] {
  const m = readMsg(msg);
  const buf = liveBuf(m?.msg_control);
  const len = Math.min(buf?.length ?? 0, Number.isInteger(m?.msg_controllen) ? m!.msg_controllen! : 0);
  const out: Cmsg[] = [];
  for (let at = 0; buf && at + HDR <= len;) {
    const v = new DataView(buf.buffer, buf.byteOffset + at);
    const clen = v.getUint32(0, true);
    if (clen < HDR || at + clen > len) break;
    out.push({ cmsg_level: v.getInt32(4, true), cmsg_type: v.getInt32(8, true), cmsg_data: buf.slice(at + HDR, at + clen) });
    at += Math.ceil(clen / ALIGN) * ALIGN;
  }
  return out;
}

/** in_pktinfo / in6_pktinfo with its level and type. */
function pktinfoBytes(p: PktInfo): { level: number; type: number; data: Uint8Array } {
  if (p.family === C.AF_INET6) {
    const data = new Uint8Array(20);
    inet_pton(C.AF_INET6, p.dst, data.subarray(0, 16));
    new DataView(data.buffer).setUint32(16, p.ifindex, true);
    return { level: C.IPPROTO_IPV6, type: C.IPV6_RECVPKTINFO, data };
  }
  const data = new Uint8Array(12);
  new DataView(data.buffer).setUint32(0, p.ifindex, true);
  inet_pton(C.AF_INET, p.local, data.subarray(4, 8));
  inet_pton(C.AF_INET, p.dst, data.subarray(8, 12));
  return { level: C.IPPROTO_IP, type: C.IP_PKTINFO, data };
}

/** Writes the datagram's pktinfo as Zephyr's insert_pktinfo does: into msg_control when its
 *  msg_controllen (bounded by the buffer) holds it, else MSG_CTRUNC. msg_controllen back. */
function control(msg: MsgHdr, meta: RecvMeta): number {
  const buf = liveBuf(msg.msg_control);
  const room = Math.min(buf?.length ?? 0, Number.isInteger(msg.msg_controllen) ? msg.msg_controllen! : 0);
  if (!buf || room <= 0 || !meta.pktinfo) return 0;
  const { level, type, data } = pktinfoBytes(meta.pktinfo);
  if (room < NET_CMSG_LEN(data.length)) {
    meta.flags |= C.ZSOCK_MSG_CTRUNC;
    return 0;
  }
  const v = new DataView(buf.buffer, buf.byteOffset);
  v.setUint32(0, NET_CMSG_LEN(data.length), true);
  v.setInt32(4, level, true);
  v.setInt32(8, type, true);
  buf.fill(0, 12, HDR);
  buf.set(data, HDR);
  return NET_CMSG_LEN(data.length);
}

/** An iovec list read once: live buffers only; null when msg_iov is missing (Zephyr: -ENOMEM),
 *  undefined when it is not a list of buffers (-EFAULT). */
function iovecs(msg: MsgHdr): Uint8Array[] | null | undefined {
  try {
    if (msg.msg_iov === null || msg.msg_iov === undefined) return null;
    if (!Array.isArray(msg.msg_iov)) return undefined;
    const iov = [...msg.msg_iov].map(liveBuf);
    return iov.every((b) => b !== null) ? iov as Uint8Array[] : undefined;
  } catch {
    return undefined;
  }
}

/** The caller's msghdr read once (a plain copy: a Proxy or getter cannot throw later), or null. */
function readMsg(msg: unknown): MsgHdr | null {
  const snap = msg && typeof msg === 'object' ? snapshot(msg) : null;
  return snap?.ok ? snap.value as MsgHdr : null;
}

/** The message's buffers gathered into one (and its address), or -errno. */
function gather(msg: unknown): { one: Uint8Array; to: SockAddr | null } | number {
  const m = readMsg(msg);
  const iov = m && iovecs(m);
  if (!iov) return -E.EFAULT;
  const one = new Uint8Array(iov.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of iov) { one.set(b, at); at += b.length; }
  return { one, to: (m.msg_name ?? null) as SockAddr | null };
}

/** Gathers the iovecs into one send (one write on the wire): as zsock_sendto. */
export function zsock_sendmsg(fd: number, msg: MsgHdr, flags: number): Promise<number> {
  if (!fdtable.get(fd)) return settle(Promise.resolve(-E.EBADF));
  const g = gather(msg);
  if (typeof g === 'number') return settle(Promise.resolve(g));
  return zsock_sendto(fd, g.one, flags, g.to);
}

/** zsock_send_all of a msghdr's buffers, gathered (the same results). */
export function zsock_sendmsg_all(fd: number, msg: MsgHdr, flags: number, timeoutMs: number, sent?: Out<number> | null): Promise<number> {
  const s = fdtable.get(fd);
  if (!s) return settle(Promise.resolve(-E.EBADF));
  const g = gather(msg);
  if (typeof g === 'number') return settle(Promise.resolve(g));
  if (s.type !== C.SOCK_STREAM) return settle(Promise.resolve(-E.EOPNOTSUPP));
  return zsock_send_all(fd, g.one, flags, timeoutMs, sent);
}

/** Scatters into the iovecs: the count, or -errno as recvfrom; -EINVAL for no msghdr and
 *  -ENOMEM for a missing msg_iov or, on a datagram socket, an empty one (Zephyr's). msg_flags
 *  gets MSG_TRUNC when a datagram did not fit and MSG_CTRUNC when its control message did not;
 *  with IP_PKTINFO / IPV6_RECVPKTINFO on, msg_control gets the datagram's pktinfo. */
export function zsock_recvmsg(fd: number, msg: MsgHdr, flags: number): Promise<number> {
  return settle((async () => {
    const s = fdtable.get(fd);
    if (!s) return -E.EBADF;
    if (msg === null || msg === undefined) return -E.EINVAL;
    const m = readMsg(msg);
    if (!m || !writable(msg)) return -E.EFAULT;
    const iov = iovecs(m);
    if (iov === undefined) return -E.EFAULT;
    if (iov === null || (iov.length === 0 && s.type === C.SOCK_DGRAM)) return -E.ENOMEM;
    if (!Number.isInteger(flags)) return -E.EINVAL;
    const named = optAddr(m.msg_name);
    if (named === undefined || (named && !writable(m.msg_name))) return -E.EFAULT;
    const tmp = new Uint8Array(iov.reduce((n, b) => n + b.length, 0));
    const meta: RecvMeta = { flags: 0 };
    const src = named ? ({} as SockAddr) : null;
    const n = await s.recvfrom(tmp, flags, src, meta);
    const controllen = n >= 0 ? control(m, meta) : 0;
    if (!writeBack(msg, { msg_flags: meta.flags, msg_controllen: controllen })) return -E.EFAULT;
    if (src && src.family !== undefined) writeBack(m.msg_name, src);
    if (n <= 0) return n;
    if (!iov.every(liveBuf)) return -E.EFAULT;
    let at = 0;
    for (const b of iov) {
      const k = Math.min(b.length, Math.min(n, tmp.length) - at);
      if (k <= 0) break;
      b.set(tmp.subarray(at, at + k));
      at += k;
    }
    return n;
  })());
}
