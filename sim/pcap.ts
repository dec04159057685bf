/**
 * `zsock sim --pcap FILE`: every frame of the virtual network in a libpcap file, as QEMU's
 * filter-dump writes one: Ethernet, IPv4 or IPv6, TCP or UDP, with correct checksums, each frame
 * stamped with the simulator's clock when its sender puts it on the wire. The virtual TCP has no
 * sequence numbers of its own: each connection end counts what it sent and received, which is
 * what the numbers in the capture are (SYN and FIN count one, as in RFC 9293).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Endpoint, VHost } from './vnet.js';

/** What a TCP frame says: its flags and payload, from one end to the other. */
export interface TcpFrame {
  from: Endpoint; to: Endpoint; fromHost: VHost; toHost: VHost;
  seq: number; ack: number; flags: { syn?: boolean; ack?: boolean; fin?: boolean; rst?: boolean; psh?: boolean };
  payload: Uint8Array;
  /** The window the sender advertises (its free receive buffer). */
  window?: number;
}

const MSS = 1460;
const FLAG = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** The one's-complement sum of RFC 1071 over `parts`. */
function checksum(parts: Uint8Array[]): number {
  let sum = 0, odd = -1;
  for (const p of parts) {
    for (const b of p) {
      if (odd < 0) odd = b;
      else { sum += (odd << 8) | b; odd = -1; }
    }
  }
  if (odd >= 0) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipBytes(a: string): Uint8Array {
  if (!a.includes(':')) return Uint8Array.from(a.split('.').map(Number));
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [], t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
}

/** A locally administered MAC per host: 02:7a:73:00:00:NN (the host's index on the network). */
function mac(h: VHost): Uint8Array {
  const n = h.net.hosts.indexOf(h) + 1;
  return Uint8Array.of(0x02, 0x7a, 0x73, 0, n >> 8, n & 0xff);
}

function be16(b: Uint8Array, at: number, v: number): void { b[at] = (v >> 8) & 0xff; b[at + 1] = v & 0xff; }
function be32(b: Uint8Array, at: number, v: number): void { be16(b, at, (v >>> 16) & 0xffff); be16(b, at + 2, v & 0xffff); }

/** Ethernet + IP around a transport segment whose checksum field is at `csumAt`. */
function frame(fromHost: VHost, toHost: VHost, from: string, to: string, proto: 6 | 17, seg: Uint8Array, csumAt: number): Uint8Array {
  const v6 = from.includes(':');
  const src = ipBytes(from), dst = ipBytes(to);
  const len = new Uint8Array(4);
  be32(len, 0, seg.length);
  const pseudo = v6 ? [src, dst, len, Uint8Array.of(0, 0, 0, proto)] : [src, dst, Uint8Array.of(0, proto), len.subarray(2)];
  let c = checksum([...pseudo, seg]);
  if (proto === 17 && c === 0) c = 0xffff; // UDP: 0 means "no checksum"
  be16(seg, csumAt, c);
  const ip = new Uint8Array(v6 ? 40 : 20);
  if (v6) {
    ip[0] = 0x60; be16(ip, 4, seg.length); ip[6] = proto; ip[7] = 64; ip.set(src, 8); ip.set(dst, 24);
  } else {
    ip[0] = 0x45; be16(ip, 2, 20 + seg.length); ip[6] = 0x40; ip[8] = 64; ip[9] = proto; ip.set(src, 12); ip.set(dst, 16);
    be16(ip, 10, checksum([ip]));
  }
  const eth = new Uint8Array(14);
  eth.set(mac(toHost), 0); eth.set(mac(fromHost), 6); be16(eth, 12, v6 ? 0x86dd : 0x0800);
  const out = new Uint8Array(14 + ip.length + seg.length);
  out.set(eth); out.set(ip, 14); out.set(seg, 14 + ip.length);
  return out;
}

/** A capture file being written: the libpcap global header, then one record per frame. */
export class Pcap {
  private fd: number | null;

  constructor(readonly path: string, private readonly clock: () => number = Date.now) {
    this.fd = openSync(path, 'w');
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, 0xa1b2c3d4, true); h.setUint16(4, 2, true); h.setUint16(6, 4, true);
    h.setUint32(16, 65535, true); h.setUint32(20, 1, true); // snaplen, LINKTYPE_ETHERNET
    writeSync(this.fd, new Uint8Array(h.buffer));
  }

  private record(bytes: Uint8Array): void {
    if (this.fd === null) return;
    const ms = this.clock();
    const h = new DataView(new ArrayBuffer(16));
    h.setUint32(0, Math.floor(ms / 1000), true);
    h.setUint32(4, Math.round((ms % 1000) * 1000), true);
    h.setUint32(8, bytes.length, true); h.setUint32(12, bytes.length, true);
    writeSync(this.fd, new Uint8Array(h.buffer));
    writeSync(this.fd, bytes);
  }

  /** A UDP datagram as its sender sends it. */
  udp(fromHost: VHost, toHost: VHost, from: Endpoint, to: Endpoint, data: Uint8Array): void {
    const seg = new Uint8Array(8 + data.length);
    be16(seg, 0, from.port); be16(seg, 2, to.port); be16(seg, 4, seg.length); seg.set(data, 8);
    this.record(frame(fromHost, toHost, from.address, to.address, 17, seg, 6));
  }

  /** A TCP segment (data longer than one MSS goes out as several frames). */
  tcp(f: TcpFrame): void {
    let seq = f.seq;
    for (let at = 0; at === 0 || at < f.payload.length; at += MSS) {
      const chunk = f.payload.subarray(at, at + MSS);
      const seg = new Uint8Array(20 + chunk.length);
      be16(seg, 0, f.from.port); be16(seg, 2, f.to.port); be32(seg, 4, seq >>> 0); be32(seg, 8, f.ack >>> 0);
      seg[12] = 5 << 4;
      seg[13] = Object.entries(f.flags).reduce((x, [k, on]) => x | (on ? FLAG[k as keyof typeof FLAG] : 0), 0) | (chunk.length ? FLAG.psh : 0);
      be16(seg, 14, Math.min(f.window ?? 65535, 65535));
      seg.set(chunk, 20);
      this.record(frame(f.fromHost, f.toHost, f.from.address, f.to.address, 6, seg, 16));
      seq += chunk.length;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
