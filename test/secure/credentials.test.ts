/** tls_credential_add / get / delete with Zephyr's return values. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as P from '../../src/posix.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { credentialsOf } from '../../src/tls/credentials.js';
import { closeAll } from '../helpers/zs.js';
import { removeCredentials, getopt } from '../helpers/tls.js';
import { pki } from '../helpers/pki.js';

test.after.each(() => { removeCredentials(); closeAll(); });

test('add, get, delete; EEXIST for the same tag and type', () => {
  const ca = new Uint8Array([0x30, 1, 2, 3]);
  assert.is(Z.tls_credential_add(10, Z.TLS_CREDENTIAL_CA_CERTIFICATE, ca), 0);
  assert.is(Z.tls_credential_add(10, Z.TLS_CREDENTIAL_CA_CERTIFICATE, ca), -E.EEXIST);
  assert.is(Z.tls_credential_add(10, Z.TLS_CREDENTIAL_PRIVATE_KEY, ca), 0, 'another type on the tag');
  const buf = new Uint8Array(8), len: Z.Out<number> = {};
  assert.is(Z.tls_credential_get(10, Z.TLS_CREDENTIAL_CA_CERTIFICATE, buf, len), 0);
  assert.is(len.value, 4);
  assert.equal(buf.subarray(0, 4), ca);
  assert.is(Z.tls_credential_delete(10, Z.TLS_CREDENTIAL_CA_CERTIFICATE), 0);
  assert.is(Z.tls_credential_delete(10, Z.TLS_CREDENTIAL_CA_CERTIFICATE), -E.ENOENT);
});

test('get: ENOENT with len 0; EFBIG with the size needed', () => {
  const len: Z.Out<number> = { value: 99 };
  assert.is(Z.tls_credential_get(11, Z.TLS_CREDENTIAL_PSK, new Uint8Array(4), len), -E.ENOENT);
  assert.is(len.value, 0);
  Z.tls_credential_add(11, Z.TLS_CREDENTIAL_PSK, new Uint8Array(32));
  assert.is(Z.tls_credential_get(11, Z.TLS_CREDENTIAL_PSK, new Uint8Array(16), len), -E.EFBIG);
  assert.is(len.value, 32);
});

test('ENOMEM when every slot (CONFIG_TLS_MAX_CREDENTIALS_NUMBER) is used', () => {
  configure({ TLS_MAX_CREDENTIALS_NUMBER: 3 });
  for (let t = 0; t < 3; t++) assert.is(Z.tls_credential_add(20 + t, Z.TLS_CREDENTIAL_PSK, new Uint8Array([t])), 0);
  assert.is(Z.tls_credential_add(30, Z.TLS_CREDENTIAL_PSK, new Uint8Array([1])), -E.ENOMEM);
  Z.tls_credential_delete(20, Z.TLS_CREDENTIAL_PSK);
  assert.is(Z.tls_credential_add(30, Z.TLS_CREDENTIAL_PSK, new Uint8Array([1])), 0, 'a freed slot is reused');
});

test('bytes are copied at add (the caller may reuse its buffer) and wiped at delete', () => {
  const key = new Uint8Array([1, 2, 3, 4]);
  Z.tls_credential_add(12, Z.TLS_CREDENTIAL_PSK, key);
  key.fill(9);
  const held = credentialsOf(12)[0].data;
  assert.equal(held, new Uint8Array([1, 2, 3, 4]));
  Z.tls_credential_delete(12, Z.TLS_CREDENTIAL_PSK);
  assert.equal(held, new Uint8Array(4), 'wiped');
});

test('tls_credential_list: tag, type, length and SHA-256, never the bytes', () => {
  const key = new TextEncoder().encode('abc'); // SHA-256("abc") is FIPS 180-4's first example
  assert.is(Z.tls_credential_add(21, Z.TLS_CREDENTIAL_PRIVATE_KEY, key), 0);
  assert.is(Z.tls_credential_add(20, Z.TLS_CREDENTIAL_PSK, new Uint8Array(16)), 0);
  const list = Z.tls_credential_list();
  assert.equal(list.map((c) => [c.tag, c.type, c.length]), [[20, Z.TLS_CREDENTIAL_PSK, 16], [21, Z.TLS_CREDENTIAL_PRIVATE_KEY, 3]]);
  assert.is(list[1].digest, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.not.ok(list.some((c) => Object.values(c).some((v) => v instanceof Uint8Array)), 'no bytes handed out');
  assert.not.ok('credentialsOf' in Z || 'allCredentials' in Z || 'fdtable' in Z, 'internals stay internal');
  for (const k of ['credentialsOf', 'allCredentials', 'onCredentialDeleted']) assert.not.ok(k in P, `zsock/posix keeps ${k} internal (regression: it re-exported the whole credential module)`);
});

test('TLS_SEC_TAG_LIST checks a tag\'s own credentials as Zephyr does: unparsable or mismatched is -EINVAL', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);
  const ec = pki.serverEc(), rsa = pki.serverRsa();
  assert.is(Z.tls_credential_add(30, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, ec.cert), 0);
  assert.is(Z.tls_credential_add(30, Z.TLS_CREDENTIAL_PRIVATE_KEY, rsa.key), 0); // not its key
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [30]), -E.EINVAL, 'key does not match the certificate');
  assert.is(Z.tls_credential_add(31, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, new Uint8Array([0x30, 0x03, 1, 2, 3])), 0);
  assert.is(Z.tls_credential_add(31, Z.TLS_CREDENTIAL_PRIVATE_KEY, ec.key), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [31]), -E.EINVAL, 'a certificate that does not parse');
  assert.is(Z.tls_credential_add(32, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, ec.cert), 0);
  assert.is(Z.tls_credential_add(32, Z.TLS_CREDENTIAL_PRIVATE_KEY, new Uint8Array([1, 2, 3, 4])), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [32]), -E.EINVAL, 'a key that does not parse');
  assert.is(Z.tls_credential_add(33, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, ec.cert), 0);
  assert.is(Z.tls_credential_add(33, Z.TLS_CREDENTIAL_PRIVATE_KEY, ec.key), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [33]), 0, 'the matching pair');
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST), [33], 'a refused list left the socket\'s as it was set last');
});

test('bad arguments: negative tag / unknown type / empty -> EINVAL; not bytes -> EFAULT', () => {
  assert.is(Z.tls_credential_add(-1, Z.TLS_CREDENTIAL_PSK, new Uint8Array(1)), -E.EINVAL);
  assert.is(Z.tls_credential_add(1, 0, new Uint8Array(1)), -E.EINVAL);
  assert.is(Z.tls_credential_add(1, 6, new Uint8Array(1)), -E.EINVAL);
  assert.is(Z.tls_credential_add(1, Z.TLS_CREDENTIAL_PSK, new Uint8Array(0)), -E.EINVAL);
  assert.is(Z.tls_credential_add(1, Z.TLS_CREDENTIAL_PSK, 'secret' as unknown as Uint8Array), -E.EFAULT);
  assert.is(Z.tls_credential_get(1, Z.TLS_CREDENTIAL_PSK, new Uint8Array(1), null as unknown as {}), -E.EFAULT);
  assert.is(Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, Z.TLS_CREDENTIAL_PUBLIC_CERTIFICATE);
});

test.run();
