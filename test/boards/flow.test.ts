/**
 * Flow control, per driver (the host driver, and each board over the virtual network): Zephyr's
 * tests/net/socket/tcp test_so_rcvbuf_win_size, test_v4/v6_so_sndtimeo, poll's test_pollout_tcp
 * and tls's test_send_non_block, test_send_block, test_so_sndtimeo, test_poll_tls_pollout, by
 * their call sequences and asserted values.
 *
 * One difference, for a reason: on Zephyr the receiver's SO_RCVBUF is the TCP window itself, so
 * "send 5 bytes to a 5-byte window" already fills it. Under zsock the window belongs to the
 * platform's TCP (the host kernel; lwIP on a board), which none of Node, ECMA-419 or NetworkJS lets
 * a socket size: SO_RCVBUF bounds what zsock buffers above it. So where Zephyr sends once, these
 * tests send until the path is full (`fill`, bounded: a test that never meets back-pressure fails),
 * then make Zephyr's assertions.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { closeAll, sleep, within } from '../helpers/zs.js';
import { TEST_STR_SMALL, fill, pollOut } from '../helpers/flow.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { boardEnvs, useBoard, type BoardEnv } from '../helpers/boards.js';
import { boardSelected } from '../helpers/board_select.js';

/** Zephyr's tls test: mbedTLS's record overhead, so SO_RCVBUF holds one small record. */
const TLS_RECORD_OVERHEAD = 81;

/** Reads `n` bytes (and no more are asked for). */
async function drain(fd: number, n: number): Promise<void> {
  const buf = new Uint8Array(65536);
  for (let got = 0; got < n;) {
    const r = await within(Z.zsock_recv(fd, buf.subarray(0, Math.min(buf.length, n - got)), 0), 10000, 'drain');
    assert.ok(r > 0, `recv ${r} at ${got}/${n}`);
    got += r;
  }
}

const rcvbuf = (fd: number, v: number) => assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVBUF, v), 0);
const sndtimeo = (fd: number, ms: number) =>
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_SNDTIMEO, { tv_sec: 0, tv_usec: ms * 1000 }), 0);

