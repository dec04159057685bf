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
import { closeAll, sleep, until, within } from '../helpers/zs.js';
import { rawListen } from '../helpers/vpeer.js';
import type { TcpEnd } from '../../sim/vnet.js';
import { SNDBUF as LWIP_SNDBUF } from '../../sim/natives/moddable.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { boardEnvs, useBoard, vnetOf, type BoardEnv } from '../helpers/boards.js';

const TEST_STR_SMALL = new TextEncoder().encode('test');
/** Zephyr's tls test: mbedTLS's record overhead, so SO_RCVBUF holds one small record. */
const TLS_RECORD_OVERHEAD = 81;
/** More than any path here buffers (the host's loopback kernel buffers autotune to a few MB). */
const FILL_LIMIT = 64 << 20;

const pollOut = async (fd: number, ms: number): Promise<[number, number]> => {
  const p = [{ fd, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  const r = await Z.zsock_poll(p, 1, ms);
  return [r, p[0].revents];
};

/** Sends without waiting until the path is full: the bytes taken. Full is -EAGAIN with no
 *  POLLOUT for 100 ms (a board's driver hands bytes on to the native socket as room opens there). */
async function fill(fd: number): Promise<number> {
  const chunk = new Uint8Array(16384).fill(0x5a);
  let total = 0;
  for (;;) {
    const n = await Z.zsock_send(fd, chunk, Z.ZSOCK_MSG_DONTWAIT);
    if (n === -E.EAGAIN) {
      if ((await pollOut(fd, 100))[0] === 0) return total;
      continue;
    }
    assert.ok(n > 0, `send ${n}`);
    total += n;
    assert.ok(total < FILL_LIMIT, 'no back-pressure');
  }
}

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

  /** Zephyr's "fill out the window": a small record (or segment), then the rest of the path. */
  async function fillWindow(c: number, s: number, buf: number): Promise<number> {
    rcvbuf(s, buf);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, 0), TEST_STR_SMALL.length);
    const n = TEST_STR_SMALL.length + await fill(c);
    await sleep(150); // Zephyr: "wait for ACK (empty window)"
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

/** The virtual TCP's window, to the byte: a Moddable board (lwIP's send buffer under the 419
 *  socket) sending to a peer machine whose receive buffer is given. */
function windowExact(): void {
  const t = suite('the virtual TCP window, exactly (moddable-esp32 to a raw peer)');
  const name = 'moddable-esp32';
  t.after.each(() => closeAll());
  t.after(() => setDriver(hostDriver));

  /** A board client connected to a peer that keeps what arrives (consuming only when told). */
  async function toPeer(rcvBuf: number, sndbuf: number) {
    const env = boardEnvs().find((e) => e.name === name)!;
    useBoard(env);
    const peer = vnetOf(env)!.addHost('peer');
    const got: number[] = [];
    let end: TcpEnd | null = null;
    rawListen(peer, 7100, (e) => { end = e; return { onData: (b) => { got.push(b.length); } }; }, rcvBuf);
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    assert.is(Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_SNDBUF, sndbuf), 0);
    assert.is(await within(Z.zsock_connect(c, { family: Z.AF_INET, addr: peer.v4, port: 7100 }), 5000, 'connect'), 0);
    const received = () => got.reduce((a, b) => a + b, 0);
    return { c, peer: () => end!, received };
  }

  t('a 5-byte window admits 5 bytes; the rest waits in lwIP\'s send buffer and in SO_SNDBUF', async () => {
    const { c, received } = await toPeer(5, 1000);
    const taken = await fill(c);
    assert.is(received(), 5, 'the peer got exactly its window');
    assert.is(taken, 5 + LWIP_SNDBUF + 1000, 'window + lwIP send buffer + SO_SNDBUF');
    await sleep(300); // zero-window probes come and go; nothing more is admitted
    assert.is(received(), 5);
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  });

  t('a reader taking what it holds reopens the window 5 bytes at a time: everything arrives', async () => {
    const { c, peer } = await toPeer(5, 1000);
    const taken = await fill(c);
    let n = 5;
    const all = new Promise<void>((resolve) => {
      peer().events.onData = (b) => { n += b.length; peer().consumed(b.length); if (n === taken) resolve(); };
    });
    peer().consumed(5); // 5 > min(MSS, 5 / 2): the window update goes out
    await within(all, 10000, 'the rest');
    assert.is(n, taken);
  });

  t('test_so_sndbuf_win_size: with the link cut (no ACK comes back) the send path fills: lwIP\'s send buffer + SO_SNDBUF', async () => {
    const env = boardEnvs().find((e) => e.name === name)!;
    useBoard(env);
    const vnet = vnetOf(env)!;
    const board = vnet.hosts.find((h) => h.v4 === env.a4)!;
    const peer = vnet.addHost('peer');
    let got = 0;
    rawListen(peer, 7101, (e) => ({ onData: (b) => { got += b.length; e.consumed(b.length); } }));
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    assert.is(Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_SNDBUF, TEST_STR_SMALL.length + 1), 0);
    assert.is(await within(Z.zsock_connect(c, { family: Z.AF_INET, addr: peer.v4, port: 7101 }), 5000, 'connect'), 0);
    vnet.partition(board, peer, true);
    const taken = await fill(c);
    assert.is(taken, LWIP_SNDBUF + TEST_STR_SMALL.length + 1, "lwIP's send buffer (in flight, unacknowledged) + SO_SNDBUF");
    assert.is(await Z.zsock_send(c, TEST_STR_SMALL.subarray(0, 1), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
    assert.equal(await pollOut(c, 10), [0, 0]);
    vnet.partition(board, peer, false); // the segments waited: they arrive, the ACKs come back
    await until(() => got === taken, 5000, 'everything delivered');
    assert.equal(await pollOut(c, 500), [1, Z.ZSOCK_POLLOUT]);
  });

  t('a window that reopens by less than an MSS is not advertised; the persist timer finds it', async () => {
    const { c, peer, received } = await toPeer(4000, 1000);
    await fill(c);
    assert.is(received(), 4000);
    const before = received();
    peer().consumed(1000); // 1000 <= min(MSS, 4000 / 2): still short, so no window update
    await sleep(50);
    assert.is(received(), before, 'silly window avoidance: no update, nothing sent');
    await until(() => received() === before + 1000, 5000, 'the zero-window probe to find the window');
  });

  t.run();
}

for (const env of boardEnvs()) flow(env);
windowExact();
