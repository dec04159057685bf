/** An in-memory pump between two sessions: what one drains, the other is fed. */
import type { TlsSession, TlsStep } from '../../src/tls/index.js';

export interface PumpOptions {
  now?: () => number;
  /** Called with each datagram / flight in flight; return null to drop it, or other bytes. */
  tamper?: (from: 'client' | 'server', bytes: Uint8Array) => Uint8Array | null;
}

function move(from: TlsSession, to: TlsSession, who: 'client' | 'server', opts: PumpOptions): number {
  let n = 0;
  for (const chunk of from.drain()) {
    const out = opts.tamper ? opts.tamper(who, chunk) : chunk;
    if (out) to.feed(out);
    n += chunk.length;
  }
  return n;
}

/** Drives both handshakes until both are done, one fails, or nothing moves. */
export function handshake(client: TlsSession, server: TlsSession, opts: PumpOptions = {}):
  { client: TlsStep; server: TlsStep; rounds: number } {
  const now = opts.now ?? (() => Date.now());
  let c: TlsStep = client.handshake(now());
  let s: TlsStep = server.handshake(now());
  let rounds = 0;
  for (; rounds < 100; rounds++) {
    const moved = move(client, server, 'client', opts) + move(server, client, 'server', opts);
    s = server.handshake(now());
    c = client.handshake(now());
    moved || move(server, client, 'server', opts);
    const end = (x: TlsStep) => x.state === 'done' || x.state === 'fatal' || x.state === 'closed';
    if ((end(c) && end(s)) || ((c.state === 'fatal' || s.state === 'fatal') && !client.pendingOutput && !server.pendingOutput)) break;
    if (!moved && !client.pendingOutput && !server.pendingOutput) break;
  }
  return { client: c, server: s, rounds };
}

/** Moves everything pending both ways once. */
export function flush(a: TlsSession, b: TlsSession, opts: PumpOptions = {}): void {
  move(a, b, 'client', opts);
  move(b, a, 'server', opts);
}
