/**
 * The Moddable device build (boards/build.ts with `device`): an ES module that imports its
 * natives (regression: the iife bundle stopped at `Dynamic require of "embedded:io/socket/tcp"`
 * on XS), and an mcconfig project whose manifest names only files that exist, with the native
 * module's C the same that the XS host compiles.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT } from './bundle.js';
import { buildBundle, type BundleResult } from '../../boards/build.js';
import { manifestFiles } from '../../boards/mcconfig.js';

const OUT = join(ROOT, 'build/xs/test/mcconfig');
const Device = suite('moddable device build');
let built: BundleResult;

Device.before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  built = await buildBundle('moddable-esp32', join(ROOT, 'samples/http-get/main.ts'), OUT, {}, { device: true });
});

Device('the firmware is an ES module importing its natives, with no require (regression)', () => {
  const js = readFileSync(built.path, 'utf8');
  assert.not.match(js, /\brequire\s*\(|__require/);
  for (const m of ['zsock:core', 'zsock:sys', 'embedded:io/socket/tcp', 'embedded:network/dns/resolver/udp']) {
    assert.match(js, new RegExp(`^import \\w+ from "${m.replace(/[/:]/g, '\\$&')}";$`, 'm'), m);
  }
});

Device('every path the manifest names exists', () => {
  const { files, missing } = manifestFiles(built.manifest!, (p) => readFileSync(p, 'utf8'));
  assert.equal(missing, []);
  const units = readdirSync(join(OUT, 'zsock/units'));
  assert.ok(units.length > 100 && files.length === units.length + 3, `${files.length} files, ${units.length} C units`);
  const m = JSON.parse(readFileSync(built.manifest!, 'utf8'));
  assert.equal(m.preload, ['zsock:core', 'zsock:sys']);
});

/** How the XS host's board binary compiles each of its objects (`make -n -B`, the Makefile's own
 *  lines): source, defines (NAME=value, `-include` as include:FILE) by object. */
