/**
 * Bundles uvu suites into a folder of ES modules (one per source), for the XS host (xs/) or for
 * Node, so the same suites run on both engines from the same recipe: the suites in order, then
 * uvu's exec(). For XS, src/platform.ts is test/xs/platform.ts (the native zsock:core; in a board
 * process, the board's platform) and test/xs/env.ts sets up what the suites use; the test PKI
 * (test/helpers/pki.ts reads files) is built in as bytes. bundleProgram writes one file.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { readdirSync, readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boardNamed } from '../../boards/boards.js';

/** The checkout: the folder above this file that holds package.json. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
export const XS_HOST = join(ROOT, 'build/xs/zsock-xs');
const NATIVES = ['zsock:*', 'zsock-xs:*', 'text/*', 'timer', 'embedded:*', 'net'];

/** test/helpers/pki.ts with the files of build/certs inside it. */
function pkiModule(): string {
  const dir = join(ROOT, 'build/certs');
  const files = readdirSync(dir).filter((f) => /\.(crt|key|der)$/.test(f));
  const table = files.map((f) => `  ${JSON.stringify(f)}: ${JSON.stringify(readFileSync(join(dir, f)).toString('base64'))},`).join('\n');
  const src = readFileSync(join(ROOT, 'test/helpers/pki.ts'), 'utf8');
  const api = src.slice(src.indexOf('export const pki'));
  return `const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const FILES: Record<string, string> = {\n${table}\n};
function bytes(name: string): Uint8Array {
  const s = FILES[name].replace(/=+$/, '');
  const out = new Uint8Array((s.length * 3) >> 2);
  let acc = 0, bits = 0, n = 0;
  for (const ch of s) { acc = (acc << 6) | B64.indexOf(ch); bits += 6; if (bits >= 8) { bits -= 8; out[n++] = (acc >> bits) & 255; } }
  return out;
}
export const ROOT = '/';
export const CERTS = '/build/certs';
export function pem(name: string): Uint8Array { return bytes(name); }
export function der(name: string): Uint8Array { return bytes(\`\${name}.der\`); }
${api}`;
}

/** Writes `out` with the program `entry` for the XS host (its platform, nothing else) or for
 *  Node; `modules` are extra modules by specifier, given as source. */
export async function bundleProgram(entry: string, out: string, engine: 'xs' | 'v8' = 'xs', modules: Record<string, string> = {}): Promise<number> {
  const xs = engine === 'xs';
  const virtual: Plugin = {
    name: 'zsock-virtual',
    setup(b) {
      for (const [name, contents] of Object.entries(modules)) {
        b.onResolve({ filter: new RegExp(`^${name.replace(/[^\w]/g, '\\$&')}$`) }, () => ({ path: name, namespace: 'zsock-virtual' }));
      }
      b.onLoad({ filter: /.*/, namespace: 'zsock-virtual' }, (a) => ({ contents: modules[a.path], loader: 'ts', resolveDir: ROOT }));
    },
  };
  const r = await build({
    entryPoints: [entry], bundle: true, outfile: out, format: 'esm', platform: xs ? 'neutral' : 'node', target: xs ? 'es2022' : 'node20',
    mainFields: ['module', 'main'], conditions: ['import'], external: xs ? NATIVES : [],
    plugins: [virtual, seam(xs ? join(ROOT, 'test/xs/platform.ts') : null)],
    logLevel: 'error', metafile: true, legalComments: 'none',
  });
  return Object.values(r.metafile!.outputs)[0].bytes;
}

/** Where the board suites' environment (test/helpers/boards.ts) comes from on XS: the XS host's
 *  ECMA-419 classes on real loopback sockets, or the simulator's virtual network (the suite runs
 *  in a board process: test/xs/sim_suite.ts). */
export type BoardsOnXs = 'sockets' | 'sim';
const BOARDS_ENV: Record<BoardsOnXs, string> = { sockets: 'test/xs/boards_env.ts', sim: 'test/xs/sim_env.ts' };

