/**
 * DTLS sockets (IPPROTO_DTLS_1_2) over an inner UDP socket, as Zephyr's sockets_tls.c does them:
 *  - client (TLS_DTLS_ROLE 0): the peer is fixed by connect() or the first sendto(); the
 *    handshake runs in connect() (TLS_DTLS_HANDSHAKE_ON_CONNECT, default) or in the first send;
 *  - server (role 1): no accept(); a session per peer address, made when its first datagram
 *    arrives (HelloVerify cookies on), advanced as datagrams arrive, dropped after
 *    CONFIG_NET_SOCKETS_DTLS_TIMEOUT idle or at the peer's close_notify (POLLHUP).
 * Retransmission runs on the session's timer; one record per send and per recv, a short read
 * truncates (MSG_TRUNC gives the real length).
 */
import * as E from '../errno.js';
import * as C from '../constants.js';
import { config } from '../config.js';
import { TlsSession, TlsServerState, VERIFY_NOT_RUN, failureErrno, dtlsRecordCid, dtlsRecordSeq, checkCookie } from '../tls/index.js';
import { timers, randomFill, type Timer } from '../platform.js';
import { Sock, type Out } from './socket.js';
import { UdpSock } from './udp.js';
import { TlsOptions } from './tls_options.js';
import { canonical, fill, inet_pton, type SockAddr } from './addr.js';
import type { ContextToken } from './tls_state.js';
import { ownOption } from './tls_sockopt.js';

interface Peer {
  addr: SockAddr;
  session: TlsSession;
  cid: Uint8Array | null;   // the connection ID we asked this peer to use (server: unique)
  established: boolean;
  last: number;
  /** The newest record (epoch and sequence) seen from the peer's current address. */
  newest: number;
}

const SCRATCH = new Uint8Array(16384);
const SERVER_CID_LEN = 8;
const keyOf = (a: SockAddr) => `${a.addr}|${a.port}`;

/** n random bytes (a CID: unique per peer, not secret, but not guessable either). */
function random(n: number): Uint8Array {
  const b = new Uint8Array(n);
  randomFill(b);
  return b;
}

/** A peer's address and port as bytes: what the cookie is bound to. */
function transportId(a: SockAddr): Uint8Array {
  const ip = new Uint8Array(16);
  inet_pton(a.family, a.addr, ip);
  return new Uint8Array([...ip, a.port >> 8, a.port & 0xff]);
}

/** A DTLS socket: one session per peer over an inner UDP socket (client: one fixed peer;
 *  server: sessions made as peers' first datagrams arrive). Holds one TLS context until close. */
export class DtlsSock extends Sock {
  readonly tls = new TlsOptions();
  private readonly inner: UdpSock;
  private readonly peers = new Map<string, Peer>();
  private peer: SockAddr | null = null;     // client: the fixed peer
  private rx: { data: Uint8Array; full: number; from: SockAddr }[] = [];
  private srv: TlsServerState | null = null;
  private timer: Timer = undefined;
  private hup = false;                       // a session ended: POLLHUP until the next recv
  private failed = 0;                        // client handshake failure (errno)
  private peerClosed = false;                // client: close_notify seen
  private processing = false;
  private readonly unsubscribe: () => void;

  /** `ctx`: the TLS context this socket holds until it closes (taken by socket()). */
  constructor(family: number, proto: number, private ctx: ContextToken | null) {
    super(family, C.SOCK_DGRAM, proto);
    this.inner = new UdpSock(family);
    this.inner.nonblock = true;
    this.unsubscribe = this.inner.wq.subscribe(() => this.process());
  }

  private get server(): boolean {
    return this.tls.dtlsRole === C.TLS_DTLS_ROLE_SERVER;
  }

  override bind(addr: SockAddr): number { return this.inner.bind(addr); }
  override whenReady(): Promise<void> { return this.inner.whenReady(); }

  override async connect(addr: SockAddr): Promise<number> {
    if (this.server) return -E.EOPNOTSUPP;
    if (this.peer) return -E.EISCONN;
    const r = await this.inner.connect(addr);
    if (r < 0) return r;
    this.peer = { family: addr.family, addr: canonical(addr, this.family)!, port: addr.port };
    if (!this.tls.handshakeOnConnect) return 0; // the first send shakes hands
    return this.handshake(this.nonblock);
  }

