/**
 * The in-memory TLS engine suites (test/tls, all but interop) on XS + the native zsock:core,
 * with the same results as on V8 + the wasm core from the same bundle recipe; again under a
 * device-sized XS heap, where the collector runs as often as on a board. Also the XS-only
 * checks of the native core, and a firmware-like program with no globals but the engine's.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, XS_HOST, bundleSuites, bundleProgram, suiteResults } from './bundle.js';
import { writeWideSuite } from './wide.js';

const OUT = join(ROOT, 'build/xs/test');
// Every in-memory suite; not those that need the host: real peers (interop, x25519 against
// openssl) or node:crypto (the host profile's AES-GCM).
const HOST_ONLY = ['interop.test.ts', 'x25519.test.ts', 'host_gcm.test.ts'];
const TLS = readdirSync(join(ROOT, 'test/tls')).filter((f) => f.endsWith('.test.ts') && !HOST_ONLY.includes(f)).map((f) => join(ROOT, 'test/tls', f));
// With them, a program wider than the device stack (test/xs/wide.ts): room for more suites.
const WIDE = writeWideSuite(join(OUT, 'wide-src'));
const SUITES = [...TLS, WIDE];
const Engine = suite('TLS engine on XS');
const bundles: { xs?: string; v8?: string } = {};
let v8Results: Map<string, string> | null = null;
/** The V8 + wasm run, once: both XS runs compare against it. */
const onV8 = () => (v8Results ??= results(run(process.execPath, [bundles.v8!]), 'V8'));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300000, maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** "passed / total" per suite, checked to be a clean run of every suite. */
function results(r: { status: number | null; out: string; err: string }, engine: string, suites = SUITES.length): Map<string, string> {
  assert.is(r.status, 0, `${engine}: exit ${r.status}\n${r.err.slice(-2000)}`);
  const m = suiteResults(r.out);
  assert.is(m.size, suites, `${engine}: every suite reported`);
  for (const [name, counts] of m) {
    const [passed, total] = counts.split(' / ');
    assert.is(passed, total, `${engine}: ${name} ${counts}\n${r.out.slice(-3000)}`);
  }
  return m;
}

Engine.before(async () => {
  bundles.xs = (await bundleSuites('xs', SUITES, join(OUT, 'tls-suites.xs'))).path;
  bundles.v8 = (await bundleSuites('v8', SUITES, join(OUT, 'tls-suites.v8'))).path;
});

Engine('the same results on XS + native core as on V8 + wasm', () => {
  const v8 = onV8();
  const xs = results(run(XS_HOST, ['--name', 'xs-tls', bundles.xs!]), 'XS');
  assert.equal([...xs], [...v8]);
});

Engine('the same under a device-sized XS heap (fewer fuzz cases: the collector runs all the time)', () => {
  const v8 = onV8();
  const xs = results(run(XS_HOST, ['--name', 'xs-device', '--heap', 'device', bundles.xs!, 'ZSOCK_FUZZ_CASES=300']), 'XS device heap');
  assert.equal([...xs], [...v8]);
});

Engine('a program with more top-level bindings than the device stack has slots runs there as one module per source, not as one file (regression: test/tls\'s one-file bundle sat at the limit)', async () => {
  const split = await bundleSuites('xs', [WIDE], join(OUT, 'wide.xs'));
  const one = await bundleSuites('xs', [WIDE], join(OUT, 'wide-one-file.xs'), { oneFile: true });
  results(run(XS_HOST, ['--name', 'xs-wide', '--heap', 'device', split.path]), 'XS wide', 1);
  const r = run(XS_HOST, ['--name', 'xs-wide', '--heap', 'device', one.path]);
  assert.match(r.err, /XS abort: stack overflow/, `one file:\n${r.out.slice(-1000)}\n${r.err.slice(-1000)}`);
});

Engine('the native core refuses bad handles, pointers and lengths (XS only)', async () => {
  const b = await bundleSuites('xs', [join(ROOT, 'test/xs/on-xs/core_checks.xs.ts')], join(OUT, 'core-checks.xs'));
  const r = run(XS_HOST, ['--name', 'xs-core', '--heap', 'device', b.path]);
  results(r, 'XS core checks', 1);
});

Engine('a TLS program with only the engine and its platform runs (regression: TextEncoder and crypto globals in src/tls)', async () => {
  const out = join(OUT, 'strict-tls.xs.mjs');
  await bundleProgram(join(ROOT, 'test/xs/on-xs/strict_tls.xs.ts'), out);
  const r = run(XS_HOST, ['--name', 'strict', '--heap', 'device', out]);
  assert.is(r.status, 0, `${r.out}\n${r.err}`);
  assert.is(r.out.match(/^ok /gm)?.length, 10);
});

Engine.run();
