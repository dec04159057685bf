/**
 * The board conformance suite (test/boards/conformance.test.ts) by engine: on V8 with the
 * simulator's emulated Moddable natives (the moddable-esp32 environment), and on the XS host
 * with the same adapter over the host's ECMA-419 classes on real loopback sockets and the native
 * core (test/xs/boards_env.ts replaces the environments; nothing in the suite changes). Same
 * tests, same results. The faults suite needs the simulator's virtual network (fault
 * injection), so it stays on V8.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, XS_HOST, bundleSuites, suiteResults } from './bundle.js';

const OUT = join(ROOT, 'build/xs/test');
const SUITE = join(ROOT, 'test/boards/conformance.test.ts');
const Boards = suite('board conformance by engine');

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180000, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function counts(r: { status: number | null; out: string; err: string }, engine: string): string {
  assert.is(r.status, 0, `${engine}: exit ${r.status}\n${r.out.slice(-3000)}\n${r.err.slice(-2000)}`);
  const got = suiteResults(r.out).get('conformance.test.js');
  assert.ok(got, `${engine}: no report\n${r.out.slice(-3000)}`);
  const [passed, total] = got!.split(' / ');
  assert.is(passed, total, `${engine}: ${got}\n${r.out.slice(-3000)}`);
  return got!;
}

Boards('conformance: moddable-esp32 on XS (real sockets, native core) as on V8 (emulated natives, wasm core)', async () => {
  const xs = await bundleSuites('xs', [SUITE], join(OUT, 'conformance.xs.mjs'));
  const v8 = await bundleSuites('v8', [SUITE], join(OUT, 'conformance.v8.mjs'));
  const onV8 = counts(run(process.execPath, [v8.path], { ZSOCK_BOARDS: 'moddable-esp32' }), 'V8');
  const onXS = counts(run(XS_HOST, ['--name', 'conformance', xs.path]), 'XS');
  assert.is(onXS, onV8);
  assert.ok(Number(onXS.split(' / ')[1]) >= 12, onXS);
});

Boards.run();
