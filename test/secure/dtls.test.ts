/** DTLS sockets over loopback: client and multi-peer server, as Zephyr's secure sockets. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { closeAll, lo4, sleep, within } from '../helpers/zs.js';
import * as dgram from 'node:dgram';
import { TlsSession } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';
import { TAG, addCredentials, removeCredentials, getopt } from '../helpers/tls.js';

test.before.each(addCredentials);
test.after.each(() => { closeAll(); removeCredentials(); });

const text = (s: string) => new TextEncoder().encode(s);

function server(): [number, Z.SockAddr] {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]), 0);
  assert.is(Z.zsock_bind(fd, lo4()), 0);
  const a = {} as Z.SockAddr;
  Z.zsock_getsockname(fd, a);
  return [fd, a];
}

function client(): number {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost'), 0);
  return fd;
}

/** The server echoes `n` records back to their senders. The test awaits it last: when the test
 *  fails first, its server closes and this fails too, after the test; that must not end the run
 *  (an unhandled rejection stops uvu, and the failure it reports is this one, not the test's). */
function echo(s: number, n: number): Promise<void> {
  const serving = (async () => {
    const buf = new Uint8Array(2000);
    for (let i = 0; i < n; i++) {
      const from = {} as Z.SockAddr;
      const len = await Z.zsock_recvfrom(s, buf, 0, from);
      assert.ok(len > 0, `server recv ${len}`);
      assert.is(await Z.zsock_sendto(s, buf.subarray(0, len), 0, from), len);
    }
  })();
  serving.catch(() => {}); // still rejects where the test awaits it
  return serving;
}

test('client handshake in connect; records both ways; one record per recv', async () => {
  const [s, at] = server();
  const c = client();
  const serving = echo(s, 2);
  assert.is(await Z.zsock_connect(c, at), 0);
  assert.ok((getopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED) as number) > 0);
  assert.is(await Z.zsock_send(c, text('hello dtls'), 0), 10);
  assert.is(await Z.zsock_send(c, text('second'), 0), 6);
  const buf = new Uint8Array(64);
  assert.is(await Z.zsock_recv(c, buf, 0), 10);
  assert.is(await Z.zsock_recv(c, buf, 0), 6, 'record boundaries kept');
  await serving;
});

test('one server socket serves several clients at once', async () => {
  const [s, at] = server();
  const clients = [client(), client(), client()];
  const serving = echo(s, 3);
  await Promise.all(clients.map((c) => Z.zsock_connect(c, at).then((r) => assert.is(r, 0))));
  await Promise.all(clients.map((c, i) => Z.zsock_send(c, text(`client ${i}`), 0)));
  const got = await Promise.all(clients.map(async (c) => { const b = new Uint8Array(32); const n = await Z.zsock_recv(c, b, 0); return new TextDecoder().decode(b.subarray(0, n)); }));
  assert.equal(got, ['client 0', 'client 1', 'client 2']);
  await serving;
});

test('HANDSHAKE_ON_CONNECT 0: connect returns at once, the first send shakes hands', async () => {
  const [s, at] = server();
  const c = client();
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_ON_CONNECT, 0);
  const serving = echo(s, 1);
  assert.is(await Z.zsock_connect(c, at), 0);
  assert.is(getopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED), -E.ENOTCONN, 'no handshake yet');
  assert.is(await Z.zsock_recv(c, new Uint8Array(4), 0), -E.ENOTCONN, 'recv before the handshake');
  assert.is(await Z.zsock_send(c, text('lazy'), 0), 4);
  const buf = new Uint8Array(8);
  assert.is(await Z.zsock_recv(c, buf, 0), 4);
  await serving;
});

