/**
 * UDP sockets over the NetDriver: datagram boundaries kept, a short buffer truncates (the rest
 * is dropped; MSG_TRUNC returns the real length), a full receive queue drops new datagrams.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { driver } from '../net/index.js';
import type { UdpEndpoint } from '../net/driver.js';
import { Sock } from './socket.js';
import { ANY4, ANY6, checkAddr, fill, fromNet, toNet, type SockAddr } from './addr.js';
import { bindAddr, releaseClosing, repick } from './ports.js';
import { portRange, wantsPktinfo } from './ip_options.js';

const MAX_PAYLOAD = 65507; // IPv4 UDP payload limit

/** What recvmsg learns of a datagram besides its bytes: MSG_TRUNC, and with IP_PKTINFO /
 *  IPV6_RECVPKTINFO where it was sent (in_pktinfo / in6_pktinfo: the destination, the socket's
 *  local address, the interface: 1, the one interface a board has). */
export interface PktInfo { family: number; dst: string; local: string; ifindex: number }
export interface RecvMeta { flags: number; pktinfo?: PktInfo }

/** A UDP socket: datagrams queue up to SO_RCVBUF; connect() fixes the default peer. */
export class UdpSock extends Sock {
  private ep: UdpEndpoint | null = null;
  private local: SockAddr | null = null;
  private autoPort = false;
  private peer: SockAddr | null = null;
  private q: { data: Uint8Array; from: SockAddr }[] = [];
  private ready: Promise<void> = Promise.resolve();
  private markReady = () => {};
  private qBytes = 0;

  constructor(family: number) {
    super(family, C.SOCK_DGRAM, C.IPPROTO_UDP);
  }

  /** Binds; a bound socket may bind again, to another port (Zephyr's net_context_bind allows
   *  it; DTLS connection-ID peers move this way): the new port is claimed first, then the old
   *  endpoint closes. Datagrams already queued stay. */
  override bind(addr: SockAddr): number {
    const b = bindAddr('udp', this.family, addr, this.reuse(), this.v6only, portRange(this.opts));
    if (typeof b === 'number') return b;
    if (this.local) this.letGo(this.local);
    this.local = b.local;
    this.autoPort = b.auto;
    this.ready = new Promise((r) => (this.markReady = r));
    this.open(5);
    return 0;
  }

  private reuse(): boolean {
    return !!(this.opts.get(`so${C.SO_REUSEADDR}`) || this.opts.get(`so${C.SO_REUSEPORT}`));
  }

  private autobind(): number {
    return this.local ? 0 : this.bind({ family: this.family, addr: this.family === C.AF_INET6 ? ANY6 : ANY4, port: 0 });
  }

  /** Opens the driver's endpoint for `local`; one replaced by a later bind is ignored from then
   *  on (a datagram still arriving at the old port, its late readiness). */
  private open(retries: number): void {
    const local = this.local!;
    let ep: UdpEndpoint | null = null;
    const current = () => ep !== null && ep === this.ep;
    ep = this.ep = driver().udpOpen(toNet(local), { v6only: this.v6only, reuse: this.reuse() }, {
      onMessage: (data, from) => { if (current()) this.arrived(data, fromNet(from)); },
      onError: (errno) => { if (current()) { this.error = errno; this.changed(); } },
    }, (err) => {
      if (!current()) return;
      if (!err || this.closed) return this.markReady();
      const port = repick('udp', err, local, this.autoPort, retries, this.v6only, portRange(this.opts));
      if (port !== null) {
        this.ep?.close();
        this.local = { ...local, port };
        return this.open(retries - 1);
      }
      this.error = err;
      this.markReady();
      this.changed();
    });
  }

  override whenReady(): Promise<void> {
    return this.ready;
  }

  private arrived(data: Uint8Array, from: SockAddr): void {
    if (this.peer && (from.addr !== this.peer.addr || from.port !== this.peer.port)) return;
    if (this.qBytes + data.length > this.rcvbuf) return; // queue full: dropped, as UDP
    this.q.push({ data, from });
    this.qBytes += data.length;
    this.changed();
  }

  /** Sets (or with AF_UNSPEC clears) the default peer; never waits. */
  override async connect(addr: SockAddr): Promise<number> {
    if (addr && typeof addr === 'object' && addr.family === C.AF_UNSPEC) {
      this.peer = null;
      return 0;
    }
    const text = checkAddr(addr, this.family);
    if (typeof text === 'number') return text;
    const r = this.autobind();
    if (r < 0) return r;
    this.peer = { family: this.family, addr: text, port: addr.port };
    this.q = this.q.filter((d) => d.from.addr === text && d.from.port === addr.port);
    this.qBytes = this.q.reduce((n, d) => n + d.data.length, 0);
    return 0;
  }

