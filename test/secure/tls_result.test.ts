/** zsock_tls_handshake (SSL_do_handshake) and zsock_tls_get_error (SSL_get_error): each result
 *  code, on blocking and non-blocking sockets. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, Socket, type Server } from 'node:net';
import * as tls from 'node:tls';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { pem } from '../helpers/pki.js';
import { closeAll, lo4, within, sleep } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials, tlsListener, tlsClient } from '../helpers/tls.js';
import { plainPair, req, ioctl } from '../helpers/ttls.js';

const servers: Server[] = [];
test.before.each(addCredentials);
test.after.each(() => {
  closeAll();
  removeCredentials();
  Z.ttls_policy_set([]);
  servers.splice(0).forEach((s) => s.close());
});

async function listen(srv: Server): Promise<Z.SockAddr> {
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return lo4((srv.address() as { port: number }).port);
}

/** A Node TLS server (OpenSSL) with the test EC certificate; `onConn` gets each connection. */
function nodeTls(onConn: (s: tls.TLSSocket) => void = () => {}): Promise<Z.SockAddr> {
  return listen(tls.createServer({ cert: Buffer.from(pem('server-ec.crt')), key: Buffer.from(pem('server-ec.key')) }, onConn));
}

const err = (fd: number, r: number) => Z.zsock_tls_get_error(fd, r);

test('blocking: zsock_tls_handshake is 1 once done; NONE for any ret > 0', async () => {
  const at = await nodeTls((s) => s.on('data', (d) => s.write(d)));
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  assert.is(await Z.zsock_connect(c, at), 0);
  assert.is(await Z.zsock_tls_handshake(c), 1);
  assert.is(err(c, 1), Z.SSL_ERROR_NONE);
  assert.is(await Z.zsock_send(c, new Uint8Array(5), 0), 5);
  assert.is(err(c, 5), Z.SSL_ERROR_NONE);
});

test('ZERO_RETURN after close_notify; SYSCALL after a bare FIN (possible truncation)', async () => {
  const at = await nodeTls((s) => s.on('data', () => s.end())); // end() sends close_notify
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  assert.is(await Z.zsock_connect(c, at), 0);
  await Z.zsock_send(c, new Uint8Array(1), 0);
  const buf = new Uint8Array(8);
  const r = await Z.zsock_recv(c, buf, 0);
  assert.is(r, 0);
  assert.is(err(c, r), Z.SSL_ERROR_ZERO_RETURN);
  const sent = await Z.zsock_send(c, new Uint8Array(1), 0);
  assert.is(err(c, sent), Z.SSL_ERROR_ZERO_RETURN, 'a write after the peer closed');

  const at2 = await nodeTls((s) => s.on('data', () => s.destroy()));
  const c2 = tlsClient(Z.IPPROTO_TLS_1_3);
  assert.is(await Z.zsock_connect(c2, at2), 0);
  await Z.zsock_send(c2, new Uint8Array(1), 0);
  const r2 = await Z.zsock_recv(c2, buf, 0);
  assert.ok(r2 <= 0);
  assert.is(err(c2, r2), Z.SSL_ERROR_SYSCALL);
});

test('non-blocking: WANT_CONNECT, then WANT_READ while the handshake waits (a write must read)', async () => {
  let release = () => {};
  const held = new Promise<void>((r) => { release = r; });
  // a TCP front that delays the server's flight until we have looked
  const back = await nodeTls();
  const at = await listen(createServer((sock) => {
    const up = new Socket();
    up.connect(back.port, '127.0.0.1');
    // either end may go first when the test closes: a relay error is not the test's failure
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
    sock.pipe(up);
    held.then(() => up.pipe(sock));
  }));
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  const r = await Z.zsock_connect(c, at);
  assert.is(r, -E.EINPROGRESS);
  assert.ok([Z.SSL_ERROR_WANT_CONNECT, Z.SSL_ERROR_WANT_READ].includes(err(c, r)));
  await sleep(50);
  const h = await Z.zsock_tls_handshake(c);
  assert.is(h, -E.EAGAIN);
  assert.is(err(c, h), Z.SSL_ERROR_WANT_READ, 'the ClientHello went out; the ServerHello is awaited');
  const w = await Z.zsock_send(c, new Uint8Array(4), 0);
  assert.is(w, -E.EAGAIN);
  assert.is(err(c, w), Z.SSL_ERROR_WANT_READ, 'a write during the handshake must read');
  release();
  await within((async () => { while ((await Z.zsock_tls_handshake(c)) !== 1) await sleep(5); })(), 5000, 'handshake');
  const rr = await Z.zsock_recv(c, new Uint8Array(4), 0);
  assert.is(rr, -E.EAGAIN);
  assert.is(err(c, rr), Z.SSL_ERROR_WANT_READ);
});