test('client errors: EDESTADDRREQ, EISCONN; server: ENOTCONN for an unknown peer', async () => {
  const [s, at] = server();
  const c = client();
  assert.is(await Z.zsock_send(c, text('x'), 0), -E.EDESTADDRREQ);
  const serving = echo(s, 1);
  assert.is(await Z.zsock_sendto(c, text('first'), 0, at), 5, 'the first sendto fixes the peer');
  assert.is(await Z.zsock_sendto(c, text('x'), 0, lo4(1)), -E.EISCONN);
  await serving;
  assert.is(await Z.zsock_sendto(s, text('x'), 0, lo4(9)), -E.ENOTCONN);
});

test('truncation: a short buffer gets the start, MSG_TRUNC the real length; the rest is gone', async () => {
  const [s, at] = server();
  const c = client();
  const serving = echo(s, 2);
  await Z.zsock_connect(c, at);
  await Z.zsock_send(c, new Uint8Array(300).fill(1), 0);
  await Z.zsock_send(c, new Uint8Array(5).fill(2), 0);
  const small = new Uint8Array(10);
  assert.is(await Z.zsock_recv(c, small, Z.ZSOCK_MSG_TRUNC), 300);
  assert.equal(small, new Uint8Array(10).fill(1));
  assert.is(await Z.zsock_recv(c, small, 0), 5, 'the next record, not the rest of the first');
  await serving;
});

test('a record larger than the limit: EMSGSIZE', async () => {
  const [, at] = server();
  const c = client();
  await Z.zsock_connect(c, at);
  assert.is(await Z.zsock_send(c, new Uint8Array(20000), 0), -E.EMSGSIZE);
});

test("server: a peer's close_notify gives POLLHUP; then EAGAIN and new sessions work", async () => {
  const [s, at] = server();
  const c = client();
  const serving = echo(s, 1);
  await Z.zsock_connect(c, at);
  await Z.zsock_send(c, text('bye'), 0);
  await Z.zsock_recv(c, new Uint8Array(8), 0);
  await serving;
  Z.zsock_close(c);
  const fds = [{ fd: s, events: Z.ZSOCK_POLLIN, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 2000), 1);
  assert.is(fds[0].revents & Z.ZSOCK_POLLHUP, Z.ZSOCK_POLLHUP);
  assert.is(await Z.zsock_recv(s, new Uint8Array(8), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  const c2 = client();
  const again = echo(s, 1);
  assert.is(await Z.zsock_connect(c2, at), 0);
  await Z.zsock_send(c2, text('new'), 0);
  assert.is(await Z.zsock_recv(c2, new Uint8Array(8), 0), 3);
  await again;
});

test('server: an idle session expires after CONFIG_NET_SOCKETS_DTLS_TIMEOUT (POLLHUP)', async () => {
  configure({ NET_SOCKETS_DTLS_TIMEOUT: 200 });
  const [s, at] = server();
  const c = client();
  assert.is(await Z.zsock_connect(c, at), 0);
  const fds = [{ fd: s, events: Z.ZSOCK_POLLIN, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 2000), 1);
  assert.ok(fds[0].revents & Z.ZSOCK_POLLHUP);
  const me = {} as Z.SockAddr;
  Z.zsock_getsockname(c, me);
  assert.is(await Z.zsock_sendto(s, text('x'), 0, { ...me, addr: '127.0.0.1' }), -E.ENOTCONN, 'the session is gone');
  // Zephyr's session_timeout cases: the client learns (close_notify), its recv is ENOTCONN, not
  // EAGAIN forever
  Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 1, tv_usec: 0 });
  assert.is(await Z.zsock_recv(c, new Uint8Array(8), 0), -E.ENOTCONN, 'the client is told');
});

test('unknown CA: connect ECONNABORTED; a silent server: ETIMEDOUT', async () => {
  const [, at] = server();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.RSA]); // no CA: nothing to verify with
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  assert.is(await Z.zsock_connect(c, at), -E.ECONNABORTED);
  configure({ NET_SOCKETS_TLS_CONNECT_TIMEOUT: 300 });
  const mute = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  Z.zsock_bind(mute, lo4());
  const m = {} as Z.SockAddr;
  Z.zsock_getsockname(mute, m);
  assert.is(await Z.zsock_connect(client(), m), -E.ETIMEDOUT);
});