function flow(env: BoardEnv): void {
  const t = suite(`flow control on ${env.name}`);
  t.before(() => { useBoard(env); addCredentials(); });
  t.after.each(() => closeAll());
  t.after(() => { removeCredentials(); setDriver(hostDriver); });

  const at = (fam: number, port = 0): Z.SockAddr => ({ family: fam, addr: fam === Z.AF_INET ? env.a4 : env.a6, port });

  /** Zephyr's prepare + bind + listen + connect + accept: [client, accepted]. */
  async function pair(fam = Z.AF_INET, proto = 0, setup?: (c: number) => void): Promise<[number, number]> {
    const l = Z.zsock_socket(fam, Z.SOCK_STREAM, proto);
    if (proto) assert.is(Z.zsock_setsockopt(l, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]), 0);
    assert.is(Z.zsock_bind(l, at(fam)), 0);
    assert.is(Z.zsock_listen(l, 4), 0);
    const a = {} as Z.SockAddr;
    Z.zsock_getsockname(l, a);
    await Z.zsock_get_context_object(l)!.whenReady();
    const c = Z.zsock_socket(fam, Z.SOCK_STREAM, proto);
    if (proto) {
      assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]), 0);
      assert.is(Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_PEER_VERIFY, Z.TLS_PEER_VERIFY_NONE), 0);
    }
    setup?.(c);
    const [r, s] = await within(Promise.all([Z.zsock_connect(c, a), Z.zsock_accept(l)]), 10000, 'connect + accept');
    assert.is(r, 0, `connect ${r}`);
    assert.ok(s >= 0, `accept ${s}`);
    return [c, s];
  }

  /** Zephyr's "fill out the window": a small record (or segment), then the rest of the path,
   *  until after Zephyr's wait for the ACK (empty window) nothing more is taken. On a busy
   *  machine a board process can stall past fill()'s quiet time with bytes still in transit
   *  (the XS board reaches the virtual network through a pipe); waiting once more settles it. */
  async function fillWindow(c: number, s: number, buf: number): Promise<number> {
    rcvbuf(s, buf);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, 0), TEST_STR_SMALL.length);
    let n = TEST_STR_SMALL.length + await fill(c);
    for (let more = -1; more !== 0; n += more) {
      await sleep(150);
      more = await fill(c);
    }
    return n;
  }

  t('test_so_rcvbuf_win_size: a reader that does not read fills the window: MSG_DONTWAIT send is -EAGAIN', async () => {
    const [c, s] = await pair();
    const sent = await fillWindow(c, s, TEST_STR_SMALL.length + 1);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL.subarray(0, 1), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
    // Nothing was lost on the way: the reader gets every byte once it reads.
    await drain(s, sent);
    assert.is(await Z.zsock_recv(s, new Uint8Array(1), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  });

  for (const [fam, ms] of [[Z.AF_INET, 200], [Z.AF_INET6, 500]] as const) {
    const name = fam === Z.AF_INET ? 'test_v4_so_sndtimeo' : 'test_v6_so_sndtimeo';
    t(`${name}: a send to a full window waits SO_SNDTIMEO (${ms} ms), then -EAGAIN`, async () => {
      if (fam === Z.AF_INET6 && !env.a6) return; // Espruino has no IPv6 (its adapter's header)
      const [c, s] = await pair(fam);
      sndtimeo(c, ms);
      await fillWindow(c, s, TEST_STR_SMALL.length + 1);
      const t0 = Date.now();
      assert.is(await Z.zsock_send(c, TEST_STR_SMALL.subarray(0, 1), 0), -E.EAGAIN);
      const took = Date.now() - t0;
      assert.ok(took >= ms && took < ms + 1000, `timed out after ${took} ms`);
    });
  }

  t('test_pollout_tcp: POLLOUT after connect, none with the window full, again once the reader consumed', async () => {
    const [c, s] = await pair(env.a6 ? Z.AF_INET6 : Z.AF_INET);
    await sleep(10);
    assert.equal(await pollOut(c, 10), [1, Z.ZSOCK_POLLOUT]);
    rcvbuf(s, 1);
    const sent = await fill(c);
    assert.equal(await pollOut(c, 10), [0, 0]);
    await drain(s, sent);
    assert.equal(await pollOut(c, 500), [1, Z.ZSOCK_POLLOUT]);
  });

  t('a blocked send wakes when the reader makes room (SO_SNDBUF below the driver\'s own mark)', async () => {
    // Regression: the host driver woke senders only on Node's 'drain', which fires past Node's
    // 16 KB high-water mark; a send waiting on a smaller SO_SNDBUF slept for ever.
    const [c, s] = await pair(Z.AF_INET, 0, (fd) => assert.is(Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_SNDBUF, 1000), 0));
    rcvbuf(s, 1);
    const sent = await fill(c);
    const blocked = Z.zsock_send(c, TEST_STR_SMALL, 0);
    await drain(s, sent);
    assert.is(await within(blocked, 5000, 'the blocked send'), TEST_STR_SMALL.length);
    await drain(s, TEST_STR_SMALL.length);
  });

  const tlsBuf = TLS_RECORD_OVERHEAD + TEST_STR_SMALL.length;

  t('tls test_send_non_block: MSG_DONTWAIT and O_NONBLOCK give -EAGAIN on a full window; after recv it sends', async () => {
    const [c, s] = await pair(env.a6 ? Z.AF_INET6 : Z.AF_INET, Z.IPPROTO_TLS_1_2);
    const sent = await fillWindow(c, s, tlsBuf);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
    assert.is(Z.zsock_fcntl(c, Z.ZVFS_F_SETFL, Z.ZVFS_O_NONBLOCK), 0);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, 0), -E.EAGAIN);
    await drain(s, sent);
    assert.equal(await pollOut(c, 500), [1, Z.ZSOCK_POLLOUT]); // Zephyr: "wait for the window to update"
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, 0), TEST_STR_SMALL.length);
    const rx = new Uint8Array(TEST_STR_SMALL.length);
    assert.is(await within(Z.zsock_recv(s, rx, 0), 5000, 'recv'), TEST_STR_SMALL.length);
    assert.equal(rx, TEST_STR_SMALL);
    assert.is(await Z.zsock_recv(s, rx, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  });

  t('tls test_so_sndtimeo: -EAGAIN after SO_SNDTIMEO on a full window; a blocking send succeeds once the peer reads', async () => {
    const [c, s] = await pair(env.a6 ? Z.AF_INET6 : Z.AF_INET, Z.IPPROTO_TLS_1_2);
    sndtimeo(c, 500);
    const sent = await fillWindow(c, s, tlsBuf);
    const t0 = Date.now();
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, 0), -E.EAGAIN);
    const took = Date.now() - t0;
    assert.ok(took >= 500 && took < 1500, `timed out after ${took} ms`);
    const reader = sleep(10).then(() => drain(s, sent + TEST_STR_SMALL.length));
    assert.is(await within(Z.zsock_send(c, TEST_STR_SMALL, 0), 5000, 'send'), TEST_STR_SMALL.length); // test_send_block too
    await reader;
  });

  t('tls test_poll_tls_pollout: POLLOUT, none on a full window, back after the peer consumed', async () => {
    const [c, s] = await pair(env.a6 ? Z.AF_INET6 : Z.AF_INET, Z.IPPROTO_TLS_1_2);
    assert.equal(await pollOut(c, 0), [1, Z.ZSOCK_POLLOUT]);
    const sent = await fillWindow(c, s, tlsBuf);
    assert.equal(await pollOut(c, 0), [0, 0]);
    await drain(s, sent);
    assert.equal(await pollOut(c, 100), [1, Z.ZSOCK_POLLOUT]);
  });

  t.run();
}

for (const env of boardEnvs()) if (boardSelected(env.name)) flow(env);
