import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import { pki } from '../helpers/pki.js';
import { closeAll, lo4 } from '../helpers/zs.js';

test.after.each(closeAll);

test('zsock TLS client <-> zsock TLS server over loopback', async () => {
  Z.tls_credential_add(1, Z.TLS_CREDENTIAL_CA_CERTIFICATE, pki.ca());
  Z.tls_credential_add(2, Z.TLS_CREDENTIAL_SERVER_CERTIFICATE, pki.serverEc().cert);
  Z.tls_credential_add(2, Z.TLS_CREDENTIAL_PRIVATE_KEY, pki.serverEc().key);
  const l = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);
  assert.ok(l >= 0, `listener ${l}`);
  assert.is(Z.zsock_setsockopt(l, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [2]), 0);
  assert.is(Z.zsock_bind(l, lo4()), 0);
  assert.is(Z.zsock_listen(l, 2), 0);
  const me = {} as Z.SockAddr;
  Z.zsock_getsockname(l, me);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);
  assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [1]), 0);
  assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost'), 0);
  const [rc, a] = await Promise.all([Z.zsock_connect(c, me), Z.zsock_accept(l)]);
  assert.is(rc, 0);
  assert.ok(a >= 0, `accept ${a}`);
  assert.is(await Z.zsock_send(c, new TextEncoder().encode('over tls'), 0), 8);
  const buf = new Uint8Array(32);
  assert.is(await Z.zsock_recv(a, buf, 0), 8);
  Z.zsock_close(c);
  assert.is(await Z.zsock_recv(a, buf, 0), 0, 'close_notify -> 0');
  for (const [t, ty] of [[1, 1], [2, 2], [2, 3]]) Z.tls_credential_delete(t, ty);
});

test.run();
