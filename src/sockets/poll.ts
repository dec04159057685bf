/**
 * poll() and select() over the fd table. poll: a negative fd is skipped, a closed fd reports
 * POLLNVAL, POLLERR / POLLHUP are reported even when not asked for. select: a closed fd in any
 * set is EBADF. Both wait on the wait queues of all the sockets they watch.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import type { FdTable } from './fdtable.js';
import type { Sock, Timeval } from './socket.js';
import { deadline } from './wait.js';
import { timers, type Timer } from '../platform.js';

/** struct zsock_pollfd: `fd` to watch (a negative one is skipped, its revents 0), `events` the
 *  ZSOCK_POLL* bits asked for, `revents` what zsock_poll found (POLLERR, POLLHUP, POLLNVAL even
 *  unasked). */
export interface PollFd { fd: number; events: number; revents: number }

const ALWAYS = C.ZSOCK_POLLERR | C.ZSOCK_POLLHUP | C.ZSOCK_POLLNVAL;

function scan(table: FdTable<Sock>, fds: PollFd[], n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const p = fds[i];
    if (p.fd < 0) { p.revents = 0; continue; }
    const s = table.get(p.fd);
    p.revents = s ? s.pollEvents() & ((p.events & 0xffff) | ALWAYS) : C.ZSOCK_POLLNVAL;
    if (p.revents) count++;
  }
  return count;
}

/** Waits until an fd is ready or `timeoutMs` passes (negative: forever, 0: do not wait). */
export async function poll(table: FdTable<Sock>, fds: PollFd[], nfds: number, timeoutMs: number): Promise<number> {
  if (!Array.isArray(fds)) return -E.EFAULT;
  if (!Number.isInteger(nfds) || nfds < 0 || nfds > fds.length || !Number.isInteger(timeoutMs)) return -E.EINVAL;
  if (nfds > config.ZVFS_POLL_MAX) return -E.ENOMEM;
  const mine = readFds(fds, nfds); // the caller's entries, read once
  if (!mine) return -E.EFAULT;
  const left = deadline(timeoutMs < 0 ? null : timeoutMs);
  for (;;) {
    const count = scan(table, mine, nfds);
    if (count > 0 || timeoutMs === 0 || left() === 0) return writeRevents(fds, mine) ? count : -E.EFAULT;
    await waitAny(mine.map((p) => table.get(p.fd)).filter((s): s is Sock => !!s), left());
  }
}

/** Plain copies of the caller's pollfds; null when one is not an {fd, events} of integers. */
function readFds(fds: PollFd[], n: number): PollFd[] | null {
  try {
    const out: PollFd[] = [];
    for (let i = 0; i < n; i++) {
      const { fd, events } = fds[i] ?? {};
      if (!Number.isInteger(fd) || !Number.isInteger(events)) return null;
      out.push({ fd, events, revents: 0 });
    }
    return out;
  } catch {
    return null;
  }
}