  override async sendto(buf: Uint8Array, _flags: number, to: SockAddr | null): Promise<number> {
    let target = this.peer;
    if (to) {
      // On a platform whose endpoint carries both families (Moddable's lwIP), this socket
      // receives the other family's datagrams (recvfrom names their sender): it may answer them.
      const family = this.ep?.dual && (to?.family === C.AF_INET || to?.family === C.AF_INET6) ? to.family : this.family;
      const text = checkAddr(to, family);
      if (typeof text === 'number') return text;
      target = { family, addr: text, port: to.port };
    }
    if (!target) return -E.EDESTADDRREQ;
    if (buf.length <= MAX_PAYLOAD && buf.length > this.unfragmented(target.family)) return -E.ENOMEM; // one packet, as Zephyr without fragmentation
    return this.sendNow(buf, target);
  }

  /** The largest datagram one packet of `family` carries when it does not fragment; Infinity
   *  when it does (then MAX_PAYLOAD, EMSGSIZE, is the only bound). */
  private unfragmented(family: number): number {
    const v6 = family === C.AF_INET6;
    if (v6 ? config.NET_IPV6_FRAGMENT : config.NET_IPV4_FRAGMENT) return Infinity;
    return config.NET_LINK_MTU - (v6 ? 40 : 20) - 8; // IP header, UDP header
  }

  /** Sends one datagram to a checked address, never waiting: its length or -errno. */
  sendNow(buf: Uint8Array, target: SockAddr): number {
    if (buf.length > MAX_PAYLOAD) return -E.EMSGSIZE;
    if (this.error) return -this.takeError();
    const r = this.autobind();
    if (r < 0) return r;
    this.ep!.send(buf.slice(), toNet(target));
    return buf.length;
  }

  /** Takes the next whole datagram and its sender, never waiting; null when none. */
  recvNow(): { data: Uint8Array; from: SockAddr } | null {
    const d = this.q.shift();
    if (d) this.qBytes -= d.data.length;
    return d ?? null;
  }

  override async recvfrom(buf: Uint8Array, flags: number, from: SockAddr | null, msg?: RecvMeta): Promise<number> {
    const peek = (flags & C.ZSOCK_MSG_PEEK) !== 0;
    return this.block(() => {
      const d = this.q[0];
      if (!d) return this.error ? -this.takeError() : null;
      if (!peek) {
        this.q.shift();
        this.qBytes -= d.data.length;
      }
      const n = Math.min(buf.length, d.data.length);
      buf.set(d.data.subarray(0, n));
      if (n < d.data.length && msg) msg.flags |= C.ZSOCK_MSG_TRUNC;
      if (msg && wantsPktinfo(this.opts)) msg.pktinfo = this.pktinfo(d.from);
      fill(from, d.from);
      return (flags & C.ZSOCK_MSG_TRUNC) !== 0 ? d.data.length : n;
    }, this.rcvtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  /** Where a datagram from `from` was sent. No driver reports a datagram's destination (Node's
   *  dgram, ECMA-419 and NetworkJS give the sender only): the bound address, or for a socket
   *  bound to the any-address, loopback when the sender is (its datagrams go there). */
  private pktinfo(from: SockAddr): PktInfo {
    const local = this.local?.addr ?? (this.family === C.AF_INET6 ? ANY6 : ANY4);
    const loop = from.addr === '::1' || from.addr.startsWith('127.');
    const dst = local !== ANY4 && local !== ANY6 ? local : loop ? (this.family === C.AF_INET6 ? '::1' : '127.0.0.1') : local;
    return { family: this.family, dst, local, ifindex: 1 };
  }

  override pollEvents(): number {
    return C.ZSOCK_POLLOUT | (this.q.length ? C.ZSOCK_POLLIN : 0) | (this.error ? C.ZSOCK_POLLERR : 0);
  }

  /** FIONREAD: the size of the next datagram. */
  override readable(): number {
    return this.q[0]?.data.length ?? 0;
  }

  override localAddr(): SockAddr | null {
    return this.local;
  }

  override peerAddr(): SockAddr | null {
    return this.peer;
  }

  protected override interfaces(): string[] {
    return driver().interfaces();
  }

  override close(): void {
    super.close();
    if (this.local) this.letGo(this.local);
    else this.ep?.close();
  }

  /** Closes the endpoint bound to `local` and gives its port back; bind(0) passes over it
   *  while the host still sends this socket's last datagrams from it. */
  private letGo(local: SockAddr): void {
    const freed = releaseClosing('udp', local);
    if (this.ep) this.ep.close(freed);
    else freed();
  }
}
