/** zsock/idiomatic over real loopback TCP: connect/accept, read/write, iteration to EOF,
 *  dispose, and the errors by code. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../../src/errno.js';
import { AF_INET, AF_INET6, type SockAddr } from '../../src/api/index.js';
import { TcpServer, TcpSocket, ERR_ZSOCK_INVALID_ARG } from '../../src/idiomatic/index.js';
import { freePort } from '../helpers/net.js';
import { closeAll, within } from '../helpers/zs.js';
import { collect, openFds, rejects, str, text } from './helpers.js';

const T = suite('idiomatic TCP');
const leaks: string[] = [];
T.after.each((ctx) => {
  if (openFds()) leaks.push(`${ctx.__test__}: ${openFds()} fds left open`);
  closeAll();
});

T('echo: write, the server reads and answers, then closes; the client iterates to EOF; the server iterates to the client\'s close', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1' });
  assert.ok(server.port > 0);
  const serving = (async () => {
    await using conn = await server.accept();
    const got = new Uint8Array(12);
    for (let at = 0; at < got.length;) at += (await conn.read(got.subarray(at)))!;
    await conn.write(`echo: ${str(got)}`);
  })();
  await using client = await TcpSocket.connect('127.0.0.1', server.port);
  assert.is(client.secure, false);
  assert.is(client.ciphersuite, null);
  assert.equal(client.remoteAddress, { family: AF_INET, addr: '127.0.0.1', port: server.port } as SockAddr);
  assert.is(await client.write('hello, '), 7);
  assert.is(await client.write(text('world')), 5);
  assert.is(await within(collect(client), 5000, 'the echo'), 'echo: hello, world', 'iteration ends at the server\'s close');
  await serving;
  assert.is(await client.read(new Uint8Array(4)), null, 'read at EOF gives null');
  const second = (async () => { await using conn = await server.accept(); return await collect(conn); })();
  const c2 = await TcpSocket.connect('127.0.0.1', server.port);
  await c2.write('bye');
  c2.close();
  assert.is(await within(second, 5000, 'the server\'s iteration'), 'bye');
});

T('a large write is sent whole; read fills what has arrived', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1' });
  const big = new Uint8Array(500_000).map((_, i) => i * 7);
  const [client, conn] = await Promise.all([TcpSocket.connect('127.0.0.1', server.port), server.accept()]);
  using c = client; using a = conn;
  const sending = c.write(big);
  const got = new Uint8Array(big.length);
  for (let at = 0; at < got.length;) {
    const n = await a.read(got.subarray(at));
    assert.ok(n !== null && n > 0);
    at += n!;
  }
  assert.is(await sending, big.length);
  assert.equal(got, big);
});

T('connect by name (getaddrinfo) with family AF_INET', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1' });
  const [client, conn] = await Promise.all([TcpSocket.connect('localhost', server.port, { family: AF_INET }), server.accept()]);
  client.close(); conn.close();
  assert.is(client.closed, true);
});

T('IPv6: listen on ::1, connect to it', async () => {
  await using server = await TcpServer.listen(0, { host: '::1' });
  assert.is(server.address.family, AF_INET6);
  const [client, conn] = await Promise.all([TcpSocket.connect('::1', server.port), server.accept()]);
  using c = client; using a = conn;
  assert.equal(c.remoteAddress, { family: AF_INET6, addr: '::1', port: server.port } as SockAddr);
  assert.equal(a.remoteAddress, c.localAddress);
  await c.write('v6');
  assert.is(await a.read(new Uint8Array(4)), 2);
});

T('a refused connect rejects with ECONNREFUSED (code, errno, syscall, message) and leaves no fd', async () => {
  const port = await freePort();
  const e = await rejects(TcpSocket.connect('127.0.0.1', port), 'ECONNREFUSED', E.ECONNREFUSED, 'zsock_connect');
  assert.is(e.message, 'zsock_connect: ECONNREFUSED: Connection refused');
  assert.is(e.tls, undefined);
});

T('a port in use rejects listen with EADDRINUSE', async () => {
  await using a = await TcpServer.listen(0, { host: '127.0.0.1' });
  await rejects(TcpServer.listen(a.port, { host: '127.0.0.1' }), 'EADDRINUSE', E.EADDRINUSE, 'zsock_bind');
});

T('programmer errors: ERR_ZSOCK_INVALID_ARG with errno EINVAL, as rejections', async () => {
  const bad = (p: Promise<unknown>) => rejects(p, ERR_ZSOCK_INVALID_ARG, E.EINVAL);
  await bad(TcpSocket.connect('127.0.0.1', 70000));
  await bad(TcpSocket.connect('127.0.0.1', 0));
  await bad(TcpSocket.connect('', 80));
  await bad(TcpSocket.connect(42 as unknown as string, 80));
  await bad(TcpSocket.connect('127.0.0.1', 80, { tsl: {} } as never));
  await bad(TcpSocket.connect('127.0.0.1', 80, { tls: { secTags: 'ca' } } as never));
  await bad(TcpSocket.connect('127.0.0.1', 80, { tls: { secTags: [1], verify: 'maybe' } } as never));
  await bad(TcpServer.listen(0, { host: 'not an address' }));
  await bad(TcpServer.listen(-1));
  await bad(TcpServer.listen(0, { backlog: 1.5 }));
  await using server = await TcpServer.listen(0, { host: '127.0.0.1' });
  const [client, conn] = await Promise.all([TcpSocket.connect('127.0.0.1', server.port), server.accept()]);
  using c = client; using a = conn;
  await bad(c.write(123 as unknown as string));
  await bad(a.read('buffer' as unknown as Uint8Array));
  assert.throws(() => new TcpSocket(-1), (e: Error) => (e as { code?: string }).code === ERR_ZSOCK_INVALID_ARG);
});

T('dispose closes: after a `using` block the fd is gone, and a read then rejects with EBADF', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1' });
  let kept: TcpSocket | null = null;
  {
    await using client = await TcpSocket.connect('127.0.0.1', server.port);
    kept = client;
    assert.is(openFds(), 2);
  }
  assert.is(kept.closed, true);
  assert.is(openFds(), 1, 'only the listener is open');
  await rejects(kept.read(new Uint8Array(4)), 'EBADF', E.EBADF, 'zsock_recv');
  await rejects(kept.write('x'), 'EBADF', E.EBADF, 'zsock_send');
  kept.close(); // idempotent
  const conn = await server.accept(); // the connection the client made is still queued
  assert.is(await conn.read(new Uint8Array(4)), null, 'the peer sees the close as EOF');
  conn[Symbol.dispose]();
  assert.is(conn.closed, true);
});

T('closing a socket ends its iteration quietly; closing the server ends its connection loop', async () => {
  const server = await TcpServer.listen(0, { host: '127.0.0.1' });
  const seen: TcpSocket[] = [];
  const loop = (async () => { for await (const c of server) seen.push(c); })();
  const client = await TcpSocket.connect('127.0.0.1', server.port);
  await within((async () => { while (!seen.length) await new Promise((r) => setTimeout(r, 5)); })(), 5000, 'accept');
  const reading = collect(seen[0]);
  await client.write('partial');
  await new Promise((r) => setTimeout(r, 50));
  seen[0].close();
  assert.is(await within(reading, 5000, 'the iteration to end'), 'partial');
  await server[Symbol.asyncDispose]();
  await within(loop, 5000, 'the accept loop to end');
  client.close();
});

T('every test closed its own fds (dispose, close)', () => {
  assert.equal(leaks, []);
});

T.run();
