/** `zsock cred` run as a user runs it; its store loaded by a program that then connects. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Z from '../../src/api/index.js';
import { ENOENT } from '../../src/errno.js';
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

const USER_ERRORS: [string[], string][] = [
  [['add', '99999999999', 'PSK', 'hex', '00'], 'SECTAG 99999999999: want an integer 0..2147483647'],
  [['add', '-1', 'PSK', 'hex', '00'], 'SECTAG -1'],
  [['add', '1', 'CA_CERT', 'file', '/nonexistent/ca.pem'], 'file /nonexistent/ca.pem: no such file'],
  [['add', '1', 'CA_CERT', 'file', '/'], 'file /: not a file'],
  [['add', '1', 'KEY', 'str', 'x'], 'TYPE KEY: want one of CA_CERT, CA, SERVER_CERT'],
  [['add', '1', 'PSK', 'base64', 'AA=='], 'FORMAT base64: want one of bin, bint, str, strt, hex, file'],
  [['add', '1', 'PSK', 'bin', '***'], 'DATA for bin: not base64'],
  [['add', '1', 'PSK', 'hex', '0'], 'DATA for hex'],
  [['get', '1', 'PSK', 'file'], 'FORMAT file: want one of bin, str, hex'],
  [['list', 'seven'], 'SECTAG seven'],
  [['frob'], 'unknown command frob'],
];

for (const [args, message] of USER_ERRORS) {
  test(`user error, exit 2 with one line and the usage, no stack: cred ${args.join(' ')}`, () => {
    const r = cred(...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, `zsock cred: ${message}`);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack');
    // The usage lists the names a user may write.
    assert.match(r.stderr, 'TYPE    CA_CERT | CA | SERVER_CERT');
    assert.match(r.stderr, 'FORMAT  bin (base64) | bint');
  });
}

test('cred --help lists the types and formats and exits 0', () => {
  const r = cred('--help');
  assert.is(r.status, 0);
  assert.match(r.stdout, 'PRE_SHARED_KEY_ID');
  assert.match(r.stdout, 'strt (text, NUL added)');
});

test('a store that is not a store: exit 1 with its name, no stack', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/zsock.mjs'), 'cred', '--store', dir, 'list'], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, `zsock cred: ${dir}: EISDIR`);
  assert.not.match(r.stderr, /\n\s+at /);
});

test('loadCredentials reports a missing file with -ENOENT', () => {
  assert.is(Z.loadCredentials(join(dir, 'no-such-store.json')), -ENOENT);
});

test.run();