  /** zsock_tls_handshake on a client (useful with TLS_DTLS_HANDSHAKE_ON_CONNECT 0): starts or
   *  waits for the handshake. 0 done, -EINPROGRESS not yet (non-blocking), -ENOTCONN without a
   *  peer, -EOPNOTSUPP on a server (its handshakes run per peer inside recvfrom). */
  shakeHands(): Promise<number> {
    if (this.server) return Promise.resolve(-E.EOPNOTSUPP);
    if (!this.peer) return Promise.resolve(-E.ENOTCONN);
    return this.handshake(this.nonblock);
  }

  /** Client: starts (once) and waits for the handshake; -EINPROGRESS when non-blocking. */
  private async handshake(nonblock: boolean): Promise<number> {
    const p = this.clientPeer() ?? this.newPeer(this.peer!, 'client');
    if (!p) return -E.ENOMEM;
    this.process();
    if (nonblock && !p.established && !this.failed) return -E.EINPROGRESS;
    return this.block(() => (this.failed ? -this.failed : p.established ? 0 : null),
      config.NET_SOCKETS_TLS_CONNECT_TIMEOUT, false, -E.ETIMEDOUT) as Promise<number>;
  }

  private clientPeer(): Peer | undefined {
    return this.peer ? this.peers.get(keyOf(this.peer)) : undefined;
  }

  private newPeer(addr: SockAddr, role: 'client' | 'server'): Peer | null {
    const cfg = this.tls.engineConfig(role, true);
    if (this.tls.dtlsCid !== C.TLS_DTLS_CID_DISABLED) {
      // A server gives every peer its own random CID: that is how it finds the session when
      // the peer's address changes. A client may choose its own (TLS_DTLS_CID_VALUE).
      cfg.cid = this.tls.dtlsCid === C.TLS_DTLS_CID_SUPPORTED ? new Uint8Array(0)
        : role === 'client' && this.tls.dtlsCidValue ? this.tls.dtlsCidValue
        : random(role === 'server' ? SERVER_CID_LEN : 8);
    }
    if (role === 'server') {
      cfg.serverState = { handle: this.serverState().handle, cookies: true, tickets: false, cache: !!this.tls.sessionCache };
      cfg.transportId = transportId(addr); // bound into the cookie
    }
    let session: TlsSession;
    try {
      session = new TlsSession(cfg);
    } catch (e) {
      if (role === 'client') this.failed = (e as { errno?: number }).errno ?? E.EINVAL;
      return null;
    }
    const p: Peer = { addr, session, cid: cfg.cid?.length ? cfg.cid : null, established: false, last: Date.now(), newest: -1 };
    this.peers.set(keyOf(addr), p);
    return p;
  }

  private dropPeer(p: Peer): void {
    p.session.free();
    this.peers.delete(keyOf(p.addr));
  }

  /** Datagrams in, handshakes and decryption, datagrams out, timers: on every inner event. */
  private process(): void {
    if (this.processing || this.closed) return;
    this.processing = true;
    try {
      const now = Date.now();
      for (let d = this.inner.recvNow(); d; d = this.inner.recvNow()) {
        const p = this.peers.get(keyOf(d.from));
        if (p) {
          p.session.feed(d.data);
          p.last = now;
          p.newest = Math.max(p.newest, dtlsRecordSeq(d.data) ?? -1);
        } else if (this.server) {
          this.stranger(d.data, d.from, now);
        } // a client ignores strangers
      }
      // The inner socket's own failure (the host refused its bind): this socket's error.
      if (this.inner.error && !this.error) this.error = this.inner.takeError();
      for (const p of [...this.peers.values()]) this.step(p, now);
      this.rearm(now);
    } finally {
      this.processing = false;
      this.changed();
    }
  }

  private serverState(): TlsServerState {
    this.srv ??= new TlsServerState();
    return this.srv;
  }

  /** Server: a datagram from an address with no session. A record with a known session's CID
   *  may be that peer after a NAT rebinding; anything else must be a ClientHello, answered
   *  statelessly until it returns a valid cookie (RFC 6347 §4.2.1). A session is made only
   *  then, and only while there is room (established peers are never evicted). */
  private stranger(data: Uint8Array, from: SockAddr, now: number): void {
    const cid = dtlsRecordCid(data, SERVER_CID_LEN);
    if (cid) return this.rebinding(cid, data, from, now);
    const v = checkCookie(this.serverState(), data, transportId(from), now);
    if (v.kind === 'reply') this.inner.sendNow(v.bytes, from);
    if (v.kind !== 'session' || this.peers.size >= config.NET_SOCKETS_TLS_MAX_SESSION_CONTEXTS) return;
    const p = this.newPeer(from, 'server');
    if (!p) return;
    p.session.feed(data);
    p.newest = dtlsRecordSeq(data) ?? -1;
  }

