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
import { join } from 'node:path';
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

Device('the native module\'s C compiles as the XS host compiles it', () => {
  const xs = join(ROOT, 'build/xsnap/package/moddable/xs');
  const units = readdirSync(join(OUT, 'zsock/units')).filter((f) => f.startsWith('zsock_') || /^mbedtls_(ssl_tls|x509_crt|ecp)\.c$/.test(f));
  const flags = ['-fsyntax-only', '-Wall', '-Werror', '-Wno-unused-parameter', '-Wno-sequence-point', '-Wno-clobbered',
    '-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xs_platform.h"', '-DmxParse=1', '-DmxRun=1',
    `-I${join(ROOT, 'xs')}`, `-I${xs}/includes`, `-I${xs}/platforms`, `-I${xs}/sources`,
    `-I${join(OUT, 'zsock/native')}`, `-I${join(ROOT, 'build/mbedtls-3.6.6/include')}`, `-I${join(ROOT, 'build/mbedtls-3.6.6/library')}`];
  for (const u of units) {
    const r = spawnSync('gcc', [...flags, join(OUT, 'zsock/units', u)], { encoding: 'utf8' });
    assert.is(r.status, 0, `${u}: ${r.stderr.slice(0, 1500)}`);
  }
  assert.ok(units.length >= 10, `${units.length} units`);
});

Device.run();
