/** TCP over real loopback sockets through the host driver. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect as netConnect, type Server } from 'node:net';
import { spawn } from 'node:child_process';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { closeAll, lo4, lo6, tcpListener, sleep, until } from '../helpers/zs.js';
import { within } from '../helpers/zs.js';
import { getopt } from '../helpers/tls.js';

const servers: Server[] = [];
test.after.each(() => { closeAll(); servers.splice(0).forEach((s) => s.close()); });

const text = (s: string) => new TextEncoder().encode(s);

async function connectedPair(family = Z.AF_INET): Promise<[number, number, number]> {
  const [l, port] = tcpListener(family);
  const c = Z.zsock_socket(family, Z.SOCK_STREAM, 0);
  const [r, a] = await within(Promise.all([Z.zsock_connect(c, family === Z.AF_INET ? lo4(port) : lo6(port)), Z.zsock_accept(l)]), 8000, 'connect + accept');
  assert.is(r, 0);
  assert.ok(a >= 0);
  return [l, c, a];
}

for (const [name, fam] of [['IPv4', Z.AF_INET], ['IPv6', Z.AF_INET6]] as const) {
  test(`${name}: connect, accept, send, recv, names`, async () => {
    const [l, c, a] = await connectedPair(fam);
    assert.is(await Z.zsock_send(c, text('hello'), 0), 5);
    const buf = new Uint8Array(16);
    assert.is(await Z.zsock_recv(a, buf, 0), 5);
    assert.is(new TextDecoder().decode(buf.subarray(0, 5)), 'hello');
    const local = {} as Z.SockAddr, peer = {} as Z.SockAddr, lname = {} as Z.SockAddr;
    assert.is(Z.zsock_getsockname(c, local), 0);
    assert.is(Z.zsock_getpeername(a, peer), 0);
    assert.equal(peer, local, "the server's peer is the client's local address");
    assert.is(Z.zsock_getsockname(l, lname), 0);
    assert.is(lname.family, fam);
    assert.is(Z.zsock_getpeername(l, {} as Z.SockAddr), -E.ENOTCONN);
  });
}

test('accept fills the peer address', async () => {
  const [l, port] = tcpListener();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  const from = {} as Z.SockAddr;
  const [, a] = await within(Promise.all([Z.zsock_connect(c, lo4(port)), Z.zsock_accept(l, from)]), 8000, 'connect + accept');
  const me = {} as Z.SockAddr;
  Z.zsock_getsockname(c, me);
  assert.equal(from, me);
  assert.ok(a > l);
});

test('getsockname: EINVAL before bind; a bound port 0 is known at once', () => {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_getsockname(fd, {} as Z.SockAddr), -E.EINVAL);
  assert.is(Z.zsock_bind(fd, lo4(0)), 0);
  const a = {} as Z.SockAddr;
  assert.is(Z.zsock_getsockname(fd, a), 0);
  assert.ok(a.port >= 61000, `ephemeral port ${a.port}`);
  assert.is(Z.zsock_bind(fd, lo4(0)), -E.EINVAL, 'bound twice');
});

test("the stack's ephemeral ports lie above the host's own range (regression: a stale port hung a test)", async () => {
  const { readFileSync, existsSync } = await import('node:fs');
  const { config } = await import('../../src/config.js');
  const f = '/proc/sys/net/ipv4/ip_local_port_range';
  if (!existsSync(f)) return; // not Linux: nothing to compare with
  const hi = Number(readFileSync(f, 'utf8').trim().split(/\s+/)[1]);
  assert.ok(config.EPHEMERAL_PORT_MIN > hi, `zsock ${config.EPHEMERAL_PORT_MIN}.. vs host ..${hi}`);
});

test('whenReady(): once it resolves an external program can connect (regression: peers were refused)', async () => {
  const { spawnSync } = await import('node:child_process');
  const [l, port] = tcpListener();
  await Z.zsock_get_context_object(l)!.whenReady();
  const r = spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && echo open`], { encoding: 'utf8' });
  assert.is(r.stdout.trim(), 'open');
});

test('bind errors: EADDRINUSE, EAFNOSUPPORT, EINVAL; SO_REUSEADDR shares', () => {
  const [, port] = tcpListener();
  const b = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_bind(b, lo4(port)), -E.EADDRINUSE);
  assert.is(Z.zsock_bind(b, lo6(port)), -E.EAFNOSUPPORT);
  assert.is(Z.zsock_bind(b, { family: Z.AF_INET, addr: '300.1.1.1', port: 1 }), -E.EINVAL);
  assert.is(Z.zsock_bind(b, null as unknown as Z.SockAddr), -E.EINVAL);
  const u1 = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0), u2 = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  Z.zsock_setsockopt(u1, Z.SOL_SOCKET, Z.SO_REUSEADDR, 1);
  Z.zsock_setsockopt(u2, Z.SOL_SOCKET, Z.SO_REUSEADDR, 1);
  assert.is(Z.zsock_bind(u1, lo4(0)), 0);
  const a = {} as Z.SockAddr;
  Z.zsock_getsockname(u1, a);
  assert.is(Z.zsock_bind(u2, lo4(a.port)), 0);
});

test('one port, two families (Zephyr\'s default, no IPv4 mapping): IPv6 sockets are IPv6 only', async () => {
  const [, port] = tcpListener(Z.AF_INET);
  const v6 = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0);
  assert.is(getopt(v6, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY), 1, 'V6ONLY reads as set');
  assert.is(Z.zsock_setsockopt(v6, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY, 0), 0, 'accepted');
  assert.is(getopt(v6, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY), 1, 'and without effect');
  assert.is(Z.zsock_bind(v6, { family: Z.AF_INET6, addr: '::', port }), 0, 'echo_server binds 4242 on both');
  assert.is(Z.zsock_listen(v6, 2), 0);
  await Z.zsock_get_context_object(v6)!.whenReady();
  assert.is(getopt(v6, Z.SOL_SOCKET, Z.SO_ERROR), 0, 'the host accepted it too');
  const again = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_bind(again, { family: Z.AF_INET6, addr: '::1', port }), -E.EADDRINUSE, 'inside the [::] claim');
  Z.zsock_close(v6);
  assert.is(Z.zsock_bind(again, { family: Z.AF_INET6, addr: '::1', port }), 0, 'released on close');
});

test('CONFIG_NET_IPV4_MAPPING_TO_IPV6: a dual-stack [::] takes IPv4 too and serves mapped IPv4 clients', async () => {
  configure({ NET_IPV4_MAPPING_TO_IPV6: true });
  const dual = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0);
  assert.is(getopt(dual, Z.IPPROTO_IPV6, Z.IPV6_V6ONLY), 0, 'dual stack by default');
  const [, p2] = tcpListener(Z.AF_INET);
  assert.is(Z.zsock_bind(dual, { family: Z.AF_INET6, addr: '::', port: p2 }), -E.EADDRINUSE, '[::] without V6ONLY takes IPv4 too');
  const srv = Z.zsock_socket(Z.AF_INET6, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_bind(srv, { family: Z.AF_INET6, addr: '::', port: 0 }), 0);
  assert.is(Z.zsock_listen(srv, 2), 0);
  await Z.zsock_get_context_object(srv)!.whenReady();
  const at = {} as Z.SockAddr;
  Z.zsock_getsockname(srv, at);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  const peer = {} as Z.SockAddr;
  const [rc, s] = await within(Promise.all([Z.zsock_connect(c, lo4(at.port)), Z.zsock_accept(srv, peer)]), 3000, 'mapped connect');
  assert.is(rc, 0);
  assert.ok(s >= 0);
  assert.is(peer.family, Z.AF_INET6);
  assert.is(peer.addr, '::ffff:127.0.0.1', 'the IPv4 client as a mapped address');
});

test('a port held by another program: listen reports EADDRINUSE via SO_ERROR and accept', async () => {
  const other: Server = createServer();
  servers.push(other);
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as { port: number }).port;
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_bind(fd, lo4(port)), 0, 'bind cannot know yet');
  assert.is(Z.zsock_listen(fd, 1), 0);
  assert.is(await Z.zsock_accept(fd), -E.EADDRINUSE);
});

test('connect errors: ECONNREFUSED (blocking), EISCONN, EAFNOSUPPORT, EINVAL', async () => {
  const [l, port] = tcpListener();
  Z.zsock_close(l);
  await sleep(20);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(c, lo4(port)), -E.ECONNREFUSED);
  const [, c2] = await connectedPair();
  assert.is(await Z.zsock_connect(c2, lo4(1)), -E.EISCONN);
  const c3 = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(c3, lo6(1)), -E.EAFNOSUPPORT);
  assert.is(await Z.zsock_connect(c3, { family: Z.AF_INET, addr: 'nope', port: 1 }), -E.EINVAL);
});

test('non-blocking connect: EINPROGRESS, EALREADY, then POLLOUT and 0', async () => {
  const [l, port] = tcpListener();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await Z.zsock_connect(c, lo4(port)), -E.EINPROGRESS);
  assert.is(await Z.zsock_connect(c, lo4(port)), -E.EALREADY);
  const fds = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 2000), 1);
  assert.is(fds[0].revents, Z.ZSOCK_POLLOUT);
  const err: Z.Out<number> = {};
  assert.is(Z.zsock_getsockopt(c, Z.SOL_SOCKET, Z.SO_ERROR, err), 0);
  assert.is(err.value, 0);
  assert.is(await Z.zsock_connect(c, lo4(port)), 0, 'completion reported once');
  assert.is(await Z.zsock_connect(c, lo4(port)), -E.EISCONN);
  assert.ok((await Z.zsock_accept(l)) >= 0);
});

test('non-blocking connect refused: POLLERR even if only POLLOUT asked, SO_ERROR ECONNREFUSED', async () => {
  const [l, port] = tcpListener();
  Z.zsock_close(l);
  await sleep(20);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  Z.zsock_ioctl(c, Z.FIONBIO, { value: 1 });
  assert.is(await Z.zsock_connect(c, lo4(port)), -E.EINPROGRESS);
  const fds = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 2000), 1);
  assert.ok(fds[0].revents & Z.ZSOCK_POLLERR);
  const err: Z.Out<number> = {};
  Z.zsock_getsockopt(c, Z.SOL_SOCKET, Z.SO_ERROR, err);
  assert.is(err.value, E.ECONNREFUSED);
  Z.zsock_getsockopt(c, Z.SOL_SOCKET, Z.SO_ERROR, err);
  assert.is(err.value, 0, 'reading SO_ERROR clears it');
});

test('a blocking connect times out with ETIMEDOUT (peer with a full accept queue drops the SYN)', async () => {
  // A real listener with backlog 0 that never accepts; two connections fill its queue.
  const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True);time.sleep(30)']);
  try {
    const port = await new Promise<number>((r) => py.stdout.once('data', (d) => r(Number(String(d).trim()))));
    const fillers = [netConnect(port, '127.0.0.1'), netConnect(port, '127.0.0.1')];
    await sleep(100);
    configure({ NET_SOCKETS_CONNECT_TIMEOUT: 400 });
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
    const t0 = Date.now();
    assert.is(await Z.zsock_connect(c, lo4(port)), -E.ETIMEDOUT);
    const dt = Date.now() - t0;
    assert.ok(dt >= 380 && dt < 2000, `timed out after ${dt} ms`);
    fillers.forEach((f) => f.destroy());
  } finally {
    py.kill();
  }
});

test('recv: ENOTCONN unconnected, 0 for len 0, EAGAIN non-blocking, EOF gives 0 and POLLIN|POLLHUP', async () => {
  const fresh = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_recv(fresh, new Uint8Array(4), 0), -E.ENOTCONN);
  assert.is(await Z.zsock_send(fresh, new Uint8Array(4), 0), -E.ENOTCONN);
  const [l, c, a] = await connectedPair();
  assert.is(await Z.zsock_recv(l, new Uint8Array(4), 0), -E.ENOTCONN, 'a listener');
  assert.is(await Z.zsock_recv(a, new Uint8Array(0), 0), 0);
  assert.is(await Z.zsock_recv(a, new Uint8Array(4), Z.ZSOCK_MSG_DONTWAIT), -E.EAGAIN);
  await Z.zsock_send(c, text('bye'), 0);
  Z.zsock_close(c);
  const fds = [{ fd: a, events: Z.ZSOCK_POLLIN, revents: 0 }];
  await until(() => false || (Z.zsock_get_context_object(a)!.pollEvents() & Z.ZSOCK_POLLHUP) !== 0, 2000, 'EOF');
  assert.is(await Z.zsock_poll(fds, 1, 0), 1);
  assert.is(fds[0].revents, Z.ZSOCK_POLLIN | Z.ZSOCK_POLLHUP);
  const buf = new Uint8Array(10);
  assert.is(await Z.zsock_recv(a, buf, 0), 3, 'buffered data comes before EOF');
  assert.is(await Z.zsock_recv(a, buf, 0), 0);
  assert.is(await Z.zsock_recv(a, buf, 0), 0, 'and stays EOF');
});

test('MSG_PEEK leaves data; FIONREAD counts it; MSG_WAITALL waits for all', async () => {
  const [, c, a] = await connectedPair();
  await Z.zsock_send(c, text('abcdef'), 0);
  const n: Z.Out<number> = {};
  await until(() => (Z.zsock_ioctl(a, Z.FIONREAD, n), n.value === 6), 2000, 'data');
  const buf = new Uint8Array(3);
  assert.is(await Z.zsock_recv(a, buf, Z.ZSOCK_MSG_PEEK), 3);
  assert.is(await Z.zsock_recv(a, buf, 0), 3);
  assert.is(new TextDecoder().decode(buf), 'abc');
  Z.zsock_ioctl(a, Z.FIONREAD, n);
  assert.is(n.value, 3);
  const all = new Uint8Array(9);
  const pending = Z.zsock_recv(a, all, Z.ZSOCK_MSG_WAITALL);
  await sleep(30);
  await Z.zsock_send(c, text('ghijkl'), 0);
  assert.is(await pending, 9);
  assert.is(new TextDecoder().decode(all), 'defghijkl');
});

test('SO_RCVTIMEO: recv gives EAGAIN after the timeout; MSG_WAITALL keeps the partial count', async () => {
  const [, c, a] = await connectedPair();
  assert.is(Z.zsock_setsockopt(a, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 0, tv_usec: 150000 }), 0);
  const t0 = Date.now();
  assert.is(await Z.zsock_recv(a, new Uint8Array(4), 0), -E.EAGAIN);
  assert.ok(Date.now() - t0 >= 140);
  await Z.zsock_send(c, text('xy'), 0);
  assert.is(await Z.zsock_recv(a, new Uint8Array(4), Z.ZSOCK_MSG_WAITALL), 2);
});

test('SHUT_RD: recv returns 0 at once', async () => {
  const [, , a] = await connectedPair();
  assert.is(Z.zsock_shutdown(a, Z.ZSOCK_SHUT_RD), 0);
  assert.is(await Z.zsock_recv(a, new Uint8Array(4), 0), 0);
});

test('non-blocking accept gives EAGAIN; listen backlog 0 means 1; accept on a non-listener EINVAL', async () => {
  const [l] = tcpListener(Z.AF_INET, 0);
  Z.zsock_fcntl(l, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await Z.zsock_accept(l), -E.EAGAIN);
  const s = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_accept(s), -E.EINVAL);
  assert.is(Z.zsock_listen(s, 1.5), -E.EINVAL);
});

test('close() from another task wakes blocked recv and accept with EINTR', async () => {
  const [l, , a] = await connectedPair();
  const r = Z.zsock_recv(a, new Uint8Array(4), 0);
  const acc = Z.zsock_accept(l);
  await sleep(20);
  Z.zsock_close(a);
  Z.zsock_close(l);
  assert.is(await r, -E.EINTR);
  assert.is(await acc, -E.EINTR);
});

test('concurrency: tasks blocked on different fds each get their own result', async () => {
  const [polled, ...pairs] = await Promise.all([connectedPair(), connectedPair(), connectedPair(), connectedPair()]);
  const reads = pairs.map(([, , a]) => { const b = new Uint8Array(8); return Z.zsock_recv(a, b, 0).then((n) => new TextDecoder().decode(b.subarray(0, n))); });
  const [l4] = tcpListener();
  const acc = Z.zsock_accept(l4);
  const pollTask = Z.zsock_poll([{ fd: polled[2], events: Z.ZSOCK_POLLIN, revents: 0 }], 1, 2000);
  await sleep(20);
  await Z.zsock_send(pairs[2][1], text('third'), 0);
  await Z.zsock_send(pairs[0][1], text('first'), 0);
  await Z.zsock_send(pairs[1][1], text('second'), 0);
  await Z.zsock_send(polled[1], text('poll me'), 0);
  assert.equal(await Promise.all(reads), ['first', 'second', 'third']);
  assert.is(await pollTask, 1);
  Z.zsock_close(l4);
  assert.is(await acc, -E.EINTR);
});

test('10 MB with short writes, patterned bytes checked at the receiver', async () => {
  const [, c, a] = await connectedPair();
  const TOTAL = 10 * 1024 * 1024;
  const chunk = new Uint8Array(200 * 1024);
  let shortWrites = 0;
  const sender = (async () => {
    Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_SNDBUF, 32768);
    for (let sent = 0; sent < TOTAL; ) {
      const n = Math.min(chunk.length, TOTAL - sent);
      for (let i = 0; i < n; i++) chunk[i] = (sent + i) * 7 & 0xff;
      let off = 0;
      while (off < n) {
        const w = await Z.zsock_send(c, chunk.subarray(off, n), 0);
        assert.ok(w > 0, `send ${w}`);
        if (w < n - off) shortWrites++;
        off += w;
      }
      sent += n;
    }
    Z.zsock_close(c);
  })();
  const buf = new Uint8Array(65536);
  let got = 0, bad = -1;
  for (;;) {
    const n = await Z.zsock_recv(a, buf, 0);
    assert.ok(n >= 0, `recv ${n}`);
    if (n === 0) break;
    for (let i = 0; i < n && bad < 0; i++) if (buf[i] !== ((got + i) * 7 & 0xff)) bad = got + i;
    got += n;
  }
  await sender;
  assert.is(bad, -1, 'every byte as sent');
  assert.is(got, TOTAL);
  assert.ok(shortWrites > 0, 'short writes happened (SO_SNDBUF 32 KiB)');
});

test('POLLOUT disappears when the send side is full; a non-blocking send gives EAGAIN', async () => {
  const [, c, a] = await connectedPair();
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  Z.zsock_setsockopt(a, Z.SOL_SOCKET, Z.SO_RCVBUF, 1024); // the peer stops reading from the kernel
  const big = new Uint8Array(1 << 20);
  let r = 0;
  for (let i = 0; i < 200 && r !== -E.EAGAIN; i++) r = await Z.zsock_send(c, big, 0);
  assert.is(r, -E.EAGAIN);
  const fds = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 0), 0, 'not writable');
  const drain = new Uint8Array(1 << 20);
  const waiter = Z.zsock_poll(fds, 1, 5000);
  while ((await Z.zsock_recv(a, drain, Z.ZSOCK_MSG_DONTWAIT)) > 0) await sleep(1);
  for (let i = 0; i < 500 && fds[0].revents === 0; i++) { await Z.zsock_recv(a, drain, Z.ZSOCK_MSG_DONTWAIT); await sleep(2); }
  assert.is(await waiter, 1, 'writable again once the peer reads');
});

test.run();
