/**
 * socketpair(AF_UNIX, SOCK_STREAM): two connected ends in memory, each direction buffered in
 * CONFIG_NET_SOCKETPAIR_BUFFER_SIZE bytes (64 by default, as Zephyr).
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { Sock } from './socket.js';
import type { SockAddr } from './addr.js';

/** One end of a socketpair: always connected, until either end closes (then EOF / EPIPE). */
export class PairSock extends Sock {
  peer: PairSock | null = null;
  private buf: Uint8Array;
  private len = 0;
  private peerClosed = false;

  constructor() {
    super(C.AF_UNIX, C.SOCK_STREAM, 0);
    this.buf = new Uint8Array(config.NET_SOCKETPAIR_BUFFER_SIZE);
  }

  static pair(): [PairSock, PairSock] {
    const a = new PairSock(), b = new PairSock();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  override bind(): number { return -E.EISCONN; }
  override async connect(): Promise<number> { return -E.EISCONN; }
  override listen(): number { return -E.EINVAL; }

  override async sendto(data: Uint8Array, flags: number, to: SockAddr | null): Promise<number> {
    if (to) return -E.EISCONN;
    if (data.length === 0) return 0;
    return this.block(() => {
      const p = this.peer;
      if (!p || this.peerClosed) return -E.EPIPE;
      const n = Math.min(p.buf.length - p.len, data.length);
      if (n === 0) return null;
      p.buf.set(data.subarray(0, n), p.len);
      p.len += n;
      p.changed();
      return n;
    }, this.sndtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  override async recvfrom(out: Uint8Array, flags: number): Promise<number> {
    if (out.length === 0) return 0;
    return this.block(() => {
      if (this.len === 0) return this.peerClosed ? 0 : null;
      const n = Math.min(this.len, out.length);
      out.set(this.buf.subarray(0, n));
      if ((flags & C.ZSOCK_MSG_PEEK) === 0) {
        this.buf.copyWithin(0, n, this.len);
        this.len -= n;
        this.peer?.changed(); // room for the writer
      }
      return n;
    }, this.rcvtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  override pollEvents(): number {
    let ev = 0;
    if (this.len > 0 || this.peerClosed) ev |= C.ZSOCK_POLLIN;
    if (this.peerClosed) ev |= C.ZSOCK_POLLHUP;
    else if (this.peer && this.peer.len < this.peer.buf.length) ev |= C.ZSOCK_POLLOUT;
    return ev;
  }

  override readable(): number {
    return this.len;
  }

  override localAddr(): SockAddr | null { return null; }
  override peerAddr(): SockAddr | null { return null; }

  override close(): void {
    super.close();
    const p = this.peer;
    this.peer = null;
    if (p) {
      p.peerClosed = true;
      p.peer = null;
      p.changed();
    }
  }
}
