/**
 * Each board adapter under each fault the virtual network can inject: UDP loss (seeded, so the
 * same seed loses the same datagrams), duplication and reordering, a DTLS handshake through all
 * three, TCP partitions (segments wait and nothing is lost) and resets (the socket reports it,
 * the board's other sockets go on). The network is driven through FaultNet, so the same suite
 * runs inside an XS board process too (test/xs/boards.test.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import type { FaultNet } from '../helpers/faultnet.js';
import { closeAll, sleep, until, within } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { boardEnvs, useBoard, type BoardEnv } from '../helpers/boards.js';
import { boardSelected } from '../helpers/board_select.js';

const pattern = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

async function connectTo(a: string, port: number): Promise<number> {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TCP);
  assert.is(await within(Z.zsock_connect(fd, { family: Z.AF_INET, addr: a, port }), 5000, 'connect'), 0);
  return fd;
}

async function echoed(fd: number, data: Uint8Array): Promise<Uint8Array> {
  for (let at = 0; at < data.length;) {
    const n = await Z.zsock_send(fd, data.subarray(at), 0);
    assert.ok(n > 0, `send ${n}`);
    at += n;
  }
  const out = new Uint8Array(data.length);
  for (let at = 0; at < out.length;) {
    const n = await within(Z.zsock_recv(fd, out.subarray(at), 0), 5000, 'echo');
    assert.ok(n > 0, `recv ${n}`);
    at += n;
  }
  return out;
}

/** `count` numbered datagrams from the peer to the board's UDP socket; the numbers that arrive. */
async function udpRun(env: BoardEnv, net: FaultNet, peer: string, count: number): Promise<number[]> {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_UDP);
  assert.is(Z.zsock_bind(fd, { family: Z.AF_INET, addr: env.a4, port: 7001 }), 0);
  await Z.zsock_get_context_object(fd)!.whenReady();
  for (let i = 0; i < count; i++) {
    net.udpSend(peer, 7002, env.a4, 7001, [i & 255, i >> 8]);
    // Paced: a batch lands before the next leaves, so no receive queue overflows (lwIP keeps 16
    // datagrams per socket) even when the event loop stalls; what is lost here is the link's.
    if (i % 4 === 3 || i === count - 1) {
      await until(() => net.udpInFlight() === 0, 2000, 'the batch');
      await sleep(1);
    }
  }
  const got: number[] = [];
  const buf = new Uint8Array(8);
  const from = {} as Z.SockAddr;
  for (;;) {
    const n = await Z.zsock_recvfrom(fd, buf, Z.ZSOCK_MSG_DONTWAIT, from);
    if (n === -E.EAGAIN) break;
    assert.is(n, 2);
    assert.equal([from.addr, from.port], [peer, 7002]);
    got.push(buf[0] | (buf[1] << 8));
  }
  Z.zsock_close(fd);
  return got;
}

