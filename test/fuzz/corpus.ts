/**
 * The handshakes the fuzzers replay, recorded at run time from real engine sessions (nothing is
 * committed as bytes): TLS 1.2, TLS 1.3 and DTLS 1.2 with an ECDSA server certificate, each as
 * the flights both sides sent, in order.
 */
import { TlsSession, TLS1_2, TLS1_3, type TlsConfig } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';

export type Profile = 'tls12' | 'tls13' | 'dtls12';
export const PROFILES: Profile[] = ['tls12', 'tls13', 'dtls12'];

export interface Flight { from: 'client' | 'server'; chunks: Uint8Array[] }
export interface Recording { profile: Profile; flights: Flight[] }

/** The client and server configurations of a profile. */
export function configs(p: Profile): { client: TlsConfig; server: TlsConfig } {
  const transport = p === 'dtls12' ? 'datagram' as const : 'stream' as const;
  const max = p === 'tls12' ? TLS1_2 : p === 'tls13' ? TLS1_3 : undefined;
  return {
    client: { role: 'client', transport, ca: [pki.ca()], hostname: 'localhost', ...(max ? { maxVersion: max, minVersion: max } : {}) },
    server: { role: 'server', transport, certs: [pki.serverEc()] },
  };
}

/**
 * Runs one handshake between `c` and `s`, passing each drained flight through `tamper` (null
 * drops it); returns the flights as sent, whether both finished, and the rounds it took.
 */
export function drive(c: TlsSession, s: TlsSession, tamper: (f: Flight, index: number) => Uint8Array[] = (f) => f.chunks,
  maxRounds = 40): { flights: Flight[]; done: boolean } {
  const flights: Flight[] = [];
  const now = Date.now();
  let cs = c.handshake(now), ss = s.handshake(now);
  for (let round = 0; round < maxRounds; round++) {
    let moved = false;
    for (const [from, to, who] of [[c, s, 'client'], [s, c, 'server']] as const) {
      const chunks = from.drain();
      if (!chunks.length) continue;
      moved = true;
      const f: Flight = { from: who, chunks };
      flights.push(f);
      for (const x of tamper(f, flights.length - 1)) to.feed(x);
      if (to === s) ss = s.handshake(now); else cs = c.handshake(now);
    }
    if (cs.state !== 'want-read' && ss.state !== 'want-read' && !c.pendingOutput && !s.pendingOutput) break;
    if (!moved) break;
  }
  return { flights, done: cs.state === 'done' && ss.state === 'done' };
}

/** Records one clean handshake of each profile. */
export function record(): Recording[] {
  return PROFILES.map((profile) => {
    const { client, server } = configs(profile);
    const c = new TlsSession(client), s = new TlsSession(server);
    try {
      const r = drive(c, s);
      if (!r.done) throw new Error(`recording ${profile}: the clean handshake did not finish`);
      return { profile, flights: r.flights };
    } finally {
      c.free();
      s.free();
    }
  });
}