  /** A record carrying an established session's CID from another address. The CID is sent
   *  in clear, so the session moves only once the record authenticates (it decrypts to data
   *  or an alert) and only if it is the newest record from that peer (RFC 9146 §6); a forged
   *  or replayed one is dropped by the session and changes nothing. */
  private rebinding(cid: Uint8Array, data: Uint8Array, from: SockAddr, now: number): void {
    const p = [...this.peers.values()].find((x) => x.established && x.cid?.every((b, i) => b === cid[i]));
    if (!p) return;
    const seq = dtlsRecordSeq(data) ?? -1;
    const before = this.rx.length, lost = this.hup;
    p.session.feed(data);
    this.step(p, now);
    const authentic = this.rx.length > before || this.hup !== lost || !this.peers.has(keyOf(p.addr));
    if (!authentic || seq <= p.newest || !this.peers.has(keyOf(p.addr))) return;
    this.peers.delete(keyOf(p.addr));
    p.addr = from;
    p.newest = seq;
    p.last = now;
    this.peers.set(keyOf(from), p);
    for (const d of this.rx.slice(before)) d.from = from;
  }

  private step(p: Peer, now: number): void {
    const s = p.session;
    if (!p.established) {
      const st = s.handshake(now);
      if (st.state === 'done') p.established = true;
      else if (st.state === 'fatal') return this.lose(p, failureErrno({ kind: 'engine', error: st.error }, false));
      else if (st.state !== 'want-read') return this.lose(p, failureErrno({ kind: 'peer-closed' }, false));
    }
    while (p.established) {
      const st = s.read(SCRATCH, now);
      if (st.state === 'done') this.rx.push({ data: SCRATCH.slice(0, st.n), full: st.full ?? st.n, from: p.addr });
      else if (st.state === 'closed') return this.lose(p, 0);
      else if (st.state === 'fatal') return this.lose(p, failureErrno({ kind: 'engine', error: st.error }, true));
      else break;
    }
    for (const d of s.drain()) this.inner.sendNow(d, p.addr);
    if (this.server && p.established && now - p.last > config.NET_SOCKETS_DTLS_TIMEOUT) {
      // An idle session expires; the peer is told (close_notify), so its recv says ENOTCONN
      // instead of waiting for records that will never come.
      s.closeNotify(now);
      this.lose(p, 0);
    }
  }

  /** A session ended: errno 0 for a close (close_notify or idle expiry), else a failure. */
  private lose(p: Peer, errno: number): void {
    for (const d of p.session.drain()) this.inner.sendNow(d, p.addr); // the alert, if any
    if (this.server) {
      this.dropPeer(p);
      this.hup = true;
      return;
    }
    if (errno === 0) this.peerClosed = true;
    else if (!p.established) this.failed = errno;
    else this.error = errno;
  }

  /** The next wake: a retransmission deadline, or a server session's idle expiry. */
  private rearm(now: number): void {
    timers.stop(this.timer);
    this.timer = undefined;
    let next = Infinity;
    for (const p of this.peers.values()) {
      const d = p.session.timerDeadline;
      if (!p.established && d !== null) next = Math.min(next, d);
      if (this.server && p.established) next = Math.min(next, p.last + config.NET_SOCKETS_DTLS_TIMEOUT + 1);
    }
    if (next !== Infinity) this.timer = timers.start(Math.max(0, next - now), () => this.process(), true);
  }

