// Emits the package's .d.ts files beside the JavaScript in build/js (tsconfig.types.json: src/
// only), so `zsock`, `zsock/posix` and `zsock/tls` carry their types. Our declarations name
// WebAssembly.Memory, which TypeScript ships only in lib.dom: a consumer without DOM gets it from
// an interface-only shim, which merges with lib.dom's own where a consumer has it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { stdio: 'inherit' });

const SHIM = {
  Memory: 'interface Memory { readonly buffer: ArrayBuffer; grow(delta: number): number }',
};
const shimPath = 'build/js/src/types/webassembly.d.ts';
mkdirSync(dirname(shimPath), { recursive: true });
writeFileSync(shimPath, `/** WebAssembly.* types zsock's declarations name (interfaces only: they merge with lib.dom's). */\n` +
  `declare namespace WebAssembly {\n${Object.values(SHIM).map((l) => `  ${l}\n`).join('')}}\n`);

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

for (const file of walk('build/js/src')) {
  if (file === shimPath) continue;
  const text = readFileSync(file, 'utf8');
  const used = [...text.matchAll(/\bWebAssembly\.(\w+)/g)].map((m) => m[1]);
  if (!used.length) continue;
  const missing = used.filter((n) => !(n in SHIM));
  if (missing.length) throw new Error(`${file}: WebAssembly.${missing[0]} has no shim in scripts/build-types.mjs`);
  const ref = relative(dirname(file), shimPath);
  writeFileSync(file, `/// <reference path="${ref.startsWith('.') ? ref : `./${ref}`}" />\n${text}`);
}
