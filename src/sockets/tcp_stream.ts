/**
 * The byte flow of one TCP connection as its socket sees it, apart from how the connection was
 * made (tcp.ts: connect, listen/accept, the TLS layer). Receive data waits in a queue (the
 * driver is paused when it reaches SO_RCVBUF); sends are accepted while the driver's unsent
 * bytes are below SO_SNDBUF, so short writes, EAGAIN and the loss of POLLOUT happen as on a
 * device. A base class rather than a helper object: an idle connection pays no extra object,
 * and the send and receive paths stay plain method calls.
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import type { TcpConn, TcpEvents } from '../net/driver.js';
import { Sock } from './socket.js';
import { fill, fromNet, type SockAddr } from './addr.js';
import { ByteQueue } from './byte_queue.js';
import { ConnEvents, FinWait } from './tcp_conn.js';

type State = 'new' | 'connecting' | 'connected' | 'listening' | 'failed';

/** A TCP socket's connection and the bytes queued each way (file comment); TcpSock (tcp.ts)
 *  adds how the connection is made. States: new -> connecting -> connected | failed;
 *  new -> listening. */
export abstract class TcpStream extends Sock {
  state: State = 'new';
  /** Bumped when a connection is dropped (ConnEvents ignores the old one's events). */
  connGen = 0;
  protected conn: TcpConn | null = null;
  private readonly rx = new ByteQueue();
  private eof = false;       // the peer's FIN
  private gone = false;      // the connection is closed
  private rdShut = false;    // shutdown(SHUT_RD)
  private paused = false;

  /** The driver's connect completed (ConnEvents, for the current connection only). @internal */
  abstract connOpened(): void;

  /** Something moved on the connection: whoever reads it is told (a TLS layer first). */
  abstract moved(): void;

  /** Takes `conn` (an accepted connection) as this socket's. */
  protected attach(conn: TcpConn): void {
    this.conn = conn;
    conn.events = this.events();
  }

  /** The driver's events for the current connection (generation `connGen`). */
  protected events(): TcpEvents {
    return new ConnEvents(this, this.connGen);
  }

  /** The driver's events (ConnEvents, for the current connection only). @internal */
  connData(d: Uint8Array): void {
    this.rx.push(d);
    if (this.rx.length >= this.rcvbuf && !this.paused) {
      this.paused = true;
      this.conn?.pause();
    }
    this.moved();
  }

  /** @internal */
  connEnded(): void {
    this.eof = true;
    this.moved();
  }

  /** @internal */
  connFailed(errno: number): void {
    if (this.state === 'connecting') this.state = 'failed';
    this.error = errno;
    this.moved();
  }

  /** @internal */
  connClosed(): void {
    this.gone = true;
    if (this.state === 'connecting') {
      this.state = 'failed';
      this.error ||= E.ECONNREFUSED;
    }
    this.moved();
  }

