/**
 * The socket conformance suite, run once per driver: the host driver, and each board adapter over
 * its emulated natives on the virtual network. Same calls, same expected results, except where a
 * platform's API cannot say something (BoardEnv.caps), and then the platform's documented answer.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { config } from '../../src/config.js';
import { closeAll, within } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { boardEnvs, useBoard, type BoardEnv } from '../helpers/boards.js';
import { boardSelected } from '../helpers/board_select.js';

const text = (s: string) => new TextEncoder().encode(s);

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

async function sendAll(fd: number, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length;) {
    const n = await Z.zsock_send(fd, data.subarray(at, at + 4000), 0);
    assert.ok(n > 0, `send ${n}`);
    at += n;
  }
}

async function recvAll(fd: number, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let at = 0; at < n;) {
    const r = await Z.zsock_recv(fd, out.subarray(at), 0);
    assert.ok(r > 0, `recv ${r} at ${at}/${n}`);
    at += r;
  }
  return out;
}

function conformance(env: BoardEnv): void {
  const t = suite(`conformance on ${env.name}`);
  const at = (port = 0, fam = Z.AF_INET): Z.SockAddr => ({ family: fam, addr: fam === Z.AF_INET ? env.a4 : env.a6, port });
  t.before(() => useBoard(env));
  t.after.each(() => closeAll());
  t.after(() => setDriver(hostDriver));

  async function listener(fam = Z.AF_INET, proto = 0, tags?: number[], backlog = 4): Promise<[number, Z.SockAddr]> {
    const l = Z.zsock_socket(fam, Z.SOCK_STREAM, proto);
    if (tags) assert.is(Z.zsock_setsockopt(l, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, tags), 0);
    assert.is(Z.zsock_bind(l, at(0, fam)), 0);
    assert.is(Z.zsock_listen(l, backlog), 0);
    const a = {} as Z.SockAddr;
    assert.is(Z.zsock_getsockname(l, a), 0);
    await Z.zsock_get_context_object(l)!.whenReady();
    return [l, a];
  }

  async function pair(fam = Z.AF_INET): Promise<[number, number, number]> {
    const [l, a] = await listener(fam);
    const c = Z.zsock_socket(fam, Z.SOCK_STREAM, 0);
    const [r, s] = await within(Promise.all([Z.zsock_connect(c, a), Z.zsock_accept(l)]), 8000, 'connect + accept');
    assert.is(r, 0, `connect ${r}`);
    assert.ok(s >= 0, `accept ${s}`);
    return [l, c, s];
  }

  for (const fam of [Z.AF_INET, Z.AF_INET6]) {
    const v = fam === Z.AF_INET ? 'IPv4' : 'IPv6';
    t(`TCP ${v}: connect, accept, both ways, names`, async () => {
      if (fam === Z.AF_INET6 && !env.a6) {
        const c = Z.zsock_socket(fam, Z.SOCK_STREAM, 0);
        return assert.is(await Z.zsock_connect(c, { family: fam, addr: '2001:db8::2', port: 80 }), -E.EAFNOSUPPORT);
      }
      const [l, c, s] = await pair(fam);
      assert.is(await Z.zsock_send(c, text('ping'), 0), 4);
      assert.equal(await recvAll(s, 4), text('ping'));
      assert.is(await Z.zsock_send(s, text('pong!'), 0), 5);
      assert.equal(await recvAll(c, 5), text('pong!'));
      const peer = {} as Z.SockAddr, ln = {} as Z.SockAddr;
      assert.is(Z.zsock_getpeername(c, peer), 0);
      Z.zsock_getsockname(l, ln);
      assert.equal(peer, ln);
      const me = {} as Z.SockAddr, them = {} as Z.SockAddr;
      assert.is(Z.zsock_getsockname(c, me), 0);
      if (!env.caps.peerOfAccepted) return assert.is(Z.zsock_getpeername(s, them), -E.ENOTCONN);
      assert.is(Z.zsock_getpeername(s, them), 0);
      assert.is(them.addr, me.addr);
      if (env.caps.clientPort) assert.is(them.port, me.port);
    });
  }

  t('TCP: 200 KB each way at once, through flow control', async () => {
    const [, c, s] = await pair();
    const a = pattern(200_000, 1), b = pattern(200_000, 2);
    const [, , gotA, gotB] = await within(Promise.all([sendAll(c, a), sendAll(s, b), recvAll(s, a.length), recvAll(c, b.length)]), 20000, 'bulk');
    assert.ok(Buffer.compare(gotA, a) === 0 && Buffer.compare(gotB, b) === 0);
  });

  t('TCP: connect to a closed port is refused', async () => {
    const [l, a] = await listener();
    Z.zsock_close(l);
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    assert.is(await within(Z.zsock_connect(c, a), 12000, 'connect'), -E.ECONNREFUSED);
  });

  t('TCP: non-blocking connect, EAGAIN on an empty socket, poll', async () => {
    const [l, a] = await listener();
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    Z.zsock_fcntl(c, Z.ZVFS_F_SETFL, Z.ZVFS_O_NONBLOCK);
    assert.is(await Z.zsock_connect(c, a), -E.EINPROGRESS);
    const pfd = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
    assert.is(await Z.zsock_poll(pfd, 1, 5000), 1);
    assert.ok(pfd[0].revents & Z.ZSOCK_POLLOUT);
    const s = await Z.zsock_accept(l);
    assert.ok(s >= 0);
    assert.is(await Z.zsock_recv(c, new Uint8Array(8), 0), -E.EAGAIN);
    await Z.zsock_send(s, text('x'), 0);
    const pin = [{ fd: c, events: Z.ZSOCK_POLLIN, revents: 0 }];
    assert.is(await Z.zsock_poll(pin, 1, 5000), 1);
    assert.is(await Z.zsock_recv(c, new Uint8Array(8), 0), 1);
  });

  t('TCP: the peer closes: buffered data first, then 0', async () => {
    const [, c, s] = await pair();
    await Z.zsock_send(s, text('last words'), 0);
    Z.zsock_close(s);
    assert.equal(await recvAll(c, 10), text('last words'));
    assert.is(await within(Z.zsock_recv(c, new Uint8Array(8), 0), 5000, 'recv'), 0);
  });

  t('TCP: closing with unread data resets the peer', async () => {
    const [, c, s] = await pair();
    await Z.zsock_send(c, text('never read'), 0);
    assert.is(await Z.zsock_poll([{ fd: s, events: Z.ZSOCK_POLLIN, revents: 0 }], 1, 5000), 1);
    Z.zsock_close(s);
    const r = await within(Z.zsock_recv(c, new Uint8Array(8), 0), 5000, 'recv');
    assert.is(r, env.caps.reset ? -E.ECONNRESET : 0);
  });

  t('TCP: eight clients at once (fewer when the fd table cannot hold both ends of eight)', async () => {
    // A board's table (16 fds on moddable-esp32) holds the listener and both ends of seven.
    const n = Math.min(8, (config.ZVFS_OPEN_MAX - 1) >> 1);
    const [l, a] = await listener(Z.AF_INET, 0, undefined, 8);
    const clients = Array.from({ length: n }, () => Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0));
    const serve = (async () => {
      for (let i = 0; i < n; i++) {
        const s = await Z.zsock_accept(l);
        const b = await recvAll(s, 6);
        await Z.zsock_send(s, b, 0);
      }
    })();
    await within(Promise.all([serve, ...clients.map(async (c, i) => {
      assert.is(await Z.zsock_connect(c, a), 0);
      await Z.zsock_send(c, text(`hello${i}`), 0);
      assert.equal(await recvAll(c, 6), text(`hello${i}`));
    })]), 15000, `${n} clients`);
  });

  t('UDP: sendto / recvfrom with the source address, connect, port 0', async () => {
    const u1 = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_UDP), u2 = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_UDP);
    assert.is(Z.zsock_bind(u1, at()), 0);
    assert.is(Z.zsock_bind(u2, at()), 0);
    const a1 = {} as Z.SockAddr, a2 = {} as Z.SockAddr;
    Z.zsock_getsockname(u1, a1); Z.zsock_getsockname(u2, a2);
    assert.ok(a1.port > 0 && a2.port > 0 && a1.port !== a2.port);
    await Z.zsock_get_context_object(u1)!.whenReady();
    await Z.zsock_get_context_object(u2)!.whenReady();
    assert.is(await Z.zsock_sendto(u1, text('datagram'), 0, a2), 8);
    const from = {} as Z.SockAddr, buf = new Uint8Array(64);
    assert.is(await within(Z.zsock_recvfrom(u2, buf, 0, from), 5000, 'recvfrom'), 8);
    assert.equal(from, a1);
    assert.is(await Z.zsock_connect(u2, a1), 0);
    assert.is(await Z.zsock_send(u2, text('back'), 0), 4);
    assert.is(await within(Z.zsock_recv(u1, buf, 0), 5000, 'recv'), 4);
    assert.is(await Z.zsock_recv(u1, buf, Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  });

  t('DNS: getaddrinfo finds this board by name; an unknown name is EAI_NONAME', async () => {
    const res: Z.Out<Z.AddrInfo[]> = {};
    assert.is(await Z.zsock_getaddrinfo(env.hostname, '4242', { ai_family: Z.AF_INET, ai_socktype: Z.SOCK_STREAM } as Z.AddrInfoHints, res as never), 0);
    const list = res.value as unknown as Z.AddrInfo[];
    assert.ok(Array.isArray(list) ? list.length > 0 : !!list, 'an answer');
    assert.is(await Z.zsock_getaddrinfo('no-such-host.invalid', null, null, {} as never), Z.EAI_NONAME);
  });

  t('TLS 1.3 over this driver: handshake, echo, close_notify', async () => {
    addCredentials();
    try {
      const [l, a] = await listener(Z.AF_INET, Z.IPPROTO_TLS_1_3, [TAG.EC]);
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3);
      Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
      Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
      const [r, s] = await within(Promise.all([Z.zsock_connect(c, a), Z.zsock_accept(l)]), 10000, 'handshake');
      assert.is(r, 0);
      const big = pattern(40_000, 3);
      await within(Promise.all([sendAll(c, big), recvAll(s, big.length).then((got) => assert.ok(Buffer.compare(got, big) === 0))]), 10000, 'data');
      Z.zsock_close(c);
      assert.is(await within(Z.zsock_recv(s, new Uint8Array(8), 0), 5000, 'recv'), 0);
    } finally {
      closeAll();
      removeCredentials();
    }
  });

  t('DTLS 1.2 with PSK over this driver', async () => {
    addCredentials();
    try {
      const srv = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
      Z.zsock_setsockopt(srv, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.PSK]);
      Z.zsock_setsockopt(srv, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
      assert.is(Z.zsock_bind(srv, at()), 0);
      const sa = {} as Z.SockAddr;
      Z.zsock_getsockname(srv, sa);
      await Z.zsock_get_context_object(srv)!.whenReady();
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
      Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.PSK]);
      const buf = new Uint8Array(64);
      const server = (async () => {
        const from = {} as Z.SockAddr;
        const n = await Z.zsock_recvfrom(srv, buf, 0, from);
        assert.is(n, 5);
        return Z.zsock_sendto(srv, buf.subarray(0, n), 0, from);
      })();
      assert.is(await within(Z.zsock_connect(c, sa), 10000, 'dtls connect'), 0);
      assert.is(await Z.zsock_send(c, text('hello'), 0), 5);
      assert.is(await within(server, 10000, 'server'), 5);
      const back = new Uint8Array(16);
      assert.is(await within(Z.zsock_recv(c, back, 0), 5000, 'recv'), 5);
    } finally {
      closeAll();
      removeCredentials();
    }
  });

  t.run();
}

for (const env of boardEnvs()) if (boardSelected(env.name)) conformance(env);
