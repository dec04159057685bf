/**
 * What every socket has: its identity (family/type/protocol), blocking mode and timeouts,
 * the pending error (SO_ERROR), stored options, and a wait queue. The per-type classes
 * (tcp.ts, udp.ts, pair.ts, later tls) override the operations they support; the defaults
 * answer what Zephyr answers for a socket that does not support the call.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import type { SockAddr } from './addr.js';
import type { FdObject } from './fdtable.js';
import { WaitQueue, deadline } from './wait.js';
import { getIpOption, setIpOption } from './ip_options.js';

/** struct timeval (SO_RCVTIMEO, SO_SNDTIMEO, select). */
export interface Timeval { tv_sec: number; tv_usec: number }
/** struct linger (SO_LINGER). */
export interface Linger { l_onoff: number; l_linger: number }
/** An out-parameter: the call stores its result in `value` (like a C pointer argument). */
export interface Out<T> { value?: T }

const NO_OPTS: ReadonlyMap<string, unknown> = new Map();

export abstract class Sock implements FdObject {
  readonly wq = new WaitQueue();
  nonblock = false;
  /** SO_RCVTIMEO / SO_SNDTIMEO in ms; 0 waits forever. */
  rcvtimeo = 0;
  sndtimeo = 0;
  /** The pending error reported by SO_ERROR and POLLERR (a positive errno, 0 for none). */
  error = 0;
  closed = false;
  sndbuf = config.NET_CONTEXT_SNDBUF;
  rcvbuf = config.NET_CONTEXT_RCVBUF;
  private optMap: Map<string, unknown> | null = null; // made at the first option set

  /** The options set so far (SO_*, IP, TCP), by key; empty until one is set. */
  get opts(): ReadonlyMap<string, unknown> {
    return this.optMap ?? NO_OPTS;
  }

  /** The option map to change (made here: most sockets of a busy host set none). */
  protected get optsW(): Map<string, unknown> {
    return (this.optMap ??= new Map());
  }

  constructor(readonly family: number, readonly type: number, readonly proto: number) {}

  // ---- operations (defaults: not supported by this kind of socket) -----------------------
  bind(_addr: SockAddr): number { return -E.EOPNOTSUPP; }
  async connect(_addr: SockAddr): Promise<number> { return -E.EOPNOTSUPP; }
  listen(_backlog: number): number { return -E.EOPNOTSUPP; }
  async accept(_addr?: SockAddr): Promise<Sock | number> { return -E.EOPNOTSUPP; }
  abstract sendto(buf: Uint8Array, flags: number, to: SockAddr | null): Promise<number>;
  abstract recvfrom(buf: Uint8Array, flags: number, from: SockAddr | null, msg?: { flags: number }): Promise<number>;
  abstract pollEvents(): number;
  abstract localAddr(): SockAddr | null;
  abstract peerAddr(): SockAddr | null;
  /** Bytes readable now (FIONREAD). */
  abstract readable(): number;

  /** Resolves when the host has really bound/listened (the host driver does it on the next
   *  turn of the event loop; an external program started before then may be refused). */
  whenReady(): Promise<void> { return Promise.resolve(); }

  shutdown(how: number): number {
    if (how === C.ZSOCK_SHUT_WR || how === C.ZSOCK_SHUT_RDWR) return -E.ENOTSUP; // as Zephyr
    return how === C.ZSOCK_SHUT_RD ? this.shutdownRead() : -E.EINVAL;
  }

  protected shutdownRead(): number { return 0; }

  close(): void {
    this.closed = true;
    this.wq.interrupt();
  }

  /** Wakes every caller waiting on this socket (and poll). */
  changed(): void {
    this.wq.wake();
  }