  /** send() without TLS: blocks per SO_SNDTIMEO until some of `buf` fits. */
  protected async sendPlain(buf: Uint8Array, flags: number, _to: SockAddr | null): Promise<number> {
    if (this.state !== 'connected') return this.state === 'failed' && this.error ? -this.takeError() : -E.ENOTCONN;
    if (buf.length === 0) return 0;
    return this.block(() => {
      const r = this.sendNow(buf);
      return r === -E.EAGAIN ? null : r;
    }, this.sndtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  /** Sends what fits now, never waiting: the count, -EAGAIN, or -errno. One driver write per
   *  call, of a copy (the caller may reuse buf), or of buf itself with `copy` false (a layer
   *  above that hands over bytes it never touches again). For layers above (TLS) and sendto. */
  sendNow(buf: Uint8Array, copy = true): number {
    if (this.state !== 'connected') return -E.ENOTCONN;
    if (this.error) return -this.takeError();
    if (this.gone || !this.conn) return -E.EPIPE;
    const room = this.sndbuf - this.conn.queued;
    if (room <= 0) return -E.EAGAIN;
    const n = Math.min(room, buf.length);
    this.conn.write(copy ? buf.slice(0, n) : buf.subarray(0, n));
    return n;
  }

  /** Sends FIN after what is queued (a layer above whose session died ends the transport). */
  finish(): void {
    if (this.conn && !this.gone) this.conn.end();
  }

  /** Hands bytes to the driver regardless of SO_SNDBUF (a closing TLS socket's last records). */
  sendForce(buf: Uint8Array): void {
    if (this.conn && !this.gone) this.conn.write(buf);
  }

  /** Puts bytes back in front of the receive queue: what a TLS session on this connection had
   *  taken but not used when it stopped (plain text again after close_notify). */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.rx.unshift(bytes);
    this.changed();
  }

  /** True while both directions are open (no FIN from the peer, no reset, no local close). */
  get established(): boolean {
    return this.state === 'connected' && !this.gone && !this.eof && !this.error;
  }

  /** Reads what is queued now, never waiting: the count, 0 at EOF, -EAGAIN, or -errno (the
   *  pending error is peeked, not taken: SO_ERROR still reports it). */
  recvNow(buf: Uint8Array): number {
    if (this.rx.length > 0) return this.take(buf, false);
    if (this.rdShut || this.eof) return 0;
    if (this.error) return -this.error;
    return this.gone ? 0 : -E.EAGAIN;
  }

  /** recv() without TLS: MSG_PEEK, MSG_WAITALL (a timeout keeps the partial count), per
   *  SO_RCVTIMEO. */
  protected async recvPlain(buf: Uint8Array, flags: number, from: SockAddr | null): Promise<number> {
    if (this.state !== 'connected') return this.state === 'failed' && this.error ? -this.takeError() : -E.ENOTCONN;
    if (buf.length === 0) return 0;
    const peek = (flags & C.ZSOCK_MSG_PEEK) !== 0;
    const waitall = (flags & C.ZSOCK_MSG_WAITALL) !== 0 && !peek;
    let got = 0;
    const r = await this.block(() => {
      if (this.rx.length > 0) {
        got += this.take(buf.subarray(got), peek);
        if (!waitall || got === buf.length) return got;
      }
      if (got > 0 && (this.eof || this.rdShut || this.error)) return got;
      if (this.rdShut || this.eof) return 0;
      if (this.error) return -this.takeError();
      return null;
    }, this.rcvtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
    if (from && this.conn?.remote) fill(from, fromNet(this.conn.remote));
    return typeof r === 'number' && r < 0 && got > 0 ? got : r; // a WAITALL timeout keeps the partial count
  }

  /** Copies queued bytes into dst; consumes them unless peeking. */
  private take(dst: Uint8Array, peek: boolean): number {
    const n = this.rx.take(dst, peek);
    if (peek) return n;
    if (this.paused && this.rx.length < this.rcvbuf) {
      this.paused = false;
      this.conn?.resume();
    }
    return n;
  }

  protected override shutdownRead(): number {
    this.rdShut = true;
    this.changed();
    return 0;
  }

  /** The connection's own poll events (a TLS layer adds its own on top; a listener's are
   *  TcpSock's). */
  plainEvents(): number {
    const err = this.error ? C.ZSOCK_POLLERR : 0;
    switch (this.state) {
      case 'failed': return C.ZSOCK_POLLERR;
      case 'connected': {
        let ev = err;
        if (this.rx.length > 0 || this.eof || this.rdShut || this.gone) ev |= C.ZSOCK_POLLIN;
        if (this.eof || this.gone) ev |= C.ZSOCK_POLLHUP;
        if (!this.gone && this.conn && this.conn.queued < this.sndbuf) ev |= C.ZSOCK_POLLOUT;
        return ev;
      }
      default: return err;
    }
  }

  /** FIONREAD: the bytes queued. */
  override readable(): number {
    return this.rx.length;
  }

  override peerAddr(): SockAddr | null {
    const r = this.state === 'connected' ? this.conn?.remote : null;
    return r ? fromNet(r) : null;
  }

  /** Lets the connection go at close: reset when received bytes were left unread (as a host
   *  stack does), else FIN after what is queued, the connection then in FIN_WAIT. */
  protected closeConn(): void {
    const conn = this.conn;
    if (conn && (this.rx.length > 0 || this.paused)) {
      conn.destroy();
    } else if (conn) {
      conn.end(); // the peer's FIN then closes it
      conn.events = new FinWait(conn, config.NET_TCP_FIN_TIMEOUT);
      conn.resume();
    }
  }
}
