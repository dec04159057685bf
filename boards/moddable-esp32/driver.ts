/**
 * A NetDriver over Moddable's ECMA-419 IO classes (embedded:io/socket/tcp, /udp, /listener and
 * the UDP DNS resolver), as the lwIP build on ESP32 implements them.
 *
 * What the platform cannot say, and how this adapter answers:
 * - onError() has no argument: before the first onWritable it is a failed connect
 *   (ECONNREFUSED); after it, the peer is gone (FIN or RST look alike), so recv() sees the end.
 * - close() is the only way to send FIN, so shutdown(SHUT_WR) closes both directions.
 * - No local address or port is reported: a client socket's local port reads as 0; listeners and
 *   UDP sockets asked for port 0 get a port this adapter picks, so getsockname() can answer.
 * - A Listener binds every address; `at.address` is kept only for getsockname().
 */
import * as E from '../../src/errno.js';
import type { ListenEvents, NetAddr, NetDriver, TcpConn, TcpEvents, TcpListener, UdpEndpoint, UdpEvents } from '../../src/net/driver.js';
import { ByteQueue, addr, bindPicked, familyOf } from '../common/util.js';

/* The shapes this adapter uses, as the lwIP classes implement them. */
export interface IO419 {
  TCP: new (o: Record<string, unknown>) => Tcp419;
  UDP: new (o: Record<string, unknown>) => Udp419;
  Listener: new (o: Record<string, unknown>) => Listener419;
  Resolver: new (o: Record<string, unknown>) => { resolve(o: Record<string, unknown>): void; close(): void };
}
interface Tcp419 { read(n?: number): ArrayBuffer | number | undefined; write(b: ArrayBuffer | ArrayBufferView): number; close(): void; remoteAddress?: string; remotePort?: number }
interface Udp419 { read(): ArrayBuffer | undefined; write(b: ArrayBufferView, address: string, port: number): void; close(): void }
interface Listener419 { read(): unknown; close(): void }

export interface ModdableOptions {
  /** The board's own addresses (what Net.get("IP") reports), for getsockname(). */
  address4: string;
  address6: string;
  /** DNS servers for the resolver. */
  dns: string[];
}

const NOOP_EVENTS: TcpEvents = { onConnect() {}, onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {} };

class ModdableTcp implements TcpConn {
  events: TcpEvents;
  private sock: Tcp419 | null = null;
  private out = new ByteQueue();
  private connected: boolean;
  private paused = false;
  /** Send buffer room, as the last onWritable / write() reported it. */
  private room = 0;
  private flushing = false;
  private ending = false;
  private done = false;

  constructor(events: TcpEvents, readonly local: NetAddr, public remote: NetAddr | null, connected: boolean) {
    this.events = events;
    this.connected = connected;
  }

  /** The dictionary the 419 socket is made with: its callbacks are this object's. */
  callbacks(): Record<string, unknown> {
    return {
      onWritable: (room: number) => this.writable(room),
      onReadable: () => this.readable(),
      onError: () => this.failed(),
    };
  }

  attach(sock: Tcp419): void {
    this.sock = sock;
    if (this.remote === null && sock.remoteAddress) this.remote = addr(sock.remoteAddress, sock.remotePort ?? 0);
  }

  private writable(room: number): void {
    if (this.done) return;
    if (!this.connected) {
      this.connected = true;
      this.events.onConnect();
    }
    this.room = room;
    this.flush();
  }

  private flush(): void {
    while (this.out.length && this.room > 0 && this.sock) {
      const chunk = this.out.take(this.room);
      try {
        this.room = this.sock.write(chunk);
      } catch {
        this.out.putBack(chunk); // "would block": the next onWritable resumes
        this.room = 0;
        return;
      }
    }
    if (this.out.length) return;
    if (this.ending) this.finish();
    else this.events.onDrain();
  }

  private readable(): void {
    // onData may pause, close or destroy this connection: look again before each read.
    while (!this.paused && !this.done && this.sock) {
      const b = this.sock.read();
      if (b === undefined) return;
      this.events.onData(new Uint8Array(b as ArrayBuffer));
    }
  }

  private failed(): void {
    if (this.done) return;
    this.done = true;
    this.sock?.close();
    this.sock = null;
    if (this.connected) this.events.onEnd(); else this.events.onError(E.ECONNREFUSED);
    this.events.onClose();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.sock?.close();
    this.sock = null;
    this.events.onClose();
  }