function faults(name: string): void {
  const t = suite(`faults on ${name}`);
  /** A fresh board on a fresh network (same seed each time), and a peer machine on it. */
  const fresh = () => {
    const env = boardEnvs().find((e) => e.name === name)!;
    useBoard(env);
    const net = env.faults!;
    return { env, net, board: env.a4, peer: net.addHost('peer') };
  };
  t.after.each(() => closeAll());
  t.after(() => setDriver(hostDriver));

  t('UDP loss is seeded: the same seed loses the same datagrams', async () => {
    const runs: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const { env, net, board, peer } = fresh();
      net.link(board, peer, { loss: 0.25, latencyMs: 1 });
      runs.push(await udpRun(env, net, peer, 200));
    }
    assert.ok(runs[0].length > 110 && runs[0].length < 190, `kept ${runs[0].length} of 200`);
    assert.equal(runs[1], runs[0]);
  });

  t('UDP duplication and reordering reach the application as such', async () => {
    const { env, net, board, peer } = fresh();
    net.link(board, peer, { dup: 0.3, jitterMs: 8, latencyMs: 1 });
    const got = await udpRun(env, net, peer, 60);
    assert.ok(got.length > 60, `duplicates: ${got.length}`);
    assert.equal([...new Set(got)].sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), 'none lost');
    assert.ok(got.some((v, i) => i > 0 && v < got[i - 1]), 'some out of order');
  });

  t('DTLS 1.2 handshake and data through loss, duplication and reordering', async () => {
    const { env, net, board } = fresh();
    net.link(board, board, { loss: 0.2, dup: 0.1, jitterMs: 6, latencyMs: 2 }); // the board talking to its own address
    addCredentials();
    try {
      const dtls = () => {
        const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
        Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.PSK]);
        Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MIN, 50);
        Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_HANDSHAKE_TIMEOUT_MAX, 800);
        return fd;
      };
      const srv = dtls();
      Z.zsock_setsockopt(srv, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
      assert.is(Z.zsock_bind(srv, { family: Z.AF_INET, addr: env.a4, port: 7003 }), 0);
      await Z.zsock_get_context_object(srv)!.whenReady();
      const server = (async () => {
        const buf = new Uint8Array(64);
        for (;;) {
          const from = {} as Z.SockAddr;
          const n = await Z.zsock_recvfrom(srv, buf, 0, from);
          if (n < 0) return n;
          await Z.zsock_sendto(srv, buf.subarray(0, n), 0, from);
        }
      })();
      const c = dtls();
      assert.is(await within(Z.zsock_connect(c, { family: Z.AF_INET, addr: env.a4, port: 7003 }), 15000, 'the handshake'), 0);
      // Application datagrams may be lost: ask until one answer comes back.
      Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 0, tv_usec: 200_000 });
      const back = new Uint8Array(64);
      let n = -E.EAGAIN;
      for (let i = 0; i < 20 && n === -E.EAGAIN; i++) {
        assert.is(await Z.zsock_send(c, new TextEncoder().encode('ping'), 0), 4);
        n = await Z.zsock_recv(c, back, 0);
      }
      assert.is(n, 4);
      Z.zsock_close(c);
      Z.zsock_close(srv);
      await server;
    } finally {
      removeCredentials();
    }
  });

  t('TCP partition: segments wait, nothing is lost, the connection survives', async () => {
    const { net, board, peer } = fresh();
    net.echo(peer, 7004);
    net.link(board, peer, { latencyMs: 3 });
    const fd = await connectTo(peer, 7004);
    assert.equal(await echoed(fd, pattern(100)), pattern(100));
    net.partition(board, peer, true);
    const data = pattern(12000, 7);
    const sending = (async () => { for (let at = 0; at < data.length;) at += await Z.zsock_send(fd, data.subarray(at), 0); })();
    await sleep(100);
    const buf = new Uint8Array(64);
    assert.is(await Z.zsock_recv(fd, buf, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN, 'nothing crosses a partition');
    net.partition(board, peer, false);
    await within(sending, 5000, 'the sends');
    const out = new Uint8Array(data.length);
    for (let at = 0; at < out.length;) {
      const n = await within(Z.zsock_recv(fd, out.subarray(at), 0), 5000, 'recv');
      assert.ok(n > 0, `recv ${n}`);
      at += n;
    }
    assert.equal(out, data);
  });

  t('TCP reset: the socket reports it, the board\'s other connections go on', async () => {
    const { env, net, board, peer } = fresh();
    const other = net.addHost('other');
    net.echo(peer, 7005);
    net.echo(other, 7005);
    const a = await connectTo(peer, 7005);
    const b = await connectTo(other, 7005);
    assert.equal(await echoed(a, pattern(10)), pattern(10));
    net.reset(board, peer);
    const buf = new Uint8Array(16);
    const rc = await within(Z.zsock_recv(a, buf, 0), 2000, 'recv after reset');
    // Moddable's onError() cannot tell RST from FIN (see the adapter): recv reads the end there.
    assert.is(rc, name === 'moddable-esp32' ? 0 : -E.ECONNRESET);
    const s = await Z.zsock_send(a, pattern(4), 0);
    assert.ok(s < 0, `send after reset: ${s}`);
    assert.equal(await echoed(b, pattern(3000, 3)), pattern(3000, 3));
  });

  t.run();
}

for (const name of ['moddable-esp32', 'espruino-esp32']) if (boardSelected(name)) faults(name);
