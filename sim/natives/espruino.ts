/**
 * Espruino's `net`, `dgram` and `Wifi` modules on the virtual network, as a user of an ESP32 build
 * sees them (libs/network/socketserver.c over the NetworkJS contract):
 * - byte strings, not buffers; socket.write(data) always returns false;
 * - received TCP data comes in chunks of at most 536 bytes (net->chunkSize), one per idle pass;
 *   sends leave in chunks of 536 too, one per pass while the window has room;
 * - events: connect, data, drain, and on close: pending data, then error({code, message}) unless
 *   the code is -1 (closed), then end, then close(had_error);
 * - without a 'data' listener, received data waits in the socket's stream buffer for read(); once
 *   that holds STREAM_MAX_BUFFER_SIZE, the chunk taken from the network waits too, and the network is
 *   not read (socketserver.c reads only with no receiveData pending): the TCP window closes;
 * - UDP records cross the driver as an 8-byte header (IPv4 address, port LE, length LE) plus the
 *   payload (encodeUdp/decodeUdp), and reach the user as message(msg, {address, port, size}).
 * IPv4 only, as Espruino is.
 */
import * as E from '../../src/errno.js';
import type { TcpEnd, VHost } from '../vnet.js';
import { numericFamily, type BoardRealm } from './realm.js';
import { toBin, fromBin } from '../../boards/espruino-esp32/driver.js';

export const CHUNK = 536;
/** jswrap_stream.h: what a socket without a 'data' listener buffers for read(). */
export const STREAM_MAX_BUFFER_SIZE = 512;
/** Bytes in flight a NetworkJS driver keeps before send() answers 0 (busy). */
export const SEND_WINDOW = 5744;

/** socketerrors.h */
export const SOCKET_ERR = {
  CLOSED: -1, MEM: -2, TIMEOUT: -3, NO_ROUTE: -4, BUSY: -5, NOT_FOUND: -6, MAX_SOCK: -7,
  UNSENT_DATA: -8, RESET: -9, UNKNOWN: -10, NO_CONN: -11, BAD_ARG: -12, SSL_HAND: -13, SSL_INVALID: -14, NO_RESP: -15,
} as const;
const MESSAGES: Record<number, string> = {
  [-1]: 'connection closed', [-2]: 'out of memory', [-3]: 'timeout', [-4]: 'no route', [-5]: 'busy', [-6]: 'not found',
  [-7]: 'max sockets', [-8]: 'unsent data', [-9]: 'connection reset', [-10]: 'unknown error', [-11]: 'no connection',
  [-12]: 'bad argument', [-13]: 'SSL handshake failed', [-14]: 'invalid SSL data', [-15]: 'no response',
};
const CODE_OF: Record<number, number> = {
  [E.ECONNREFUSED]: SOCKET_ERR.RESET, [E.ECONNRESET]: SOCKET_ERR.RESET, [E.ETIMEDOUT]: SOCKET_ERR.TIMEOUT,
  [E.EHOSTUNREACH]: SOCKET_ERR.NO_ROUTE, [E.ENETUNREACH]: SOCKET_ERR.NO_ROUTE,
};

// The same byte-string conversions the board's adapter uses.
const bin = toBin, unbin = fromBin;

/** JsNetUDPPacketHeader + payload, as a NetworkJS driver's recv() returns it. */
export function encodeUdp(address: string, port: number, payload: string): string {
  const ip = address.split('.').map(Number);
  return String.fromCharCode(ip[0], ip[1], ip[2], ip[3], port & 255, port >> 8, payload.length & 255, payload.length >> 8) + payload;
}

/** The first record of a send buffer: destination, payload, and how many bytes it used. */
export function decodeUdp(data: string): { address: string; port: number; payload: string; used: number } {
  const c = (i: number) => data.charCodeAt(i);
  const len = c(6) | (c(7) << 8);
  return { address: `${c(0)}.${c(1)}.${c(2)}.${c(3)}`, port: c(4) | (c(5) << 8), payload: data.substr(8, len), used: 8 + len };
}

/** A minimal Espruino-style event emitter: listeners in `#on<name>` slots, as the runtime keeps them. */
class Emitter {
  private handlers: Record<string, ((...a: unknown[]) => void)[]> = {};
  on(name: string, fn: (...a: unknown[]) => void): this {
    (this.handlers[name] ??= []).push(fn);
    return this;
  }
  removeAllListeners(name?: string): this {
    if (name) delete this.handlers[name]; else this.handlers = {};
    return this;
  }
  emit(name: string, ...args: unknown[]): boolean {
    const hs = this.handlers[name];
    if (!hs) return false;
    for (const h of hs.slice()) h.apply(this, args);
    return true;
  }
  listens(name: string): boolean { return !!this.handlers[name]?.length; }
}

