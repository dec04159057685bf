/**
 * IPPROTO_IP / IPPROTO_IPV6 options an INET socket keeps in its option map: IP_PKTINFO and
 * IPV6_RECVPKTINFO (one flag, as Zephyr's NET_OPT_RECV_PKTINFO, which either sets; the control
 * message then follows the datagram's family), and IP_LOCAL_PORT_RANGE.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';

/** An int option value (a boolean is 0 or 1), else null; kept here, not imported from
 *  socket.ts, which uses this module. */
const intOf = (v: unknown): number | null => (typeof v === 'boolean' ? +v : typeof v === 'number' && Number.isInteger(v) ? v : null);
type Out = { value?: unknown };

const PKTINFO = 'pktinfo';
const RANGE = 'portrange';

const ours = (level: number, name: number) =>
  (level === C.IPPROTO_IP && (name === C.IP_PKTINFO || name === C.IP_LOCAL_PORT_RANGE))
  || (level === C.IPPROTO_IPV6 && name === C.IPV6_RECVPKTINFO);

/** getsockopt of one of these options: 0; null when the option is not one of them. */
export function getIpOption(opts: ReadonlyMap<string, unknown>, level: number, name: number, out: Out): number | null {
  if (!ours(level, name)) return null;
  out.value = name === C.IP_LOCAL_PORT_RANGE ? (opts.get(RANGE) as number | undefined) ?? 0 : opts.get(PKTINFO) ? 1 : 0;
  return 0;
}

/** setsockopt of one of these options: 0 or -EINVAL (not an int; a port range beyond 32 bits);
 *  null when the option is not one of them. */
export function setIpOption(opts: Map<string, unknown>, level: number, name: number, value: unknown): number | null {
  if (!ours(level, name)) return null;
  const v = intOf(value);
  if (v === null) return -E.EINVAL;
  if (name !== C.IP_LOCAL_PORT_RANGE) {
    opts.set(PKTINFO, v !== 0);
    return 0;
  }
  // A uint32 in C; (hi << 16) | lo is a negative int32 in JS once hi passes 32767.
  if (v < -0x80000000 || v > 0xffffffff) return -E.EINVAL;
  opts.set(RANGE, v >>> 0);
  return 0;
}

/** Whether recvmsg reports where each datagram was sent. */
export function wantsPktinfo(opts: ReadonlyMap<string, unknown>): boolean {
  return opts.get(PKTINFO) === true;
}

/** The ephemeral ports this socket picks from: IP_LOCAL_PORT_RANGE clamped to the stack's
 *  (EPHEMERAL_PORT_MIN..MAX; a 0 bound is the stack's), or the stack's own when the two do not
 *  meet (Linux's rule, which the option comes from). */
export function portRange(opts: ReadonlyMap<string, unknown>): [number, number] {
  const lo0 = config.EPHEMERAL_PORT_MIN, hi0 = config.EPHEMERAL_PORT_MAX;
  const v = (opts.get(RANGE) as number | undefined) ?? 0;
  const lo = Math.max(v & 0xffff || lo0, lo0), hi = Math.min(v >>> 16 || hi0, hi0);
  return lo <= hi ? [lo, hi] : [lo0, hi0];
}
