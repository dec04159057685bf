/**
 * The virtual network the simulated boards live on, laid out like Zephyr's QEMU setup: boards at
 * 192.0.2.1, .3, .4 ... (2001:db8::1, ::3 ...), the host at 192.0.2.2 / 2001:db8::2, and each
 * host's own loopback. Links carry latency, jitter and bandwidth; UDP also loss, duplication and
 * reordering; TCP links can be partitioned (segments wait, like retransmissions) and reset. Every
 * random choice comes from one seeded PRNG, so a run with the same seed sees the same faults.
 *
 * Errors are Zephyr errno values (positive), as in src/net/driver.ts.
 */
import * as E from '../src/errno.js';
import { Rand } from './rand.js';
import { TcpEnd, type Pipe } from './vtcp.js';
import type { Pcap } from './pcap.js';

export { TcpEnd } from './vtcp.js';

export interface LinkParams {
  /** One-way delay, ms. */
  latencyMs: number;
  /** Extra random delay in [0, jitterMs) per UDP datagram (reorders them); TCP stays in order. */
  jitterMs: number;
  /** Bits per second; 0 = unlimited. */
  bandwidth: number;
  /** UDP: probability a datagram is lost / delivered twice. */
  loss: number;
  dup: number;
}

export const IDEAL: LinkParams = { latencyMs: 0, jitterMs: 0, bandwidth: 0, loss: 0, dup: 0 };

export interface Endpoint { address: string; port: number; family: 4 | 6 }

export interface VListener {
  local: Endpoint;
  v6only: boolean;
  /** Whether the accept queue has room (backlog); a full queue drops the SYN, as lwIP does. */
  hasRoom(): boolean;
  /** The receive buffer of the connections it accepts (sim/vtcp.ts's default when absent). */
  rcvBuf?: number;
  onConnection(end: TcpEnd): void;
}

export interface VUdpSocket {
  local: Endpoint;
  v6only: boolean;
  onMessage(data: Uint8Array, from: Endpoint): void;
}

/** Where traffic for the host address goes when no virtual socket takes it (sim/bridge.ts). */
export interface HostBridge {
  /** A board's SYN to the host address: connect for real, then `accept()` (the board's
   *  connection end, or null if the board gave up meanwhile) or `refuse()`. */
  tcpOut(to: Endpoint, accept: () => TcpEnd | null, refuse: () => void): void;
  udpOut(from: Endpoint, to: Endpoint, data: Uint8Array): void;
}

/** A machine on the network: a board, or the host. */
export class VHost {
  readonly listeners = new Map<number, VListener>();
  readonly udp = new Map<number, VUdpSocket>();
  readonly tcpPorts = new Set<number>();
  readonly conns = new Set<TcpEnd>();
  private nextPort = 49152;

  constructor(readonly net: VNet, readonly name: string, readonly v4: string, readonly v6: string) {}

  owns(address: string): boolean {
    return address === this.v4 || address === this.v6 || isLoopback(address) || isAny(address);
  }

  /** A free port in the IANA dynamic range (Zephyr's ephemeral range), or 0 when none is left. */
  ephemeral(taken: (p: number) => boolean): number {
    for (let i = 0; i < 16384; i++) {
      const p = this.nextPort;
      this.nextPort = p === 65535 ? 49152 : p + 1;
      if (!taken(p)) return p;
    }
    return 0;
  }

  /** Reserves a TCP port (0 = any): the port, or -errno. Listeners and connections share the space. */
  bindTcp(port: number): number {
    if (port === 0) port = this.ephemeral((p) => this.tcpPorts.has(p));
    if (port === 0) return -E.EADDRINUSE;
    if (this.tcpPorts.has(port)) return -E.EADDRINUSE;
    this.tcpPorts.add(port);
    return port;
  }

  bindUdp(sock: VUdpSocket, reuse: boolean): number {
    let port = sock.local.port;
    if (port === 0) port = this.ephemeral((p) => this.udp.has(p));
    if (port === 0 || (this.udp.has(port) && !reuse)) return -E.EADDRINUSE;
    sock.local = { ...sock.local, port };
    this.udp.set(port, sock);
    return port;
  }