test('WANT_CONNECT while TCP itself is still connecting', async () => {
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  const r = await Z.zsock_connect(c, { family: Z.AF_INET, addr: '192.0.2.1', port: 9 }); // TEST-NET: no answer
  assert.is(r, -E.EINPROGRESS);
  assert.is(err(c, r), Z.SSL_ERROR_WANT_CONNECT);
  assert.is(err(c, await Z.zsock_tls_handshake(c)), Z.SSL_ERROR_WANT_CONNECT);
});

test('WANT_ACCEPT on a non-blocking TLS listener with nothing to accept', async () => {
  const [l] = tlsListener([TAG.EC]);
  Z.zsock_fcntl(l, Z.F_SETFL, Z.O_NONBLOCK);
  const r = await Z.zsock_accept(l);
  assert.is(r, -E.EAGAIN);
  assert.is(err(l, r), Z.SSL_ERROR_WANT_ACCEPT);
});

test('WANT_WRITE when the connection takes no more (non-blocking and SO_SNDTIMEO)', async () => {
  const sockets: tls.TLSSocket[] = [];
  const at = await nodeTls((s) => { sockets.push(s); s.pause(); }); // never reads
  for (const mode of ['nonblock', 'timeout'] as const) {
    const c = tlsClient(Z.IPPROTO_TLS_1_3);
    assert.is(await Z.zsock_connect(c, at), 0);
    if (mode === 'nonblock') Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
    else Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_SNDTIMEO, { tv_sec: 0, tv_usec: 20000 });
    const chunk = new Uint8Array(65536);
    let r = 0; // a send takes a record at most: up to 16 MB, whatever the core's record size
    for (let sent = 0; sent < 16 << 20 && (r = await Z.zsock_send(c, chunk, 0)) > 0; sent += r);
    assert.is(r, -E.EAGAIN, mode);
    assert.is(err(c, r), Z.SSL_ERROR_WANT_WRITE, mode);
    // a read now must wait for our output to move first (the peer reads nothing until it does)
    const rr = await Z.zsock_recv(c, new Uint8Array(4), Z.ZSOCK_MSG_DONTWAIT);
    assert.is(rr, -E.EAGAIN);
    assert.is(err(c, rr), Z.SSL_ERROR_WANT_WRITE, `${mode}: a read that must write`);
  }
  sockets.forEach((s) => s.destroy());
});

test('WANT_READ on a blocking socket whose SO_RCVTIMEO expired', async () => {
  const at = await nodeTls();
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  assert.is(await Z.zsock_connect(c, at), 0);
  Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 0, tv_usec: 20000 });
  const r = await Z.zsock_recv(c, new Uint8Array(4), 0);
  assert.is(r, -E.EAGAIN);
  assert.is(err(c, r), Z.SSL_ERROR_WANT_READ);
});

test('WANT_X509_LOOKUP while a verify callback defers; the handshake goes on when it answers', async () => {
  const at = await nodeTls();
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  let answer: (v: number) => void = () => {};
  const cb = { cb: () => new Promise<number>((r) => { answer = r; }) };
  assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_CERT_VERIFY_CALLBACK, cb), 0);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  await Z.zsock_connect(c, at);
  let h = 0;
  await within((async () => { while ((h = await Z.zsock_tls_handshake(c)) < 0 && err(c, h) !== Z.SSL_ERROR_WANT_X509_LOOKUP) await sleep(5); })(), 5000, 'deferral');
  assert.is(err(c, h), Z.SSL_ERROR_WANT_X509_LOOKUP);
  await sleep(30);
  assert.is(err(c, await Z.zsock_tls_handshake(c)), Z.SSL_ERROR_WANT_X509_LOOKUP, 'still waiting for the answer');
  answer(0);
  await within((async () => { while ((await Z.zsock_tls_handshake(c)) !== 1) await sleep(5); })(), 5000, 'handshake');
});

