/**
 * Moddable's ECMA-419 IO classes on the virtual network, with the lwIP build's contract
 * (modules/io/socket/lwip): `embedded:io/socket/tcp`, `.../udp`, `.../listener`, and the UDP DNS
 * resolver `embedded:network/dns/resolver/udp`. What the firmware sees:
 * - TCP takes a numeric `address` only ("invalid address"), `port` 0..65535 (RangeError
 *   "invalid port"), or `from` (a socket from listener.read());
 * - onWritable(sndbuf) is the connect signal and the "sent" signal; onReadable(buffered);
 * - onError() carries no argument and comes only after the receive buffer is drained;
 * - write() throws "not ready" before connect and "would block" above the send buffer, is
 *   ignored after an error, and returns the send buffer left; read() returns undefined when empty,
 *   read(n) throws "invalid" for n <= 0 or n > buffered.
 */
import type { TcpEnd, VHost, Endpoint } from '../vnet.js';
import { boardBuffer, bytesOf, numericFamily, type BoardRealm } from './realm.js';
import { ByteQueue } from '../../boards/common/util.js';

/** lwIP's defaults on ESP32: TCP_SND_BUF and TCP_WND are 4 * MSS (1436). */
export const SNDBUF = 5744;
export const RCVWND = 5744;
/** MODDEF_SOCKET_LISTENERQUEUE. */
export const LISTEN_QUEUE = 4;
/** Datagrams lwIP keeps for an unread UDP socket before it drops new ones. */
export const UDP_QUEUE = 16;

type Cb = ((...a: unknown[]) => void) | undefined;

