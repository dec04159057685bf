/**
 * The mcconfig project of a Moddable firmware (boards/build.ts with `device`): the ES-module
 * bundle, the native modules zsock:core and zsock:sys (their JS halves, xs/zsock_*.js, and their
 * C: xs/, the generated glue, the shim wasm/zs_*.c) and mbedTLS 3.6, in `outDir`:
 *
 *   manifest.json            modules: the bundle, zsock:core, zsock:sys, and every C unit
 *   zsock/zsock_core.js ...  the natives' JS halves
 *   zsock/native/            the C sources and headers, copied
 *   zsock/units/             one .c per compiled unit: the defines that unit needs (mbedTLS's
 *                            config, the profile, X25519 on HACL*, the Makefile's per-file
 *                            renames, mbedTLS renamed apart from ESP-IDF's, the region's size),
 *                            then #include of the source: mcconfig has no per-file -D
 *
 * Every path the manifest names exists, and each unit has the defines the XS host compiles its
 * source with (test/xs/mcconfig.test.ts checks both against the Makefile). mbedTLS's sources
 * (with HACL*'s X25519 from its 3rdparty/everest) stay in the checkout (build/mbedtls-3.6.6) and
 * are included by absolute path.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The C of the native modules: the host-only files of xs/ (host.c, modules.c, timer.c,
 *  hostmod.c) are the XS host's own platform, which a Moddable runtime provides itself. */
const NATIVE_C = ['core.c', 'core_check.c', 'region.c', 'sys.c'];
const NATIVE_H = ['core.h', 'region.h', 'host.h'];
/** X25519 on HACL* (the Makefile's X25519_HACL=1, its default): its three sources, and the
 *  define for the shim and mbedTLS. */
const EVEREST_C = ['everest.c', 'x25519.c', 'Hacl_Curve25519_joined.c'];
const HACL = '#define ZSOCK_X25519_HACL 1\n';
/** zsock's mbedTLS renamed apart from ESP-IDF's own: every mbedtls_/psa_ name gets a zsock_
 *  prefix through the header xs/xs.mk generates (build/xs/gen/zsock_mbedtls_rename.h). */
const RENAME_H = 'zsock_mbedtls_rename.h';
/** The Makefile's per-file flags (CF_<stem>): PSA's X25519 through zs_ecp_mul, and the arena's
 *  fill skipped at load. */
const PER_FILE: Record<string, string> = {
  psa_crypto_ecp: '#define mbedtls_ecp_mul zs_ecp_mul\n',
  memory_buffer_alloc: '#define memset zs_arena_memset\n',
};
/** The region beyond the arena: staging windows (about 11 KB for embedded records) and scratch,
 *  as the XS host's board core has it (xs/xs.mk: 128 KB with the board's 96 KB arena). */
export const REGION_EXTRA_BYTES = 32 * 1024;

export interface McconfigInputs {
  /** The checkout (package root). */
  top: string;
  /** The firmware bundle (an ES module) inside outDir. */
  bundle: string;
  /** The board's arena, bytes: the region holds it, the staging windows and scratch. */
  arenaBytes: number;
}

/** Writes the project; returns the manifest's path. Throws when the native core's generated
 *  glue or mbedTLS's sources are missing (run `make build` first). */
