/**
 * The board suites (test/boards) by engine, for moddable-esp32. Conformance: on V8 with the
 * simulator's emulated Moddable natives, and on the XS host with the same adapter over the host's
 * ECMA-419 classes on real loopback sockets and the native core (test/xs/boards_env.ts replaces
 * the environments). Both, also inside an XS board process (the board's platform, limits, core
 * and device heap) whose ECMA-419 classes reach the simulator's virtual network through the pipe
 * bridge, the faults suite driving the network over the same pipe (test/xs/sim_env.ts,
 * test/xs/sim_suite.ts). Nothing in the suites changes; same tests, same results.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, XS_HOST, bundleSuites, suiteResults } from './bundle.js';
import { runOnSimBoard } from './sim_suite.js';

const OUT = join(ROOT, 'build/xs/test');
const SUITE = join(ROOT, 'test/boards/conformance.test.ts');
const FAULTS = join(ROOT, 'test/boards/faults.test.ts');
const FLOW = join(ROOT, 'test/boards/flow.test.ts');
const Boards = suite('board conformance by engine');

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180000, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function counts(r: { status: number | null; out: string; err: string }, engine: string, file = 'conformance.test.js'): string {
  assert.is(r.status, 0, `${engine}: exit ${r.status}\n${r.out.slice(-3000)}\n${r.err.slice(-2000)}`);
  const got = suiteResults(r.out).get(file);
  assert.ok(got, `${engine}: no report\n${r.out.slice(-3000)}`);
  const [passed, total] = got!.split(' / ');
  assert.is(passed, total, `${engine}: ${got}\n${r.out.slice(-3000)}`);
  return got!;
}

/** A suite's counts on V8 (emulated natives, wasm core), once per suite. */
const onV8 = new Map<string, Promise<string>>();
function countsOnV8(file: string): Promise<string> {
  const name = file.split('/').pop()!.replace(/\.test\.ts$/, '');
  if (!onV8.has(file)) onV8.set(file, bundleSuites('v8', [file], join(OUT, `${name}.v8`))
    .then((b) => counts(run(process.execPath, [b.path], { ZSOCK_BOARDS: 'moddable-esp32' }), 'V8', `${name}.test.js`)));
  return onV8.get(file)!;
}

Boards('conformance: moddable-esp32 on XS (real sockets, native core) as on V8 (emulated natives, wasm core)', async () => {
  const xs = await bundleSuites('xs', [SUITE], join(OUT, 'conformance.xs'));
  const onV8 = await countsOnV8(SUITE);
  const onXS = counts(run(XS_HOST, ['--name', 'conformance', xs.path]), 'XS');
  assert.is(onXS, onV8);
  assert.ok(Number(onXS.split(' / ')[1]) >= 12, onXS);
});

Boards('conformance: moddable-esp32 on XS in a board process (the simulator\'s virtual network through the pipe bridge, the board\'s platform and limits) as on V8', async () => {
  const xs = await bundleSuites('xs', [SUITE], join(OUT, 'conformance-sim.xs'), { boards: 'sim' });
  const onV8 = await countsOnV8(SUITE);
  const onXS = counts(await runOnSimBoard(xs.path, ['ZSOCK_BOARDS=moddable-esp32']), 'XS');
  assert.is(onXS, onV8);
});

/** A board suite inside an XS board process on the simulator's virtual network: the same
 *  counts as on V8, and at least `min` tests. */
async function inBoardProcess(file: string, min: number): Promise<void> {
  const name = file.split('/').pop()!.replace(/\.test\.ts$/, '');
  const xs = await bundleSuites('xs', [file], join(OUT, `${name}.xs`), { boards: 'sim' });
  const onV8 = await countsOnV8(file);
  const onXS = counts(await runOnSimBoard(xs.path, ['ZSOCK_BOARDS=moddable-esp32']), 'XS', `${name}.test.js`);
  assert.is(onXS, onV8);
  assert.ok(Number(onXS.split(' / ')[1]) >= min, onXS);
}

Boards('faults: moddable-esp32 on XS (the simulator\'s virtual network through the pipe bridge, native core, device heap) as on V8',
  () => inBoardProcess(FAULTS, 5));

Boards('flow control: moddable-esp32 on XS in a board process (send windows, SO_SNDTIMEO, POLLOUT, TCP and TLS) as on V8',
  () => inBoardProcess(FLOW, 8));

Boards.run();
