/** The API reference check: every export of zsock, zsock/posix, zsock/tls and zsock/idiomatic
 *  has a doc comment, and the check fails on one that has none; docs/api has each page. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/pki.js';

const D = suite('API reference');

D('no export without a doc comment, and docs/api as the sources say (node scripts/api-docs.mjs --check)', () => {
  const r = spawnSync(process.execPath, ['scripts/api-docs.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

D('the check fails on an undocumented export, naming it, and accepts a constant group\'s comment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zsock-api-docs-'));
  try {
    const file = join(dir, 'probe.ts');
    writeFileSync(file, '/** A group. */\nexport const GROUPED_A = 1, GROUPED_B = 2;\nexport const BARE = 3;\n');
    const r = spawnSync(process.execPath, ['scripts/api-docs.mjs', '--check', '--entry', file], { cwd: ROOT, encoding: 'utf8' });
    assert.is(r.status, 1, r.stdout);
    assert.match(r.stderr, ': BARE (');
    assert.not.match(r.stderr, 'GROUPED_');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

D('docs/api has a page per entry point, with this session\'s exports in it', () => {
  for (const page of ['README.md', 'zsock.md', 'posix.md', 'tls.md', 'idiomatic.md']) assert.ok(existsSync(join(ROOT, 'docs/api', page)), page);
  const z = readFileSync(join(ROOT, 'docs/api/zsock.md'), 'utf8');
  for (const name of ['zsock_strerror', 'zsock_errno_name', 'zsock_errstr', 'app_config']) assert.match(z, `### ${name}\n`);
  assert.match(readFileSync(join(ROOT, 'docs/api/posix.md'), 'utf8'), '### strerror\n');
});

D.run();