/** The results into the caller's entries; false when one refuses them (frozen, a Proxy). */
function writeRevents(fds: PollFd[], mine: PollFd[]): boolean {
  try {
    mine.forEach((p, i) => { fds[i].revents = p.revents; });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when any of the sockets changes, or after `ms` (null: never). */
function waitAny(socks: Sock[], ms: number | null): Promise<void> {
  return new Promise((resolve) => {
    let timer: Timer = undefined;
    const unsubs: (() => void)[] = [];
    const done = () => {
      timers.stop(timer);
      unsubs.forEach((u) => u());
      resolve();
    };
    for (const s of socks) unsubs.push(s.wq.subscribe(done));
    if (ms !== null) timer = timers.start(Math.min(ms, 0x7fffffff), done);
  });
}

/** An fd_set: a bitset of 32-bit words (socket_select.h). */
export class ZsockFdSet {
  bits = new Uint32Array(Math.ceil(config.ZVFS_OPEN_MAX / 32));
}

/** ZSOCK_FD_SETSIZE: the fds a set can hold, as Zephyr's (CONFIG_ZVFS_OPEN_MAX). */
export const fdSetSize = () => config.ZVFS_OPEN_MAX;

/** The set's bits when `set` is a usable ZsockFdSet, else null (the macros then do nothing, as
 *  they cannot return an error). */
function bitsOf(set: unknown): Uint32Array | null {
  try {
    const b = set instanceof ZsockFdSet ? set.bits : null;
    if (!(b instanceof Uint32Array)) return null;
    b.subarray(0, 0); // throws when detached
    return b;
  } catch {
    return null;
  }
}

const inSet = (fd: unknown, b: Uint32Array): fd is number => Number.isInteger(fd) && (fd as number) >= 0 && (fd as number) < b.length * 32;

/** Clears every fd of the set. */
export function ZSOCK_FD_ZERO(set: ZsockFdSet): void {
  bitsOf(set)?.fill(0);
}
/** Adds fd to the set (an fd outside the set, or a bad set: nothing). */
export function ZSOCK_FD_SET(fd: number, set: ZsockFdSet): void {
  const b = bitsOf(set);
  if (b && inSet(fd, b)) b[fd >>> 5] |= 1 << (fd & 31);
}
/** Removes fd from the set. */
export function ZSOCK_FD_CLR(fd: number, set: ZsockFdSet): void {
  const b = bitsOf(set);
  if (b && inSet(fd, b)) b[fd >>> 5] &= ~(1 << (fd & 31));
}
/** Whether fd is in the set (false for a bad set or fd). */
export function ZSOCK_FD_ISSET(fd: number, set: ZsockFdSet): boolean {
  const b = bitsOf(set);
  return !!b && inSet(fd, b) && (b[fd >>> 5] & (1 << (fd & 31))) !== 0;
}

/** select(): the sets are rewritten to the ready fds; returns how many bits are set. */
export async function select(table: FdTable<Sock>, nfds: number, r: ZsockFdSet | null, w: ZsockFdSet | null,
  e: ZsockFdSet | null, timeout: Timeval | null): Promise<number> {
  // nfds above ZSOCK_FD_SETSIZE is -EINVAL (as POSIX): a huge one must not scan for seconds.
  if (!Number.isInteger(nfds) || nfds < 0 || nfds > fdSetSize()) return -E.EINVAL;
  for (const set of [r, w, e]) if (set !== null && set !== undefined && !bitsOf(set)) return -E.EINVAL;
  let ms = -1;
  if (timeout !== null && timeout !== undefined) {
    let t: Timeval;
    try {
      t = { tv_sec: timeout.tv_sec, tv_usec: timeout.tv_usec };
    } catch {
      return -E.EFAULT;
    }
    if (!Number.isInteger(t.tv_sec) || !Number.isInteger(t.tv_usec) || t.tv_sec < 0 || t.tv_usec < 0) return -E.EINVAL;
    ms = t.tv_sec * 1000 + Math.floor(t.tv_usec / 1000); // tv_usec past a second counts on; 4295 s must not wrap
  }
  const fds: PollFd[] = [];
  for (let fd = 0; fd < nfds; fd++) {
    const events = (r && ZSOCK_FD_ISSET(fd, r) ? C.ZSOCK_POLLIN : 0) | (w && ZSOCK_FD_ISSET(fd, w) ? C.ZSOCK_POLLOUT : 0)
      | (e && ZSOCK_FD_ISSET(fd, e) ? C.ZSOCK_POLLPRI : 0);
    if (!events) continue;
    if (!table.get(fd)) return -E.EBADF;
    fds.push({ fd, events, revents: 0 });
  }
  const n = await poll(table, fds, fds.length, ms);
  if (n < 0) return n;
  for (const set of [r, w, e]) if (set) ZSOCK_FD_ZERO(set);
  let count = 0;
  for (const p of fds) {
    const mark = (set: ZsockFdSet | null, ok: boolean) => { if (set && ok) { ZSOCK_FD_SET(p.fd, set); count++; } };
    mark(r, (p.events & C.ZSOCK_POLLIN) !== 0 && (p.revents & (C.ZSOCK_POLLIN | C.ZSOCK_POLLHUP | C.ZSOCK_POLLERR)) !== 0);
    mark(w, (p.events & C.ZSOCK_POLLOUT) !== 0 && (p.revents & (C.ZSOCK_POLLOUT | C.ZSOCK_POLLERR)) !== 0);
    mark(e, (p.events & C.ZSOCK_POLLPRI) !== 0 && (p.revents & C.ZSOCK_POLLPRI) !== 0);
    if (p.revents & C.ZSOCK_POLLNVAL) return -E.EBADF; // closed while we waited
  }
  return count;
}