/** The test PKI built in, and src/platform.ts replaced by `platform` (when given). */
function seam(platform: string | null, boards: BoardsOnXs = 'sockets'): Plugin {
  return {
    name: 'zsock-xs-seam',
    setup(b) {
      b.onResolve({ filter: /pki\.js$/ }, (a) =>
        resolve(a.resolveDir, a.path) === join(ROOT, 'test/helpers/pki.js') ? { path: 'pki', namespace: 'zsock-pki' } : undefined);
      b.onLoad({ filter: /.*/, namespace: 'zsock-pki' }, () => ({ contents: pkiModule(), loader: 'ts' }));
      if (platform) {
        b.onResolve({ filter: /platform\.js$/ }, (a) =>
          a.importer !== platform && resolve(a.resolveDir, a.path) === join(ROOT, 'src/platform.js') ? { path: platform } : undefined);
        // The board suites' environments: the XS board over real sockets, no Node host driver.
        const swap: Record<string, string> = {
          [join(ROOT, 'test/helpers/boards.js')]: join(ROOT, BOARDS_ENV[boards]),
          [join(ROOT, 'src/net/host.js')]: join(ROOT, 'test/xs/no_host_driver.ts'),
          // A board's platform takes its timers from the engine's setTimeout unless told (as in a
          // device build) to use Moddable's timer module.
          [join(ROOT, 'boards/common/timers.js')]: join(ROOT, 'boards/moddable-esp32/timers.ts'),
        };
        b.onResolve({ filter: /(boards|host|timers)\.js$/ }, (a) => {
          const to = swap[resolve(a.resolveDir, a.path)];
          return to ? { path: to } : undefined;
        });
      }
    },
  };
}

export interface SuiteBundle { path: string; bytes: number; suites: string[] }

export interface SuiteOptions {
  /** On XS: where the board suites' environment is. 'sim' runs in a board process with the
   *  board's platform, and exits once done (the pipe keeps a board's loop alive). */
  boards?: BoardsOnXs;
  /** One file with every module's bindings at its top level (what XS cannot hold under the
   *  device heap once a program grows: kept to show it). */
  oneFile?: boolean;
}

/** Writes the folder `out` with `files` (test sources) for `engine`, one ES module per source:
 *  XS holds a stack slot for each top-level binding of a module while its body runs, and the
 *  bindings of a one-file bundle of suites and zsock outgrew the device stack. Its main is `path`. */
export async function bundleSuites(engine: 'xs' | 'v8', files: string[], out: string, opts: SuiteOptions = {}): Promise<SuiteBundle> {
  const xs = engine === 'xs';
  const boards = opts.boards ?? 'sockets';
  // In a board process, the board's own platform (its limits, arena, timers, driver) as in its
  // firmware; else the test programs' (the host's region, no driver).
  const sim = xs && boards === 'sim';
  const platform = join(ROOT, sim ? 'boards/moddable-esp32/platform.ts' : 'test/xs/platform.ts');
  const suites = files.map((f) => basename(f).replace(/\.ts$/, '.js'));
  const options: BuildOptions & { plugins: Plugin[] } = {
    bundle: true, format: 'esm', platform: xs ? 'neutral' : 'node', target: xs ? 'es2022' : 'node20',
    mainFields: ['module', 'main'], conditions: ['import'], external: xs ? NATIVES : [],
    plugins: [suitesMain(xs, sim, files, suites), seam(xs ? platform : null, boards)],
    logLevel: 'error', metafile: true, legalComments: 'none', define: sim ? boardLimits('moddable-esp32') : {},
    outdir: out, outExtension: { '.js': '.mjs' }, absWorkingDir: ROOT,
  };
  rmSync(out, { recursive: true, force: true });
  const r = opts.oneFile ? await build({ ...options, entryPoints: { main: 'zsock-suites:main' } }) : await modulePerSource(options);
  const bytes = Object.values(r.metafile!.outputs).reduce((n, o) => n + o.bytes, 0);
  return { path: join(out, 'main.mjs'), bytes, suites };
}

/** The program's main (`zsock-suites:main`) and uvu's groups: each module after the one before
 *  has run (static imports would be hoisted, and esbuild does not keep the order of side effects
 *  across its chunks): the environment before uvu, each suite's group before the suite. */
