/**
 * Where the tools find the package's own files and put what they build: firmware entries (a
 * sample's name, a folder, a file) are looked up from the caller's cwd first, then among the
 * package's samples; the wasm cores sit in the package; bundles go to a per-user cache unless
 * the caller names a folder (`--out`).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The package root: the folder above this module that holds package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('zsock: package root not found');
    dir = dirname(dir);
  }
  return dir;
}

/** $ZSOCK_CACHE, else $XDG_CACHE_HOME/zsock, else ~/.cache/zsock. */
export function cacheDir(): string {
  return process.env.ZSOCK_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zsock');
}

/** The wasm core of a profile, inside the package (or $ZSOCK_WASM for both profiles). */
export function coreWasmPath(profile: 'full' | 'embedded'): string {
  return process.env.ZSOCK_WASM || join(packageRoot(), 'build', 'wasm', `zsock-core${profile === 'embedded' ? '-embedded' : ''}.wasm`);
}

/** The samples the package carries (folders under samples/ with a main.ts). */
export function sampleNames(): string[] {
  return ['echo-server', 'echo-client', 'http-get', 'big-http-download', 'starttls']
    .filter((n) => existsSync(join(packageRoot(), 'samples', n, 'main.ts')));
}

/**
 * A firmware argument as an absolute entry file: an existing file (from `cwd`), a folder (its
 * main.ts, main.js or index.ts), or a sample's name. null when nothing matches.
 */
export function resolveFirmware(fw: string, cwd = process.cwd()): string | null {
  const p = resolve(cwd, fw);
  if (existsSync(p) && statSync(p).isFile()) return p;
  if (existsSync(p) && statSync(p).isDirectory()) {
    const main = ['main.ts', 'main.js', 'index.ts', 'index.js'].map((n) => join(p, n)).find((f) => existsSync(f));
    return main ?? null;
  }
  const sample = join(packageRoot(), 'samples', fw, 'main.ts');
  return /^[\w-]+$/.test(fw) && existsSync(sample) ? sample : null;
}
