/**
 * Socket addresses as plain objects, and inet_pton / inet_ntop.
 * A SockAddr is `{ family: AF_INET | AF_INET6, addr: '127.0.0.1', port: 4242 }` (the `addr`
 * string is canonical: inet_ntop of its bytes).
 */
import { AF_INET, AF_INET6 } from '../constants.js';
import { EAFNOSUPPORT, EINVAL } from '../errno.js';
import type { NetAddr } from '../net/driver.js';

/** struct sockaddr_in / sockaddr_in6 as a plain object: what bind, connect and sendto take,
 *  and what accept, recvfrom, getsockname and getpeername fill in. A malformed one (another
 *  family than the socket's, a text address that does not parse, a port outside 0..65535) is
 *  -EINVAL or -EAFNOSUPPORT, per call. */
export interface SockAddr {
  /** AF_INET or AF_INET6. */
  family: number;
  /** The address as text, '192.0.2.1' or '2001:db8::1'; filled in canonical (inet_ntop). */
  addr: string;
  /** The port, host order (0 in bind: an ephemeral one). */
  port: number;
}

function pton4(src: string, dst: Uint8Array): boolean {
  const parts = src.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i]) || Number(parts[i]) > 255) return false;
    dst[i] = Number(parts[i]);
  }
  return true;
}

function pton6(src: string, dst: Uint8Array): boolean {
  const halves = src.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) { // embedded IPv4 (RFC 4291 2.2)
        const v4 = new Uint8Array(4);
        if (!pton4(p, v4)) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return false;
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0)) return false;
  const all = [...head, ...new Array(fill).fill(0), ...tail];
  all.forEach((g, i) => { dst[2 * i] = g >> 8; dst[2 * i + 1] = g & 0xff; });
  return true;
}

/** Text to binary: 1 on success (dst filled), 0 if `src` is not an address, -1 for an unknown
 *  family (Zephyr's zsock_inet_pton contract). */
export function inet_pton(family: number, src: string, dst: Uint8Array): number {
  if (family !== AF_INET && family !== AF_INET6) return -1;
  if (typeof src !== 'string' || !(dst instanceof Uint8Array)) return 0;
  const need = family === AF_INET ? 4 : 16;
  if (dst.length < need) return 0;
  const tmp = new Uint8Array(need);
  if (!(family === AF_INET ? pton4(src, tmp) : pton6(src, tmp))) return 0;
  dst.set(tmp);
  return 1;
}

/** Binary to text (RFC 5952 form for IPv6), or null for a bad family or short input. */
export function inet_ntop(family: number, src: Uint8Array): string | null {
  if (family === AF_INET && src?.length >= 4) return Array.from(src.subarray(0, 4)).join('.');
  if (family !== AF_INET6 || !(src?.length >= 16)) return null;
  const g = Array.from({ length: 8 }, (_, i) => (src[2 * i] << 8) | src[2 * i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) { // IPv4-mapped
    return `::ffff:${src[12]}.${src[13]}.${src[14]}.${src[15]}`;
  }
  let best = -1, bestLen = 0; // the longest run of zero groups (>= 2) becomes '::'
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Canonical texts already worked out, by family and text: a host talks to few addresses, and
 *  every connect, accept and name query asks again (bounded: a scan of many addresses only
 *  refills it). */
const known = new Map<string, string | null>();
const KNOWN_MAX = 256;

/** Checks a SockAddr for `family`; returns its canonical text or null. */
export function canonical(a: SockAddr | null | undefined, family: number): string | null {
  if (!a || typeof a !== 'object' || a.family !== family) return null;
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) return null;
  if (typeof a.addr !== 'string') return null;
  const key = (family === AF_INET ? '4' : '6') + a.addr; // the first character keeps the families apart
  let text = known.get(key);
  if (text === undefined) {
    const bytes = new Uint8Array(16);
    text = inet_pton(family, a.addr, bytes) === 1 ? inet_ntop(family, bytes) : null;
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(key, text);
  }
  return text;
}

/** An address argument for a socket of `family`: its canonical text, or -EAFNOSUPPORT (another
 *  family) / -EINVAL (missing, malformed, port out of range). */
export function checkAddr(a: SockAddr | null | undefined, family: number): string | number {
  if (a?.family !== family) return a && typeof a === 'object' ? -EAFNOSUPPORT : -EINVAL;
  return canonical(a, family) ?? -EINVAL;
}

export function toNet(a: SockAddr): NetAddr {
  return { family: a.family === AF_INET6 ? 6 : 4, address: canonical(a, a.family) ?? a.addr, port: a.port };
}

export function fromNet(n: NetAddr): SockAddr {
  const family = n.family === 6 ? AF_INET6 : AF_INET;
  return { family, addr: canonical({ family, addr: n.address, port: 0 }, family) ?? n.address, port: n.port };
}

/** Fills an out-parameter object the way C fills a struct sockaddr. */
export function fill(out: SockAddr | undefined | null, a: SockAddr): void {
  if (out && typeof out === 'object') {
    out.family = a.family;
    out.addr = a.addr;
    out.port = a.port;
  }
}

export const ANY4 = '0.0.0.0';
export const ANY6 = '::';
