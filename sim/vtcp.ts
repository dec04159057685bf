/**
 * Virtual TCP: one TcpEnd per side of a connection, and a Pipe per direction that delivers
 * segments in order after the link's delay. Flow control is TCP's window (RFC 9293 3.8.6): each
 * end has a receive buffer (`rcvBuf`; lwIP's TCP_WND unless its owner says otherwise) and
 * advertises what is free of it in every segment; bytes arrive into it, are acknowledged at once,
 * and leave it when the owner's application takes them (consumed()). A sender keeps what the
 * window does not admit in its send queue (its stack's send buffer, `unacked`). A window that
 * reopens is advertised once it is no longer short (RFC 1122 4.2.3.3, as Zephyr's
 * tcp_update_recv_wnd), and a sender facing a zero window probes it on the persist timer.
 */
import * as E from '../src/errno.js';
import type { Endpoint, VHost, VNet } from './vnet.js';

type Segment =
  | { kind: 'syn' } | { kind: 'synack'; wnd: number } | { kind: 'refuse' } | { kind: 'probe' }
  | { kind: 'data'; bytes: Uint8Array } | { kind: 'ack'; n: number; wnd: number } | { kind: 'fin' } | { kind: 'rst' };

/** lwIP's TCP_WND on ESP32 (4 * MSS), the receive buffer of an end whose owner sets none. */
export const DEFAULT_RCVBUF = 5744;
/** The MSS a short window is measured against (Ethernet's, with timestamps: lwIP's TCP_MSS). */
const MSS = 1436;
/** Zero-window probes: first after one RTO, then doubling up to Zephyr's ZWP_MAX_DELAY_MS. */
const PERSIST_MIN_MS = 200;
const PERSIST_MAX_MS = 120000;

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
  /** The peer acknowledged bytes or opened its window: send room grew. */
  onAck(): void;
  onError(errno: number): void;
  onClose(): void;
}

const NOOP: TcpEndEvents = { onConnect() {}, onData() {}, onEnd() {}, onAck() {}, onError() {}, onClose() {} };

export class TcpEnd {
  events: TcpEndEvents = NOOP;
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** This end's receive buffer: the most the peer may have sent and this end's owner not taken.
   *  Set it before the connection opens (a listener's `rcvBuf`, or right after tcpConnect). */
  rcvBuf = DEFAULT_RCVBUF;
  peer: TcpEnd | null = null;
  peerHost: VHost | null = null;
  private out: Pipe | null = null;
  private finWanted = false;
  private finSent = false;
  private finRcvd = false;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private synRto = 0;
  /** Receive side: bytes arrived and not consumed; the window last advertised. */
  private held = 0;
  private advertised = DEFAULT_RCVBUF;
  /** Send side: the peer's window, bytes in flight, and what waits for the window. */
  private sndWnd = 0;
  private inflight = 0;
  private readonly sendQ: Uint8Array[] = [];
  private queued = 0;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  private persistMs = PERSIST_MIN_MS;
  /** For the capture (sim/pcap.ts): the initial sequence number, what was sent and received. */
  readonly isn: number;
  private sentSeq = 0;
  private rcvdSeq = 0;
  private ackSent = -1;
  private wndSent = -1;

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
    const window = this.window();
    // An ack that acknowledges nothing new and moves no window is no frame real TCP would send.
    if (seg.kind === 'ack' && this.ackSent === this.rcvdSeq && this.wndSent === window) return;
    this.ackSent = this.rcvdSeq;
    this.wndSent = window;
    this.net.pcap!.tcp({ from: this.local, to: this.remote, fromHost: this.host, toHost: this.peerHost!, seq, ack: seg.kind === 'syn' ? 0 : peerIsn + this.rcvdSeq, flags, payload, window });
    if (seg.kind === 'syn' || seg.kind === 'synack' || seg.kind === 'fin') this.sentSeq = Math.max(this.sentSeq, 1) + (seg.kind === 'fin' ? 1 : 0);
    else if (seg.kind === 'data') this.sentSeq += payload.length;
  }

  /** Client side: sends the SYN to `dst` over `link`. */
  syn(link: LinkRef, dst: VHost): void {
    this.peerHost = dst;
    this.out = new Pipe(this.net, link, (s) => this.net.arriveSyn(dst, this));
    this.advertise();
    this.emit({ kind: 'syn' });
    this.connectTimer = setTimeout(() => this.fail(E.ETIMEDOUT, false), this.net.connectTimeoutMs);
  }

  /** The SYN was dropped: send it again after the retransmission timeout (1 s, doubling). */
  retrySyn(): void {
    const rto = (this.synRto = this.synRto ? this.synRto * 2 : 1000);
    setTimeout(() => this.state === 'connecting' && this.emit({ kind: 'syn' }), rto);
  }

