/** `zsock cred` run as a user runs it; its store loaded by a program that then connects. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Z from '../../src/api/index.js';
import { CERTS, ROOT, pki } from '../helpers/pki.js';
import { closeAll } from '../helpers/zs.js';
import { removeCredentials, tlsListener, tlsPair } from '../helpers/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'zsock-cred-'));
const store = join(dir, 'creds.json');
const cred = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'cred', '--store', store, ...args], { encoding: 'utf8' });
test.after(() => { rmSync(dir, { recursive: true, force: true }); closeAll(); removeCredentials(); });

test('add from a file, hex and text; list shows SHA-256 digests; the file is private', () => {
  assert.is(cred('add', '1', 'CA_CERT', 'file', join(CERTS, 'ca.crt.der')).status, 0);
  assert.is(cred('add', '2', 'SERV', 'file', join(CERTS, 'server-ec.crt.der')).status, 0);
  assert.is(cred('add', '2', 'PK', 'file', join(CERTS, 'server-ec.key.der')).status, 0);
  assert.is(cred('add', '3', 'PSK', 'hex', '00112233445566778899aabbccddeeff').status, 0);
  assert.is(cred('add', '3', 'PSK_ID', 'str', 'dev-1').status, 0);
  const r = cred('list');
  assert.is(r.status, 0);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.at(-1), '5 credentials found.');
  const digest = createHash('sha256').update(pki.ca()).digest('base64');
  assert.is(lines[0], `1,CA_CERT,${digest},0`);
  assert.is(cred('list', '3').stdout.trim().split('\n').length, 3);
  assert.is(cred('list', 'any', 'PK').stdout.trim().split('\n')[0].split(',')[1], 'PRIVATE_KEY');
  assert.is(statSync(store).mode & 0o777, 0o600);
});

test('get, EEXIST, del, ENOENT', () => {
  assert.is(cred('get', '3', 'PSK', 'hex').stdout.trim(), '00112233445566778899aabbccddeeff');
  assert.is(cred('get', '3', 'PSK_ID', 'str').stdout.trim(), 'dev-1');
  const again = cred('add', '3', 'PSK', 'hex', '00');
  assert.is(again.status, 1);
  assert.match(again.stderr, 'EEXIST');
  assert.is(cred('del', '3', 'PSK_ID').status, 0);
  assert.match(cred('del', '3', 'PSK_ID').stderr, 'ENOENT');
  assert.is(cred('add', '9', 'NOPE', 'str', 'x').status, 2, 'a usage error');
});

test('a program loads the store and its TLS sockets use it', async () => {
  cred('del', '3', 'PSK');
  assert.is(Z.loadCredentials(store), 0);
  const [l, at] = tlsListener([2]);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [1]);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  await tlsPair(l, at, c);
});

test.run();