export function espruinoModules(h: VHost, realm: BoardRealm) {
  const err = (m: string) => new realm.Error(m);

  class Socket extends Emitter {
    private rx = '';       // arrived from the network, not yet recv'd by the idle loop
    private pending = '';  // recv'd, not yet pushed to the program (socketserver's receiveData)
    private buf = '';      // the stream buffer a program without a 'data' listener read()s
    private tx = '';
    private connected = false;
    private closing = false;
    private finished = false;
    private code = 0;
    private passQueued = false;

    constructor(private conn: TcpEnd | null, connected: boolean) {
      super();
      this.connected = connected;
      if (conn) this.attach(conn);
    }

    attach(end: TcpEnd): void {
      this.conn = end;
      end.events = {
        onConnect: () => this.pass(),
        onData: (b) => { this.rx += bin(b); this.pass(); },
        onAck: () => this.pass(),
        onEnd: () => { this.code ||= SOCKET_ERR.CLOSED; this.pass(); },
        onError: (e) => { this.code = CODE_OF[e] ?? SOCKET_ERR.UNKNOWN; this.pass(); },
        onClose: () => this.pass(),
      };
      this.pass();
    }

    /** One idle pass of socketserver.c for this connection: one send, then one recv. */
    pass(): void {
      if (this.passQueued || this.finished) return;
      this.passQueued = true;
      realm.post(() => { this.passQueued = false; this.idle(); });
    }

    private idle(): void {
      const end = this.conn;
      if (this.finished) return;
      if (!end) { if (this.code) this.close1(); return; }
      let more = false;
      if (!this.connected && (end.state === 'open' || this.code)) {
        if (end.state === 'open') { this.connected = true; this.emit('connect'); if (!this.tx) this.emit('drain'); }
      }
      if (this.connected && this.tx && end.state === 'open' && end.unacked < SEND_WINDOW) {
        end.send(unbin(this.tx.slice(0, CHUNK)));
        this.tx = this.tx.slice(CHUNK);
        if (!this.tx && !this.closing) this.emit('drain');
        more = !!this.tx;
      }
      this.push();
      if (this.rx && !this.pending) {
        this.pending = this.rx.slice(0, CHUNK);
        this.rx = this.rx.slice(CHUNK);
        end.consumed(this.pending.length);
        this.push();
        more ||= !!this.rx && !this.pending;
      }
      if (!this.rx && !this.pending && (this.code || (this.closing && !this.tx))) return this.close1();
      if (more) this.pass();
    }

    /** jswrap_stream_pushData: to the 'data' listener, else into the stream buffer while it has
     *  room (`force`: the close sequence's last data goes in regardless). */
    private push(force = false): void {
      if (!this.pending) return;
      if (this.listens('data')) this.emit('data', this.pending);
      else if (force || this.buf.length < STREAM_MAX_BUFFER_SIZE) this.buf += this.pending;
      else return;
      this.pending = '';
    }

    override on(name: string, fn: (...a: unknown[]) => void): this {
      super.on(name, fn);
      if (name === 'data') this.pass(); // a waiting chunk can go out now
      return this;
    }

    /** Takes `chars` (all when omitted) from the stream buffer. */
    read(chars?: number): string {
      const n = chars === undefined || chars <= 0 ? this.buf.length : chars;
      const out = this.buf.slice(0, n);
      this.buf = this.buf.slice(n);
      this.pass();
      return out;
    }

    /** The close sequence: error (unless -1), end, close(had_error), then the driver's close. */
    private close1(): void {
      if (this.finished) return;
      this.finished = true;
      this.push(true);
      let code = this.code || SOCKET_ERR.CLOSED;
      if (code === SOCKET_ERR.CLOSED && this.tx) code = SOCKET_ERR.UNSENT_DATA;
      const hadError = code !== SOCKET_ERR.CLOSED;
      if (hadError) this.emit('error', { code, message: MESSAGES[code] ?? 'unknown error' });
      this.emit('end');
      this.emit('close', hadError);
      this.conn?.end();
    }

    write(data: unknown): boolean {
      if (this.finished || this.closing) return false;
      this.tx += String(data);
      this.pass();
      return false;
    }

    end(data?: unknown): void {
      if (data !== undefined) this.write(data);
      this.closing = true;
      this.pass();
    }

    available(): number { return this.buf.length; }

    /** Internal: the connection failed before it had a driver socket (DNS). */
    failWith(code: number): void {
      this.code = code;
      this.pass();
    }
  }

  class Server extends Emitter {
    private port = 0;
    constructor(private onconnect: (s: Socket) => void) { super(); }

    listen(port: number): this {
      const p = h.bindTcp(port);
      if (p < 0) throw err('Unable to create socket');
      this.port = p;
      h.listeners.set(p, {
        local: { family: 4, address: '0.0.0.0', port: p }, v6only: true, hasRoom: () => true,
        // accept() is polled once per idle pass: the connection shows up on the next one.
        onConnection: (end) => realm.post(() => this.onconnect(new Socket(end, true))),
      });
      return this;
    }

    close(): void {
      if (!this.port) return;
      h.listeners.delete(this.port);
      h.tcpPorts.delete(this.port);
      this.port = 0;
    }
  }

  const net = {
    connect(options: { host?: string; port: number }, cb?: () => void): Socket {
      const s = new Socket(null, false);
      if (cb) s.on('connect', cb);
      const host = options.host ?? '127.0.0.1';
      const go = (address: string | undefined) => {
        if (!address) return s.failWith(SOCKET_ERR.NOT_FOUND);
        const end = h.net.tcpConnect(h, null, { family: 4, address, port: options.port });
        if (typeof end === 'number') throw err('Unable to create socket');
        s.attach(end);
      };
      if (numericFamily(host) === 4 || host === 'localhost') go(host === 'localhost' ? '127.0.0.1' : host);
      else setTimeout(() => go(h.net.lookup(host, 4)?.[0]?.address), 0);
      return s;
    },
    createServer(cb: (s: Socket) => void): Server {
      return new Server(cb);
    },
  };

  class DgramSocket extends Emitter {
    private port = 0;
    constructor(private opts: { reuseAddr?: boolean }) { super(); }

    bind(port: number, cb?: (res: unknown) => void): this {
      const sock = {
        local: { family: 4 as const, address: '0.0.0.0', port }, v6only: true,
        onMessage: (data: Uint8Array, from: { address: string; port: number }) => {
          // The record crosses the NetworkJS boundary with its header, and is parsed back.
          const rec = decodeUdp(encodeUdp(from.address, from.port, bin(data)));
          realm.post(() => this.emit('message', rec.payload, { address: rec.address, port: rec.port, size: rec.payload.length }));
        },
      };
      const p = h.bindUdp(sock, !!this.opts.reuseAddr);
      if (p < 0) throw err('Unable to create socket');
      this.port = p;
      if (cb) realm.post(() => cb(this));
      return this;
    }

    send(msg: unknown, a: number, b: number | string, c?: number, d?: string): void {
      let text = String(msg), port: number, address: string;
      if (d !== undefined) { text = text.substr(a, b as number); port = c!; address = d; } else { port = a; address = b as string; }
      if (!this.port) this.bind(0);
      const rec = decodeUdp(encodeUdp(numericFamily(address) === 4 ? address : '255.255.255.255', port, text));
      h.net.udpSend(h, { family: 4, address: '0.0.0.0', port: this.port }, { family: 4, address: rec.address, port: rec.port }, unbin(rec.payload));
    }

    close(): void {
      if (!this.port) return;
      h.udp.delete(this.port);
      this.port = 0;
      realm.post(() => this.emit('close', false));
    }
  }

  const dgram = {
    createSocket(type: string | { type: string; reuseAddr?: boolean }, cb?: (msg: string, rinfo: unknown) => void): DgramSocket {
      const s = new DgramSocket(typeof type === 'object' ? type : {});
      if (cb) s.on('message', cb as never);
      return s;
    },
  };

  const Wifi = {
    getIP(): { ip: string } { return { ip: h.v4 }; },
    getHostByName(name: string, cb: (ip: string | undefined) => void): void {
      setTimeout(() => { const a = h.net.lookup(name, 4)?.[0]?.address; realm.post(() => cb(a)); }, 0);
    },
  };

  /** The E.toString(uint8array) Espruino offers for binary strings. */
  const E_ = { toString: (x: Uint8Array | ArrayBuffer) => bin(ArrayBuffer.isView(x) ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : new Uint8Array(x)) };

  return { net, dgram, Wifi, E: E_ };
}

export type EspruinoModules = ReturnType<typeof espruinoModules>;