export function moddableIO(h: VHost, realm: BoardRealm) {
  const err = (m: string) => new realm.Error(m);
  const ADOPT = Symbol('adopt');
  const ABORT = Symbol('abort');

  class TCP {
    #end: TcpEnd | null = null;
    #rx = new ByteQueue();
    #failed = false;
    #errorDue = false;
    #closed = false;
    #format = 'buffer';
    #bare = false;
    /** The firmware was told the connection is up (its first onWritable), or it adopted an
     *  accepted one. Until then write() throws "not ready", whatever the network did meanwhile:
     *  on the device the connect reaches the program as an event, and its flag with it. */
    #connected = false;
    onReadable: Cb;
    onWritable: Cb;
    onError: Cb;
    target: unknown;

    constructor(o?: Record<string, any>) {
      if (o === undefined) return; // the bare native listener.read() hands out
      const from = o.from as TCP | undefined;
      if (o.format !== undefined && o.format !== 'buffer' && o.format !== 'number') throw new realm.RangeError('unimplemented');
      this.#format = o.format ?? 'buffer';
      this.onReadable = o.onReadable; this.onWritable = o.onWritable; this.onError = o.onError; this.target = o.target;
      if (from) {
        if (!(from instanceof TCP) || !from.#end) throw err('invalid from');
        this.#adopt(from);
        return;
      }
      const fam = numericFamily(o.address);
      if (!fam) throw err('invalid address');
      const port = o.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new realm.RangeError('invalid port');
      const end = h.net.tcpConnect(h, null, { family: fam, address: o.address, port });
      if (typeof end === 'number') throw err('socket connect failed');
      this.#attach(end);
    }

    static [ADOPT](end: TcpEnd): TCP {
      const t = new TCP();
      t.#bare = true; // holds data and a FIN/RST for the TCP that adopts it
      t.#attach(end);
      return t;
    }

    #adopt(from: TCP): void {
      const end = from.#end!;
      this.#rx = from.#rx; this.#failed = from.#failed; this.#errorDue = from.#errorDue;
      from.#end = null;
      from.#closed = true;
      this.#connected = true;
      this.#attach(end);
      // An accepted socket is connected: the first onWritable says so, and buffered data follows.
      realm.post(() => {
        if (this.#closed) return;
        this.onWritable?.(this.#room());
        if (this.#rx.length) this.onReadable?.(this.#rx.length);
        this.#maybeError();
      });
    }

    #attach(end: TcpEnd): void {
      this.#end = end;
      end.events = {
        onConnect: () => realm.post(() => {
          if (this.#closed) return;
          this.#connected = true;
          this.onWritable?.(this.#room());
        }),
        onData: (b) => {
          this.#rx.push(b);
          realm.post(() => !this.#closed && this.#rx.length && this.onReadable?.(this.#rx.length));
        },
        onAck: () => realm.post(() => !this.#closed && !this.#failed && this.onWritable?.(this.#room())),
        onEnd: () => this.#fail(),
        onError: () => this.#fail(),
        onClose: () => {},
      };
    }

    #room(): number {
      return Math.max(0, SNDBUF - (this.#end?.unacked ?? 0));
    }

    /** FIN, RST, a failed connect: all one onError(), after the buffered bytes are read. */
    #fail(): void {
      this.#failed = true;
      this.#errorDue = true;
      realm.post(() => this.#maybeError());
    }

    #maybeError(): void {
      if (this.#closed || this.#bare || !this.#errorDue || this.#rx.length) return;
      this.#errorDue = false;
      this.onError?.();
    }

    read(arg?: unknown): ArrayBuffer | number | undefined {
      if (this.#closed) throw err('closed');
      if (!this.#rx.length) return undefined;
      if (this.#format === 'number') return this.#take(1)[0];
      let n = this.#rx.length;
      const dst = bytesOf(arg);
      if (dst) n = dst.length;
      else if (arg !== undefined) n = Number(arg);
      if (!(n > 0) || n > this.#rx.length) throw err('invalid');
      const got = this.#take(n);
      if (dst) { dst.set(got); return n; }
      return boardBuffer(realm, got);
    }

    #take(n: number): Uint8Array {
      const out = this.#rx.take(n);
      this.#end?.consumed(n);
      if (!this.#rx.length && this.#errorDue) realm.post(() => this.#maybeError());
      return out;
    }

    write(data: unknown): number {
      if (this.#closed) throw err('closed');
      if (this.#failed) return 0; // "silently ignored after an error"
      const end = this.#end!;
      if (!this.#connected) throw err('not ready');
      const bytes = this.#format === 'number' && typeof data === 'number' ? Uint8Array.of(data) : bytesOf(data);
      if (!bytes) throw err('invalid buffer');
      if (bytes.length > this.#room()) throw err('would block');
      end.send(bytes);
      return this.#room();
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      const end = this.#end;
      this.#end = null;
      if (!end) return;
      // lwIP's tcp_close answers with RST when received data was never read.
      if (this.#rx.length) end.abort(); else end.end();
    }

    /** Internal: RST (a queued connection when its listener closes). */
    [ABORT](): void {
      this.#closed = true;
      this.#end?.abort();
      this.#end = null;
    }

    get remoteAddress(): string | undefined { return this.#end?.remote.address; }
    get remotePort(): number | undefined { return this.#end?.remote.port; }
    get format(): string { return this.#format; }
    set format(f: string) {
      if (f !== 'buffer' && f !== 'number') throw new realm.RangeError('unimplemented');
      this.#format = f;
    }
  }

  class Listener {
    #queue: TCP[] = [];
    #port: number;
    #closed = false;
    onReadable: Cb;
    target: unknown;

    constructor(o: Record<string, any>) {
      const port = o?.port ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new realm.RangeError('invalid port');
      this.onReadable = o.onReadable; this.target = o.target;
      const p = h.bindTcp(port);
      if (p < 0) throw err('listen failed');
      this.#port = p;
      // lwIP binds IP_ANY_TYPE: IPv4 and IPv6 both.
      h.listeners.set(p, {
        local: { family: 6, address: '::', port: p }, v6only: false,
        hasRoom: () => this.#queue.length < LISTEN_QUEUE,
        onConnection: (end) => {
          this.#queue.push(TCP[ADOPT](end));
          realm.post(() => !this.#closed && this.#queue.length && this.onReadable?.(this.#queue.length));
        },
      });
    }

    read(): TCP | undefined {
      return this.#queue.shift();
    }

    get port(): number { return this.#port; }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      h.listeners.delete(this.#port);
      h.tcpPorts.delete(this.#port);
      for (const t of this.#queue.splice(0)) t[ABORT]();
    }
  }

  class UDP {
    #queue: ArrayBuffer[] = [];
    #port: number;
    #closed = false;
    onReadable: Cb;
    target: unknown;

    constructor(o: Record<string, any> = {}) {
      const port = o.port ?? 0;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new realm.RangeError('invalid port');
      this.onReadable = o.onReadable; this.target = o.target;
      const sock = {
        local: { family: 6, address: '::', port } as Endpoint, v6only: false,
        onMessage: (data: Uint8Array, from: Endpoint) => {
          if (this.#closed || this.#queue.length >= UDP_QUEUE) return;
          const ab = boardBuffer(realm, data) as ArrayBuffer & { address: string; port: number };
          ab.address = from.address;
          ab.port = from.port;
          this.#queue.push(ab);
          realm.post(() => !this.#closed && this.#queue.length && this.onReadable?.(this.#queue.length));
        },
      };
      const p = h.bindUdp(sock, false);
      if (p < 0) throw err('bind failed');
      this.#port = p;
    }

    read(): ArrayBuffer | undefined {
      if (this.#closed) throw err('closed');
      return this.#queue.shift();
    }

    write(data: unknown, address: unknown, port: unknown): void {
      if (this.#closed) throw err('closed');
      const fam = numericFamily(address);
      if (!fam) throw new realm.RangeError('invalid IP address');
      const bytes = bytesOf(data);
      if (!bytes || !Number.isInteger(port) || (port as number) <= 0 || (port as number) > 65535) throw err('UDP send failed');
      h.net.udpSend(h, { family: fam, address: fam === 6 ? '::' : '0.0.0.0', port: this.#port },
        { family: fam, address: address as string, port: port as number }, bytes);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      h.udp.delete(this.#port);
    }
  }

  /** The UDP DNS resolver; answers come from the virtual network's DNS after one round trip. */
  class Resolver {
    constructor(readonly options: Record<string, any> = {}) {}

    resolve(o: { host: string; onResolved?: (host: string, address: string) => void; onError?: (host: string) => void }): void {
      const l = h.net.link(h, h.net.host);
      setTimeout(() => {
        const found = h.net.lookup(String(o.host), 4);
        realm.post(() => (found?.length ? o.onResolved?.(o.host, found[0].address) : o.onError?.(o.host)));
      }, 2 * h.net.delay(l, 64, false));
    }

    close(): void {}
  }

  /** System.resolve(name, callback(host, address | undefined)). */
  const System = {
    resolve(name: string, cb: (host: string, address?: string) => void): void {
      new Resolver().resolve({ host: name, onResolved: cb, onError: (n) => cb(n, undefined) });
    },
  };

  return { TCP, UDP, Listener, Resolver, System };
}

export type ModdableIO = ReturnType<typeof moddableIO>;
