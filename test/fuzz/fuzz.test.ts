/**
 * The fuzzing harness (issue 17): recorded TLS 1.2 / 1.3 and DTLS 1.2 handshakes, regenerated at
 * run time, replayed with one flight mutated per input against the engine (server and client
 * sides) and against real zsock sockets through a mutating relay. Fails on any wasm trap,
 * exception, hang, arena leak, RSS growth over RSS_BOUND_MB, or a good connection going bad,
 * and prints the seed and input index of each failure.
 *
 * FUZZ_SECONDS (default 24 here, 60 in `make fuzz`) bounds the run; FUZZ_SEED picks the seed;
 * FUZZ_ONLY=i replays input i alone (FUZZ_LAYER=engine|sockets picks the layer).
 *
 * test/tls/fuzz.test.ts stays as the small engine fuzz suite that also runs on XS with the native
 * core (test/xs bundles test/tls; that bundle is at the XS device heap's size limit, so this
 * harness is not bundled into it).
 */
import { writeFileSync, rmSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flushCredCache, getCore } from '../../src/internal.js';
import { addCredentials, removeCredentials } from '../helpers/tls.js';
import { closeAll } from '../helpers/zs.js';
import { record, type Recording } from './corpus.js';
import { fuzzEngine } from './engine.js';
import { fuzzSockets } from './socket.js';
import { type Tally, report } from './tally.js';

const SECONDS = Number(process.env.FUZZ_SECONDS) || 24;
const SEED = (Number(process.env.FUZZ_SEED) || 0x5eed) >>> 0;
const ONLY = process.env.FUZZ_ONLY ? Number(process.env.FUZZ_ONLY) : undefined;
const LAYER = process.env.FUZZ_LAYER || undefined;
/** The engine input running now (seed and index): a hang inside the synchronous engine leaves it
 *  behind when the run's timeout kills the process (`make fuzz` prints it). */
const MARK = 'build/fuzz-last-input';
/** RSS may grow this much over a run (wasm memory grows in 64 KiB pages and is kept). */
const RSS_BOUND_MB = 64;

const mb = (n: number) => Math.round(n / 1048576);

function check(t: Tally): void {
  console.log(report(t));
  console.log(`  outcomes: ${JSON.stringify(t.outcomes)}`);
  assert.is(t.failures.length, 0, report(t));
  if (ONLY === undefined) assert.ok(Object.keys(t.outcomes).length > 3, `${t.layer}: mutations reach different outcomes`);
}

const fuzz = suite('fuzz harness');
let recs: Recording[] = [];
let rss0 = 0;
fuzz.before(() => {
  addCredentials();
  recs = record();
  rss0 = process.memoryUsage().rss;
});
fuzz.after(() => { closeAll(); removeCredentials(); });

fuzz('the recorded handshakes have the flights of TLS 1.2, TLS 1.3 and DTLS 1.2', () => {
  assert.equal(recs.map((r) => r.profile), ['tls12', 'tls13', 'dtls12']);
  for (const r of recs) assert.ok(r.flights.length >= 3 && r.flights[0].from === 'client', `${r.profile}: ${r.flights.length} flights`);
});

fuzz('engine: mutated flights against fresh servers and clients, and records against established sessions', () => {
  if (LAYER === 'sockets') return;
  const onInput = (i: number) => writeFileSync(MARK, `engine input still running: FUZZ_SEED=${SEED} FUZZ_ONLY=${i} FUZZ_LAYER=engine\n`);
  const t = fuzzEngine(recs, { seed: SEED, deadline: Date.now() + SECONDS * 600, first: ONLY, maxInputs: ONLY === undefined ? Infinity : 1, onInput });
  rmSync(MARK, { force: true });
  check(t);
});

fuzz('sockets: mutated handshakes through a relay between zsock clients and servers', async () => {
  if (LAYER === 'engine') return;
  flushCredCache(getCore()); // shared parsed credentials outlive the sockets: measured without them
  const arena0 = getCore().arena().used;
  const t = await fuzzSockets(SEED, Date.now() + SECONDS * 400, ONLY);
  check(t);
  flushCredCache(getCore());
  assert.is(getCore().arena().used, arena0, 'the arena is back to its baseline once every socket is closed');
});

fuzz('RSS stays within its bound', () => {
  const grown = process.memoryUsage().rss - rss0;
  console.log(`  RSS ${mb(rss0)} -> ${mb(rss0 + grown)} MiB`);
  assert.ok(grown < RSS_BOUND_MB * 1048576, `RSS grew ${mb(grown)} MiB (bound ${RSS_BOUND_MB})`);
});

fuzz.run();
