/** The API reference check: every export of zsock, zsock/posix and zsock/tls has a doc comment,
 *  but for those docs/api/undocumented.txt lists (it only shrinks); docs/api has each page. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';

const D = suite('API reference');

D('no export without a doc comment beyond the listed ones (node scripts/api-docs.mjs --check)', () => {
  const r = spawnSync(process.execPath, ['scripts/api-docs.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

D('docs/api has a page per entry point, with this session\'s exports in it', () => {
  for (const page of ['README.md', 'zsock.md', 'posix.md', 'tls.md', 'idiomatic.md']) assert.ok(existsSync(join(ROOT, 'docs/api', page)), page);
  const z = readFileSync(join(ROOT, 'docs/api/zsock.md'), 'utf8');
  for (const name of ['zsock_strerror', 'zsock_errno_name', 'zsock_errstr', 'app_config']) assert.match(z, `### ${name}\n`);
  assert.match(readFileSync(join(ROOT, 'docs/api/posix.md'), 'utf8'), '### strerror\n');
});

D.run();