test('SSL for a protocol failure, with the error queue read in the same call', async () => {
  const at = await nodeTls();
  const c = tlsClient(Z.IPPROTO_TLS_1_3, [TAG.CA], 'not-localhost.example');
  const r = await Z.zsock_connect(c, at);
  assert.is(r, -E.ECONNABORTED);
  const q: Z.Out<Z.TlsErrorInfo[]> = {};
  assert.is(Z.zsock_tls_get_error(c, r, q), Z.SSL_ERROR_SSL);
  assert.ok(q.value!.length >= 1 && q.value![0].code < 0, JSON.stringify(q.value));
  const again: Z.Out<Z.TlsErrorInfo[]> = {};
  assert.is(Z.zsock_tls_get_error(c, r, again), Z.SSL_ERROR_SYSCALL, 'the queue was read: what is left is the errno');
  assert.equal(again.value, []);
});

test('SYSCALL for a transport error (connection refused); 0 from zsock_tls_handshake when the peer hangs up cleanly', async () => {
  const at = await listen(createServer(() => {}));
  const port = at.port;
  servers.pop()!.close();
  await sleep(20);
  const c = tlsClient(Z.IPPROTO_TLS_1_3);
  const r = await Z.zsock_connect(c, lo4(port));
  assert.is(r, -E.ECONNREFUSED);
  assert.is(err(c, r), Z.SSL_ERROR_SYSCALL);
  const at2 = await listen(createServer((s) => s.once('data', () => s.end()))); // FIN after the ClientHello
  const c2 = tlsClient(Z.IPPROTO_TLS_1_3);
  Z.zsock_fcntl(c2, Z.F_SETFL, Z.O_NONBLOCK);
  await Z.zsock_connect(c2, at2);
  let h = -1;
  await within((async () => { while ((h = await Z.zsock_tls_handshake(c2)) === -E.EAGAIN) await sleep(5); })(), 5000, 'handshake end');
  assert.is(h, 0);
  assert.is(err(c2, h), Z.SSL_ERROR_SYSCALL, 'EOF without close_notify');
});

test('an INIT_CONNECTION-secured connection and a DTLS client with HANDSHAKE_ON_CONNECT 0 use zsock_tls_handshake', async () => {
  const { c, s } = await plainPair();
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await ioctl(c, req(Z.TTLS_INIT_CONNECTION)), -E.EINPROGRESS);
  const server = ioctl(s, req(Z.TTLS_INIT_CONNECTION));
  await within((async () => { while ((await Z.zsock_tls_handshake(c)) !== 1) await sleep(5); })(), 5000, 'handshake');
  assert.is(await server, 0);
  assert.is(await Z.zsock_tls_handshake(s), 1);
  assert.is(await Z.zsock_tls_handshake(Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0)), -E.EOPNOTSUPP);
  assert.is(await Z.zsock_tls_handshake(4242), -E.EBADF);

  const srv = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(srv, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
  Z.zsock_setsockopt(srv, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]);
  Z.zsock_bind(srv, lo4());
  const sa = {} as Z.SockAddr;
  Z.zsock_getsockname(srv, sa);
  const serving = Z.zsock_recv(srv, new Uint8Array(8), 0);
  const d = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
  Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_ON_CONNECT, 0);
  assert.is(await Z.zsock_connect(d, sa), 0, 'no handshake in connect');
  assert.is(await within(Z.zsock_tls_handshake(d), 5000, 'DTLS handshake'), 1);
  assert.is(await Z.zsock_send(d, new Uint8Array([1, 2, 3]), 0), 3);
  assert.is(await within(serving, 5000, 'server recv'), 3);
});

test.run();
