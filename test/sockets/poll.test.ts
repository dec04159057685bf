/** poll() and select() semantics. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { closeAll, sleep } from '../helpers/zs.js';

test.after.each(closeAll);

function pair(): [number, number] {
  const sv: number[] = [];
  Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv);
  return [sv[0], sv[1]];
}

test('negative fds are ignored; a closed fd is POLLNVAL and counts', async () => {
  const [a, b] = pair();
  Z.zsock_close(b);
  const fds = [
    { fd: -1, events: Z.ZSOCK_POLLIN, revents: 99 },
    { fd: b, events: Z.ZSOCK_POLLIN, revents: 0 },
    { fd: a, events: 0, revents: 0 },
  ];
  assert.is(await Z.zsock_poll(fds, 3, 0), 2);
  assert.is(fds[0].revents, 0);
  assert.is(fds[1].revents, Z.ZSOCK_POLLNVAL);
  assert.is(fds[2].revents, Z.ZSOCK_POLLHUP, 'HUP is reported even when not asked for');
});

test('timeout 0 returns at once; a timeout elapses; -1 waits until ready', async () => {
  const [a, b] = pair();
  const fds = [{ fd: a, events: Z.ZSOCK_POLLIN, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 0), 0);
  const t0 = Date.now();
  assert.is(await Z.zsock_poll(fds, 1, 80), 0);
  assert.ok(Date.now() - t0 >= 75);
  const waiting = Z.zsock_poll(fds, 1, -1);
  await sleep(10);
  await Z.zsock_send(b, new Uint8Array(1), 0);
  assert.is(await waiting, 1);
  assert.is(fds[0].revents, Z.ZSOCK_POLLIN);
});

test('closing a polled fd ends the wait with POLLNVAL', async () => {
  const [a] = pair();
  const fds = [{ fd: a, events: Z.ZSOCK_POLLIN, revents: 0 }];
  const waiting = Z.zsock_poll(fds, 1, 5000);
  await sleep(10);
  Z.zsock_close(a);
  assert.is(await waiting, 1);
  assert.is(fds[0].revents, Z.ZSOCK_POLLNVAL);
});

test('argument errors: EFAULT, EINVAL, ENOMEM above CONFIG_ZVFS_POLL_MAX', async () => {
  assert.is(await Z.zsock_poll(null as unknown as Z.PollFd[], 1, 0), -E.EFAULT);
  assert.is(await Z.zsock_poll([], 1, 0), -E.EINVAL);
  configure({ ZVFS_POLL_MAX: 2 });
  const fds = [0, 1, 2].map(() => ({ fd: -1, events: 0, revents: 0 }));
  assert.is(await Z.zsock_poll(fds, 3, 0), -E.ENOMEM);
});

test('select: readable and writable sets; a closed fd in a set is EBADF', async () => {
  const [a, b] = pair();
  await Z.zsock_send(b, new Uint8Array(1), 0);
  const r = new Z.ZsockFdSet(), w = new Z.ZsockFdSet();
  Z.ZSOCK_FD_ZERO(r);
  Z.ZSOCK_FD_SET(a, r);
  Z.ZSOCK_FD_SET(b, r);
  Z.ZSOCK_FD_SET(b, w);
  assert.is(await Z.zsock_select(Math.max(a, b) + 1, r, w, null, { tv_sec: 0, tv_usec: 0 }), 2);
  assert.ok(Z.ZSOCK_FD_ISSET(a, r));
  assert.not.ok(Z.ZSOCK_FD_ISSET(b, r));
  assert.ok(Z.ZSOCK_FD_ISSET(b, w));
  Z.ZSOCK_FD_CLR(b, w);
  assert.not.ok(Z.ZSOCK_FD_ISSET(b, w));
  Z.zsock_close(b);
  Z.ZSOCK_FD_SET(b, r);
  assert.is(await Z.zsock_select(b + 1, r, null, null, { tv_sec: 0, tv_usec: 0 }), -E.EBADF);
});

test('select: a large tv_sec (4295 s) does not overflow; the wait ends when ready', async () => {
  const [a, b] = pair();
  const r = new Z.ZsockFdSet();
  Z.ZSOCK_FD_SET(a, r);
  const waiting = Z.zsock_select(a + 1, r, null, null, { tv_sec: 4295, tv_usec: 0 });
  await sleep(20);
  await Z.zsock_send(b, new Uint8Array(1), 0);
  assert.is(await waiting, 1);
  assert.is(await Z.zsock_select(a + 1, r, null, null, { tv_sec: -1, tv_usec: 0 }), -E.EINVAL);
});

test.run();
