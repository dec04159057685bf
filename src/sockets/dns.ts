/**
 * getaddrinfo / getnameinfo / gai_strerror with Zephyr's results and EAI_* codes
 * (subsys/net/lib/sockets/getaddrinfo.c, getnameinfo.c; tests/net/socket/getaddrinfo).
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { driver } from '../net/index.js';
import { timers, type Timer } from '../platform.js';
import { canonical, inet_ntop, inet_pton, type SockAddr } from './addr.js';
import type { Out } from './socket.js';

/** struct zsock_addrinfo: one result of zsock_getaddrinfo, a list linked by ai_next (one entry
 *  per address, IPv6 first unless CONFIG_NET_SOCKETS_DNS_PREFER_IPV4). */
export interface AddrInfo {
  /** The hints' AI_* flags. */
  ai_flags: number;
  /** AF_INET or AF_INET6, as ai_addr. */
  ai_family: number;
  /** The hints' SOCK_STREAM or SOCK_DGRAM; SOCK_STREAM when they left it 0. */
  ai_socktype: number;
  /** The hints' protocol, else IPPROTO_TCP or IPPROTO_UDP for the type. */
  ai_protocol: number;
  /** The address, with the service's port: ready for zsock_connect or zsock_bind. */
  ai_addr: SockAddr;
  /** sizeof the C sockaddr (8 for IPv4, 24 for IPv6), for ported code. */
  ai_addrlen: number;
  /** The host name on the first entry with AI_CANONNAME; otherwise null. */
  ai_canonname: string | null;
  /** The next result, or null. */
  ai_next: AddrInfo | null;
}

/** zsock_getaddrinfo's hints: ai_flags (AI_*), ai_family (AF_UNSPEC, AF_INET, AF_INET6, else
 *  EAI_FAMILY), ai_socktype (0, SOCK_STREAM, SOCK_DGRAM, else EAI_SOCKTYPE), ai_protocol; an
 *  absent field counts as 0. */
export type AddrInfoHints = Partial<Pick<AddrInfo, 'ai_flags' | 'ai_family' | 'ai_socktype' | 'ai_protocol'>>;

const KNOWN_FLAGS = C.AI_PASSIVE | C.AI_CANONNAME | C.AI_NUMERICHOST | C.AI_V4MAPPED | C.AI_ALL
  | C.AI_ADDRCONFIG | C.AI_NUMERICSERV | C.AI_EXTFLAGS;

function literal(host: string): { family: number; addr: string } | null {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  for (const family of [C.AF_INET, C.AF_INET6]) {
    const b = new Uint8Array(16);
    if (inet_pton(family, h, b) === 1) return { family, addr: inet_ntop(family, b)! };
  }
  return null;
}

function port(service: string | null): number | null {
  if (service === null || service === undefined) return 0;
  if (!/^\d+$/.test(service)) return null; // service names are not looked up (numeric only)
  const p = Number(service);
  return p <= 65535 ? p : null;
}

/** Resolves `host`/`service`; stores the first result (a list through ai_next) in res.value.
 *  Returns 0 or an EAI_* code; EAI_SYSTEM sets `sysErrno`. */
