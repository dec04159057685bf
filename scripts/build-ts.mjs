// Transpiles src/, test/ and bench/ to build/js with esbuild, one output file per input
// (no bundling: the test tree mirrors the source tree). Type checking is `tsc --noEmit`.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Start clean: a deleted source must not leave a stale test behind.
rmSync('build/js', { recursive: true, force: true });

const roots = ['src', 'boards', 'sim', 'samples', 'test', 'bench'].filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } });
await build({
  entryPoints: roots.flatMap(walk),
  outdir: 'build/js',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  // Board platform files call the device's require('net') etc.; they run only inside bundles.
  logOverride: { 'unsupported-require-call': 'silent' },
});
