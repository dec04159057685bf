/**
 * Builds a firmware bundle: the application, zsock and the board's adapter in one script at the
 * board's JS level. `zsock` resolves to this package's sources, with src/platform.ts replaced by
 * boards/BOARD/platform.ts; the board's native modules stay imports the engine (or the simulator's
 * sandbox) provides. For Moddable it also writes the manifest.json mcconfig builds from.
 */
import { build, type Plugin } from 'esbuild';
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boardNamed } from './boards.js';
import { writeMcconfigProject } from './mcconfig.js';

/** The package root: the folder above this file that holds package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('zsock: package root not found');
    dir = dirname(dir);
  }
  return dir;
}

const NATIVE_MODULES = ['embedded:*', 'net', 'dgram', 'Wifi', 'timer', 'text/*', 'zsock:core', 'zsock:sys'];

export interface BundleResult { path: string; bytes: number; manifest?: string; flash: string[] }

export interface BundleOptions {
  /** A device build (Moddable): an ES module that imports its natives (a device's XS has no
   *  require), with the mcconfig project around it (boards/mcconfig.ts). Without it, the
   *  bundle is the iife the simulator's sandbox runs. */
  device?: boolean;
  /** With `device`: false leaves the mcconfig project out (the simulator's XS board runs the
   *  bundle alone; an installed package has no generated glue to put in a project). */
  project?: boolean;
}

/**
 * A device build's entry: the application starts one turn after the firmware's module body ends.
 * The bundle is one module, and XS holds one stack slot per top-level binding of a module while
 * its body runs: about 470 for zsock and a sample, most of a board's JS stack (mcconfig's esp32
 * manifests give it a few hundred to a thousand slots), which an application run from inside the
 * body (a sample's main()) would then overflow. The import() waits for a promise job: esbuild
 * lowers an import() of an application with top-level await to a direct call of its initializer,
 * which would run it inside the body after all. An exception in the application's start is
 * thrown from a timer callback: an abort and restart, as if it had been thrown at boot.
 */
function deviceStart(app: string): string {
  return `import Timer from 'timer';
Promise.resolve().then(() => import(${JSON.stringify(app)})).then(undefined, (e) => { Timer.set(() => { throw e; }, 0); });
`;
}

/**
 * `config`: the application's build-time settings (a sample's Kconfig), baked in as the global
 * ZSOCK_SAMPLE_CONFIG (see samples/common/config.ts).
 */
export async function buildBundle(boardName: string, entry: string, outDir: string, config: Record<string, string> = {}, opts: BundleOptions = {}): Promise<BundleResult> {
  const board = boardNamed(boardName);
  const top = packageRoot();
  const platform = join(top, 'boards', boardName, 'platform.ts');
  const device = !!opts.device && board.natives === 'moddable';
  // A device build: the board's timers (boards/BOARD/timers.ts) replace the engine's setTimeout.
  const deviceTimers = join(top, 'boards', boardName, 'timers.ts');
  const commonTimers = join(top, 'boards', 'common', 'timers.js');
  const seam: Plugin = {
    name: 'zsock-board',
    setup(b) {
      b.onResolve({ filter: /^zsock(\/.*)?$/ }, (a) => ({ path: join(top, 'src', a.path === 'zsock' ? 'index.ts' : `${a.path.slice(6)}.ts`) }));
      // The board's platform.ts may build on the host's (native-sim re-exports it).
      b.onResolve({ filter: /platform\.js$/ }, (a) =>
        a.importer !== platform && resolve(a.resolveDir, a.path) === join(top, 'src', 'platform.js') ? { path: platform } : undefined);
      if (device) {
        b.onResolve({ filter: /timers\.js$/ }, (a) =>
          resolve(a.resolveDir, a.path) === commonTimers ? { path: deviceTimers } : undefined);
        b.onResolve({ filter: /^zsock-device-start$/ }, () => ({ path: 'start', namespace: 'zsock-device' }));
        b.onLoad({ filter: /.*/, namespace: 'zsock-device' }, () => ({ contents: deviceStart(resolve(entry)), loader: 'js', resolveDir: top }));
      }
    },
  };
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${basename(entry).replace(/\.[tj]s$/, '')}.${boardName}.js`);
  const native = board.natives === 'host';
  const limits = { fds: board.limits.fds, tlsContexts: board.limits.tlsContexts, arenaBytes: board.limits.arenaBytes };
  const r = await build({
    entryPoints: [device ? 'zsock-device-start' : entry], bundle: true, outfile: native ? out.replace(/\.js$/, '.mjs') : out,
    format: native || device ? 'esm' : 'iife', platform: native ? 'node' : 'neutral', target: board.target,
    mainFields: ['module', 'main'], external: native ? [] : NATIVE_MODULES, plugins: [seam],
    define: { ZSOCK_SAMPLE_CONFIG: JSON.stringify(config), ...(native ? {} : { ZSOCK_BOARD_LIMITS: JSON.stringify(limits) }) },
    // A device has no console or setTimeout: the application's uses become imports of the board's.
    inject: device ? [join(top, 'boards', boardName, 'globals.ts')] : [],
    logLevel: 'error', metafile: true, legalComments: 'none',
  });
  const path = Object.keys(r.metafile!.outputs)[0];
  const bytes = r.metafile!.outputs[path].bytes;
  let manifest: string | undefined;
  if (device) {
    if (opts.project !== false) manifest = writeMcconfigProject(outDir, { top, bundle: path, arenaBytes: board.limits.arenaBytes });
  } else if (board.natives === 'moddable') {
    manifest = join(outDir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({
      include: ['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/examples/manifest_net.json', '$(MODDABLE)/modules/io/manifest.json'],
      modules: { '*': [`./${basename(path).replace(/\.js$/, '')}`], 'zsock:core': './zsock_core', 'zsock:sys': './zsock_sys' },
      preload: ['zsock:core'],
      platforms: { esp32: {}, '...': { error: 'zsock firmware targets esp32' } },
    }, null, 2) + '\n');
  }
  return { path: resolve(path), bytes, manifest, flash: board.flash(path) };
}