  /** Takes the pending error (SO_ERROR read clears it, as POSIX). */
  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  /**
   * Waits until `ready()` answers something other than null. Non-blocking: -EAGAIN at once.
   * `timeoutMs` (0 = forever) expiry gives `onTimeout`; close() from elsewhere gives -EINTR.
   */
  async block<T>(ready: () => T | null, timeoutMs: number, dontwait: boolean, onTimeout = -E.EAGAIN): Promise<T | number> {
    const left = deadline(timeoutMs);
    for (;;) {
      if (this.closed) return -E.EINTR;
      const r = ready();
      if (r !== null) return r;
      if (dontwait || this.nonblock) return -E.EAGAIN;
      const rem = left();
      if (rem === 0) return onTimeout;
      const w = await this.wq.wait(rem);
      if (w === 'intr' || this.closed) return -E.EINTR;
    }
  }

  // ---- options -----------------------------------------------------------------------------

  /** Whether this AF_INET6 socket is IPv6 only: always without CONFIG_NET_IPV4_MAPPING_TO_IPV6
   *  (a set IPV6_V6ONLY 0 is kept but has no effect, as on Zephyr), else IPV6_V6ONLY (default 0). */
  get v6only(): boolean {
    return this.family === C.AF_INET6 && (!config.NET_IPV4_MAPPING_TO_IPV6 || !!this.opts.get('v6only'));
  }

  getsockopt(level: number, name: number, out: Out<unknown>): number {
    if (level === C.SOL_SOCKET) return this.getSolSocket(name, out);
    if (level === C.IPPROTO_TCP) return this.getTcpOpt(name, out);
    if (level === C.IPPROTO_IPV6 && name === C.IPV6_V6ONLY && this.family === C.AF_INET6) {
      out.value = this.v6only ? 1 : 0;
      return 0;
    }
    return (this.inet ? getIpOption(this.opts, level, name, out) : null) ?? -E.ENOPROTOOPT;
  }

  setsockopt(level: number, name: number, value: unknown): number {
    if (level === C.SOL_SOCKET) return this.setSolSocket(name, value);
    if (level === C.IPPROTO_TCP) return this.setTcpOpt(name, value);
    if (level === C.IPPROTO_IPV6 && name === C.IPV6_V6ONLY && this.family === C.AF_INET6) {
      const v = intOf(value);
      if (v === null) return -E.EINVAL;
      this.optsW.set('v6only', v !== 0);
      return 0;
    }
    return (this.inet ? setIpOption(this.optsW, level, name, value) : null) ?? -E.ENOPROTOOPT;
  }

  /** An AF_INET / AF_INET6 socket (IP-level options apply). */
  private get inet(): boolean {
    return this.family === C.AF_INET || this.family === C.AF_INET6;
  }

  protected getTcpOpt(_name: number, _out: Out<unknown>): number { return -E.ENOPROTOOPT; }
  protected setTcpOpt(_name: number, _value: unknown): number { return -E.ENOPROTOOPT; }
  /** Applies SO_KEEPALIVE and friends to a live connection (TCP). */
  protected applyOptions(): void {}

  private getSolSocket(name: number, out: Out<unknown>): number {
    switch (name) {
      case C.SO_TYPE: out.value = this.type; return 0;
      case C.SO_PROTOCOL: out.value = this.proto; return 0;
      case C.SO_DOMAIN: out.value = this.family; return 0;
      case C.SO_ERROR: out.value = this.takeError(); return 0;
      case C.SO_RCVTIMEO: out.value = toTimeval(this.rcvtimeo); return 0;
      case C.SO_SNDTIMEO: out.value = toTimeval(this.sndtimeo); return 0;
      case C.SO_RCVBUF: out.value = this.rcvbuf; return 0;
      case C.SO_SNDBUF: out.value = this.sndbuf; return 0;
      case C.SO_REUSEADDR: case C.SO_REUSEPORT: case C.SO_PRIORITY:
      case C.SO_TIMESTAMPING: case C.SO_TXTIME:
        out.value = (this.opts.get(`so${name}`) as number | undefined) ?? 0; return 0;
      case C.SO_KEEPALIVE:
        if (this.type !== C.SOCK_STREAM) return -E.ENOPROTOOPT;
        out.value = (this.opts.get(`so${name}`) as number | undefined) ?? 0; return 0;
      case C.SO_LINGER: out.value = (this.opts.get('linger') as Linger | undefined) ?? { l_onoff: 0, l_linger: 0 }; return 0;
      case C.SO_BINDTODEVICE: out.value = { ifr_name: (this.opts.get('device') as string | undefined) ?? '' }; return 0;
      default: return -E.ENOPROTOOPT;
    }
  }

