/** socketpair(AF_UNIX, SOCK_STREAM) as Zephyr's tests/net/socket/socketpair. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll, sleep } from '../helpers/zs.js';

test.after.each(closeAll);

function pair(): [number, number] {
  const sv: number[] = [];
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv), 0);
  return [sv[0], sv[1]];
}

test('creation errors', () => {
  const sv: number[] = [];
  assert.is(Z.zsock_socketpair(Z.AF_INET, Z.SOCK_STREAM, 0, sv), -E.EAFNOSUPPORT);
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_DGRAM, 0, sv), -E.EPROTOTYPE);
  assert.is(Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_0, sv), -E.EPROTONOSUPPORT);
});

test('bytes flow both ways; bind/connect EISCONN, listen EINVAL, accept EOPNOTSUPP', async () => {
  const [a, b] = pair();
  assert.is(await Z.zsock_send(a, new Uint8Array([1, 2, 3]), 0), 3);
  assert.is(await Z.zsock_send(b, new Uint8Array([4]), 0), 1);
  const buf = new Uint8Array(8);
  assert.is(await Z.zsock_recv(b, buf, 0), 3);
  assert.is(await Z.zsock_recv(a, buf, 0), 1);
  assert.is(Z.zsock_bind(a, { family: Z.AF_INET, addr: '0.0.0.0', port: 0 }), -E.EISCONN);
  assert.is(await Z.zsock_connect(a, { family: Z.AF_INET, addr: '127.0.0.1', port: 1 }), -E.EISCONN);
  assert.is(Z.zsock_listen(a, 1), -E.EINVAL);
  assert.is(await Z.zsock_accept(a), -E.EOPNOTSUPP);
});

test('64-byte buffer: non-blocking full send EAGAIN, empty recv EAGAIN; FIONREAD', async () => {
  const [a, b] = pair();
  Z.zsock_fcntl(a, Z.F_SETFL, Z.O_NONBLOCK);
  Z.zsock_fcntl(b, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await Z.zsock_recv(b, new Uint8Array(4), 0), -E.EAGAIN);
  assert.is(await Z.zsock_send(a, new Uint8Array(100), 0), 64, 'short write: the buffer holds 64');
  assert.is(await Z.zsock_send(a, new Uint8Array(1), 0), -E.EAGAIN);
  const n: Z.Out<number> = {};
  Z.zsock_ioctl(b, Z.FIONREAD, n);
  assert.is(n.value, 64);
  const fds = [{ fd: a, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 0), 0, 'full: not writable');
});

test('a blocked writer resumes when the reader makes room', async () => {
  const [a, b] = pair();
  const w = Z.zsock_send(a, new Uint8Array(64), 0).then(() => Z.zsock_send(a, new Uint8Array(10).fill(7), 0));
  await sleep(10);
  const buf = new Uint8Array(64);
  assert.is(await Z.zsock_recv(b, buf, 0), 64);
  assert.is(await w, 10);
  assert.is(await Z.zsock_recv(b, buf, 0), 10);
  assert.is(buf[0], 7);
});

test('peer closed: buffered data, then 0; send EPIPE; POLLHUP on a full buffer', async () => {
  const [a, b] = pair();
  await Z.zsock_send(a, new Uint8Array([5, 6]), 0);
  await Z.zsock_send(b, new Uint8Array(64), 0);
  Z.zsock_close(a);
  const buf = new Uint8Array(8);
  assert.is(await Z.zsock_recv(b, buf, 0), 2);
  assert.is(await Z.zsock_recv(b, buf, 0), 0);
  assert.is(await Z.zsock_send(b, buf, 0), -E.EPIPE);
  const fds = [{ fd: b, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 0), 1);
  assert.ok(fds[0].revents & Z.ZSOCK_POLLHUP);
});

test('SO_SNDTIMEO: a send that cannot proceed gives EAGAIN after the timeout; O_NONBLOCK recv EAGAIN', async () => {
  const [a, b] = pair();
  assert.is(Z.zsock_setsockopt(a, Z.SOL_SOCKET, Z.SO_SNDTIMEO, { tv_sec: 0, tv_usec: 120000 }), 0);
  assert.is(await Z.zsock_send(a, new Uint8Array(64), 0), 64);
  const t0 = Date.now();
  assert.is(await Z.zsock_send(a, new Uint8Array(1), 0), -E.EAGAIN);
  assert.ok(Date.now() - t0 >= 110, 'waited for SO_SNDTIMEO');
  Z.zsock_fcntl(b, Z.F_SETFL, Z.O_NONBLOCK);
  const buf = new Uint8Array(64);
  assert.is(await Z.zsock_recv(b, buf, 0), 64);
  assert.is(await Z.zsock_recv(b, buf, 0), -E.EAGAIN);
});

test('close wakes a blocked recv on the same end with EINTR', async () => {
  const [a] = pair();
  const r = Z.zsock_recv(a, new Uint8Array(4), 0);
  await sleep(5);
  Z.zsock_close(a);
  assert.is(await r, -E.EINTR);
});

test.run();
