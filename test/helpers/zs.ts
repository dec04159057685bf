/** Socket-test helpers: close every fd after each test; loopback addresses; a wait. */
import { zsock_close, zsock_socket, zsock_bind, zsock_listen, zsock_getsockname, AF_INET, AF_INET6, SOCK_STREAM, type SockAddr } from '../../src/api/index.js';
import { resetConfig } from '../../src/config.js';
import { fdtable } from '../../src/internal.js';
import * as assert from 'uvu/assert';

export function closeAll(): void {
  for (const fd of fdtable.openFds()) zsock_close(fd);
  resetConfig();
}

export const lo4 = (port = 0): SockAddr => ({ family: AF_INET, addr: '127.0.0.1', port });
export const lo6 = (port = 0): SockAddr => ({ family: AF_INET6, addr: '::1', port });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A listening TCP socket on loopback; returns [fd, port]. */
export function tcpListener(family = AF_INET, backlog = 8): [number, number] {
  const fd = zsock_socket(family, SOCK_STREAM, 0);
  assert.ok(fd >= 0);
  assert.is(zsock_bind(fd, family === AF_INET ? lo4() : lo6()), 0);
  assert.is(zsock_listen(fd, backlog), 0);
  const a = {} as SockAddr;
  assert.is(zsock_getsockname(fd, a), 0);
  return [fd, a.port];
}

/** Rejects if `p` has not settled within `ms` (a pairing that fails must fail, not hang). */
export function within<T>(p: Promise<T>, ms = 8000, what = 'operation'): Promise<T> {
  let t: NodeJS.Timeout;
  const guard = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms); });
  return Promise.race([p, guard]).finally(() => clearTimeout(t));
}

/** Resolves when `cond` holds (polling every 5 ms), or fails after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
