/**
 * The porting contract (docs/sockets.md): a failing call returns -errno where Zephyr returns -1,
 * and zsock_errno() holds that errno right after the awaited call, even when other calls failed
 * while it waited; a successful call leaves errno alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll, lo4, tcpListener, within } from '../helpers/zs.js';

test.after.each(() => closeAll());

/** Something else fails meanwhile (a synchronous call: errno EAFNOSUPPORT). */
const meanwhile = () => assert.is(Z.zsock_socket(99, Z.SOCK_STREAM, 0), -E.EAFNOSUPPORT);

/** Awaits `call` while another call fails; returns what it returned, and checks errno then. */
async function awaited(call: () => Promise<number>, errno: number): Promise<void> {
  const p = call();
  meanwhile();
  const r = await within(p, 5000, 'the call');
  assert.is(r, -errno, 'the return value is -errno, not -1');
  assert.is(Z.zsock_errno(), errno, 'errno is the awaited call\'s right after it');
}

test('each waiting call sets errno as it returns: recv, send, connect, accept, poll, send_all, sendmsg, recvmsg', async () => {
  const [l, port] = tcpListener();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(c, lo4(port)), 0);
  const s = await Z.zsock_accept(l);
  assert.is(Z.zsock_setsockopt(s, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 0, tv_usec: 50000 }), 0);
  await awaited(() => Z.zsock_recv(s, new Uint8Array(4), 0), E.EAGAIN);
  await awaited(() => Z.zsock_recvmsg(s, { msg_iov: [new Uint8Array(4)] }, 0), E.EAGAIN);

  const fresh = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  await awaited(() => Z.zsock_send(fresh, new Uint8Array(1), 0), E.ENOTCONN);
  await awaited(() => Z.zsock_sendmsg(fresh, { msg_iov: [new Uint8Array(1)] }, 0), E.ENOTCONN);

  const [l2, p2] = tcpListener();
  Z.zsock_close(l2); // nothing listens on p2 now
  const refused = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  await awaited(() => Z.zsock_connect(refused, lo4(p2)), E.ECONNREFUSED);

  assert.is(Z.zsock_fcntl(l, Z.ZVFS_F_SETFL, Z.ZVFS_O_NONBLOCK), 0);
  await awaited(() => Z.zsock_accept(l), E.EAGAIN);
  await awaited(() => Z.zsock_poll([{ fd: s, events: Z.ZSOCK_POLLIN, revents: 0 }], -1, 10), E.EINVAL);
  const u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  await awaited(() => Z.zsock_send_all(u, new Uint8Array(1), 0, 10), E.EOPNOTSUPP);
  // getaddrinfo returns its EAI_* code; EAI_SYSTEM's errno is there right after it too.
  const p = Z.zsock_getaddrinfo('localhost', null, null, Object.freeze({}) as Z.Out<Z.AddrInfo | null>);
  meanwhile();
  assert.is(await p, Z.EAI_SYSTEM);
  assert.is(Z.zsock_errno(), E.EFAULT);
});

test('a successful call leaves errno as it was (POSIX); the next failure replaces it', async () => {
  meanwhile();
  const port = tcpListener()[1];
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(c, lo4(port)), 0);
  assert.is(Z.zsock_errno(), E.EAFNOSUPPORT);
  assert.is(await Z.zsock_send(c, new Uint8Array(3), 0), 3);
  assert.is(Z.zsock_errno(), E.EAFNOSUPPORT);
  assert.is(await Z.zsock_recv(c, new Uint8Array(1), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  assert.is(Z.zsock_errno(), E.EAGAIN);
});

test.run();
