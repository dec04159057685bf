/**
 * Socket families, as Zephyr's NET_SOCKET_REGISTER: zsock_socket() asks each registered
 * family, highest priority first, whether it handles (family, type, protocol). The inet family
 * (TCP/UDP) is built in; secure sockets register their own for IPPROTO_TLS_* / DTLS_*, and
 * wrap an inner TCP/UDP socket.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { Sock } from './socket.js';
import { TcpSock } from './tcp.js';
import { UdpSock } from './udp.js';
import { tlsFamily } from './tls_family.js';
import type { SocketFamily } from './family.js';

export type { SocketFamily } from './family.js';

const families: SocketFamily[] = [];

/** Adds a socket family (Zephyr's NET_SOCKET_REGISTER); socket() asks the highest priority first. */
export function registerSocketFamily(f: SocketFamily): void {
  families.push(f);
  families.sort((a, b) => b.priority - a.priority);
}

const inet: SocketFamily = {
  name: 'inet',
  priority: 0,
  handles: (family) => family === C.AF_INET || family === C.AF_INET6,
  create(family, type, proto) {
    if (type === C.SOCK_STREAM) {
      if (proto !== 0 && proto !== C.IPPROTO_TCP) return proto === C.IPPROTO_UDP ? -E.EPROTOTYPE : -E.EPROTONOSUPPORT;
      return new TcpSock(family);
    }
    if (type === C.SOCK_DGRAM) {
      if (proto !== 0 && proto !== C.IPPROTO_UDP) return proto === C.IPPROTO_TCP ? -E.EPROTOTYPE : -E.EPROTONOSUPPORT;
      return new UdpSock(family);
    }
    if (type === C.SOCK_RAW) return -E.EPROTONOSUPPORT;
    return -E.EINVAL;
  },
};
registerSocketFamily(inet);
registerSocketFamily(tlsFamily);

/** Creates a socket object for (family, type, proto), or a negative errno. */
export function createSocket(family: number, type: number, proto: number): Sock | number {
  if (![family, type, proto].every(Number.isInteger)) return -E.EINVAL;
  for (const f of families) if (f.handles(family, type, proto)) return f.create(family, type, proto);
  return -E.EAFNOSUPPORT;
}
