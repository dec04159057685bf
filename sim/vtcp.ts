/**
 * Virtual TCP: one TcpEnd per side of a connection, and a Pipe per direction that delivers
 * segments in order after the link's delay. Flow control is a window: the sender counts bytes
 * not yet acknowledged, and the receiver acknowledges what its application consumed (consumed()),
 * so a reader that stops reading stops the writer, as with a real TCP window.
 */
import * as E from '../src/errno.js';
import type { Endpoint, VHost, VNet } from './vnet.js';

type Segment =
  | { kind: 'syn' } | { kind: 'synack' } | { kind: 'refuse' }
  | { kind: 'data'; bytes: Uint8Array } | { kind: 'ack'; n: number } | { kind: 'fin' } | { kind: 'rst' };

type LinkRef = ReturnType<VNet['link']>;

/** One direction of a link for one connection: FIFO, delayed, held while partitioned. */
export class Pipe {
  private q: { at: number; seg: Segment }[] = [];
  private lastAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly net: VNet, private readonly link: LinkRef, private readonly deliver: (s: Segment) => void) {
    link.pipes.add(this);
  }

  push(seg: Segment): void {
    const size = seg.kind === 'data' ? seg.bytes.length + 40 : 40;
    const at = Math.max(Date.now() + this.net.delay(this.link, size, false), this.lastAt);
    this.lastAt = at;
    this.q.push({ at, seg });
    this.kick();
  }

  /** (Re)arms the timer for the head segment, unless the link is cut. */
  kick(): void {
    if (this.timer || !this.q.length || this.link.partitioned) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, this.q[0].at - Date.now()));
  }

  private run(): void {
    this.timer = null;
    while (this.q.length && this.q[0].at <= Date.now() && !this.link.partitioned) this.deliver(this.q.shift()!.seg);
    this.kick();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.q = [];
    this.link.pipes.delete(this);
  }
}

/** What a TcpEnd tells its owner (an emulated native socket). */
export interface TcpEndEvents {
  onConnect(): void;
  onData(bytes: Uint8Array): void;
  onEnd(): void;
  /** The peer acknowledged bytes: send room grew. */
  onAck(): void;
  onError(errno: number): void;
  onClose(): void;
}

const NOOP: TcpEndEvents = { onConnect() {}, onData() {}, onEnd() {}, onAck() {}, onError() {}, onClose() {} };

export class TcpEnd {
  events: TcpEndEvents = NOOP;
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** Bytes sent and not yet acknowledged by the peer's application. */
  unacked = 0;
  peer: TcpEnd | null = null;
  peerHost: VHost | null = null;
  private out: Pipe | null = null;
  private finSent = false;
  private finRcvd = false;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private synRto = 0;
  /** For the capture (sim/pcap.ts): the initial sequence number, what was sent and received. */
  readonly isn: number;
  private sentSeq = 0;
  private rcvdSeq = 0;
  private ackSent = -1;

  /** `ownsPort`: a client end holds its port; an accepted end shares the listener's. */
  constructor(readonly net: VNet, readonly host: VHost, readonly local: Endpoint, readonly remote: Endpoint, readonly ownsPort = true) {
    host.conns.add(this);
    this.isn = (local.port * 2654435761 + remote.port * 40503) >>> 0;
  }

  /** Puts a segment on the wire: into the capture, if there is one, then into the pipe. */
  private emit(seg: Segment, out: Pipe | null = this.out): void {
    if (this.net.pcap) this.capture(seg);
    out?.push(seg);
  }

  private capture(seg: Segment): void {
    const peerIsn = this.peer?.isn ?? 0;
    const flags = seg.kind === 'syn' ? { syn: true } : seg.kind === 'synack' ? { syn: true, ack: true }
      : seg.kind === 'fin' ? { fin: true, ack: true } : seg.kind === 'rst' ? { rst: true, ack: true } : { ack: true };
    const payload = seg.kind === 'data' ? seg.bytes : new Uint8Array(0);
    const seq = this.isn + (seg.kind === 'syn' || seg.kind === 'synack' ? 0 : this.sentSeq);
    // A window credit that acknowledges nothing new is no frame real TCP would send.
    if (seg.kind === 'ack' && this.ackSent === this.rcvdSeq) return;
    this.ackSent = this.rcvdSeq;
    this.net.pcap!.tcp({ from: this.local, to: this.remote, fromHost: this.host, toHost: this.peerHost!, seq, ack: seg.kind === 'syn' ? 0 : peerIsn + this.rcvdSeq, flags, payload });
    if (seg.kind === 'syn' || seg.kind === 'synack' || seg.kind === 'fin') this.sentSeq = Math.max(this.sentSeq, 1) + (seg.kind === 'fin' ? 1 : 0);
    else if (seg.kind === 'data') this.sentSeq += payload.length;
  }

