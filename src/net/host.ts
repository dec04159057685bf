/**
 * The host NetDriver: real sockets through node:net, node:dgram and node:dns (like Zephyr's
 * native_sim with offloaded sockets). Node's error codes become Zephyr errno values here.
 */
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import { networkInterfaces } from 'node:os';
import * as E from '../errno.js';
import type { ListenEvents, NetAddr, NetDriver, TcpConn, TcpEvents, TcpListener, UdpEndpoint, UdpEvents } from './driver.js';

const NODE_ERRNO: Record<string, number> = {
  ECONNREFUSED: E.ECONNREFUSED, ECONNRESET: E.ECONNRESET, ETIMEDOUT: E.ETIMEDOUT,
  EADDRINUSE: E.EADDRINUSE, EADDRNOTAVAIL: E.EADDRNOTAVAIL, EHOSTUNREACH: E.EHOSTUNREACH,
  ENETUNREACH: E.ENETUNREACH, EPIPE: E.EPIPE, EACCES: E.EACCES, ECONNABORTED: E.ECONNABORTED,
  EAFNOSUPPORT: E.EAFNOSUPPORT, EINVAL: E.EINVAL, EMSGSIZE: E.EMSGSIZE, ENOBUFS: E.ENOBUFS,
};

export function errnoOf(err: unknown): number {
  return NODE_ERRNO[(err as NodeJS.ErrnoException)?.code ?? ''] ?? E.EIO;
}

function addrOf(address: string | undefined, port: number | undefined, family?: string | number): NetAddr | null {
  if (!address) return null;
  const fam = family === 'IPv6' || family === 6 || net.isIPv6(address) ? 6 : 4;
  return { family: fam, address, port: port ?? 0 };
}

const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** The HostTcp a node:net socket serves: its listeners are shared functions (one set for every
 *  connection, not closures per connection), which find their connection here. */
const OWNER = Symbol('zsock.hostTcp');
type Owned = net.Socket & { [OWNER]: HostTcp };
const ownerOf = (s: net.Socket) => (s as Owned)[OWNER];

function onConnect(this: net.Socket): void { ownerOf(this).events.onConnect(); }
function onData(this: net.Socket, d: Buffer): void { ownerOf(this).events.onData(bytes(d)); }

/** Where node:net reads an outbound connection's bytes (its `onread` option): one buffer for
 *  all of them, since each read is handed over (copied out) before the next one can happen.
 *  Node then allocates nothing per read and runs no stream machinery for it. */
const READ_BUF = new Uint8Array(65536);
function onRead(this: net.Socket, n: number, buf: Uint8Array): boolean {
  ownerOf(this).events.onData(buf.slice(0, n));
  return true; // reading pauses only through pause()
}
function onEnd(this: net.Socket): void { ownerOf(this).events.onEnd(); }
function onError(this: net.Socket, e: Error): void { ownerOf(this).events.onError(errnoOf(e)); }
function onClose(this: net.Socket): void { ownerOf(this).events.onClose(); }

/** An accepted connection's events until the socket layer sets its own (at once). */
const UNSET: TcpEvents = { onConnect() {}, onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {} };

class HostTcp implements TcpConn {
  events: TcpEvents;

  /** `ownRead`: the socket reads into READ_BUF (an outbound one), else its data events count. */
  constructor(readonly sock: net.Socket, events: TcpEvents, connected: boolean, ownRead = false) {
    this.events = events;
    (sock as Owned)[OWNER] = this;
    if (!connected) sock.once('connect', onConnect);
    if (!ownRead) sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
  }

  /** Each write's completion is a drain event: room opens in the socket layer's SO_SNDBUF as
   *  the kernel takes bytes, and Node's own 'drain' fires only past its 16 KB high-water mark
   *  (a send waiting on a smaller SO_SNDBUF would never wake). */
  write(data: Uint8Array): void {
    // A callback per write, not one kept per connection: an idle one holds none
    this.sock.write(data, () => this.events.onDrain());
  }

  get queued(): number {
    return this.sock.writableLength;
  }

  end(): void {
    this.sock.end();
  }

  destroy(): void {
    // Once closed there is nothing to reset, and Node would make (and drop) an ERR_SOCKET_CLOSED.
    if (!this.sock.destroyed) this.sock.resetAndDestroy?.() ?? this.sock.destroy();
  }

  pause(): void {
    this.sock.pause();
  }

  resume(): void {
    this.sock.resume();
  }

  setNoDelay(on: boolean): void {
    this.sock.setNoDelay(on);
  }

  setKeepAlive(on: boolean, idleMs: number): void {
    this.sock.setKeepAlive(on, idleMs);
  }

