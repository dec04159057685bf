/** Secure-socket creation and SOL_TLS options: values, directions, validation, as Zephyr. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { getCore } from '../../src/internal.js';
import { contexts } from '../../src/sockets/tls_state.js';
import { pki } from '../helpers/pki.js';
import { closeAll, until } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials, getopt, tlsListener } from '../helpers/tls.js';

test.before.each(addCredentials);
test.after.each(() => { closeAll(); removeCredentials(); });

const tls = () => Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);

test('creation errors: EAFNOSUPPORT, EPROTOTYPE', () => {
  assert.is(Z.zsock_socket(Z.AF_UNIX, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2), -E.EAFNOSUPPORT);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_TLS_1_2), -E.EPROTOTYPE);
  assert.is(Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_DTLS_1_2), -E.EPROTOTYPE);
  assert.ok(Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2) >= 0);
  assert.ok(Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3) >= 0);
});

test('ENOMEM past CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS; contexts and arena return after close', () => {
  configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: 2 });
  const arena0 = getCore().arena().used;
  const a = tls(), b = tls();
  assert.ok(a >= 0 && b >= 0);
  assert.is(tls(), -E.ENOMEM);
  assert.is(Z.zsock_errno(), E.ENOMEM);
  assert.is(Z.zsock_close(a), 0);
  const c = tls();
  assert.ok(c >= 0, 'a context came back');
  Z.zsock_close(b);
  Z.zsock_close(c);
  assert.is(contexts.inUse, 0);
  assert.is(getCore().arena().used, arena0);
});

test('accept with no TLS context free: -ENOMEM, the connection stays queued and is served once one is free', async () => {
  configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: contexts.inUse + 2, NET_SOCKETS_TLS_CONTEXTS_RESERVED_OUTBOUND: 0 });
  const [l, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_2); // one context
  const blocker = tls(); // the other
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);
  assert.is(c, -E.ENOMEM, 'none left for a client either');
  const raw = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0); // a plain TCP peer, to queue a connection
  assert.is(await Z.zsock_connect(raw, at), 0);
  await until(() => (Z.zsock_get_context_object(l)!.pollEvents() & Z.ZSOCK_POLLIN) !== 0, 2000, 'queued');
  assert.is(await Z.zsock_accept(l), -E.ENOMEM);
  assert.ok(Z.zsock_get_context_object(l)!.pollEvents() & Z.ZSOCK_POLLIN, 'still queued, not reset');
  Z.zsock_close(blocker);
  Z.zsock_fcntl(l, Z.F_SETFL, Z.O_NONBLOCK);
  const s = await Z.zsock_accept(l);
  assert.ok(s >= 0, `accepted once a context was free (${s})`);
});

test('SO_PROTOCOL reports the TLS protocol; SO_TYPE stream; other levels reach the TCP socket', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3);
  assert.is(getopt(fd, Z.SOL_SOCKET, Z.SO_PROTOCOL), Z.IPPROTO_TLS_1_3);
  assert.is(getopt(fd, Z.SOL_SOCKET, Z.SO_TYPE), Z.SOCK_STREAM);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_KEEPALIVE, 1), 0);
  assert.is(getopt(fd, Z.SOL_SOCKET, Z.SO_KEEPALIVE), 1);
  assert.is(getopt(fd, Z.IPPROTO_TCP, Z.TCP_NODELAY), 1, 'the TLS layer turns Nagle off under it');
  const n: Z.Out<number> = {};
  assert.is(Z.zsock_ioctl(fd, Z.FIONREAD, n), -E.EOPNOTSUPP, 'FIONREAD is not supported on TLS');
});

test('TLS_SEC_TAG_LIST: validated at set time', () => {
  const fd = tls();
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA, TAG.EC]), 0);
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST), [TAG.CA, TAG.EC]);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [99]), -E.ENOENT, 'no credential on the tag');
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, null), -E.EINVAL);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [1, 2, 3, 4, 5]), -E.EINVAL, 'more than 4 tags');
  Z.tls_credential_add(40, Z.TLS_CREDENTIAL_PSK, new Uint8Array(16));
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [40]), -E.EINVAL, 'PSK without PSK_ID');
  Z.tls_credential_add(41, Z.TLS_CREDENTIAL_CA_CERTIFICATE, new Uint8Array([0x30, 0x03, 1, 2, 3]));
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [41]), -E.EINVAL, 'unparsable CA');
  Z.tls_credential_add(42, Z.TLS_CREDENTIAL_PUBLIC_CERTIFICATE, pki.serverEc().cert);
  Z.tls_credential_add(42, Z.TLS_CREDENTIAL_PRIVATE_KEY, pki.serverRsa().key);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [42]), -E.EINVAL, 'key does not match the certificate');
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST), [TAG.CA, TAG.EC], 'a failed set changes nothing');
  Z.tls_credential_add(43, Z.TLS_CREDENTIAL_CA_CERTIFICATE, pki.caPem());
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [43]), 0, 'PEM is detected');
});

test('write-only options: HOSTNAME, PEER_VERIFY, DTLS_ROLE, CERT_NOCOPY, NATIVE, PURGE, CALLBACK', () => {
  const fd = tls();
  const ok = (opt: number, v: unknown) => assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, opt, v), 0, `set ${opt}`);
  const bad = (opt: number, v: unknown) => assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, opt, v), -E.EINVAL, `set ${opt} ${String(v)}`);
  ok(Z.TLS_HOSTNAME, 'device.example'); ok(Z.TLS_HOSTNAME, null); bad(Z.TLS_HOSTNAME, 42);
  for (const v of [0, 1, 2]) ok(Z.TLS_PEER_VERIFY, v);
  bad(Z.TLS_PEER_VERIFY, 3);
  ok(Z.TLS_DTLS_ROLE, 1); bad(Z.TLS_DTLS_ROLE, 2);
  ok(Z.TLS_CERT_NOCOPY, 1); bad(Z.TLS_CERT_NOCOPY, 5);
  ok(Z.TLS_NATIVE, 0);
  ok(Z.TLS_SESSION_CACHE_PURGE, 0);
  ok(Z.TLS_CERT_VERIFY_CALLBACK, { cb: () => 0 }); bad(Z.TLS_CERT_VERIFY_CALLBACK, { cb: null }); bad(Z.TLS_CERT_VERIFY_CALLBACK, null);
  for (const opt of [Z.TLS_HOSTNAME, Z.TLS_PEER_VERIFY, Z.TLS_DTLS_ROLE, Z.TLS_CERT_NOCOPY, Z.TLS_NATIVE, Z.TLS_SESSION_CACHE_PURGE, Z.TLS_CERT_VERIFY_CALLBACK]) {
    assert.is(getopt(fd, Z.SOL_TLS, opt), -E.ENOPROTOOPT, `get ${opt}`);
  }
});

test('read-write options with their defaults', () => {
  const fd = tls();
  assert.is(getopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN), 1000);
  assert.is(getopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX), 60000);
  assert.is(getopt(fd, Z.SOL_TLS, Z.TLS_SESSION_CACHE), 0);
  assert.is(getopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_ON_CONNECT), 1);
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_ALPN_LIST), []);
  assert.ok((getopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST) as number[]).includes(0x1301), 'all of the core by default');
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, [0xc02b, 0x1301]), 0);
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST), [0xc02b, 0x1301]);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, [1, 2, 3, 4, 5]), -E.EINVAL, 'more than 4');
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_ALPN_LIST, ['h2', 'http/1.1']), 0);
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_ALPN_LIST), ['h2', 'http/1.1']);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_ALPN_LIST, ['a', 'b', 'c']), -E.EINVAL, 'more than 2');
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, 500), 0);
  assert.is(getopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN), 500);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, -1), -E.EINVAL);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SESSION_CACHE, 1), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SESSION_CACHE, 2), -E.EINVAL);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_CID, 2), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_CID, 3), -E.EINVAL);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_CID_VALUE, new Uint8Array([1, 2])), 0);
  assert.equal(getopt(fd, Z.SOL_TLS, Z.TLS_DTLS_CID_VALUE), new Uint8Array([1, 2]));
});

test('read-only options: ENOTCONN before a session; ENOPROTOOPT on set; unknown ENOPROTOOPT', () => {
  const fd = tls();
  for (const opt of [Z.TLS_CIPHERSUITE_USED, Z.TLS_CERT_VERIFY_RESULT, Z.TLS_DTLS_CID_STATUS, Z.TLS_DTLS_PEER_CID_VALUE]) {
    assert.is(getopt(fd, Z.SOL_TLS, opt), -E.ENOTCONN, `get ${opt}`);
    assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, opt, 1), -E.ENOPROTOOPT, `set ${opt}`);
  }
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, 99, 1), -E.ENOPROTOOPT);
  assert.is(getopt(fd, Z.SOL_TLS, 99), -E.ENOPROTOOPT);
  const plain = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_setsockopt(plain, Z.SOL_TLS, Z.TLS_HOSTNAME, 'x'), -E.ENOPROTOOPT, 'SOL_TLS on a plain socket');
});

test.run();