function suitesMain(xs: boolean, sim: boolean, files: string[], suites: string[]): Plugin {
  const lines = [`await import(${JSON.stringify(xs ? join(ROOT, 'test/xs/env.ts') : 'uvu-group:env')});`];
  if (sim) lines.push(`import sys from 'zsock:sys';`);
  lines.push(`const { exec } = await import('uvu');`);
  files.forEach((f, i) => lines.push(`await import('uvu-group:${i}:${suites[i]}');`, `await import(${JSON.stringify(resolve(f))});`));
  lines.push('await exec();');
  if (sim) lines.push('sys.exit(0);');
  return {
    name: 'zsock-xs-suites',
    setup(b) {
      b.onResolve({ filter: /^zsock-suites:main$/ }, () => ({ path: 'main', namespace: 'zsock-suites' }));
      b.onLoad({ filter: /.*/, namespace: 'zsock-suites' }, () => ({ contents: lines.join('\n'), resolveDir: ROOT, loader: 'js' }));
      b.onResolve({ filter: /^uvu-group:/ }, (a) => ({ path: a.path, namespace: 'uvu-group' }));
      b.onLoad({ filter: /.*/, namespace: 'uvu-group' }, (a) => {
        if (a.path === 'uvu-group:env') return { contents: 'globalThis.UVU_DEFER = 1; globalThis.UVU_QUEUE = [];', loader: 'js' };
        const [, index, name] = /^uvu-group:(\d+):(.*)$/.exec(a.path)!;
        return { contents: `globalThis.UVU_INDEX = ${index}; globalThis.UVU_QUEUE.push([${JSON.stringify(name)}]);`, loader: 'js' };
      });
    },
  };
}

/** What the program is made of (a first pass), then each of those modules an entry point, so
 *  that each becomes an ES module of its own (esbuild makes one chunk per set of entries that
 *  reach a file, and every file is reached by itself). */
async function modulePerSource(options: BuildOptions & { plugins: Plugin[] }) {
  const scan = await build({ ...options, entryPoints: ['zsock-suites:main'], write: false });
  const entries: Record<string, string> = { main: 'zsock-suites:main' };
  for (const input of Object.keys(scan.metafile!.inputs)) {
    if (input === 'zsock-suites:main' || input.startsWith('<')) continue; // the main; esbuild's own (a define's value)
    const virtual = /^[\w-]+:/.test(input);
    entries[virtual ? `virtual/${input.replace(/[^\w.-]/g, '_')}` : input.replace(/\.[mc]?[jt]s$/, '')] = virtual ? `zsock-entry:${input}` : join(ROOT, input);
  }
  return build({ ...options, plugins: [reentry, ...options.plugins], entryPoints: entries, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
}

/** boards/build.ts's define of a board's limits. */
function boardLimits(name: string): Record<string, string> {
  const { fds, tlsContexts, arenaBytes } = boardNamed(name).limits;
  return { ZSOCK_BOARD_LIMITS: JSON.stringify({ fds, tlsContexts, arenaBytes }) };
}

/** An entry point for a module of a plugin's namespace: `zsock-entry:NAMESPACE:PATH`. */
const reentry: Plugin = {
  name: 'zsock-reentry',
  setup(b) {
    b.onResolve({ filter: /^zsock-entry:/ }, (a) => {
      const [, namespace, path] = /^zsock-entry:([\w-]+):(.*)$/.exec(a.path)!;
      return { path, namespace };
    });
  },
};

/** Per test file, "passed / total" from uvu's report (colours stripped), summed over the file's
 *  suites. */
export function suiteResults(output: string): Map<string, string> {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const sums = new Map<string, [number, number]>();
  let current = '';
  for (const line of clean.split('\n')) {
    const name = /^\s*(\S+\.js)\s*$/.exec(line);
    if (name) current = name[1];
    const counts = /\((\d+) \/ (\d+)\)\s*$/.exec(line);
    if (!counts || !current) continue;
    const [p, t] = sums.get(current) ?? [0, 0];
    sums.set(current, [p + Number(counts[1]), t + Number(counts[2])]);
  }
  return new Map([...sums].map(([f, [p, t]]) => [f, `${p} / ${t}`]));
}