  /** Server side: joins the client end; the SYN-ACK goes back with this end's window (the SYN
   *  carried the client's: its receive buffer as it was sent). */
  pair(client: TcpEnd): void {
    const link = this.net.link(this.host, client.host);
    this.peer = client;
    this.peerHost = client.host;
    client.peer = this;
    this.state = 'open';
    this.rcvdSeq = 1; // the client's SYN
    this.sndWnd = client.advertised;
    this.out = new Pipe(this.net, link, (s) => client.arrive(s));
    // From now on the client's segments go to this end.
    client.out!.close();
    client.out = new Pipe(this.net, link, (s) => this.arrive(s));
    this.emit({ kind: 'synack', wnd: this.advertise() });
  }

  /** The free part of the receive buffer. */
  private window(): number {
    return Math.max(0, this.rcvBuf - this.held);
  }

  /** The window to put in a segment now (and remember as advertised). */
  private advertise(): number {
    return (this.advertised = this.window());
  }

  /** A window too small to be worth a segment of its own (Zephyr's tcp_short_window). */
  private short(w: number): boolean {
    return w <= Math.min(MSS, Math.floor(this.rcvBuf / 2));
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
        this.sndWnd = s.wnd;
        if (this.net.pcap) this.capture({ kind: 'ack', n: 0, wnd: this.window() }); // the handshake's third segment
        this.events.onConnect();
        break;
      case 'data':
        this.rcvdSeq += s.bytes.length;
        this.held += s.bytes.length;
        this.events.onData(s.bytes); // the owner may consume at once: the ack then says so
        if (this.state === 'open') this.emit({ kind: 'ack', n: s.bytes.length, wnd: this.advertise() });
        break;
      case 'probe': this.emit({ kind: 'ack', n: 0, wnd: this.advertise() }); break;
      case 'ack':
        this.inflight -= s.n;
        this.sndWnd = s.wnd;
        this.pump();
        this.events.onAck();
        this.maybeClose();
        break;
      case 'fin': this.rcvdSeq++; this.finRcvd = true; this.events.onEnd(); this.maybeClose(); break;
      case 'rst': this.fail(E.ECONNRESET, false); break;
    }
  }

  /** Bytes in this end's send buffer: in flight, or waiting for the peer's window. */
  get unacked(): number {
    return this.inflight + this.queued;
  }

  /** Queues bytes for the peer; they leave as its window admits them. */
  send(bytes: Uint8Array): number {
    if (this.state !== 'open' || this.finWanted) return -E.ENOTCONN;
    if (!bytes.length) return 0;
    this.sendQ.push(bytes.slice());
    this.queued += bytes.length;
    this.pump();
    return bytes.length;
  }

  /** Sends what the peer's window admits; then the FIN, once nothing waits before it. */
  private pump(): void {
    while (this.sendQ.length && this.state === 'open') {
      const room = this.sndWnd - this.inflight;
      if (room <= 0) break;
      const head = this.sendQ[0];
      const part = head.length <= room ? this.sendQ.shift()! : head.subarray(0, room);
      if (part !== head) this.sendQ[0] = head.subarray(room);
      this.queued -= part.length;
      this.inflight += part.length;
      this.emit({ kind: 'data', bytes: part });
    }
    if (this.sendQ.length && this.inflight === 0) this.persist();
    else this.stopPersist();
    if (this.finWanted && !this.finSent && !this.sendQ.length && this.state === 'open') {
      this.finSent = true;
      this.emit({ kind: 'fin' });
    }
  }

  /** Zero window with data waiting: probe it until it opens (RFC 9293 3.8.6.1). */
  private persist(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      if (this.state !== 'open' || !this.sendQ.length || this.inflight > 0) return;
      this.emit({ kind: 'probe' });
      this.persistMs = Math.min(this.persistMs * 2, PERSIST_MAX_MS);
      this.persist();
    }, this.persistMs);
    this.persistTimer.unref?.();
  }

  private stopPersist(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.persistMs = PERSIST_MIN_MS;
  }

  /** The application took `n` received bytes: the window reopens by as much, and is advertised
   *  when it stops being short. */
  consumed(n: number): void {
    if (n <= 0) return;
    this.held = Math.max(0, this.held - n);
    if (this.state === 'open' && this.short(this.advertised) && !this.short(this.window())) {
      this.emit({ kind: 'ack', n: 0, wnd: this.advertise() });
    }
  }

  /** FIN after what is queued; a connect still under way is given up. */
  end(): void {
    if (this.state === 'connecting') return this.closed(false);
    if (this.state !== 'open' || this.finWanted) return;
    this.finWanted = true;
    this.pump();
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
    if (this.finSent && this.finRcvd && this.inflight === 0 && this.state === 'open') {
      this.closed(true);
      this.events.onClose();
    }
  }

  /** `flush`: let the segments already queued (the last data, FIN, RST) reach the peer. */
  private closed(flush: boolean): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.stopPersist();
    this.state = 'closed';
    this.host.conns.delete(this);
    if (this.ownsPort) this.host.tcpPorts.delete(this.local.port);
    const out = this.out;
    if (!out) return;
    if (flush) setTimeout(() => out.close(), 60000).unref?.();
    else out.close();
  }
}
