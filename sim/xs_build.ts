/**
 * The XS host for `zsock sim --engine xs` where the package was installed: built on first use
 * into the per-user cache, as `make build` builds it in a checkout. The package carries our
 * sources (xs/, wasm/, the Makefile and its scripts); Moddable's XS engine (LGPL-3.0-or-later)
 * is fetched at build time from npm (@agoric/xsnap, pinned by its SHA-256) and mbedTLS from
 * Debian's source archive ($MBEDTLS_SRC names a tree to use instead), and gcc compiles them.
 * One build per version of our sources (a hash names it), shared by every later run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cacheDir, packageRoot } from './paths.js';

const BINARY = 'zsock-xs-embedded';
/** What the build reads from the package: the hash of these names the cached host. */
const SOURCES = ['Makefile', 'xs', 'wasm', 'scripts/gen-abi.mjs', 'scripts/gen-p256-table.mjs', 'scripts/gen-x25519-table.mjs', 'scripts/comb.mjs', 'scripts/xs-embed.mjs', 'scripts/fetch-xsnap.sh', 'scripts/fetch-mbedtls.sh'];

function files(root: string, rel: string): string[] {
  const p = join(root, rel);
  if (!existsSync(p)) return [];
  return statSync(p).isDirectory() ? readdirSync(p).sort().flatMap((n) => files(root, join(rel, n))) : [rel];
}

/** The cache folder of the XS host built from this package's sources. */
export function cachedXsDir(root = packageRoot()): string {
  const h = createHash('sha256');
  for (const f of SOURCES.flatMap((s) => files(root, s))) h.update(f).update('\0').update(readFileSync(join(root, f)));
  return join(cacheDir(), 'xs', h.digest('hex').slice(0, 16));
}

/** The XS host a moddable board runs on: $ZSOCK_XS, else a checkout's (make xs), else the one
 *  built into the per-user cache (which may not exist yet: see buildXsHost). */
export function xsHostPath(): string {
  if (process.env.ZSOCK_XS) return process.env.ZSOCK_XS;
  const built = join(packageRoot(), 'build', 'xs', BINARY);
  return existsSync(built) ? built : join(cachedXsDir(), BINARY);
}

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

/** What is missing to build (a compiler, make, a way to get mbedTLS's source), or null. */
function missingTools(mbedtls: string): string | null {
  const missing = ['gcc', 'make'].filter((c) => !has(c));
  if (missing.length) return `building the XS host needs ${missing.join(' and ')} (Debian: apt-get install gcc make)`;
  if (!existsSync(join(mbedtls, 'include/mbedtls/ssl.h')) && !has('apt-get')) {
    return 'building the XS host needs mbedTLS 3.6\'s source: set MBEDTLS_SRC to its folder (no apt-get here to fetch Debian\'s)';
  }
  return null;
}

/** Removes the build folders runs that ended mid-build (Ctrl-C) left in `shared`. */
function removeAbandoned(shared: string): void {
  for (const f of existsSync(shared) ? readdirSync(shared) : []) {
    const pid = Number(/\.build-(\d+)$/.exec(f)?.[1]);
    if (!pid) continue;
    try { process.kill(pid, 0); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(shared, f), { recursive: true, force: true });
    }
  }
}

/** `make` in the staged sources; null, or its last lines when it failed. */
function make(work: string, vars: string[], targets: string[]): string | null {
  const r = spawnSync('make', ['--no-print-directory', '-C', work, ...vars, ...targets], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status === 0) return null;
  return `the XS host did not build (make ${targets.at(-1)}):\n${`${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n')}`;
}

/** Builds the XS host into the cache unless it is there; `say` tells the user what happens.
 *  Returns its path, or why it cannot be built (no gcc or make, no way to fetch mbedTLS, a
 *  failed build: make's last lines). */
export function buildXsHost(say: (line: string) => void): { path: string } | { error: string } {
  const path = xsHostPath();
  if (existsSync(path)) return { path };
  const root = packageRoot(), dir = cachedXsDir(root), shared = join(cacheDir(), 'xs');
  const mbedtls = process.env.MBEDTLS_SRC || join(shared, 'mbedtls-3.6.6'), xsnap = join(shared, 'xsnap', 'package');
  const missing = missingTools(mbedtls);
  if (missing) return { error: missing };
  // Built in a folder of this process, then moved in whole: a concurrent run never sees half.
  const work = `${dir}.build-${process.pid}`;
  removeAbandoned(shared);
  rmSync(work, { recursive: true, force: true });
  for (const s of SOURCES) if (existsSync(join(root, s))) cpSync(join(root, s), join(work, s), { recursive: true });
  cpSync(join(root, 'src/tls/abi.ts'), join(work, 'src/tls/abi.ts'));
  say(`zsock sim: building the XS host once (Moddable's XS from @agoric/xsnap, LGPL-3.0-or-later, and the native TLS core, with gcc) into ${dir}: a minute or two`);
  const t0 = Date.now();
  const vars = ['CC=gcc', `BUILD=${join(work, 'build')}`, `MBEDTLS_SRC=${mbedtls}`, `XSNAP_DIR=${xsnap}`];
  // The sources are fetched first: the build's file lists are read from them.
  const failed = make(work, vars, ['mbedtls', `${xsnap}/.fetched`])
    ?? make(work, vars, [`-j${Math.min(availableParallelism(), 8)}`, join(work, 'build', 'xs', BINARY)]);
  if (!failed) {
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, 'build', 'xs', BINARY), join(dir, BINARY));
  }
  // The objects and apt's lists go; the fetched sources stay for the next version's build.
  rmSync(work, { recursive: true, force: true });
  rmSync(join(shared, 'apt-mbedtls'), { recursive: true, force: true });
  if (failed) return { error: failed };
  say(`zsock sim: XS host built in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${join(dir, BINARY)}`);
  return { path: join(dir, BINARY) };
}
