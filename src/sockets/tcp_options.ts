/** IPPROTO_TCP options of a stream socket, with Zephyr's defaults, and how they reach the
 *  driver's connection. The options live in the socket's option map (`tcp<name>` keys). */
import * as E from '../errno.js';
import * as C from '../constants.js';
import type { TcpConn } from '../net/driver.js';
import { intOf, type Out } from './socket.js';

/** CONFIG_NET_TCP_KEEPIDLE_DEFAULT (s), _KEEPINTVL_DEFAULT (s), _KEEPCNT_DEFAULT; NODELAY off. */
const TCP_DEFAULTS: Record<number, number> = { [C.TCP_NODELAY]: 0, [C.TCP_KEEPIDLE]: 7200, [C.TCP_KEEPINTVL]: 75, [C.TCP_KEEPCNT]: 9 };
const NAMES = [C.TCP_NODELAY, C.TCP_KEEPIDLE, C.TCP_KEEPINTVL, C.TCP_KEEPCNT];
/** The map keys, made once: a key built per set is a string each socket keeps. */
const KEYS: Record<number, string> = Object.fromEntries(NAMES.map((n) => [n, `tcp${n}`]));

/** getsockopt(IPPROTO_TCP): 0 or -ENOPROTOOPT. `nodelay`: TCP_NODELAY unless set (the
 *  socket type's default). */
export function getTcpOption(opts: ReadonlyMap<string, unknown>, name: number, out: Out<unknown>, nodelay = 0): number {
  if (!NAMES.includes(name)) return -E.ENOPROTOOPT;
  out.value = (opts.get(KEYS[name]) as number | undefined) ?? (name === C.TCP_NODELAY ? nodelay : TCP_DEFAULTS[name]);
  return 0;
}

/** setsockopt(IPPROTO_TCP): 0, -ENOPROTOOPT, or -EINVAL (not an int; a keepalive time below 1). */
export function setTcpOption(opts: Map<string, unknown>, name: number, value: unknown): number {
  const v = intOf(value);
  if (!NAMES.includes(name)) return -E.ENOPROTOOPT;
  if (v === null || (name !== C.TCP_NODELAY && v < 1)) return -E.EINVAL;
  opts.set(KEYS[name], name === C.TCP_NODELAY ? (v ? 1 : 0) : v);
  return 0;
}

/** Applies TCP_NODELAY (`nodelay` unless set) and SO_KEEPALIVE (with TCP_KEEPIDLE) to a live
 *  connection. */
export function applyTcpOptions(opts: ReadonlyMap<string, unknown>, conn: TcpConn, nodelay = 0): void {
  conn.setNoDelay(((opts.get(KEYS[C.TCP_NODELAY]) as number | undefined) ?? nodelay) === 1);
  const idle = (opts.get(KEYS[C.TCP_KEEPIDLE]) as number | undefined) ?? TCP_DEFAULTS[C.TCP_KEEPIDLE];
  conn.setKeepAlive(!!opts.get(`so${C.SO_KEEPALIVE}`), idle * 1000);
}
