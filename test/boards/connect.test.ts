/**
 * Connection establishment against a full backlog and an unreachable peer, per driver: Zephyr's
 * behaviour is that SYNs past the backlog go unanswered and that a connect gives up after
 * CONFIG_NET_TCP_RETRY_COUNT retransmissions with ETIMEDOUT (tests/net/socket/tcp
 * test_connect_timeout; poll's POLLERR for a non-blocking connect that failed).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { LISTEN_QUEUE } from '../../sim/natives/moddable.js';
import { closeAll, sleep, within } from '../helpers/zs.js';
import { boardEnvs, useBoard, vnetOf, type BoardEnv } from '../helpers/boards.js';

const text = (s: string) => new TextEncoder().encode(s);

/** Connections a listener with backlog 1 lets complete before SYNs go unanswered: the socket
 *  layer's queue, plus the platform's own (lwIP's Listener queue on Moddable; on the host and
 *  Espruino, which accept everything, the connections the driver holds for the full queue). */
const COMPLETED: Record<string, number> = { host: 2, 'moddable-esp32': 1 + LISTEN_QUEUE, 'espruino-esp32': 2 };

function connecting(env: BoardEnv): void {
  const t = suite(`connect on ${env.name}`);
  t.before(() => useBoard(env));
  t.after.each(() => closeAll());
  t.after(() => setDriver(hostDriver));

  const at = (port = 0): Z.SockAddr => ({ family: Z.AF_INET, addr: env.a4, port });

  /** A listener with backlog 1, ready: [fd, its address]. */
  async function listening(): Promise<[number, Z.SockAddr]> {
    const l = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    assert.is(Z.zsock_bind(l, at()), 0);
    assert.is(Z.zsock_listen(l, 1), 0);
    const a = {} as Z.SockAddr;
    Z.zsock_getsockname(l, a);
    await Z.zsock_get_context_object(l)!.whenReady();
    return [l, a];
  }

  t('a full backlog leaves the connections it completed alone: each is accepted and served, none reset', async () => {
    configure({ NET_TCP_RETRY_COUNT: 2, NET_TCP_INIT_RETRANSMISSION_TIMEOUT: 100 });
    const [l, a] = await listening();
    const clients: number[] = [];
    for (let i = 0; i < COMPLETED[env.name]; i++) {
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
      assert.is(await within(Z.zsock_connect(c, a), 5000, 'connect'), 0, `client ${i}`);
      clients.push(c);
    }
    if (env.name === 'moddable-esp32') {
      // lwIP's queue is full too: the next SYN goes unanswered, and Zephyr's retries run out.
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
      assert.is(await within(Z.zsock_connect(c, a), 5000, 'connect'), -E.ETIMEDOUT);
    }
    for (const [i, c] of clients.entries()) {
      assert.is(await Z.zsock_send(c, text(`hi ${i}`), 0), 4);
      const s = await within(Z.zsock_accept(l), 5000, 'accept');
      assert.ok(s >= 0, `accept ${s}`);
      const buf = new Uint8Array(8);
      assert.is(await within(Z.zsock_recv(s, buf, 0), 5000, 'recv'), 4);
      assert.equal(buf.subarray(0, 4), text(`hi ${i}`));
      assert.is(await Z.zsock_send(s, text('ok'), 0), 2);
      assert.is(await within(Z.zsock_recv(c, buf, 0), 5000, 'reply'), 2, 'the client was not reset');
    }
  });

  t('clients that sent and closed while they waited in a full backlog: each accept() still gives their bytes, then end of stream', async () => {
    const [l, a] = await listening();
    for (let i = 0; i < COMPLETED[env.name]; i++) {
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
      assert.is(await within(Z.zsock_connect(c, a), 5000, 'connect'), 0, `client ${i}`);
      assert.is(await Z.zsock_send(c, text(`bye ${i}`), 0), 5);
      assert.is(Z.zsock_close(c), 0);
    }
    await sleep(200); // the bytes and the FINs reach the server side while nothing accepts
    for (let i = 0; i < COMPLETED[env.name]; i++) {
      const s = await within(Z.zsock_accept(l), 5000, 'accept');
      assert.ok(s >= 0, `accept ${s}`);
      const buf = new Uint8Array(16);
      let got = '';
      for (let n; (n = await within(Z.zsock_recv(s, buf, 0), 5000, 'recv')) > 0;) got += new TextDecoder().decode(buf.subarray(0, n));
      assert.is(got, `bye ${i}`, `client ${i}`);
    }
  });

  const vnet = vnetOf(env);
  if (!vnet) return void t.run(); // an unreachable peer needs the virtual network's faults

  t('test_connect_timeout: a blocking connect to a peer cut off gives up after the SYN retries: -ETIMEDOUT', async () => {
    configure({ NET_TCP_RETRY_COUNT: 3, NET_TCP_INIT_RETRANSMISSION_TIMEOUT: 100 });
    const board = vnet.hosts.find((h) => h.v4 === env.a4)!;
    const peer = vnet.addHost(`cut-${Date.now()}`);
    vnet.partition(board, peer, true);
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    const t0 = Date.now();
    assert.is(await within(Z.zsock_connect(c, { family: Z.AF_INET, addr: peer.v4, port: 80 }), 5000, 'connect'), -E.ETIMEDOUT);
    const took = Date.now() - t0;
    assert.ok(took >= 400 && took < 1400, `gave up after ${took} ms`);
  });

  t('a non-blocking connect to an unreachable address: POLLERR (asked POLLOUT only), SO_ERROR ETIMEDOUT', async () => {
    configure({ NET_TCP_RETRY_COUNT: 3, NET_TCP_INIT_RETRANSMISSION_TIMEOUT: 100 });
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    assert.is(Z.zsock_fcntl(c, Z.ZVFS_F_SETFL, Z.ZVFS_O_NONBLOCK), 0);
    const t0 = Date.now();
    assert.is(await Z.zsock_connect(c, { family: Z.AF_INET, addr: '192.0.2.200', port: 80 }), -E.EINPROGRESS);
    const p = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
    assert.is(await Z.zsock_poll(p, 1, 5000), 1);
    const took = Date.now() - t0;
    assert.is(p[0].revents, Z.ZSOCK_POLLERR);
    assert.ok(took >= 400 && took < 1400, `failed after ${took} ms`);
    const out: Z.Out<unknown> = {};
    assert.is(Z.zsock_getsockopt(c, Z.SOL_SOCKET, Z.SO_ERROR, out), 0);
    assert.is(out.value, E.ETIMEDOUT);
    assert.is(await Z.zsock_connect(c, { family: Z.AF_INET, addr: '192.0.2.200', port: 80 }), -E.EINPROGRESS, 'a new attempt starts');
  });

  t.run();
}

for (const env of boardEnvs()) connecting(env);
