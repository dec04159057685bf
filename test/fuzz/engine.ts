/**
 * The engine fuzzer: each input is one recorded handshake with one flight mutated, against fresh
 * TlsSessions (server and client sides), either live (both sides run, flight k is mutated on its
 * way) or replayed (a recorded first flight, mutated, to a fresh peer), plus mutated application
 * records to established sessions. Counts traps, exceptions, slow inputs and arena leaks.
 */
import { TlsSession } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine (also XS's)
import { flushCredCache } from '../../src/tls/cred_cache.js'; // internal: shared parsed credentials
import { rng } from '../helpers/sessions.js';
import { configs, drive, type Recording } from './corpus.js';
import { mutateFlight, type Rng } from './mutate.js';
import { type Tally, tally, note } from './tally.js';

/** The most one input may take (ms) before it counts as a hang. */
export const INPUT_BOUND_MS = 2000;

/** A kind of input: drives sessions it pushes to `live` (freed after), returns its outcome. */
export type Target = (r: Rng, rec: Recording, live: TlsSession[]) => string;

const make = (live: TlsSession[], cfg: ConstructorParameters<typeof TlsSession>[0]) => {
  const s = new TlsSession(cfg);
  live.push(s);
  return s;
};

const outcome = (s: TlsSession, now: number) => {
  const st = s.handshakeDone ? s.read(new Uint8Array(20000), now) : s.handshake(now);
  return st.state === 'fatal' ? `fatal:${st.error.errno}` : st.state;
};

/** Both sides live; the k-th flight of the handshake is mutated on its way. */
const liveFlight: Target = (r, rec, live) => {
  const { client, server } = configs(rec.profile);
  const c = make(live, client), s = make(live, server);
  const k = r.below(rec.flights.length);
  const res = drive(c, s, (f, i) => (i === k ? mutateFlight(r, f.chunks, rec.profile === 'dtls12').flight : f.chunks));
  return `live:${res.done ? 'done' : outcome(rec.flights[k].from === 'client' ? s : c, Date.now())}`;
};

/** A recorded first flight of one side, mutated, to a fresh session of the other side. */
const replayFirst: Target = (r, rec, live) => {
  const { client, server } = configs(rec.profile);
  const toServer = r.below(2) === 0;
  const f = rec.flights.find((x) => x.from === (toServer ? 'client' : 'server'))!;
  const t = make(live, toServer ? server : client);
  if (!toServer) { t.handshake(Date.now()); t.drain(); }
  for (const x of mutateFlight(r, f.chunks, rec.profile === 'dtls12').flight) t.feed(x);
  return `replay:${outcome(t, Date.now())}`;
};

/** Application records from an established peer, mutated, to the other side. */
const records: Target = (r, rec, live) => {
  const { client, server } = configs(rec.profile);
  const c = make(live, client), s = make(live, server);
  if (!drive(c, s).done) return 'records:no-handshake';
  const now = Date.now();
  s.write(r.bytes(1 + r.below(3000)), now);
  s.write(r.bytes(1 + r.below(100)), now);
  for (const x of mutateFlight(r, s.drain(), rec.profile === 'dtls12').flight) c.feed(x);
  return `records:${outcome(c, now)}`;
};

const TARGETS: [string, Target][] = [['live', liveFlight], ['replay', replayFirst], ['records', records]];

/** Options of a run: input `first` on, at most `maxInputs`, until `deadline` (ms since epoch). */
export interface EngineRun {
  seed: number; deadline: number; first?: number; maxInputs?: number; targets?: [string, Target][];
  /** Called before each input: an input that never returns (the engine is synchronous) is
   *  found from the last index this saw, after the run's timeout killed it. */
  onInput?: (i: number) => void;
}

/**
 * Runs inputs; input i uses rng(seed + i * golden), so (seed, i) reproduces its mutation (the
 * live handshakes' own random bytes differ from run to run). The arena must be back at its
 * baseline after every input, and a bystander session must keep working.
 */
export function fuzzEngine(recs: Recording[], o: EngineRun): Tally {
  const t = tally('engine', o.seed);
  const good = bystander(recs);
  try {
    flushCredCache(getCore()); // the shared parsed credentials outlive inputs: measured without them
    run(t, recs, o, getCore().arena().used, good.check);
  } finally {
    good.free();
  }
  return t;
}

/** An established TLS 1.3 pair in the same core that must keep working whatever the inputs do. */
function bystander(recs: Recording[]): { check: () => string | null; free: () => void } {
  const { client, server } = configs(recs.find((r) => r.profile === 'tls13')!.profile);
  const c = new TlsSession(client), s = new TlsSession(server);
  if (!drive(c, s).done) throw new Error('the bystander pair did not connect');
  let n = 0;
  const check = () => {
    const msg = new TextEncoder().encode(`bystander ${n++}`);
    c.write(msg, Date.now());
    for (const x of c.drain()) s.feed(x);
    const st = s.read(new Uint8Array(64), Date.now());
    return st.state === 'done' && st.n === msg.length ? null : `bystander read: ${st.state}`;
  };
  // An idle session's record buffers shrink once a read finds nothing more (wasm/zs_bufs.c): one
  // exchange first, so that the baseline sees the pair as every later check leaves it.
  const first = check();
  if (first) throw new Error(`the bystander pair does not work: ${first}`);
  return { check, free: () => { c.free(); s.free(); } };
}

/** One input: its outcome, or a failure recorded in `t`. */
function one(t: Tally, i: number, recs: Recording[], o: EngineRun): void {
  const r = rng((o.seed + i * 0x9e3779b1) >>> 0);
  const rec = recs[r.below(recs.length)];
  const targets = o.targets ?? TARGETS;
  const [name, target] = targets[r.below(targets.length)];
  const live: TlsSession[] = [];
  const t0 = Date.now();
  try {
    note(t, `${rec.profile}:${target(r, rec, live)}`);
  } catch (e) {
    // A wasm trap; on XS the native core's bad-handle RangeError plays that part.
    const trap = (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) || e instanceof RangeError;
    if (trap) t.traps++; else t.exceptions++;
    t.failures.push({ input: i, what: `${name} ${rec.profile}: ${trap ? 'wasm trap' : 'exception'}: ${(e as Error).stack ?? e}` });
  } finally {
    for (const s of live) s.free();
  }
  const took = Date.now() - t0;
  if (took > INPUT_BOUND_MS) { t.hangs++; t.failures.push({ input: i, what: `${name} ${rec.profile}: took ${took} ms` }); }
  t.inputs++;
}

function run(t: Tally, recs: Recording[], o: EngineRun, baseline: number, healthy: () => string | null): void {
  const core = getCore();
  const first = o.first ?? 0, max = o.maxInputs ?? Infinity;
  for (let i = first; i - first < max && Date.now() < o.deadline && t.failures.length < 5; i++) {
    o.onInput?.(i);
    one(t, i, recs, o);
    flushCredCache(core);
    const used = core.arena().used;
    if (used !== baseline) { t.leaks++; t.failures.push({ input: i, what: `arena ${baseline} -> ${used} bytes after its sessions were freed` }); break; }
    const last = i - first + 1 >= max || Date.now() >= o.deadline;
    const sick = (i % 20 === 19 || last) && healthy();
    if (sick) { t.unhealthy++; t.failures.push({ input: i, what: `good session: ${sick}` }); break; }
  }
}
