/**
 * Local ports claimed by zsock sockets. The stack picks ephemeral ports itself, as Zephyr's does,
 * so getsockname() knows the port as soon as bind()/listen() return, even though the host's
 * own bind completes later. Conflicts between zsock sockets are found here at once; conflicts
 * with other programs arrive later from the driver (SO_ERROR / POLLERR, or a quiet re-pick for
 * a port the stack chose).
 */
import { EADDRINUSE } from '../errno.js';
import { config } from '../config.js';
import { checkAddr, ANY4, ANY6, type SockAddr } from './addr.js';
import { AF_INET6 } from '../constants.js';

/** Who holds a port: two holders conflict when their addresses overlap (same family and one is
 *  the any-address or both are equal, or an IPv6 any-address socket without IPV6_V6ONLY, which
 *  also takes IPv4), unless both set SO_REUSEADDR/PORT. */
interface Holder { family: number; addr: string; v6only: boolean; reuse: boolean }

const claims = new Map<string, Holder[]>();
/** Ports a closed socket gave back while its host endpoint still holds them (a datagram handed
 *  over is still going out): free for an explicit bind, as Zephyr's close frees them, but not
 *  picked for port 0 while another is free: the host's bind would fail and the port be re-picked
 *  after getsockname() had named it. Counted: two sockets may share a port (SO_REUSEADDR). */
const closing = new Map<string, number>();

const key = (proto: string, port: number) => `${proto}:${port}`;
const isAny = (a: string) => a === ANY4 || a === ANY6;

function overlap(a: Holder, b: Holder): boolean {
  if (a.family === b.family) return isAny(a.addr) || isAny(b.addr) || a.addr === b.addr;
  const v6 = a.family === AF_INET6 ? a : b; // families differ: a dual-stack [::] takes IPv4 too
  return !v6.v6only && isAny(v6.addr);
}

/** Claims `port` for `proto` ('tcp' | 'udp') on behalf of `h`: 0, or -EADDRINUSE. */
export function claim(proto: string, port: number, h: Holder): number {
  const list = claims.get(key(proto, port)) ?? [];
  if (list.some((o) => overlap(o, h) && !(o.reuse && h.reuse))) return -EADDRINUSE;
  list.push(h);
  claims.set(key(proto, port), list);
  return 0;
}

/** Gives back the claim `local` was bound with. */
export function release(proto: string, local: SockAddr): void {
  const k = key(proto, local.port);
  const list = claims.get(k);
  const i = list?.findIndex((o) => o.family === local.family && o.addr === local.addr) ?? -1;
  if (i < 0) return;
  list!.splice(i, 1);
  if (!list!.length) claims.delete(k);
}

/** Gives back `local`'s claim now and keeps its port from bind(0) until the returned callback
 *  says the platform has let go of it. */
export function releaseClosing(proto: string, local: SockAddr): () => void {
  release(proto, local);
  const k = key(proto, local.port);
  closing.set(k, (closing.get(k) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = closing.get(k)! - 1;
    if (n > 0) closing.set(k, n);
    else closing.delete(k);
  };
}

/** bind(): checks the address and claims its port (an ephemeral one for port 0, `auto`, from
 *  `range`: the socket's IP_LOCAL_PORT_RANGE). The bound address, or a negative errno. */
export function bindAddr(proto: string, family: number, addr: SockAddr, reuse: boolean, v6only = false, range?: [number, number]): { local: SockAddr; auto: boolean } | number {
  const text = checkAddr(addr, family);
  if (typeof text === 'number') return text;
  const auto = addr.port === 0;
  const h: Holder = { family, addr: text, v6only, reuse };
  const port = auto ? pickPort(proto, h, range) : claim(proto, addr.port, h) || addr.port;
  return port < 0 ? port : { local: { family, addr: text, port }, auto };
}

/** The host refused a port the stack picked (another program holds it): releases it and
 *  claims another (from `range`), or returns null when the failure is not that or the retries
 *  are used up. */
export function repick(proto: string, errno: number, local: SockAddr, auto: boolean, retries: number, v6only = false, range?: [number, number]): number | null {
  if (errno !== EADDRINUSE || !auto || retries <= 0) return null;
  const h = claims.get(key(proto, local.port))?.find((o) => o.family === local.family && o.addr === local.addr);
  release(proto, local);
  const next = pickPort(proto, h ?? { family: local.family, addr: local.addr, v6only, reuse: false }, range);
  return next > 0 ? next : null;
}

/** A free ephemeral port in `range` (the stack's by default), claimed (shareable when `reuse`):
 *  random tries, then a sweep, so a narrow range's last free port is found, and a port still
 *  closing only when no other is free; -EADDRINUSE when every port is taken. */
export function pickPort(proto: string, h: Holder, range: [number, number] = [config.EPHEMERAL_PORT_MIN, config.EPHEMERAL_PORT_MAX]): number {
  const [lo, hi] = range;
  const take = (port: number) => (claim(proto, port, h), port); // unclaimed: the claim holds
  for (let i = 0; i < 64; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    const k = key(proto, port);
    if (!claims.has(k) && !closing.has(k)) return take(port);
  }
  let late = -1; // the first port still closing: the host may still refuse it (re-picked then)
  for (let port = lo; port <= hi; port++) {
    const k = key(proto, port);
    if (claims.has(k)) continue;
    if (!closing.has(k)) return take(port);
    if (late < 0) late = port;
  }
  return late < 0 ? -EADDRINUSE : take(late);
}