  get local(): NetAddr | null {
    return addrOf(this.sock.localAddress, this.sock.localPort, this.sock.localFamily);
  }

  get remote(): NetAddr | null {
    return addrOf(this.sock.remoteAddress, this.sock.remotePort, this.sock.remoteFamily);
  }
}

class HostUdp implements UdpEndpoint {
  private pending = 0;
  private closing = false;
  private freed?: () => void;

  constructor(readonly sock: dgram.Socket, public events: UdpEvents) {
    sock.on('message', (m, r) => this.events.onMessage(bytes(m), addrOf(r.address, r.port, r.family)!));
    sock.on('error', (e) => this.events.onError(errnoOf(e)));
  }

  send(data: Uint8Array, to: NetAddr): void {
    this.pending++;
    this.sock.send(data, to.port, to.address, (e) => {
      if (e && !this.closing) this.events.onError(errnoOf(e));
      if (--this.pending === 0 && this.closing) this.shut();
    });
  }

  get local(): NetAddr | null {
    try {
      const a = this.sock.address();
      return addrOf(a.address, a.port, a.family);
    } catch {
      return null;
    }
  }

  /** Closes once the datagrams already handed over are sent (node would drop them). */
  close(freed?: () => void): void {
    this.closing = true;
    this.freed = freed;
    if (this.pending === 0) this.shut();
  }

  private shut(): void {
    try { this.sock.close(); } catch { /* already closed */ }
    this.freed?.(); // node closes the descriptor at once: the port is free
    this.freed = undefined;
  }
}

export const hostDriver: NetDriver = {
  name: 'host',

  tcpConnect(to: NetAddr, from: NetAddr | null, events: TcpEvents): TcpConn {
    const sock = net.connect({
      host: to.address, port: to.port, family: to.family,
      localAddress: from?.address, localPort: from?.port || undefined,
      onread: { buffer: READ_BUF, callback: onRead },
    });
    return new HostTcp(sock, events, false, true);
  },

  tcpListen(at: NetAddr, backlog: number, v6only: boolean, events: ListenEvents): TcpListener {
    const server = net.createServer({ pauseOnConnect: true });
    // Node accepts whatever the kernel completes: while the socket layer's queue is full, the
    // connections wait here, unread (as in a kernel's accept queue), up to the backlog.
    const held: net.Socket[] = [];
    let paused = false;
    const hand = (sock: net.Socket) => {
      sock.resume();
      events.onConnection(new HostTcp(sock, UNSET, true));
    };
    server.on('connection', (sock) => {
      if (!paused) return hand(sock);
      if (held.length >= backlog) return void (sock.resetAndDestroy?.() ?? sock.destroy());
      sock.on('error', () => {}); // a reset while it waits is found when it is handed over
      held.push(sock);
    });
    server.on('error', (e) => events.onError(errnoOf(e)));
    server.listen({ host: at.address, port: at.port, backlog, ipv6Only: v6only, exclusive: true }, () => {
      const a = server.address() as net.AddressInfo;
      events.onListening(addrOf(a.address, a.port, a.family)!);
    });
    return {
      get local() {
        const a = server.address() as net.AddressInfo | null;
        return a ? addrOf(a.address, a.port, a.family) : null;
      },
      close: () => {
        server.close();
        for (const s of held.splice(0)) s.resetAndDestroy?.() ?? s.destroy();
      },
      pause: () => { paused = true; },
      resume: () => {
        paused = false;
        for (let s = paused ? undefined : held.shift(); s; s = paused ? undefined : held.shift()) {
          if (!s.destroyed) hand(s); // one the client reset while it waited is gone
        }
      },
    };
  },

  udpOpen(at: NetAddr, opts: { v6only: boolean; reuse: boolean }, events: UdpEvents, onReady): UdpEndpoint {
    const sock = dgram.createSocket({ type: at.family === 6 ? 'udp6' : 'udp4', ipv6Only: opts.v6only, reuseAddr: opts.reuse });
    const ep = new HostUdp(sock, events);
    sock.once('error', (e) => onReady(errnoOf(e), null));
    sock.bind({ address: at.address, port: at.port, exclusive: !opts.reuse }, () => onReady(0, ep.local));
    return ep;
  },

  interfaces: () => Object.keys(networkInterfaces()),

  async resolve(name: string, family: 0 | 4 | 6) {
    try {
      const found = await dns.promises.lookup(name, { all: true, family, verbatim: true });
      return { addrs: found.map((f) => ({ family: f.family === 6 ? 6 : 4, address: f.address, port: 0 }) as NetAddr) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { error: code === 'ENOTFOUND' || code === 'ENODATA' ? 'noname' : code === 'EAI_AGAIN' ? 'again' : 'fail' } as const;
    }
  },
};