  override async sendto(buf: Uint8Array, flags: number, to: SockAddr | null): Promise<number> {
    if (this.server) {
      if (!to) return -E.EDESTADDRREQ;
      const p = this.peers.get(keyOf({ ...to, addr: canonical(to, this.family) ?? to.addr }));
      if (!p?.established) return -E.ENOTCONN;
      return this.send(p, buf);
    }
    if (to && this.peer && (canonical(to, this.family) !== this.peer.addr || to.port !== this.peer.port)) return -E.EISCONN;
    if (!this.peer) {
      if (!to) return -E.EDESTADDRREQ;
      const r = await this.connect(to); // the first sendto fixes the peer
      if (r < 0 && r !== -E.EINPROGRESS) return r;
    }
    if (this.failed) return -this.failed;
    if (this.peerClosed) return -E.ECONNABORTED;
    if (!this.clientPeer()?.established) {
      const r = await this.handshake(this.nonblock || (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
      if (r === -E.EINPROGRESS) return -E.EAGAIN;
      if (r < 0) return r;
    }
    return this.send(this.clientPeer()!, buf);
  }

  private send(p: Peer, buf: Uint8Array): number {
    if (this.error) return -this.takeError();
    const st = p.session.write(buf, Date.now());
    if (st.state === 'fatal') return -st.error.errno; // EMSGSIZE for a datagram too large
    for (const d of p.session.drain()) this.inner.sendNow(d, p.addr);
    return buf.length;
  }

  override async recvfrom(buf: Uint8Array, flags: number, from: SockAddr | null, msg?: { flags: number }): Promise<number> {
    if (flags & C.ZSOCK_MSG_PEEK) return -E.ENOTSUP;
    this.hup = false; // the server socket recovers after POLLHUP
    if (!this.server && (!this.clientPeer()?.established || this.peerClosed) && this.rx.length === 0) return -E.ENOTCONN;
    return this.block(() => {
      const d = this.rx.shift();
      if (!d && !this.server && this.peerClosed) return -E.ENOTCONN; // the session ended meanwhile
      if (!d) return this.error ? -this.takeError() : null;
      const n = Math.min(buf.length, d.data.length);
      buf.set(d.data.subarray(0, n));
      if (n < d.full && msg) msg.flags |= C.ZSOCK_MSG_TRUNC;
      fill(from, d.from);
      return (flags & C.ZSOCK_MSG_TRUNC) !== 0 ? d.full : n;
    }, this.rcvtimeo, (flags & C.ZSOCK_MSG_DONTWAIT) !== 0);
  }

  override pollEvents(): number {
    if (this.failed) return C.ZSOCK_POLLERR;
    let ev = C.ZSOCK_POLLOUT; // DTLS is always writable
    if (this.rx.length) ev |= C.ZSOCK_POLLIN;
    if (this.error) ev |= C.ZSOCK_POLLERR;
    if (this.hup || this.peerClosed) ev |= C.ZSOCK_POLLHUP;
    return ev;
  }

  override readable(): number { return -E.EOPNOTSUPP; }
  override localAddr(): SockAddr | null { return this.inner.localAddr(); }
  override peerAddr(): SockAddr | null { return this.peer; }

  override getsockopt(level: number, name: number, out: Out<unknown>): number {
    if (level !== C.SOL_TLS) return ownOption(level, name) ? super.getsockopt(level, name, out) : this.inner.getsockopt(level, name, out);
    const p = this.clientPeer() ?? [...this.peers.values()][0];
    switch (name) {
      case C.TLS_CIPHERSUITE_USED:
        if (!p?.established) return -E.ENOTCONN;
        out.value = p.session.ciphersuite;
        return 0;
      case C.TLS_CERT_VERIFY_RESULT:
        if (!p || p.session.verifyResult >>> 0 === VERIFY_NOT_RUN) return -E.ENOTCONN; // not run (yet)
        out.value = p.session.verifyResult;
        return 0;
      case C.TLS_DTLS_CID_STATUS: {
        if (!p) return -E.ENOTCONN;
        if (!p.established) return -E.EAGAIN;
        const theirs = p.session.peerCid !== null, ours = this.tls.dtlsCid === C.TLS_DTLS_CID_ENABLED && theirs;
        out.value = !theirs ? C.TLS_DTLS_CID_STATUS_DISABLED : ours ? C.TLS_DTLS_CID_STATUS_BIDIRECTIONAL : C.TLS_DTLS_CID_STATUS_UPLINK;
        return 0;
      }
      case C.TLS_DTLS_PEER_CID_VALUE:
        if (!p?.established) return -E.ENOTCONN;
        out.value = p.session.peerCid ?? new Uint8Array(0);
        return 0;
      default:
        return this.tls.get(name, out);
    }
  }

  override setsockopt(level: number, name: number, value: unknown): number {
    if (level === C.SOL_TLS) return this.tls.set(name, value);
    return ownOption(level, name) ? super.setsockopt(level, name, value) : this.inner.setsockopt(level, name, value);
  }

  override close(): void {
    if (this.closed) return;
    timers.stop(this.timer);
    for (const p of this.peers.values()) { // Zephyr: close_notify to every session
      if (p.established) {
        p.session.closeNotify(Date.now());
        for (const d of p.session.drain()) this.inner.sendNow(d, p.addr);
      }
      p.session.free();
    }
    this.peers.clear();
    this.tls.wipe(); // key log lines not read (TLS_KEYLOG)
    super.close();
    this.unsubscribe();
    this.inner.close();
    this.srv?.free();
    this.ctx?.release();
    this.ctx = null;
  }
}