test('a port held by another program: the DTLS server socket reports EADDRINUSE from recvfrom', async () => {
  const other = dgram.createSocket('udp4');
  await new Promise<void>((r) => other.bind(0, '127.0.0.1', r));
  try {
    const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.PSK]);
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
    assert.is(Z.zsock_bind(fd, lo4(other.address().port)), 0, 'bind cannot know yet');
    assert.is(await within(Z.zsock_recvfrom(fd, new Uint8Array(16), 0, {} as Z.SockAddr), 3000, 'recvfrom'), -E.EADDRINUSE);
  } finally {
    other.close();
  }
});

test('connection ID: TLS_DTLS_CID enabled on both sides; status and peer value', async () => {
  const [s, at] = server();
  Z.zsock_setsockopt(s, Z.SOL_TLS, Z.TLS_DTLS_CID, Z.TLS_DTLS_CID_ENABLED);
  const c = client();
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_DTLS_CID, Z.TLS_DTLS_CID_ENABLED);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_DTLS_CID_VALUE, new Uint8Array([0xc1, 0xd0]));
  assert.is(getopt(c, Z.SOL_TLS, Z.TLS_DTLS_CID_STATUS), -E.ENOTCONN);
  assert.is(await Z.zsock_connect(c, at), 0);
  assert.is(getopt(c, Z.SOL_TLS, Z.TLS_DTLS_CID_STATUS), Z.TLS_DTLS_CID_STATUS_BIDIRECTIONAL);
  assert.is((getopt(c, Z.SOL_TLS, Z.TLS_DTLS_PEER_CID_VALUE) as Uint8Array).length, 8, "the server's random CID");
  await sleep(0);
});

test('server: a peer whose address changes is found by its connection ID', async () => {
  const [s, at] = server();
  Z.zsock_setsockopt(s, Z.SOL_TLS, Z.TLS_DTLS_CID, Z.TLS_DTLS_CID_ENABLED);
  // The client: the engine over two raw UDP sockets, as if a NAT rebinding changed its port.
  const eng = new TlsSession({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost', cid: new Uint8Array(0) });
  const before = dgram.createSocket('udp4'), after = dgram.createSocket('udp4');
  await Promise.all([before, after].map((u) => new Promise<void>((r) => u.bind(0, '127.0.0.1', r))));
  try {
    before.on('message', (m) => eng.feed(new Uint8Array(m)));
    const flush = (u: dgram.Socket) => eng.drain().forEach((d) => u.send(d, at.port, '127.0.0.1'));
    for (let i = 0; i < 100 && !eng.handshakeDone; i++) {
      eng.handshake(Date.now());
      flush(before);
      await sleep(10);
    }
    assert.ok(eng.handshakeDone, 'handshake over the first address');
    assert.ok(eng.peerCid && eng.peerCid.length === 8, 'the server gave us a CID');
    eng.write(text('from a new port'), Date.now());
    flush(after);
    const buf = new Uint8Array(64), from = {} as Z.SockAddr;
    Z.zsock_setsockopt(s, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 2, tv_usec: 0 });
    const n = await Z.zsock_recvfrom(s, buf, 0, from);
    assert.is(new TextDecoder().decode(buf.subarray(0, n)), 'from a new port');
    assert.is(from.port, after.address().port, 'the session moved to the new address');
  } finally {
    eng.free();
    before.close();
    after.close();
  }
});

test('sendmsg merges the iovecs into one record', async () => {
  const [s, at] = server();
  const c = client();
  const serving = echo(s, 1);
  await Z.zsock_connect(c, at);
  assert.is(await Z.zsock_sendmsg(c, { msg_iov: [text('one '), text('record')] }, 0), 10);
  const buf = new Uint8Array(32);
  assert.is(await Z.zsock_recv(c, buf, 0), 10);
  assert.is(new TextDecoder().decode(buf.subarray(0, 10)), 'one record');
  await serving;
});

test.run();
