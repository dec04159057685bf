/**
 * Seeded mutation fuzzing: mutated handshake flights and records never trap the wasm instance,
 * never leak arena memory, and never disturb another session in the same instance.
 * ZSOCK_FUZZ_CASES scales the number of cases (default 3000 in all); ZSOCK_FUZZ_SEED picks
 * the seed (a failure message names the seed and case, so it can be replayed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3, type TlsConfig, type TlsSession } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { flushCredCache } from '../../src/tls/cred_cache.js'; // internal: shared parsed credentials
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll, rng } from '../helpers/sessions.js';

const CASES = Number(process.env.ZSOCK_FUZZ_CASES) || 3000;
const SEED = Number(process.env.ZSOCK_FUZZ_SEED) || 0x5eed;

type Rng = ReturnType<typeof rng>;

/** One of: flip bits, overwrite a byte, truncate, cut a range out, duplicate a range,
 *  insert random bytes, or set a length-looking pair of bytes to an extreme value. */
function mutate(r: Rng, input: Uint8Array): Uint8Array {
  const b = input.slice();
  const at = r.below(Math.max(1, b.length));
  switch (r.below(7)) {
    case 0: for (let i = 0, n = 1 + r.below(4); i < n; i++) b[r.below(b.length)] ^= 1 << r.below(8); return b;
    case 1: b[at] = r.next() & 0xff; return b;
    case 2: return b.subarray(0, at);
    case 3: { const end = Math.min(b.length, at + 1 + r.below(64)); return concat(b.subarray(0, at), b.subarray(end)); }
    case 4: { const end = Math.min(b.length, at + 1 + r.below(64)); return concat(b.subarray(0, end), b.subarray(at)); }
    case 5: return concat(b.subarray(0, at), r.bytes(1 + r.below(32)), b.subarray(at));
    default: if (at + 1 < b.length) { const v = [0, 0xff, 0x80, 0x7f][r.below(4)]; b[at] = v; b[at + 1] = v; } return b;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A session pair that must stay healthy whatever happens to the fuzzed ones. */
let bystander: { c: TlsSession; s: TlsSession };

test.before(() => {
  bystander = {
    c: session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' }),
    s: session({ role: 'server', certs: [pki.serverEc()] }),
  };
  assert.is(handshake(bystander.c, bystander.s).client.state, 'done');
  flush(bystander.c, bystander.s);
});

function bystanderStillWorks(tag: string): void {
  const msg = new TextEncoder().encode(`still here after ${tag}`);
  assert.is(bystander.c.write(msg, Date.now()).state, 'done');
  flush(bystander.c, bystander.s);
  const buf = new Uint8Array(100);
  const r = bystander.s.read(buf, Date.now());
  assert.equal(r, { state: 'done', n: msg.length }, `bystander after ${tag}`);
}

/** Drives a fresh session with each mutated input; any trap (RuntimeError) fails the test. */
function run(label: string, cases: number, seed: number, make: () => TlsSession, input: (s: TlsSession) => Uint8Array[]) {
  const r = rng(seed);
  const outcomes: Record<string, number> = {};
  // Shared parsed credentials (cred_cache.ts) outlive the cases, and so does what mbedTLS caches
  // in their keys: a crafted signature takes its generic ECDSA path once, which keeps the
  // generator's comb table in the CA key's group. Measured without them, at both ends.
  flushCredCache(getCore());
  const baseline = getCore().arena().used;
  for (let i = 0; i < cases; i++) {
    const s = make();
    try {
      const flights = input(s);
      const victim = r.below(flights.length);
      flights.forEach((f, k) => s.feed(k === victim ? mutate(r, f) : f));
      const step = s.handshakeDone ? s.read(new Uint8Array(20000), Date.now()) : s.handshake(Date.now());
      const key = step.state === 'fatal' ? step.error.reason.split(':')[0] : step.state;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    } catch (e) {
      assert.unreachable(`${label}: seed ${seed} case ${i}: ${(e as Error).stack}`);
    } finally {
      s.free();
    }
  }
  assert.ok(Object.keys(outcomes).length > 1, `${label}: mutations reach different outcomes: ${JSON.stringify(outcomes)}`);
  flushCredCache(getCore());
  assert.is(getCore().arena().used, baseline, `${label}: the arena is back to its baseline (no leak)`);
  bystanderStillWorks(label);
  return outcomes;
}

test('mutated server flights against fresh TLS 1.2 and 1.3 clients', () => {
  for (const v of [TLS1_2, TLS1_3]) {
    // Record one real server flight; every case replays a mutation of it to a new client.
    const c0 = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v, minVersion: v });
    const s0 = session({ role: 'server', certs: [pki.serverEc()] });
    c0.handshake(Date.now()); flush(c0, s0); s0.handshake(Date.now());
    const flight = s0.drain();
    const cfg: TlsConfig = { role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v, minVersion: v };
    run(`server flight TLS ${v.toString(16)}`, CASES / 3, SEED + v, () => {
      const c = session(cfg);
      c.handshake(Date.now());
      c.drain();
      return c;
    }, () => flight);
  }
});

test('mutated ClientHellos against fresh servers', () => {
  const hellos: Uint8Array[][] = [];
  for (const v of [TLS1_2, TLS1_3]) {
    const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: v, alpn: ['h2'] });
    c.handshake(Date.now());
    hellos.push(c.drain());
  }
  let k = 0;
  run('ClientHello', CASES / 6, SEED + 1, () => session({ role: 'server', certs: [pki.serverEc()], alpn: ['h2'] }), () => hellos[k++ % 2]);
});

test('mutated application records against established PSK sessions', () => {
  const psk = { key: new Uint8Array(16).fill(9), identity: new TextEncoder().encode('fuzz') };
  const r = rng(SEED + 2);
  let peer: TlsSession | null = null;
  run('records', CASES / 6, SEED + 3, () => {
    const c = session({ role: 'client', psk, maxVersion: TLS1_2 });
    peer = session({ role: 'server', psk });
    handshake(c, peer);
    return c;
  }, () => {
    peer!.write(r.bytes(1 + r.below(3000)), Date.now());
    peer!.write(r.bytes(1 + r.below(100)), Date.now());
    const out = peer!.drain();
    peer!.free();
    return out;
  });
});

test('mutated DTLS datagrams (flights and records) against fresh DTLS clients', () => {
  const c0 = session({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost' });
  const s0 = session({ role: 'server', transport: 'datagram', certs: [pki.serverEc()] });
  c0.handshake(Date.now()); flush(c0, s0); s0.handshake(Date.now());
  const flight = s0.drain();
  run('DTLS flight', CASES / 6, SEED + 4, () => {
    const c = session({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost' });
    c.handshake(Date.now());
    c.drain();
    return c;
  }, () => flight);
});

test.after(freeAll);
test.run();
