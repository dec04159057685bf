/**
 * Seeded mutation fuzzing of the engine on every engine it runs on (V8 with the wasm core, XS
 * with the native core: test/xs bundles test/tls): a fixed number of inputs of the fuzzing
 * harness's engine layer (test/fuzz/engine.ts: recorded TLS 1.2 / 1.3 and DTLS 1.2 handshakes,
 * one flight mutated per input, server and client sides, records to established sessions).
 * No trap, no exception, no arena leak, the bystander session unharmed. ZSOCK_FUZZ_CASES
 * (default 600) and ZSOCK_FUZZ_SEED pick the count and seed; `make fuzz` runs the long one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { record } from '../fuzz/corpus.js';
import { fuzzEngine } from '../fuzz/engine.js';
import { report } from '../fuzz/tally.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const CASES = Number(env.ZSOCK_FUZZ_CASES) || 600;
const SEED = Number(env.ZSOCK_FUZZ_SEED) || 0x5eed;

test('mutated handshake flights and records against fresh and established sessions', () => {
  const t = fuzzEngine(record(), { seed: SEED, deadline: Date.now() + 120_000, maxInputs: CASES });
  assert.is(t.failures.length, 0, report(t));
  assert.is(t.inputs, CASES, 'every input ran within the deadline');
  assert.ok(Object.keys(t.outcomes).length > 6, `mutations reach different outcomes: ${JSON.stringify(t.outcomes)}`);
});

test.run();
