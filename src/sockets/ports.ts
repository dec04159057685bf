/**
 * Local ports claimed by zsock sockets. The stack picks ephemeral ports itself, as Zephyr's does,
 * so getsockname() knows the port as soon as bind()/listen() return, even though the host's
 * own bind completes later. Conflicts between zsock sockets are found here at once; conflicts
 * with other programs arrive later from the driver (SO_ERROR / POLLERR, or a quiet re-pick for
 * a port the stack chose).
 */
import { EADDRINUSE } from '../errno.js';
import { config } from '../config.js';
import { checkAddr, type SockAddr } from './addr.js';

const claims = new Map<string, { reuse: boolean; count: number }>();

const key = (proto: string, port: number) => `${proto}:${port}`;

/** Claims `port` for `proto` ('tcp' | 'udp'): 0, or -EADDRINUSE. SO_REUSEADDR/PORT on both
 *  sockets lets them share it. */
export function claim(proto: string, port: number, reuse: boolean): number {
  const k = key(proto, port);
  const c = claims.get(k);
  if (c && !(c.reuse && reuse)) return -EADDRINUSE;
  claims.set(k, { reuse, count: (c?.count ?? 0) + 1 });
  return 0;
}

export function release(proto: string, port: number): void {
  const k = key(proto, port);
  const c = claims.get(k);
  if (!c) return;
  if (--c.count <= 0) claims.delete(k);
}

/** bind(): checks the address and claims its port (an ephemeral one for port 0, `auto`).
 *  The bound address, or a negative errno. */
export function bindAddr(proto: string, family: number, addr: SockAddr, reuse: boolean): { local: SockAddr; auto: boolean } | number {
  const text = checkAddr(addr, family);
  if (typeof text === 'number') return text;
  const auto = addr.port === 0;
  const port = auto ? pickPort(proto, reuse) : claim(proto, addr.port, reuse) || addr.port;
  return port < 0 ? port : { local: { family, addr: text, port }, auto };
}

/** The host refused a port the stack picked (another program holds it): releases it and
 *  claims another, or returns null when the failure is not that or the retries are used up. */
export function repick(proto: string, errno: number, port: number, auto: boolean, retries: number): number | null {
  if (errno !== EADDRINUSE || !auto || retries <= 0) return null;
  release(proto, port);
  const next = pickPort(proto);
  return next > 0 ? next : null;
}

/** A free ephemeral port, claimed (shareable when `reuse`). */
export function pickPort(proto: string, reuse = false): number {
  const { EPHEMERAL_PORT_MIN: lo, EPHEMERAL_PORT_MAX: hi } = config;
  for (let i = 0; i < 1000; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (!claims.has(key(proto, port)) && claim(proto, port, reuse) === 0) return port;
  }
  return -EADDRINUSE;
}
