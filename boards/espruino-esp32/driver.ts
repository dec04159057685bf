/**
 * A NetDriver over Espruino's `net` and `dgram` modules, used as an Espruino program uses them:
 * binary strings, events, and the close order data → error → end → close.
 *
 * What the platform cannot say, and how this adapter answers:
 * - IPv4 only: an IPv6 address fails with EAFNOSUPPORT.
 * - Sockets have no RST and no half-close: destroy() and end() both close; a peer's FIN ends the
 *   connection both ways. error codes map back: -9 (reset or refused) is ECONNREFUSED before
 *   connect and ECONNRESET after, -3 ETIMEDOUT, -4 EHOSTUNREACH, -6 (DNS) EHOSTUNREACH.
 * - No addresses are reported: a client's local port reads as 0 and an accepted socket's peer
 *   as unknown; listeners and UDP sockets bound to port 0 get a port this adapter picks.
 * - pause() is Espruino's own back-pressure: the 'data' listener goes, so received data waits in
 *   the socket's stream buffer (512 bytes) and Espruino stops reading the network; resume() takes
 *   what waited with read() and listens again.
 */
import * as E from '../../src/errno.js';
import type { ListenEvents, NetAddr, NetDriver, TcpConn, TcpEvents, TcpListener, UdpEndpoint, UdpEvents } from '../../src/net/driver.js';
import { addr, bindPicked } from '../common/util.js';

interface EspSocket {
  on(event: string, fn: (...a: any[]) => void): unknown;
  removeAllListeners(event: string): unknown;
  read(): string;
  write(data: string): boolean;
  end(): void;
}
export interface EspruinoLibs {
  net: { connect(o: { host: string; port: number }, cb?: () => void): EspSocket; createServer(cb: (s: EspSocket) => void): { listen(port: number): unknown; close(): void } };
  dgram: { createSocket(type: string | Record<string, unknown>): { bind(port: number, cb?: () => void): unknown; send(msg: string, port: number, address: string): void; close(): void; on(e: string, fn: (...a: any[]) => void): unknown } };
  Wifi: { getHostByName(name: string, cb: (ip: string | undefined) => void): void };
}

/** Espruino strings hold bytes; no spread or Map on the device. */
export function toBin(u8: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u8.length; i += 512) s += String.fromCharCode.apply(null, Array.prototype.slice.call(u8, i, i + 512));
  return s;
}
export function fromBin(s: string): Uint8Array {
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}

const ERRNO: Record<number, number> = { [-3]: E.ETIMEDOUT, [-4]: E.EHOSTUNREACH, [-6]: E.EHOSTUNREACH, [-9]: E.ECONNRESET, [-7]: E.ENOMEM, [-2]: E.ENOMEM };
const NOOP_EVENTS: TcpEvents = { onConnect() {}, onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {} };

/** The events of a connection this adapter holds while the socket layer's queue is full: what
 *  happens meanwhile (the bytes that waited in its stream buffer when the client closed, the
 *  end, an error, the close) is kept in order and replayed once the socket layer takes it, as a
 *  connection in Zephyr's backlog keeps what arrived before accept(). Bounded: a held socket is
 *  paused, so at most its stream buffer and one chunk. */
class HeldEvents implements TcpEvents {
  private kept: ((e: TcpEvents) => void)[] = [];
  onConnect(): void {}
  onDrain(): void {}
  onData(d: Uint8Array): void { this.kept.push((e) => e.onData(d)); }
  onEnd(): void { this.kept.push((e) => e.onEnd()); }
  onError(errno: number): void { this.kept.push((e) => e.onError(errno)); }
  onClose(): void { this.kept.push((e) => e.onClose()); }
  replay(to: TcpEvents): void {
    for (const k of this.kept.splice(0)) k(to);
  }
}

class EspruinoTcp implements TcpConn {
  events: TcpEvents;
  private sock: EspSocket | null = null;
  private pending = 0;
  private paused = false;
  private failed = false;

  constructor(events: TcpEvents, readonly local: NetAddr, readonly remote: NetAddr | null, private connected: boolean) {
    this.events = events;
  }

  attach(s: EspSocket): void {
    this.sock = s;
    s.on('connect', () => { this.connected = true; this.events.onConnect(); });
    s.on('data', this.data);
    s.on('drain', () => { this.pending = 0; this.events.onDrain(); });
    s.on('error', (e: { code: number }) => {
      this.unbuffer();
      const errno = e.code === -9 && !this.connected ? E.ECONNREFUSED : ERRNO[e.code] ?? E.EIO;
      this.failed = true;
      this.events.onError(errno);
    });
    // 'end' follows 'error' in Espruino's close sequence; after an error it is not an orderly end.
    s.on('end', () => { this.unbuffer(); if (this.connected && !this.failed) this.events.onEnd(); });
    s.on('close', () => { this.sock = null; this.events.onClose(); });
  }

  private readonly data = (d: string): void => this.events.onData(fromBin(d));

  /** What waited in the stream buffer comes before an end or an error (the socket layer holds
   *  it past SO_RCVBUF: at most the stream buffer and one chunk). */
  private unbuffer(): void {
    const d = this.sock?.read();
    if (d) this.data(d);
  }

