/** Creates sessions for a test and frees them all in its `after` hook. */
import { TlsSession, type TlsConfig } from '../../src/tls/index.js';

const live: TlsSession[] = [];

export function session(config: TlsConfig): TlsSession {
  const s = new TlsSession(config);
  live.push(s);
  return s;
}

export function freeAll(): void {
  for (const s of live.splice(0)) s.free();
}

/** Deterministic pseudo-random bytes (xorshift32) for payloads and fuzzing. */
export function rng(seed: number): { next(): number; bytes(n: number): Uint8Array; below(n: number): number } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  return {
    next,
    below: (n: number) => next() % n,
    bytes(n: number) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}