  private setSolSocket(name: number, value: unknown): number {
    switch (name) {
      case C.SO_RCVTIMEO: case C.SO_SNDTIMEO: {
        const ms = timevalMs(value);
        if (ms === null) return -E.EINVAL;
        if (name === C.SO_RCVTIMEO) this.rcvtimeo = ms; else this.sndtimeo = ms;
        return 0;
      }
      case C.SO_RCVBUF: case C.SO_SNDBUF: {
        const v = intOf(value);
        if (v === null || v < 0 || v > 65535) return -E.EINVAL; // Zephyr's tests: -1 and 65536 fail
        if (name === C.SO_RCVBUF) this.rcvbuf = v; else this.sndbuf = v;
        this.changed();
        return 0;
      }
      case C.SO_REUSEADDR: case C.SO_REUSEPORT: case C.SO_KEEPALIVE: {
        if (name === C.SO_KEEPALIVE && this.type !== C.SOCK_STREAM) return -E.ENOPROTOOPT;
        const v = intOf(value);
        if (v === null) return -E.EINVAL;
        this.optsW.set(`so${name}`, v ? 1 : 0);
        this.applyOptions();
        return 0;
      }
      case C.SO_PRIORITY: {
        const v = intOf(value);
        if (v === null || v < 0 || v > 255) return -E.EINVAL; // uint8
        this.optsW.set(`so${name}`, v);
        return 0;
      }
      case C.SO_TIMESTAMPING: case C.SO_TXTIME: { // accepted for compatibility
        const v = intOf(value);
        if (v === null) return -E.EINVAL;
        this.optsW.set(`so${name}`, v);
        return 0;
      }
      case C.SO_LINGER: {
        const l = value as Linger;
        if (!l || typeof l !== 'object' || intOf(l.l_onoff) === null || intOf(l.l_linger) === null) return -E.EINVAL;
        this.optsW.set('linger', { l_onoff: l.l_onoff, l_linger: l.l_linger });
        return 0;
      }
      case C.SO_BINDTODEVICE: return this.bindToDevice(value);
      default: return -E.ENOPROTOOPT; // SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR are read-only
    }
  }

  private bindToDevice(value: unknown): number {
    if (this.family !== C.AF_INET && this.family !== C.AF_INET6) return -E.EAFNOSUPPORT;
    const name = value == null ? '' : (value as { ifr_name?: unknown }).ifr_name;
    if (typeof name !== 'string') return -E.EINVAL;
    if (name !== '' && !this.interfaces().includes(name)) return -E.ENODEV;
    this.optsW.set('device', name);
    return 0;
  }

  /** Network interface names SO_BINDTODEVICE accepts. */
  protected interfaces(): string[] { return []; }
}

/** An int option value: a number, or a boolean (true 1); null if neither. */
export function intOf(v: unknown): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

/** struct timeval -> ms; 0/0 means forever. null when malformed (EINVAL): not integers, or
 *  negative. */
function timevalMs(v: unknown): number | null {
  const t = v as Timeval;
  if (!t || typeof t !== 'object' || !Number.isInteger(t.tv_sec) || !Number.isInteger(t.tv_usec)) return null;
  // tv_usec of a second or more counts on into seconds, as Zephyr's own tests rely on
  // ({0, 2600000} for SO_RCVTIMEO is 2.6 s)
  if (t.tv_sec < 0 || t.tv_usec < 0) return null;
  return t.tv_sec * 1000 + Math.ceil(t.tv_usec / 1000);
}

function toTimeval(ms: number): Timeval {
  return { tv_sec: Math.floor(ms / 1000), tv_usec: (ms % 1000) * 1000 };
}