  write(data: Uint8Array): void {
    if (this.done) return;
    this.out.push(data);
    // Never from inside write(): the socket layer must not see onDrain re-entrantly.
    if (this.connected && this.sock && !this.flushing) {
      this.flushing = true;
      Promise.resolve().then(() => { this.flushing = false; this.flush(); });
    }
  }

  get queued(): number { return this.out.length; }

  end(): void {
    this.ending = true;
    if (!this.out.length && this.connected) this.finish();
  }

  destroy(): void {
    if (this.done) return;
    this.done = true;
    this.sock?.close();
    this.sock = null;
  }

  pause(): void { this.paused = true; }

  resume(): void {
    this.paused = false;
    this.readable();
  }

  setNoDelay(): void { /* nodelay is set when the socket is made */ }
  setKeepAlive(): void { /* lwIP keepalive is not exposed by the 419 TCP class */ }
}

export function moddableDriver(io: IO419, opts: ModdableOptions): NetDriver {
  const self = (family: 4 | 6, port: number): NetAddr =>
    ({ family, address: family === 6 ? opts.address6 : opts.address4, port });
  const later = (fn: () => void) => Promise.resolve().then(fn);

  return {
    name: 'moddable-esp32',

    tcpConnect(to: NetAddr, _from: NetAddr | null, events: TcpEvents): TcpConn {
      const conn = new ModdableTcp(events, self(to.family, 0), to, false);
      try {
        conn.attach(new io.TCP({ address: to.address, port: to.port, nodelay: true, ...conn.callbacks() }));
      } catch {
        later(() => { conn.events.onError(E.ECONNREFUSED); conn.events.onClose(); });
      }
      return conn;
    },

    tcpListen(at: NetAddr, _backlog: number, _v6only: boolean, events: ListenEvents): TcpListener {
      let local: NetAddr | null = null;
      let ln: Listener419 | null = null;
      // Paused, the Listener keeps what lwIP completes in its own queue; once that is full, lwIP
      // leaves further SYNs unanswered.
      let paused = false;
      const accept = () => {
        for (let s = paused ? undefined : ln?.read(); s; s = paused ? undefined : ln?.read()) {
          const conn = new ModdableTcp(NOOP_EVENTS, self(at.family, local!.port), null, true);
          conn.attach(new io.TCP({ from: s, nodelay: true, ...conn.callbacks() }));
          events.onConnection(conn);
        }
      };
      const got = bindPicked(at.port, (port) => new io.Listener({ port, onReadable: accept }));
      if (!got) later(() => events.onError(E.EADDRINUSE));
      else {
        ln = got.it;
        local = { family: at.family, address: at.address, port: got.port };
        later(() => events.onListening(local!));
      }
      return {
        get local() { return local; },
        close: () => { ln?.close(); ln = null; },
        pause: () => { paused = true; },
        resume: () => { paused = false; accept(); },
      };
    },

    udpOpen(at: NetAddr, _opts, events: UdpEvents, onReady): UdpEndpoint {
      let u: Udp419 | null = null;
      const drain = () => {
        for (let d = u?.read(); d; d = u?.read()) { const r = d as ArrayBuffer & { address: string; port: number }; events.onMessage(new Uint8Array(d), addr(r.address, r.port)); };
      };
      const got = bindPicked(at.port, (port) => new io.UDP({ port, onReadable: drain }));
      const local = got ? { family: at.family, address: at.address, port: got.port } : null;
      if (got) u = got.it;
      later(() => onReady(got ? 0 : E.EADDRINUSE, local));
      const ep: UdpEndpoint = {
        events,
        local,
        dual: true, // ECMA-419's UDP on lwIP: IPv4 and IPv6 on one port
        send(data: Uint8Array, to: NetAddr) {
          try { u?.write(data, to.address, to.port); } catch { ep.events.onError(E.EINVAL); }
        },
        close(freed) { u?.close(); u = null; freed?.(); },
      };
      return ep;
    },

    interfaces: () => ['st1'], // ESP-IDF's station netif

    resolve(name: string, family: 0 | 4 | 6) {
      if (/^[\d.]+$/.test(name) || name.includes(':')) return Promise.resolve({ addrs: [addr(name, 0)] });
      // The UDP resolver asks for A records only.
      if (family === 6) return Promise.resolve({ error: 'noname' as const });
      return new Promise((resolve) => {
        const r = new io.Resolver({ servers: opts.dns, socket: { io: io.UDP } });
        r.resolve({
          host: name,
          onResolved: (_h: string, address: string) => { r.close(); resolve({ addrs: [{ family: familyOf(address), address, port: 0 }] }); },
          onError: () => { r.close(); resolve({ error: 'noname' as const }); },
        });
      });
    },
  };
}
