/**
 * The virtual network's TCP window, to the byte (sim/vtcp.ts under the moddable-esp32 board's
 * emulated lwIP socket): what the simulator's TCP admits, keeps and advertises, by raw peers on
 * the virtual network. These test the simulator's own TCP, so they run where the virtual network
 * is in the test's process (V8); the flow-control suite (flow.test.ts) runs on every engine.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { closeAll, sleep, until, within } from '../helpers/zs.js';
import { TEST_STR_SMALL, fill, pollOut } from '../helpers/flow.js';
import { rawListen } from '../helpers/vpeer.js';
import type { TcpEnd } from '../../sim/vnet.js';
import { SNDBUF as LWIP_SNDBUF } from '../../sim/natives/moddable.js';
import { boardEnvs, useBoard, vnetOf } from '../helpers/boards.js';

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

windowExact();