  /** The address this host uses to reach `to` (loopback stays loopback). */
  sourceFor(to: Endpoint): string {
    if (isLoopback(to.address)) return to.family === 6 ? '::1' : '127.0.0.1';
    return to.family === 6 ? this.v6 : this.v4;
  }
}

export const isLoopback = (a: string) => a.startsWith('127.') || a === '::1';
export const isAny = (a: string) => a === '0.0.0.0' || a === '::';

interface Link { params: LinkParams; partitioned: boolean; pipes: Set<Pipe> }

/** The network: hosts, names, links between pairs of hosts. */
export class VNet {
  readonly hosts: VHost[] = [];
  readonly host: VHost;
  readonly rand: Rand;
  bridge: HostBridge | null = null;
  /** `zsock sim --pcap`: where every frame goes as it is sent. */
  pcap: Pcap | null = null;
  /** How long a SYN waits (partition, unknown peer) before connect fails with ETIMEDOUT. */
  connectTimeoutMs = 10000;
  /** Datagrams on their way (sent, not yet arrived or dropped at the destination). */
  udpInFlight = 0;
  private readonly names = new Map<string, VHost>();
  private readonly links = new Map<string, Link>();
  private defaults: LinkParams = IDEAL;

  constructor(seed = 1) {
    this.rand = new Rand(seed);
    this.host = new VHost(this, 'host', '192.0.2.2', '2001:db8::2');
    this.hosts.push(this.host);
    this.names.set('host', this.host);
  }

  /** Adds a board: the first gets 192.0.2.1, the next ones .3, .4, ... */
  addHost(name: string): VHost {
    if (this.names.has(name)) throw new Error(`sim: a host named ${name} exists`);
    const n = this.hosts.length === 1 ? 1 : this.hosts.length + 1;
    const h = new VHost(this, name, `192.0.2.${n}`, `2001:db8::${n.toString(16)}`);
    this.hosts.push(h);
    this.names.set(name, h);
    return h;
  }

  /** Another DNS name for a host (a service name such as "echo.local"). */
  addName(name: string, h: VHost): void {
    this.names.set(name, h);
  }

  /** Resolves a name (or a numeric address) to the host's addresses of `family` (0 = both). */
  lookup(name: string, family: 0 | 4 | 6): Endpoint[] | null {
    const h = this.names.get(name.toLowerCase().replace(/\.$/, ''));
    if (!h) return null;
    const out: Endpoint[] = [];
    if (family !== 6) out.push({ family: 4, address: h.v4, port: 0 });
    if (family !== 4) out.push({ family: 6, address: h.v6, port: 0 });
    return out;
  }

  /** The host that owns `address` as seen from `from` (loopback is `from` itself). */
  route(from: VHost, address: string): VHost | null {
    if (isLoopback(address)) return from;
    return this.hosts.find((h) => h.v4 === address || h.v6 === address) ?? null;
  }

  /** Sets the parameters of the link between a and b (both directions); default for new links. */
  setLink(a: VHost | null, b: VHost | null, p: Partial<LinkParams>): void {
    if (!a || !b) { this.defaults = { ...this.defaults, ...p }; return; }
    const l = this.link(a, b);
    l.params = { ...l.params, ...p };
  }

  link(a: VHost, b: VHost): Link {
    const key = [a.name, b.name].sort().join('|');
    let l = this.links.get(key);
    if (!l) {
      l = { params: a === b ? IDEAL : { ...this.defaults }, partitioned: false, pipes: new Set() };
      this.links.set(key, l);
    }
    return l;
  }

  /** Cuts (or heals) a link: TCP segments wait, UDP datagrams are lost. */
  partition(a: VHost, b: VHost, on: boolean): void {
    const l = this.link(a, b);
    l.partitioned = on;
    if (!on) for (const p of l.pipes) p.kick();
  }

