/**
 * How a TCP stream socket meets what is above and below it: the driver's events for its
 * connection, and the connection as a TLS layer's transport. Each is one small object whose
 * methods are shared by every socket, not a set of closures per socket: a host holding
 * thousands of idle connections pays a few words for each, not a kilobyte.
 */
import type { TcpConn, TcpEvents } from '../net/driver.js';
import { timers } from '../platform.js';
import type { StreamTransport } from './tls_layer.js';

/** What the events need of their socket (tcp_stream.ts's TcpStream). */
export interface ConnOwner {
  /** Bumped when the socket drops a connection: events of an older one are ignored. */
  readonly connGen: number;
  connOpened(): void;
  connData(d: Uint8Array): void;
  connEnded(): void;
  connFailed(errno: number): void;
  connClosed(): void;
  /** Something moved on the connection (send room opened). */
  moved(): void;
}

/** The driver's events for generation `gen` of `s`'s connection (file comment). */
export class ConnEvents implements TcpEvents {
  constructor(private readonly s: ConnOwner, private readonly gen: number) {}

  private get mine(): boolean {
    return this.gen === this.s.connGen;
  }

  onConnect(): void { if (this.mine) this.s.connOpened(); }
  onData(d: Uint8Array): void { if (this.mine) this.s.connData(d); }
  onEnd(): void { if (this.mine) this.s.connEnded(); }
  onDrain(): void { if (this.mine) this.s.moved(); }
  onError(errno: number): void { if (this.mine) this.s.connFailed(errno); }
  onClose(): void { if (this.mine) this.s.connClosed(); }
}

/** A closed socket's connection while its FIN goes out (FIN_WAIT): the peer's close ends it,
 *  and so does the bound `ms` (a peer that never closes does not keep it forever). What still
 *  arrives is nobody's: the driver keeps reading so that the peer's FIN comes. */
export class FinWait implements TcpEvents {
  private timer: unknown;

  constructor(conn: TcpConn, ms: number) {
    this.timer = timers.start(ms, () => conn.destroy(), true);
  }

  onClose(): void {
    timers.stop(this.timer);
    this.timer = undefined;
  }

  onConnect(): void {}
  onData(): void {}
  onEnd(): void {}
  onDrain(): void {}
  onError(): void {}
}

/** What the transport needs of its socket (tcp_stream.ts's TcpStream). */
export interface TransportOwner {
  recvNow(dst: Uint8Array): number;
  sendNow(src: Uint8Array, copy: boolean): number;
  sendForce(src: Uint8Array): void;
  finish(): void;
  unread(bytes: Uint8Array): void;
}

/** The socket's connection as a TLS layer's transport: never waits, never consumes SO_ERROR. */
export class ConnTransport implements StreamTransport {
  constructor(private readonly s: TransportOwner) {}

  read(dst: Uint8Array): number { return this.s.recvNow(dst); }
  /** The layer's records are never reused, so they are not copied. */
  write(src: Uint8Array): number { return this.s.sendNow(src, false); }
  writeAll(src: Uint8Array): void { this.s.sendForce(src); }
  end(): void { this.s.finish(); }
  unread(bytes: Uint8Array): void { this.s.unread(bytes); }
}
