/** zsock_send_all / zsock_sendmsg_all (Zephyr's test_send_all / test_sendmsg_all), and recvmsg's
 *  msg_controllen with no ancillary data. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll, lo4, tcpListener, within } from '../helpers/zs.js';

const all = suite('send_all');
all.after.each(closeAll);

async function pair(): Promise<[number, number]> {
  const [l, port] = tcpListener();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  const [rc, s] = await within(Promise.all([Z.zsock_connect(c, lo4(port)), Z.zsock_accept(l)]), 3000, 'connect');
  assert.is(rc, 0);
  return [c, s];
}

/** Reads n bytes (or until EOF) and returns them. */
async function drain(fd: number, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await Z.zsock_recv(fd, out.subarray(got), 0);
    if (r <= 0) break;
    got += r;
  }
  return out.subarray(0, got);
}

all('a megabyte in one call, whatever the send buffer takes at a time', async () => {
  const [c, s] = await pair();
  Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_SNDBUF, 4096);
  const data = new Uint8Array(1 << 20).map((_, i) => i * 7);
  const sent: Z.Out<number> = {};
  const [r, got] = await within(Promise.all([Z.zsock_send_all(c, data, 0, -1, sent), drain(s, data.length)]), 10000, 'send_all');
  assert.is(r, 0);
  assert.is(sent.value, data.length);
  assert.equal(got, data);
});

all('sendmsg_all gathers the iovecs', async () => {
  const [c, s] = await pair();
  const iov = [new Uint8Array(3000).fill(1), new Uint8Array(5).fill(2), new Uint8Array(70000).fill(3)];
  const sent: Z.Out<number> = {};
  const [r, got] = await within(Promise.all([Z.zsock_sendmsg_all(c, { msg_iov: iov }, 0, 5000, sent), drain(s, 73005)]), 10000, 'sendmsg_all');
  assert.is(r, 0);
  assert.is(sent.value, 73005);
  assert.equal([got[0], got[3000], got[3004], got[3005], got[73004]], [1, 2, 2, 3, 3]);
});

all('-EOPNOTSUPP on a datagram socket; -EBADF, -EFAULT, -EINVAL for bad arguments', async () => {
  const u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(await Z.zsock_send_all(u, new Uint8Array(4), 0, 100), -E.EOPNOTSUPP);
  assert.is(await Z.zsock_sendmsg_all(u, { msg_iov: [new Uint8Array(4)] }, 0, 100), -E.EOPNOTSUPP);
  assert.is(await Z.zsock_send_all(999, new Uint8Array(4), 0, 100), -E.EBADF);
  const [c] = await pair();
  assert.is(await Z.zsock_send_all(c, 'x' as unknown as Uint8Array, 0, 100), -E.EFAULT);
  assert.is(await Z.zsock_send_all(c, new Uint8Array(4), 0, 1.5), -E.EINVAL);
  assert.is(await Z.zsock_send_all(c, new Uint8Array(4), 0, 100, Object.freeze({}) as Z.Out<number>), -E.EFAULT);
});

all('a peer that never reads: -EAGAIN when the time runs out, with what was sent', async () => {
  const [c] = await pair();
  const big = new Uint8Array(64 << 20); // more than the kernel and the socket buffers hold
  const sent: Z.Out<number> = {};
  const t0 = Date.now();
  assert.is(await within(Z.zsock_send_all(c, big, 0, 300, sent), 5000, 'send_all'), -E.EAGAIN);
  assert.ok(Date.now() - t0 >= 290, 'it waited for the timeout');
  assert.ok(sent.value! > 0 && sent.value! < big.length, `sent ${sent.value}`);
});

all('recvmsg with no ancillary data sets msg_controllen to 0', async () => {
  const u = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(Z.zsock_bind(u, lo4()), 0);
  const at = {} as Z.SockAddr;
  Z.zsock_getsockname(u, at);
  const t = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  assert.is(await Z.zsock_sendto(t, new Uint8Array([1, 2]), 0, at), 2);
  const msg: Z.MsgHdr = { msg_iov: [new Uint8Array(8)], msg_control: new Uint8Array(32), msg_controllen: 32 };
  assert.is(await Z.zsock_recvmsg(u, msg, 0), 2);
  assert.is(msg.msg_controllen, 0);
});

all.run();