export function writeMcconfigProject(outDir: string, inp: McconfigInputs): string {
  const { top } = inp;
  const glue = join(top, 'build/xs/gen/core_glue.c'), abi = join(top, 'build/xs/gen/core_abi.h'), rename = join(top, 'build/xs/gen', RENAME_H);
  const mbedtls = join(top, 'build/mbedtls-3.6.6/library'), everest = join(top, 'build/mbedtls-3.6.6/3rdparty/everest');
  for (const need of [glue, abi, rename, mbedtls, everest]) if (!existsSync(need)) throw new Error(`mcconfig project: ${need} is missing (make build)`);
  const native = join(outDir, 'zsock/native'), units = join(outDir, 'zsock/units');
  mkdirSync(native, { recursive: true });
  mkdirSync(units, { recursive: true });
  for (const f of [...NATIVE_C, ...NATIVE_H]) copyFileSync(join(top, 'xs', f), join(native, f));
  for (const f of ['zsock_core.js', 'zsock_sys.js']) copyFileSync(join(top, 'xs', f), join(outDir, 'zsock', f));
  copyFileSync(glue, join(native, 'core_glue.c'));
  copyFileSync(abi, join(native, 'core_abi.h'));
  copyFileSync(rename, join(native, RENAME_H));
  const shim = readdirSync(join(top, 'wasm')).filter((f) => /^zs.*\.[ch]$|^zsock_mbedtls_config\.h$/.test(f));
  for (const f of shim) copyFileSync(join(top, 'wasm', f), join(native, f));

  const list = writeUnits(outDir, shim.filter((n) => n.endsWith('.c')), { mbedtls, everest, region: inp.arenaBytes + REGION_EXTRA_BYTES });

  const manifest = join(outDir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({
    // The text modules: the device build's TextEncoder/TextDecoder (boards/moddable-esp32/globals.ts).
    include: ['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/examples/manifest_net.json', '$(MODDABLE)/modules/io/manifest.json',
      '$(MODDABLE)/modules/data/text/decoder/manifest.json', '$(MODDABLE)/modules/data/text/encoder/manifest.json'],
    modules: {
      '*': [`./${basename(inp.bundle).replace(/\.js$/, '')}`, ...list],
      'zsock:core': './zsock/zsock_core',
      'zsock:sys': './zsock/zsock_sys',
    },
    preload: ['zsock:core', 'zsock:sys'],
    platforms: { esp32: {}, '...': { error: 'zsock firmware targets esp32' } },
  }, null, 2) + '\n');
  return manifest;
}

/** zsock/units/: one .c per compiled source with its defines; returns their module paths. */
function writeUnits(outDir: string, shim: string[], at: { mbedtls: string; everest: string; region: number }): string[] {
  const native = join(outDir, 'zsock/native'), units = join(outDir, 'zsock/units');
  const config = `#define MBEDTLS_CONFIG_FILE "${join(native, 'zsock_mbedtls_config.h')}"\n`;
  const tls = `${HACL}#define MBEDTLS_USER_CONFIG_FILE "${join(native, RENAME_H)}"\n`;
  // What reads the core's structs is built with the profile; region.c and sys.c are not (xs/xs.mk).
  const unit = (name: string, source: string, extra = '', profile = true) => {
    const head = `${config}${profile ? '#define ZSOCK_PROFILE_EMBEDDED 1\n' : ''}${extra}`;
    writeFileSync(join(units, `${name}.c`), `/* Generated by boards/mcconfig.ts: ${basename(source)} with the defines it needs. */\n${head}#include "${source}"\n`);
    return `./zsock/units/${name}`;
  };
  const list: string[] = [];
  for (const f of [...NATIVE_C, 'core_glue.c']) {
    const extra = f === 'core.c' ? `#define ZX_REGION_BYTES ${at.region}u\n` : '';
    list.push(unit(`zsock_${f.replace(/\.c$/, '')}`, join(native, f), extra, !['region.c', 'sys.c'].includes(f)));
  }
  for (const f of shim) {
    // zs_platform.c's arena and staging come from the region (xs/xs.mk does the same).
    const extra = f === 'zs_platform.c' ? `#include "${join(native, 'region.h')}"\n#define malloc zx_region_alloc\n#define free zx_region_free\n` : '';
    list.push(unit(`zsock_${f.replace(/\.c$/, '')}`, join(native, f), tls + extra));
  }
  for (const f of readdirSync(at.mbedtls).filter((n) => n.endsWith('.c')).sort()) {
    const stem = f.replace(/\.c$/, '');
    list.push(unit(`mbedtls_${stem}`, join(at.mbedtls, f), tls + (PER_FILE[stem] ?? '')));
  }
  for (const f of EVEREST_C) list.push(unit(`everest_${f.replace(/\.c$/, '')}`, join(at.everest, 'library', f), tls));
  return list;
}

/** Every file the manifest's modules name (a module path is X.js and/or X.c), and which of
 *  them are missing. */
export function manifestFiles(manifestPath: string, read: (p: string) => string): { files: string[]; missing: string[] } {
  const dir = manifestPath.slice(0, manifestPath.lastIndexOf('/'));
  const m = JSON.parse(read(manifestPath)) as { modules: Record<string, string | string[]> };
  const files: string[] = [], missing: string[] = [];
  for (const entry of Object.values(m.modules).flat()) {
    const base = join(dir, entry);
    const found = ['.js', '.c'].map((ext) => base + ext).filter((p) => existsSync(p));
    if (found.length) files.push(...found);
    else missing.push(entry);
  }
  return { files, missing };
}