  /** Client side: sends the SYN to `dst` over `link`. */
  syn(link: LinkRef, dst: VHost): void {
    this.peerHost = dst;
    this.out = new Pipe(this.net, link, (s) => this.net.arriveSyn(dst, this));
    this.emit({ kind: 'syn' });
    this.connectTimer = setTimeout(() => this.fail(E.ETIMEDOUT, false), this.net.connectTimeoutMs);
  }

  /** The SYN was dropped: send it again after the retransmission timeout (1 s, doubling). */
  retrySyn(): void {
    const rto = (this.synRto = this.synRto ? this.synRto * 2 : 1000);
    setTimeout(() => this.state === 'connecting' && this.emit({ kind: 'syn' }), rto);
  }

  /** Server side: joins the client end; the SYN-ACK goes back. */
  pair(client: TcpEnd): void {
    const link = this.net.link(this.host, client.host);
    this.peer = client;
    this.peerHost = client.host;
    client.peer = this;
    this.state = 'open';
    this.rcvdSeq = 1; // the client's SYN
    this.out = new Pipe(this.net, link, (s) => client.arrive(s));
    // From now on the client's segments go to this end.
    client.out!.close();
    client.out = new Pipe(this.net, link, (s) => this.arrive(s));
    this.emit({ kind: 'synack' });
  }

  /** No listener: the destination answers the SYN with RST (ECONNREFUSED). */
  refused(): void {
    const back = new Pipe(this.net, this.net.link(this.peerHost!, this.host), () => { back.close(); this.fail(E.ECONNREFUSED, false); });
    this.net.pcap?.tcp({ from: this.remote, to: this.local, fromHost: this.peerHost!, toHost: this.host, seq: 0, ack: this.isn + 1, flags: { rst: true, ack: true }, payload: new Uint8Array(0) });
    back.push({ kind: 'refuse' });
  }

  private arrive(s: Segment): void {
    if (this.state === 'closed') return;
    switch (s.kind) {
      case 'synack':
        if (this.connectTimer) clearTimeout(this.connectTimer);
        this.state = 'open';
        this.rcvdSeq = 1;
        if (this.net.pcap) this.capture({ kind: 'ack', n: 0 }); // the handshake's third segment
        this.events.onConnect();
        break;
      case 'data': this.rcvdSeq += s.bytes.length; this.events.onData(s.bytes); break;
      case 'ack': this.unacked -= s.n; this.events.onAck(); this.maybeClose(); break;
      case 'fin': this.rcvdSeq++; this.finRcvd = true; this.events.onEnd(); this.maybeClose(); break;
      case 'rst': this.fail(E.ECONNRESET, false); break;
    }
  }

  send(bytes: Uint8Array): number {
    if (this.state !== 'open' || this.finSent) return -E.ENOTCONN;
    if (!bytes.length) return 0;
    this.unacked += bytes.length;
    this.emit({ kind: 'data', bytes: bytes.slice() });
    return bytes.length;
  }

  /** The application took `n` received bytes: acknowledge them (opens the peer's window). */
  consumed(n: number): void {
    if (n > 0 && this.state === 'open') this.emit({ kind: 'ack', n });
  }

  /** FIN after what is queued. */
  end(): void {
    if (this.state !== 'open' || this.finSent) return;
    this.finSent = true;
    this.emit({ kind: 'fin' });
    this.maybeClose();
  }

  /** RST: closes this end at once; the peer learns after the link's delay. */
  abort(): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.emit({ kind: 'rst' });
    this.closed(true);
  }

  /** Fails this end with `errno` (and its peer too when `both`, for a link reset). */
  fail(errno: number, both: boolean): void {
    if (this.state === 'closed') return;
    const peer = this.peer;
    this.closed(false);
    this.events.onError(errno);
    this.events.onClose();
    if (both && peer) peer.fail(errno, false);
  }

  private maybeClose(): void {
    if (this.finSent && this.finRcvd && this.unacked === 0 && this.state === 'open') {
      this.closed(true);
      this.events.onClose();
    }
  }

  /** `flush`: let the segments already queued (the last data, FIN, RST) reach the peer. */
  private closed(flush: boolean): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.state = 'closed';
    this.host.conns.delete(this);
    if (this.ownsPort) this.host.tcpPorts.delete(this.local.port);
    const out = this.out;
    if (!out) return;
    if (flush) setTimeout(() => out.close(), 60000).unref?.();
    else out.close();
  }
}
