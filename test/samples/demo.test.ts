/**
 * `make run` (samples/demo.ts), as the README runs it: echo over TLS 1.3 between a moddable-esp32
 * server on XS and an espruino-esp32 client on V8, then HTTPS from a moddable-esp32 board on XS
 * to openssl s_server on the host; it exits 0 and its summary names each board's engine and core.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';

const Run = suite('make run');

Run('both steps succeed and the summary names the engines: moddable-esp32 on XS (native core), espruino-esp32 on V8 (wasm core)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'build/js/samples/demo.js')], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.is(r.status, 0, out);
  assert.match(r.stdout, /^\[server\] XS \d+\.\d+\.\d+, native core$/m);
  assert.match(r.stdout, /^\[web\] XS \d+\.\d+\.\d+, native core$/m);
  assert.match(r.stdout, new RegExp(`^  engines +moddable-esp32 on XS \\d+\\.\\d+\\.\\d+ \\(native core\\), espruino-esp32 on V8 ${process.versions.v8.replace(/\./g, '\\.')} \\(wasm core\\)$`, 'm'), out);
  assert.match(r.stdout, /^  echo over TLS +ok: \d+ bytes echoed and compared/m, out);
  assert.match(r.stdout, /^  https GET +ok: HTTP\/1\.0 200 ok/m, out);
});

Run.run();
