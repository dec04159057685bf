/** A socket family, as Zephyr's NET_SOCKET_REGISTER entries (registry.ts asks them in turn). */
import type { Sock } from './socket.js';

/** One family: which (family, type, protocol) it handles and how it makes the socket. */
export interface SocketFamily {
  name: string;
  /** Higher is asked first, so a specific family (TLS) wins over the generic one (inet). */
  priority: number;
  handles(family: number, type: number, proto: number): boolean;
  /** The new socket, or a negative errno. */
  create(family: number, type: number, proto: number): Sock | number;
}
