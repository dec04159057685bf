#!/usr/bin/env node
/**
 * Figures for the XS host (not a test; run after `make build xs-embedded`): its size, and the
 * TLS core on V8 + wasm beside XS + the native core, measured in one run by the same program
 * (xs/measure/tls.ts): TLS 1.3 handshake time, arena per connection, staging, the region.
 *
 *   node scripts/xs-measure.mjs
 */
import { spawnSync } from 'node:child_process';
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleProgram, ROOT } from '../build/js/test/xs/bundle.js';

const OUT = join(ROOT, 'build/xs/measure');
const entry = join(ROOT, 'xs/measure/tls.ts');
const env = (engine, arena) => ({
  'measure-env': engine === 'xs'
    ? `import host from 'zsock:host'; import core from 'zsock:core';
       export const engine = 'XS ' + host.board; export const print = (s: string) => host.print(s);
       export const now = () => host.now(); export const region = () => core.region(); export const arena = ${arena};
       export const heap = () => { host.gc(); return host.memory(); };`
    : `export const engine = 'V8 ' + process.version; export const print = (s: string) => console.log(s);
       export const now = () => performance.now(); export const region = () => null; export const arena = ${arena};
       export const heap = () => null;`,
});
const runs = [
  ['v8', 'full', 0, [process.execPath]],
  ['v8', 'embedded', 96 * 1024, [process.execPath], { ZSOCK_WASM: join(ROOT, 'build/wasm/zsock-core-embedded.wasm') }],
  ['xs', 'full', 0, [join(ROOT, 'build/xs/zsock-xs'), '--name', 'full']],
  ['xs', 'embedded', 96 * 1024, [join(ROOT, 'build/xs/zsock-xs-embedded'), '--name', 'embedded', '--heap', 'device', '--stats']],
];
for (const bin of ['build/xs/zsock-xs', 'build/xs/zsock-xs-embedded']) {
  if (existsSync(join(ROOT, bin))) console.log(`${bin}: ${statSync(join(ROOT, bin)).size} bytes`);
}
for (const [engine, profile, arena, cmd, extraEnv] of runs) {
  if (!existsSync(cmd[0])) { console.log(`${engine} ${profile}: ${cmd[0]} not built`); continue; }
  const out = join(OUT, `tls-${engine}-${profile}.mjs`);
  await bundleProgram(entry, out, engine, env(engine, arena));
  const r = spawnSync(cmd[0], [...cmd.slice(1), out], { encoding: 'utf8', env: { ...process.env, ...(extraEnv ?? {}) } });
  console.log(`${engine} ${profile}: ${r.stdout.trim()}${r.stderr.trim() ? `\n  ${r.stderr.trim()}` : ''}`);
}