  /** Resets every TCP connection between a and b, both sides see ECONNRESET. */
  reset(a: VHost, b: VHost): void {
    for (const end of [...a.conns]) {
      if (end.peerHost === b) end.fail(E.ECONNRESET, true);
    }
  }

  /** One-way delay for `bytes` on a link, drawing jitter from the PRNG when asked. */
  delay(l: Link, bytes: number, jitter: boolean): number {
    const p = l.params;
    const wire = p.bandwidth ? (bytes * 8 * 1000) / p.bandwidth : 0;
    return p.latencyMs + wire + (jitter && p.jitterMs ? this.rand.next() * p.jitterMs : 0);
  }

  /** Opens a TCP connection from `h`; `end` reports onConnect or onError. */
  tcpConnect(h: VHost, from: Endpoint | null, to: Endpoint): TcpEnd | number {
    const port = h.bindTcp(from?.port ?? 0);
    if (port < 0) return port;
    const local = { family: to.family, address: from && !isAny(from.address) ? from.address : h.sourceFor(to), port };
    const dst = this.route(h, to.address);
    const end = new TcpEnd(this, h, local, to);
    if (!dst) {
      setTimeout(() => end.fail(E.ETIMEDOUT, false), this.connectTimeoutMs).unref?.();
      return end;
    }
    const l = this.link(h, dst);
    end.syn(l, dst);
    return end;
  }

  /** Called when a SYN reaches `dst`: accepts, bridges to the host, or refuses. */
  arriveSyn(dst: VHost, client: TcpEnd): void {
    const to = client.remote;
    const ln = dst.listeners.get(to.port);
    const match = ln && (isAny(ln.local.address) ? (ln.local.family === to.family || (to.family === 4 && !ln.v6only))
      : ln.local.address === to.address || (isLoopback(to.address) && isLoopback(ln.local.address)));
    if (ln && match && !ln.hasRoom()) {
      client.retrySyn(); // a full accept queue drops the SYN (lwIP); the client retransmits
    } else if (ln && match) {
      const server = new TcpEnd(this, dst, to, client.local, false);
      if (ln.rcvBuf !== undefined) server.rcvBuf = ln.rcvBuf;
      server.pair(client);
      ln.onConnection(server);
    } else if (dst === this.host && !ln && this.bridge) {
      // As QEMU's slirp: the board's SYN is answered only once the real connect has succeeded,
      // so a closed port on the host is refused on the board too.
      this.bridge.tcpOut(to, () => {
        if (client.state !== 'connecting') return null;
        const server = new TcpEnd(this, dst, to, client.local, false);
        server.pair(client);
        return server;
      }, () => client.refused());
    } else {
      client.refused();
    }
  }

  /** Sends a datagram from a socket on `h`; faults apply on the way. */
  udpSend(h: VHost, from: Endpoint, to: Endpoint, data: Uint8Array): void {
    const dst = this.route(h, to.address);
    if (!dst) return; // no such host: lost, as on a real network
    const src = { ...from, address: isAny(from.address) ? h.sourceFor(to) : from.address };
    const l = this.link(h, dst);
    this.pcap?.udp(h, dst, src, to, data); // on the sender's wire, before the link loses it
    if (l.partitioned || this.rand.chance(l.params.loss)) return;
    const copies = this.rand.chance(l.params.dup) ? 2 : 1;
    const bytes = data.slice();
    this.udpInFlight += copies;
    for (let i = 0; i < copies; i++) {
      const t = setTimeout(() => { this.udpInFlight--; this.udpArrive(dst, src, to, bytes); }, this.delay(l, bytes.length, true));
      t.unref?.();
    }
  }

  private udpArrive(dst: VHost, from: Endpoint, to: Endpoint, data: Uint8Array): void {
    const s = dst.udp.get(to.port);
    if (s && (isAny(s.local.address) ? s.local.family === to.family || (to.family === 4 && !s.v6only)
      : s.local.address === to.address || isLoopback(to.address))) {
      s.onMessage(data, from);
    } else if (dst === this.host && this.bridge) {
      this.bridge.udpOut(from, to, data);
    }
  }
}
