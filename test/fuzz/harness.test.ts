/** The fuzzing harness fails on what it counts: a trap, an exception and an arena leak each
 *  fail a run, with the seed and input index that reproduce them. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsSession } from '../../src/tls/index.js';
import { configs, record, type Recording } from './corpus.js';
import { fuzzEngine, type Target } from './engine.js';
import { mutateFlight, records } from './mutate.js';
import { report } from './tally.js';
import { rng } from '../helpers/sessions.js';

const h = suite('fuzz harness self-check');
let recs: Recording[] = [];
h.before(() => { recs = record(); });

const runWith = (target: Target, first = 7) =>
  fuzzEngine(recs, { seed: 42, deadline: Date.now() + 5000, first, maxInputs: 1, targets: [['planted', target]] });

h('a wasm trap is counted and reported with its seed and input', () => {
  const t = runWith(() => { throw new WebAssembly.RuntimeError('unreachable'); });
  assert.is(t.traps, 1);
  assert.match(report(t), 'FUZZ_SEED=42 FUZZ_ONLY=7');
});

h('an exception is counted', () => {
  const t = runWith(() => { throw new TypeError('boom'); }, 3);
  assert.is(t.exceptions, 1);
  assert.is(t.failures[0].input, 3);
});

h('an arena leak is caught at the input that leaked', () => {
  let kept: TlsSession | null = null; // a session the input forgets to free
  const t = runWith(() => { kept = new TlsSession(configs('tls13').server); return 'leaked'; });
  (kept as TlsSession | null)?.free();
  assert.is(t.leaks, 1);
  assert.is(t.failures[0].input, 7);
});

h('mutations are seeded: the same seed gives the same bytes; TLS splits keep records whole', () => {
  const f = recs[0].flights[1].chunks;
  const a = mutateFlight(rng(9), f, false), b = mutateFlight(rng(9), f, false);
  assert.equal(a, b);
  const whole = Uint8Array.from(f.flatMap((x) => [...x]));
  assert.ok(records(whole).length >= 1, 'the recorded flight parses as records');
});

h.run();
