/**
 * The simulator's link to the real host, both ways, like QEMU user networking:
 * - hostfwd: a real port on 127.0.0.1 forwards to a board's port (tcp: and udp:), so openssl,
 *   curl or a node:net client reach the board;
 * - the host address (192.0.2.2) forwards to the real host's loopback, so a board reaches
 *   services running on the PC.
 */
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import type { Endpoint, HostBridge, TcpEnd, VHost, VNet } from './vnet.js';

/** Bytes a forwarded connection lets pile up before it stops reading the other side. */
const HIGH_WATER = 64 * 1024;

/** Joins a real socket and a virtual connection end, with backpressure both ways. */
function splice(sock: net.Socket, end: TcpEnd): void {
  sock.setNoDelay(true);
  end.events = {
    onConnect: () => sock.resume(),
    onData: (b) => { if (!sock.write(b)) sock.once('drain', () => end.consumed(b.length)); else end.consumed(b.length); },
    onEnd: () => sock.end(),
    onAck: () => { if (end.unacked < HIGH_WATER) sock.resume(); },
    onError: () => sock.resetAndDestroy(),
    onClose: () => sock.end(),
  };
  sock.on('data', (d: Buffer) => {
    end.send(new Uint8Array(d.buffer, d.byteOffset, d.length));
    if (end.unacked >= HIGH_WATER) sock.pause();
  });
  sock.on('end', () => end.end());
  sock.on('error', () => end.abort());
  sock.on('close', () => end.end());
}

export interface Forward { proto: 'tcp' | 'udp'; hostPort: number; guestPort: number }

export class Bridge implements HostBridge {
  private servers: (net.Server | dgram.Socket)[] = [];
  /** Once closed, traffic still on the virtual wire (a last close_notify) goes nowhere. */
  private closed = false;
  private outUdp = new Map<string, dgram.Socket>();
  private sockets = new Set<net.Socket>();

  constructor(readonly vnet: VNet) {
    vnet.bridge = this;
  }

  /** Starts forwarding 127.0.0.1:hostPort to board:guestPort; resolves with the real port. */
  forward(f: Forward, board: VHost): Promise<number> {
    return f.proto === 'tcp' ? this.forwardTcp(f, board) : this.forwardUdp(f, board);
  }

  private forwardTcp(f: Forward, board: VHost): Promise<number> {
    const srv = net.createServer((sock) => {
      this.track(sock);
      sock.pause();
      const end = this.vnet.tcpConnect(this.vnet.host, null, { family: 4, address: board.v4, port: f.guestPort });
      if (typeof end === 'number') return sock.destroy();
      splice(sock, end);
    });
    this.servers.push(srv);
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(f.hostPort, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
    });
  }

  private forwardUdp(f: Forward, board: VHost): Promise<number> {
    const sock = dgram.createSocket('udp4');
    const peers = new Map<string, number>(); // real peer → virtual port on the host address
    const back = new Map<number, { address: string; port: number }>();
    sock.on('message', (msg, r) => {
      const key = `${r.address}:${r.port}`;
      let vport = peers.get(key);
      if (!vport) {
        vport = this.vnet.host.ephemeral((p) => this.vnet.host.udp.has(p));
        peers.set(key, vport);
        back.set(vport, { address: r.address, port: r.port });
        this.vnet.host.udp.set(vport, {
          local: { family: 4, address: this.vnet.host.v4, port: vport }, v6only: true,
          onMessage: (data) => sock.send(data, r.port, r.address),
        });
      }
      this.vnet.udpSend(this.vnet.host, { family: 4, address: this.vnet.host.v4, port: vport },
        { family: 4, address: board.v4, port: f.guestPort }, new Uint8Array(msg));
    });
    this.servers.push(sock);
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(f.hostPort, '127.0.0.1', () => resolve(sock.address().port));
    });
  }

  /** A board connects to the host address: the connection goes to the real loopback, and the
   *  board's end exists only once that connect has succeeded. */
  tcpOut(to: Endpoint, accept: () => TcpEnd | null, refuse: () => void): void {
    if (this.closed) return refuse();
    const sock = net.connect(to.port, to.family === 6 ? '::1' : '127.0.0.1');
    this.track(sock);
    sock.once('error', refuse);
    sock.once('connect', () => {
      sock.off('error', refuse);
      const end = this.closed ? null : accept();
      if (!end) return void sock.resetAndDestroy();
      splice(sock, end);
    });
  }

  /** A board sends to the host address: one real UDP socket per virtual source. */
  udpOut(from: Endpoint, to: Endpoint, data: Uint8Array): void {
    if (this.closed) return;
    const key = `${from.address}|${from.port}|${to.port}`;
    let s = this.outUdp.get(key);
    if (!s) {
      const sock = dgram.createSocket(to.family === 6 ? 'udp6' : 'udp4');
      sock.on('message', (msg) => this.vnet.udpSend(this.vnet.host, { ...to, address: this.vnet.host.v4 }, from, new Uint8Array(msg)));
      sock.on('error', () => {});
      this.outUdp.set(key, sock);
      s = sock;
    }
    s.send(data, to.port, to.family === 6 ? '::1' : '127.0.0.1');
  }

  private track(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
  }

  close(): void {
    this.closed = true;
    for (const s of this.servers) s.close();
    for (const s of this.outUdp.values()) s.close();
    for (const s of this.sockets) s.resetAndDestroy(); // no pending FIN left for Node to wait on at exit
    this.servers = [];
    this.outUdp.clear();
  }
}
