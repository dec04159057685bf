/**
 * A mutating relay on loopback between a zsock client and its zsock peer: TCP (node:net) or UDP
 * (node:dgram). It forwards everything both ways and passes the n-th chunk (a TCP read or a
 * datagram, either direction) through `mutate` once; close() ends every connection it holds.
 */
import * as net from 'node:net';
import * as dgram from 'node:dgram';

export type Mutate = (chunks: Uint8Array[]) => Uint8Array[];

export interface Relay {
  port: number;
  /** Arms the relay for the next connection: chunk `n` (0-based, both directions) is mutated. */
  arm(n: number, mutate: Mutate): void;
  /** Ends the connections of the current input (TCP: destroyed; UDP: forgotten). */
  drop(): void;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:`target`. */
export async function tcpRelay(target: number): Promise<Relay> {
  let plan = { n: -1, mutate: ((c) => c) as Mutate };
  const live = new Set<net.Socket>();
  const srv = net.createServer((a) => {
    const b = net.connect(target, '127.0.0.1');
    live.add(a).add(b);
    let seen = 0;
    const pipe = (from: net.Socket, to: net.Socket) => from.on('data', (d) => {
      const chunks = seen++ === plan.n ? plan.mutate([new Uint8Array(d)]) : [new Uint8Array(d)];
      for (const c of chunks) if (c.length && !to.destroyed) to.write(c);
    });
    pipe(a, b);
    pipe(b, a);
    for (const s of [a, b]) {
      s.on('error', () => {});
      s.on('close', () => { a.destroy(); b.destroy(); live.delete(s); });
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    arm(n, mutate) { plan = { n, mutate }; },
    drop() { for (const s of live) s.destroy(); live.clear(); },
    close: () => { for (const s of live) s.destroy(); return new Promise((r) => srv.close(() => r())); },
  };
}

/** A UDP relay to 127.0.0.1:`target`: one upstream socket per client address. */
export async function udpRelay(target: number): Promise<Relay> {
  let plan = { n: -1, mutate: ((c) => c) as Mutate };
  let seen = 0;
  const front = dgram.createSocket('udp4');
  const ups = new Map<string, dgram.Socket>();
  const send = (s: dgram.Socket, d: Uint8Array, port: number) => {
    const chunks = seen++ === plan.n ? plan.mutate([d]) : [d];
    for (const c of chunks) s.send(c, port, '127.0.0.1', () => {});
  };
  front.on('message', (d, from) => {
    const key = `${from.port}`;
    let up = ups.get(key);
    if (!up) {
      up = dgram.createSocket('udp4');
      up.on('message', (x) => send(front, new Uint8Array(x), from.port));
      up.on('error', () => {});
      ups.set(key, up);
    }
    send(up, new Uint8Array(d), target);
  });
  front.on('error', () => {});
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
  const dropAll = () => { for (const u of ups.values()) u.close(); ups.clear(); };
  return {
    port: front.address().port,
    arm(n, mutate) { plan = { n, mutate }; seen = 0; },
    drop: dropAll,
    close: () => { dropAll(); return new Promise((r) => front.close(() => r())); },
  };
}
