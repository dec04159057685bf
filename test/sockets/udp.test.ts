/** UDP over real loopback sockets. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as dgram from 'node:dgram';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll, lo4, lo6, sleep } from '../helpers/zs.js';
import { configure } from '../../src/config.js';

test.after.each(closeAll);

function bound(family = Z.AF_INET): [number, Z.SockAddr] {
  const fd = Z.zsock_socket(family, Z.SOCK_DGRAM, 0);
  assert.is(Z.zsock_bind(fd, family === Z.AF_INET ? lo4() : lo6()), 0);
  const a = {} as Z.SockAddr;
  Z.zsock_getsockname(fd, a);
  return [fd, a];
}

for (const fam of [Z.AF_INET, Z.AF_INET6]) {
  test(`datagram boundaries are kept (family ${fam}), sender address reported`, async () => {
    configure({ NET_IPV4_FRAGMENT: true, NET_IPV6_FRAGMENT: true }); // 9000 bytes need fragments
    const [rx, at] = bound(fam);
    const [tx, from] = bound(fam);
    for (const n of [1, 100, 1400, 9000]) assert.is(await Z.zsock_sendto(tx, new Uint8Array(n).fill(n & 0xff), 0, at), n);
    const buf = new Uint8Array(10000);
    for (const n of [1, 100, 1400, 9000]) {
      const src = {} as Z.SockAddr;
      assert.is(await Z.zsock_recvfrom(rx, buf, 0, src), n);
      assert.is(buf[n - 1], n & 0xff);
      assert.equal(src, from);
    }
  });
}

test('without fragmentation (Zephyr\'s default) a datagram above the MTU is -ENOMEM; one that fits goes', async () => {
  for (const [fam, max] of [[Z.AF_INET, 1472], [Z.AF_INET6, 1452]]) {
    const [, at] = bound(fam);
    const [tx] = bound(fam);
    assert.is(await Z.zsock_sendto(tx, new Uint8Array(max), 0, at), max, `${max} bytes fit one packet`);
    assert.is(await Z.zsock_sendto(tx, new Uint8Array(max + 1), 0, at), -E.ENOMEM, `${max + 1} bytes do not`);
  }
});

test('truncation: the rest of the datagram is dropped; MSG_TRUNC gives the real length; recvmsg flags it', async () => {
  const [rx, at] = bound();
  const [tx] = bound();
  for (let i = 0; i < 3; i++) await Z.zsock_sendto(tx, new Uint8Array(100).fill(i + 1), 0, at);
  const small = new Uint8Array(10);
  assert.is(await Z.zsock_recv(rx, small, 0), 10);
  assert.is(small[0], 1);
  assert.is(await Z.zsock_recv(rx, small, Z.ZSOCK_MSG_TRUNC), 100, 'real length');
  assert.is(small[0], 2);
  const msg: Z.MsgHdr = { msg_iov: [new Uint8Array(4), new Uint8Array(4)] };
  assert.is(await Z.zsock_recvmsg(rx, msg, 0), 8);
  assert.is(msg.msg_flags, Z.ZSOCK_MSG_TRUNC);
  assert.equal(msg.msg_iov[1], new Uint8Array(4).fill(3));
  assert.is(await Z.zsock_recv(rx, small, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN, 'nothing left');
});

test('MSG_PEEK leaves the datagram; FIONREAD is the next datagram size', async () => {
  const [rx, at] = bound();
  const [tx] = bound();
  await Z.zsock_sendto(tx, new Uint8Array(7), 0, at);
  await Z.zsock_sendto(tx, new Uint8Array(3), 0, at);
  const buf = new Uint8Array(20);
  assert.is(await Z.zsock_recv(rx, buf, Z.ZSOCK_MSG_PEEK), 7);
  const n: Z.Out<number> = {};
  Z.zsock_ioctl(rx, Z.FIONREAD, n);
  assert.is(n.value, 7);
  assert.is(await Z.zsock_recv(rx, buf, 0), 7);
  assert.is(await Z.zsock_recv(rx, buf, 0), 3);
});

test('connect sets the peer: send works, other senders are filtered; AF_UNSPEC disconnects', async () => {
  const [rx, at] = bound();
  const [tx, txAddr] = bound();
  const [other] = bound();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(await Z.zsock_send(c, new Uint8Array(1), 0), -E.EDESTADDRREQ);
  assert.is(await Z.zsock_connect(rx, txAddr), 0);
  const peer = {} as Z.SockAddr;
  assert.is(Z.zsock_getpeername(rx, peer), 0);
  assert.equal(peer, txAddr);
  await Z.zsock_sendto(other, new Uint8Array([9]), 0, at);
  await Z.zsock_sendto(tx, new Uint8Array([1]), 0, at);
  const buf = new Uint8Array(4);
  assert.is(await Z.zsock_recv(rx, buf, 0), 1);
  assert.is(buf[0], 1, 'the datagram from the stranger was dropped');
  assert.is(await Z.zsock_connect(rx, { family: Z.AF_UNSPEC, addr: '', port: 0 }), 0);
  assert.is(Z.zsock_getpeername(rx, {} as Z.SockAddr), -E.ENOTCONN);
});

test('errors: EMSGSIZE, EAFNOSUPPORT, EINVAL address; POLLOUT always', async () => {
  const [s] = bound();
  assert.is(await Z.zsock_sendto(s, new Uint8Array(70000), 0, lo4(9)), -E.EMSGSIZE);
  assert.is(await Z.zsock_sendto(s, new Uint8Array(1), 0, lo6(9)), -E.EAFNOSUPPORT);
  assert.is(await Z.zsock_sendto(s, new Uint8Array(1), 0, { family: Z.AF_INET, addr: '1.2.3', port: 9 }), -E.EINVAL);
  const fds = [{ fd: s, events: Z.ZSOCK_POLLOUT | Z.ZSOCK_POLLIN, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 0), 1);
  assert.is(fds[0].revents, Z.ZSOCK_POLLOUT);
});

test('an unbound socket is bound on first send, and a real peer can answer it', async () => {
  const peer = dgram.createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  peer.on('message', (m, r) => peer.send(m.reverse(), r.port, r.address));
  try {
    const s = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
    assert.is(await Z.zsock_sendto(s, new Uint8Array([1, 2, 3]), 0, lo4(peer.address().port)), 3);
    Z.zsock_setsockopt(s, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 2, tv_usec: 0 });
    const buf = new Uint8Array(8);
    assert.is(await Z.zsock_recv(s, buf, 0), 3);
    assert.equal(buf.subarray(0, 3), new Uint8Array([3, 2, 1]));
  } finally {
    peer.close();
  }
});

test('a datagram sent just before close() still goes out (regression: node dropped it)', async () => {
  const [rx, at] = bound();
  const tx = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(await Z.zsock_sendto(tx, new Uint8Array([42]), 0, at), 1);
  Z.zsock_close(tx);
  Z.zsock_setsockopt(rx, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 2, tv_usec: 0 });
  const buf = new Uint8Array(4);
  assert.is(await Z.zsock_recv(rx, buf, 0), 1);
  assert.is(buf[0], 42);
});

test('sendmsg gathers the iovecs into one datagram', async () => {
  const [rx, at] = bound();
  const [tx] = bound();
  const n = await Z.zsock_sendmsg(tx, { msg_name: at, msg_iov: [new Uint8Array([1, 2]), new Uint8Array([3])] }, 0);
  assert.is(n, 3);
  const buf = new Uint8Array(8);
  assert.is(await Z.zsock_recv(rx, buf, 0), 3);
  assert.equal(buf.subarray(0, 3), new Uint8Array([1, 2, 3]));
  await sleep(0);
});

// Regression: a closed socket's host endpoint still held its port while its last datagram went
// out; bind(0) took that port, the host refused it, and the port getsockname() had named moved
// (a DTLS server's client then timed out).
test('bind(0) passes over the port of a closed socket whose last datagram is still going out', async () => {
  const [rx, at] = bound();
  for (let round = 0; round < 16; round++) {
    // Two ports a round (each round its own, so no earlier round's socket is still closing):
    // without the hold, half the picks took the closing one.
    const lo = 62130 + 2 * round, range = ((lo + 1) << 16) | lo;
    const a = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
    assert.is(Z.zsock_setsockopt(a, Z.IPPROTO_IP, Z.IP_LOCAL_PORT_RANGE, range), 0);
    assert.is(Z.zsock_bind(a, lo4(0)), 0);
    await Z.zsock_get_context_object(a)!.whenReady();
    const was = {} as Z.SockAddr;
    Z.zsock_getsockname(a, was);
    assert.is(await Z.zsock_sendto(a, new Uint8Array([round]), 0, at), 1);
    Z.zsock_close(a); // the datagram is handed to the host: its socket closes once it is sent
    const b = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
    assert.is(Z.zsock_setsockopt(b, Z.IPPROTO_IP, Z.IP_LOCAL_PORT_RANGE, range), 0);
    assert.is(Z.zsock_bind(b, lo4(0)), 0);
    const told = {} as Z.SockAddr;
    Z.zsock_getsockname(b, told);
    assert.is.not(told.port, was.port, `round ${round}: the closing socket's port`);
    await Z.zsock_get_context_object(b)!.whenReady();
    const now = {} as Z.SockAddr;
    Z.zsock_getsockname(b, now);
    assert.is(now.port, told.port, 'the port getsockname named is the one bound');
    assert.is(await Z.zsock_recvfrom(rx, new Uint8Array(4), 0, {} as Z.SockAddr), 1, 'the last datagram went out');
    Z.zsock_close(b);
  }
});

test.run();
