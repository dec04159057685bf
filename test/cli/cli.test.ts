/** The zsock command-line tool, run as a user runs it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';

const zsock = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), ...args], { encoding: 'utf8' });

test('zsock info reports the core it loaded', () => {
  const r = zsock('info');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /wasm core\s+\d+ bytes/);
  assert.match(r.stdout, /arena\s+\d+ bytes/);
  assert.match(r.stdout, 'TLS_AES_128_GCM_SHA256');
});

test('zsock --version', () => {
  assert.match(zsock('--version').stdout, /^zsock \d+\.\d+\.\d+/);
});

test('an unknown command is a usage error (exit 2) that lists the commands', () => {
  const r = zsock('frobnicate');
  assert.is(r.status, 2);
  assert.match(r.stderr, "unknown command 'frobnicate'");
  assert.match(r.stderr, 'info');
});

test.run();