  write(data: Uint8Array): void {
    if (!this.sock || !data.length) return;
    this.pending += data.length;
    this.sock.write(toBin(data));
  }

  get queued(): number { return this.pending; }

  end(): void { this.sock?.end(); }

  destroy(): void { this.sock?.end(); }

  pause(): void {
    if (this.paused || !this.sock) return;
    this.paused = true;
    this.sock.removeAllListeners('data');
  }

  resume(): void {
    if (!this.paused || !this.sock) return;
    this.paused = false;
    this.unbuffer();
    // onData may have paused again; else listen, and Espruino pushes the next chunk.
    if (!this.paused) this.sock?.on('data', this.data);
  }

  setNoDelay(): void { /* Espruino sends each chunk as it goes */ }
  setKeepAlive(): void { /* not exposed by net */ }
}

export interface EspruinoOptions {
  /** The board's address, as Wifi.getIP() reports it. */
  address4: string;
}

export function espruinoDriver(lib: EspruinoLibs, opts: EspruinoOptions): NetDriver {
  const later = (fn: () => void) => Promise.resolve().then(fn);

  return {
    name: 'espruino-esp32',

    tcpConnect(to: NetAddr, _from: NetAddr | null, events: TcpEvents): TcpConn {
      const conn = new EspruinoTcp(events, { family: 4, address: opts.address4, port: 0 }, to, false);
      if (to.family === 6) later(() => { conn.events.onError(E.EAFNOSUPPORT); conn.events.onClose(); });
      else conn.attach(lib.net.connect({ host: to.address, port: to.port }));
      return conn;
    },

    tcpListen(at: NetAddr, backlog: number, _v6only: boolean, events: ListenEvents): TcpListener {
      if (at.family === 6) {
        later(() => events.onError(E.EAFNOSUPPORT));
        return { local: null, close() {}, pause() {}, resume() {} };
      }
      let local: NetAddr | null = null;
      // Espruino accepts every connection: while the socket layer's queue is full they wait
      // here, paused (Espruino stops reading them), up to the backlog; past it they are closed.
      const held: { conn: EspruinoTcp; kept: HeldEvents }[] = [];
      let paused = false;
      const got = bindPicked(at.port, (port) => {
        const srv = lib.net.createServer((s) => {
          const conn = new EspruinoTcp(NOOP_EVENTS, { family: 4, address: opts.address4, port }, null, true);
          conn.attach(s);
          if (!paused) return events.onConnection(conn);
          if (held.length >= backlog) return conn.destroy();
          const kept = new HeldEvents();
          conn.events = kept;
          conn.pause();
          held.push({ conn, kept });
        });
        srv.listen(port);
        return srv;
      });
      if (!got) later(() => events.onError(E.EADDRINUSE));
      else {
        local = { family: 4, address: at.address, port: got.port };
        later(() => events.onListening(local!));
      }
      return {
        get local() { return local; },
        close: () => { got?.it.close(); for (const h of held.splice(0)) h.conn.destroy(); },
        pause: () => { paused = true; },
        resume: () => {
          paused = false;
          // A client that went while it waited is handed over too: its bytes and end come first.
          for (let h = held.shift(); h; h = paused ? undefined : held.shift()) {
            events.onConnection(h.conn);
            h.kept.replay(h.conn.events);
            h.conn.resume();
          }
        },
      };
    },

    udpOpen(at: NetAddr, o, events: UdpEvents, onReady): UdpEndpoint {
      if (at.family === 6) {
        later(() => onReady(E.EAFNOSUPPORT, null));
        return { events, local: null, send() {}, close(freed) { freed?.(); } };
      }
      const got = bindPicked(at.port, (port) => {
        const s = lib.dgram.createSocket({ type: 'udp4', reuseAddr: o.reuse });
        s.bind(port);
        return s;
      });
      const local = got ? { family: 4 as const, address: at.address, port: got.port } : null;
      got?.it.on('message', (msg: string, r: { address: string; port: number }) => ep.events.onMessage(fromBin(msg), addr(r.address, r.port)));
      later(() => onReady(got ? 0 : E.EADDRINUSE, local));
      const ep: UdpEndpoint = {
        events,
        local,
        send(data: Uint8Array, to: NetAddr) {
          if (to.family === 6) return ep.events.onError(E.EAFNOSUPPORT);
          got?.it.send(toBin(data), to.port, to.address);
        },
        close(freed) { got?.it.close(); freed?.(); },
      };
      return ep;
    },

    interfaces: () => ['wlan'],

    resolve(name: string, family: 0 | 4 | 6) {
      if (/^[\d.]+$/.test(name)) return Promise.resolve({ addrs: [addr(name, 0)] });
      if (family === 6 || name.includes(':')) return Promise.resolve({ error: 'noname' as const });
      return new Promise((resolve) => lib.Wifi.getHostByName(name, (ip) =>
        resolve(ip ? { addrs: [addr(ip, 0)] } : { error: 'noname' as const })));
    },
  };
}
