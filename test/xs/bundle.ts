/**
 * Bundles uvu suites into one ES module, for the XS host (xs/) or for Node, so the same suites
 * run on both engines from the same recipe: the suites in order, then uvu's exec(). For XS,
 * src/platform.ts is test/xs/platform.ts (the native zsock:core) and test/xs/env.ts sets up
 * what the suites use; the test PKI (test/helpers/pki.ts reads files) is built in as bytes.
 */
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: the folder above this file that holds package.json. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
export const XS_HOST = join(ROOT, 'build/xs/zsock-xs');
const NATIVES = ['zsock:*', 'text/*', 'timer', 'embedded:*'];

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

/** The test PKI built in, and src/platform.ts replaced by `platform` (when given). */
function seam(platform: string | null): Plugin {
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
          [join(ROOT, 'test/helpers/boards.js')]: join(ROOT, 'test/xs/boards_env.ts'),
          [join(ROOT, 'src/net/host.js')]: join(ROOT, 'test/xs/no_host_driver.ts'),
        };
        b.onResolve({ filter: /(boards|host)\.js$/ }, (a) => {
          const to = swap[resolve(a.resolveDir, a.path)];
          return to ? { path: to } : undefined;
        });
      }
    },
  };
}

export interface SuiteBundle { path: string; bytes: number; suites: string[] }

/** Writes `out` with `files` (test sources) for `engine`. */
export async function bundleSuites(engine: 'xs' | 'v8', files: string[], out: string): Promise<SuiteBundle> {
  const xs = engine === 'xs';
  const platform = join(ROOT, 'test/xs/platform.ts');
  const plugin: Plugin = {
    name: 'zsock-xs-suites',
    setup(b) {
      b.onResolve({ filter: /^uvu-group:/ }, (a) => ({ path: a.path, namespace: 'uvu-group' }));
      b.onLoad({ filter: /.*/, namespace: 'uvu-group' }, (a) => {
        if (a.path === 'uvu-group:env') return { contents: 'globalThis.UVU_DEFER = 1; globalThis.UVU_QUEUE = [];', loader: 'js' };
        const [, index, name] = /^uvu-group:(\d+):(.*)$/.exec(a.path)!;
        return { contents: `globalThis.UVU_INDEX = ${index}; globalThis.UVU_QUEUE.push([${JSON.stringify(name)}]);`, loader: 'js' };
      });
    },
  };
  const suites = files.map((f) => basename(f).replace(/\.ts$/, '.js'));
  // First, before uvu is evaluated: imports are hoisted, so the environment is a module too.
  const lines = [`import ${JSON.stringify(xs ? join(ROOT, 'test/xs/env.ts') : 'uvu-group:env')};`];
  lines.push(`import { exec } from 'uvu';`);
  files.forEach((f, i) => lines.push(`import 'uvu-group:${i}:${suites[i]}';`, `import ${JSON.stringify(resolve(f))};`));
  lines.push('await exec();');
  mkdirSync(dirname(out), { recursive: true });
  const r = await build({
    stdin: { contents: lines.join('\n'), resolveDir: ROOT, loader: 'js', sourcefile: 'suites.js' },
    bundle: true, outfile: out, format: 'esm', platform: xs ? 'neutral' : 'node', target: xs ? 'es2022' : 'node20',
    mainFields: ['module', 'main'], conditions: ['import'], external: xs ? NATIVES : [], plugins: [plugin, seam(xs ? platform : null)],
    logLevel: 'error', metafile: true, legalComments: 'none',
  });
  return { path: out, bytes: Object.values(r.metafile!.outputs)[0].bytes, suites };
}

/** Per suite, "passed / total" from uvu's report (colours stripped), in order. */
export function suiteResults(output: string): Map<string, string> {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const out = new Map<string, string>();
  let current = '';
  for (const line of clean.split('\n')) {
    const name = /^\s*(\S+\.js)\s*$/.exec(line);
    if (name) current = name[1];
    const counts = /\((\d+) \/ (\d+)\)\s*$/.exec(line);
    if (counts && current) out.set(current, `${counts[1]} / ${counts[2]}`);
  }
  return out;
}
