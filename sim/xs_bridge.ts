/**
 * The simulator's end of an XS board's pipe (the board's end is xs/io419_sim.js): requests from
 * the board's ECMA-419 classes run on the emulation the V8 boards use (sim/natives/moddable.ts)
 * over the board's VHost, so the virtual network (latency, loss, DNS, hostfwd, pcap) behaves the
 * same for both engines. Each request gets one answer before the board goes on (lockstep); what
 * the emulation would call back (onReadable, onWritable, onError, resolver answers) is sent as an
 * event frame.
 * Frames: u32 LE length, u16 LE header length, the header (JSON), the payload bytes.
 */
import type { Writable } from 'node:stream';
import type { VHost } from './vnet.js';
import { moddableIO, type ModdableIO } from './natives/moddable.js';
import type { BoardRealm } from './natives/realm.js';

/** A request's header, as xs/io419_sim.js writes it. */
export interface XsRequest {
  op: 'hello' | 'idle' | 'keylog' | 'new' | 'call' | 'resolve' | 'net' | 'ctl';
  id?: number; cls?: 'TCP' | 'UDP' | 'Listener'; o?: Record<string, unknown>;
  m?: string; a?: unknown[]; host?: string; what?: string; version?: string;
}

type Reply = { head: Record<string, unknown>; payload?: Uint8Array };

/** One frame's bytes. */
export function encodeFrame(head: unknown, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const h = Buffer.from(JSON.stringify(head));
  const out = Buffer.alloc(6 + h.length + payload.length);
  out.writeUInt32LE(2 + h.length + payload.length, 0);
  out.writeUInt16LE(h.length, 4);
  h.copy(out, 6);
  out.set(payload, 6 + h.length);
  return out;
}

/** Splits a byte stream into frames; a frame whose header is not JSON throws. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): { head: XsRequest; payload: Uint8Array }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { head: XsRequest; payload: Uint8Array }[] = [];
    while (this.buf.length >= 6) {
      const len = this.buf.readUInt32LE(0);
      if (this.buf.length < 4 + len) break;
      const hlen = this.buf.readUInt16LE(4);
      if (hlen + 2 > len) throw new Error('bad frame');
      out.push({ head: JSON.parse(this.buf.subarray(6, 6 + hlen).toString()), payload: new Uint8Array(this.buf.subarray(6 + hlen, 4 + len)) });
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}

/** Serves one XS board's requests on `host`; `out` is the pipe to the board. */
export class XsBridge {
  private readonly io: ModdableIO;
  private readonly objs = new Map<number, any>();
  private nextAccepted = -1;
  /** The engine the board named in its first message ("XS 13.3.0"). */
  onHello: (version: string) => void = () => {};
  /** The board's loop waited for the first time with nothing to run: its boot is done. */
  onIdle: () => void = () => {};
  /** TLS key log lines from the board's sessions (zsock:sys.keylog, with --keylog). */
  onKeylog: (lines: Uint8Array) => void = () => {};
  /** Answers a harness's requests (xs/io419_sim.js's Control: a test suite inside the board
   *  driving the virtual network); without one, such a request is an Error in the board. */
  onControl: ((m: string, a: unknown[]) => unknown) | null = null;

  constructor(private readonly host: VHost, private readonly out: Writable, post: (fn: () => void) => void) {
    const realm: BoardRealm = { ArrayBuffer, Uint8Array, Error, RangeError, post };
    this.io = moddableIO(host, realm);
  }

  private event(head: Record<string, unknown>): void {
    if (!this.out.destroyed) this.out.write(encodeFrame(head));
  }

  /** Answers one request (its exception, if any, goes back to be thrown in the board). */
  handle(head: XsRequest, payload: Uint8Array): void {
    // Notices from the host itself (xs/simpipe.c): no answer.
    if (head.op === 'idle') { this.onIdle(); return; }
    if (head.op === 'hello') { this.onHello(String(head.version)); return; }
    if (head.op === 'keylog') { this.onKeylog(payload); return; }
    let reply: Reply;
    try { reply = this.run(head, payload); } catch (e) {
      reply = { head: { x: e instanceof RangeError ? 'RangeError' : 'Error', m: (e as Error).message } };
    }
    if (!this.out.destroyed) this.out.write(encodeFrame(reply.head, reply.payload));
  }

  private run(h: XsRequest, payload: Uint8Array): Reply {
    switch (h.op) {
      case 'new': return this.create(h);
      case 'call': return this.call(h, payload);
      case 'ctl':
        if (!this.onControl) throw new Error('unknown request');
        return { head: { r: this.onControl(String(h.m), h.a ?? []) ?? null } };
      case 'net': return { head: { r: ({ IP: this.host.v4, IPV6: this.host.v6, DNS: this.host.net.host.v4 } as Record<string, string>)[String(h.what)] ?? null } };
      case 'resolve': {
        const id = h.id;
        new this.io.Resolver().resolve({
          host: String(h.host),
          onResolved: (_: string, address: string) => this.event({ e: 'resolved', id, address }),
          onError: () => this.event({ e: 'unresolved', id }),
        });
        return { head: { r: null } };
      }
      default: throw new Error('unknown request');
    }
  }

  private create(h: XsRequest): Reply {
    const id = Number(h.id);
    const o: Record<string, unknown> = { ...(h.o ?? {}) };
    if (o.from !== undefined) o.from = this.objs.get(Number(o.from)) ?? {};
    o.onReadable = (n: number) => this.event({ e: 'readable', id, n });
    o.onWritable = (n: number) => this.event({ e: 'writable', id, n });
    o.onError = () => this.event({ e: 'error', id });
    const Cls = h.cls === 'TCP' ? this.io.TCP : h.cls === 'UDP' ? this.io.UDP : h.cls === 'Listener' ? this.io.Listener : null;
    if (!Cls) throw new Error('unknown class');
    this.objs.set(id, new Cls(o as never));
    if (h.o?.from !== undefined) this.objs.delete(Number(h.o.from));
    return { head: { r: null } };
  }

  private call(h: XsRequest, payload: Uint8Array): Reply {
    const obj = this.objs.get(Number(h.id));
    if (!obj) throw new Error('closed');
    const a = (h.a ?? []).map((x) => x ?? undefined);
    switch (h.m) {
      case 'read': return this.read(obj, a[0]);
      case 'write':
        if (obj instanceof this.io.UDP) return { head: { r: obj.write(a[0] ?? payload, a[1], a[2]) ?? null } };
        return { head: { r: obj.write(a.length ? a[0] : payload) } };
      case 'close': obj.close(); this.objs.delete(Number(h.id)); return { head: { r: null } };
      case 'get': return { head: { r: obj[String(a[0])] ?? null } };
      case 'set': obj[String(a[0])] = a[1]; return { head: { r: null } };
      default: throw new Error('unknown method');
    }
  }

  private read(obj: any, arg: unknown): Reply {
    const r = obj.read(arg);
    if (obj instanceof this.io.Listener) {
      if (!r) return { head: { r: null } };
      const id = this.nextAccepted--;
      this.objs.set(id, r);
      return { head: { r: id } };
    }
    if (r instanceof ArrayBuffer) {
      const meta = obj instanceof this.io.UDP ? { address: (r as any).address, port: (r as any).port } : 'buffer';
      return { head: { r: meta }, payload: new Uint8Array(r) };
    }
    return { head: { r: r ?? null } };
  }

  /** Closes what the board left open (its process ended). */
  closeAll(): void {
    for (const o of this.objs.values()) { try { o.close?.(); } catch { /* already closed */ } }
    this.objs.clear();
  }
}