export async function getaddrinfo(host: string | null, service: string | null, hints: AddrInfoHints | null,
  res: Out<AddrInfo | null>, sysErrno: (e: number) => void): Promise<number> {
  if ((host === null || host === undefined) && (service === null || service === undefined)) {
    sysErrno(E.EINVAL);
    return C.EAI_SYSTEM;
  }
  if (!res || typeof res !== 'object') { sysErrno(E.EFAULT); return C.EAI_SYSTEM; }
  const flags = hints?.ai_flags ?? 0;
  const family = hints?.ai_family ?? C.AF_UNSPEC;
  const socktype = hints?.ai_socktype ?? 0;
  if (flags & ~KNOWN_FLAGS) return C.EAI_BADFLAGS;
  if (![C.AF_UNSPEC, C.AF_INET, C.AF_INET6].includes(family)) return C.EAI_FAMILY;
  if (![0, C.SOCK_STREAM, C.SOCK_DGRAM].includes(socktype)) return C.EAI_SOCKTYPE;
  const p = port(service);
  if (p === null) return C.EAI_NONAME;

  let addrs: { family: number; addr: string }[];
  if (host === null || host === undefined) {
    const passive = (flags & C.AI_PASSIVE) !== 0;
    addrs = [{ family: C.AF_INET, addr: passive ? '0.0.0.0' : '127.0.0.1' }, { family: C.AF_INET6, addr: passive ? '::' : '::1' }]
      .filter((a) => family === C.AF_UNSPEC || a.family === family);
  } else if (typeof host !== 'string') {
    sysErrno(E.EFAULT);
    return C.EAI_SYSTEM;
  } else {
    const lit = literal(host);
    if (lit) {
      if (family !== C.AF_UNSPEC && lit.family !== family) return C.EAI_ADDRFAMILY;
      addrs = [lit];
    } else {
      if (flags & C.AI_NUMERICHOST) return C.EAI_FAIL;
      const found = await resolveWithTimeout(host, family);
      if (typeof found === 'number') return found;
      addrs = found;
    }
  }
  if (addrs.length === 0) return C.EAI_NODATA;
  if (config.NET_SOCKETS_DNS_PREFER_IPV4) addrs.sort((a, b) => a.family - b.family);
  else addrs.sort((a, b) => b.family - a.family);

  const types = socktype ? [socktype] : [C.SOCK_STREAM];
  let head: AddrInfo | null = null, tail: AddrInfo | null = null;
  for (const a of addrs) {
    for (const t of types) {
      const ai: AddrInfo = {
        ai_flags: flags, ai_family: a.family, ai_socktype: t,
        ai_protocol: hints?.ai_protocol || (t === C.SOCK_DGRAM ? C.IPPROTO_UDP : C.IPPROTO_TCP),
        ai_addr: { family: a.family, addr: a.addr, port: p },
        ai_addrlen: a.family === C.AF_INET6 ? 24 : 8,
        ai_canonname: flags & C.AI_CANONNAME && !head ? host ?? null : null,
        ai_next: null,
      };
      if (tail) tail.ai_next = ai; else head = ai;
      tail = ai;
    }
  }
  res.value = head;
  return 0;
}

async function resolveWithTimeout(name: string, family: number): Promise<{ family: number; addr: string }[] | number> {
  const fam = family === C.AF_INET ? 4 : family === C.AF_INET6 ? 6 : 0;
  let timer: Timer = undefined;
  const timeout = new Promise<number>((r) => { timer = timers.start(config.NET_SOCKETS_DNS_TIMEOUT, () => r(C.EAI_AGAIN)); });
  const r = await Promise.race([driver().resolve(name, fam), timeout]);
  timers.stop(timer);
  if (typeof r === 'number') return r;
  if ('error' in r) return r.error === 'noname' ? C.EAI_NONAME : r.error === 'again' ? C.EAI_AGAIN : C.EAI_FAIL;
  return r.addrs.map((a) => ({ family: a.family === 6 ? C.AF_INET6 : C.AF_INET, addr: a.address }));
}

/** Numeric only, as Zephyr: host from inet_ntop, serv is the decimal port; flags ignored. */
export function getnameinfo(addr: SockAddr, host: Out<string> | null, serv: Out<string> | null, _flags: number): number {
  const text = addr && typeof addr === 'object' ? canonical(addr, addr.family) : null;
  if (text === null) return C.EAI_SYSTEM;
  if (host) host.value = text;
  if (serv) serv.value = String(addr.port);
  return 0;
}

const GAI_TEXT: Record<number, string> = {
  [C.EAI_BADFLAGS]: 'Invalid value for `ai_flags\' field',
  [C.EAI_NONAME]: 'NAME or SERVICE is unknown',
  [C.EAI_AGAIN]: 'Temporary failure in name resolution',
  [C.EAI_FAIL]: 'Non-recoverable failure in name res',
  [C.EAI_NODATA]: 'No address associated with NAME',
  [C.EAI_FAMILY]: '`ai_family\' not supported',
  [C.EAI_SOCKTYPE]: '`ai_socktype\' not supported',
  [C.EAI_SERVICE]: 'SRV not supported for `ai_socktype\'',
  [C.EAI_ADDRFAMILY]: 'Address family for NAME not supported',
  [C.EAI_MEMORY]: 'Memory allocation failure',
  [C.EAI_SYSTEM]: 'System error returned in `errno\'',
  [C.EAI_OVERFLOW]: 'Argument buffer overflow',
};

export function gai_strerror(code: number): string {
  return GAI_TEXT[code] ?? 'Unknown error';
}