function hostCompiles(): Map<string, { source: string; defines: Set<string> }> {
  const r = spawnSync('make', ['-n', '-B', 'build/xs/zsock-xs-embedded'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = new Map<string, { source: string; defines: Set<string> }>();
  for (const line of r.stdout.replace(/\\\n/g, ' ').split('\n')) {
    const words = (line.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, '$1'));
    const c = words.indexOf('-c'), o = words.indexOf('-o');
    if (c < 0 || o < 0) continue;
    const defines = new Set<string>();
    words.forEach((w, i) => {
      if (w === '-include') defines.add(`include:${basename(words[i + 1])}`);
      else if (w.startsWith('-D')) defines.add(define(w.slice(2).replace('=', ' ')));
    });
    out.set(words[o + 1], { source: words[c + 1], defines });
  }
  return out;
}

/** One define, normalised: a flag's value is 1, a header path its file name, a size in bytes. */
function define(text: string): string {
  const [, name, value = '1'] = /^(\w+)\s*(.*)$/.exec(text.trim())!;
  const shift = /^\((\d+)u? << (\d+)\)$/.exec(value);
  const v = name.endsWith('_FILE') ? basename(value.replace(/"/g, ''))
    : shift ? String(Number(shift[1]) << Number(shift[2])) : value.replace(/^(\d+)u$/, '$1');
  return `${name}=${v || '1'}`;
}

/** The XS host's object behind a unit; null for what a Moddable runtime has of its own (the
 *  engine, the text natives, the host's platform: xs/host.c, modules.c, timer.c, ...). */
function unitOf(obj: string): string | null {
  const m = /^build\/xs\/(?:obj-embedded\/(mbedtls|everest|shim)\/(\w+)|obj-embedded\/(core\w*)|obj\/host\/(region|sys))\.o$/.exec(obj);
  if (!m) return null;
  return m[1] === 'mbedtls' || m[1] === 'everest' ? `${m[1]}_${m[2]}` : `zsock_${m[2] ?? m[3] ?? m[4]}`;
}

// The engine's configuration (a Moddable build sets its own) and a size figure the host reports.
const ENGINE_ONLY = /^(mx\w+|INCLUDE_XSPLATFORM|XSPLATFORM|ZX_CORE_TEXT_BYTES)=/;

Device('each C unit is an object of the XS host\'s board binary, with the same source and defines (regression: X25519 on HACL*, the per-file renames and the region\'s size differed)', () => {
  const host = hostCompiles();
  const units = new Map<string, string>();
  for (const [obj] of host) { const u = unitOf(obj); if (u) units.set(u, obj); }
  const ours = readdirSync(join(OUT, 'zsock/units')).map((f) => f.replace(/\.c$/, '')).sort();
  assert.equal(ours, [...units.keys()].sort());
  for (const u of ours) {
    const text = readFileSync(join(OUT, 'zsock/units', `${u}.c`), 'utf8');
    const includes = [...text.matchAll(/^#include "(.*)"$/gm)].map((m) => m[1]);
    const source = includes.pop()!;
    const got = new Set([...text.matchAll(/^#define (.*)$/gm)].map((m) => define(m[1])));
    includes.forEach((f) => got.add(`include:${basename(f)}`));
    const { source: theirs, defines } = host.get(units.get(u)!)!;
    assert.equal([...got].sort(), [...defines].filter((d) => !ENGINE_ONLY.test(d)).sort(), u);
    assert.is(readFileSync(source, 'utf8'), readFileSync(join(ROOT, theirs), 'utf8'), `${u}: the same source as ${theirs}`);
  }
});

Device('zsock\'s mbedTLS is renamed apart from ESP-IDF\'s: the board binary defines no mbedtls_ or psa_ symbol, and the project carries the rename', () => {
  const r = spawnSync('nm', ['-g', '--defined-only', join(ROOT, 'build/xs/zsock-xs-embedded')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(r.status, 0, r.stderr);
  const names = r.stdout.split('\n').map((l) => l.split(' ').pop()!);
  assert.equal(names.filter((n) => /^(mbedtls|psa)_/.test(n)), []);
  assert.ok(names.filter((n) => /^zsock_(mbedtls|psa)_/.test(n)).length > 500);
  const header = readFileSync(join(OUT, 'zsock/native/zsock_mbedtls_rename.h'), 'utf8');
  assert.match(header, /^#define mbedtls_ssl_handshake zsock_mbedtls_ssl_handshake$/m);
});

Device('the native module\'s C compiles as the XS host compiles it', () => {
  const xs = join(ROOT, 'build/xsnap/package/moddable/xs'), everest = join(ROOT, 'build/mbedtls-3.6.6/3rdparty/everest/include');
  const units = readdirSync(join(OUT, 'zsock/units')).filter((f) => /^(zsock|everest)_/.test(f) || /^mbedtls_(ssl_tls|x509_crt|ecp|psa_crypto_ecp|pk_wrap)\.c$/.test(f));
  const flags = ['-fsyntax-only', '-Wall', '-Werror', '-Wno-unused-parameter', '-Wno-sequence-point', '-Wno-clobbered',
    '-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xs_platform.h"', '-DmxParse=1', '-DmxRun=1',
    `-I${join(ROOT, 'xs')}`, `-I${xs}/includes`, `-I${xs}/platforms`, `-I${xs}/sources`, `-I${everest}`, `-I${everest}/everest`, `-I${everest}/everest/kremlib`,
    `-I${join(OUT, 'zsock/native')}`, `-I${join(ROOT, 'build/mbedtls-3.6.6/include')}`, `-I${join(ROOT, 'build/mbedtls-3.6.6/library')}`];
  for (const u of units) {
    // HACL*'s C is not ours: its warnings are not ours to fix (the Makefile builds it without -Werror).
    const r = spawnSync('gcc', [...(u.startsWith('everest_') ? flags.filter((f) => !f.startsWith('-W')) : flags), join(OUT, 'zsock/units', u)], { encoding: 'utf8' });
    assert.is(r.status, 0, `${u}: ${r.stderr.slice(0, 1500)}`);
  }
  assert.ok(units.length >= 20, `${units.length} units`);
});

Device.run();
