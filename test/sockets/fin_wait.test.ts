/**
 * A closed TCP socket's FIN_WAIT (src/sockets/tcp_conn.ts FinWait): its connection ends when the
 * peer closes too, and at NET_TCP_FIN_TIMEOUT when the peer never does. Regression: the bound's
 * timer outlived every connection that closed normally, keeping it for the whole bound, and
 * then reset the long-closed node:net socket (Node made an ERR_SOCKET_CLOSED each time).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import * as Z from '../../src/api/index.js';
import { config, configure } from '../../src/config.js';
import { FinWait } from '../../src/sockets/tcp_conn.js';
import type { TcpConn } from '../../src/net/driver.js';
import { closeAll, lo4, tcpListener, until, within } from '../helpers/zs.js';

const servers: Server[] = [];
const finTimeout = config.NET_TCP_FIN_TIMEOUT;
test.after.each(() => {
  closeAll();
  servers.splice(0).forEach((s) => s.close());
  configure({ NET_TCP_FIN_TIMEOUT: finTimeout });
});

/** The driver connection under a zsock fd (the socket object's own, for this white-box check). */
const connOf = (fd: number) => (Z.zsock_get_context_object(fd) as unknown as { conn: TcpConn | null }).conn!;

test('both ends closed: the FIN_WAIT bound is stopped, the closed connection is not reset later', async () => {
  const [l, port] = tcpListener();
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  const [r, a] = await within(Promise.all([Z.zsock_connect(c, lo4(port)), Z.zsock_accept(l)]), 8000, 'connect + accept');
  assert.is(r, 0);
  const conn = connOf(c), resets: number[] = [];
  const destroy = conn.destroy.bind(conn);
  conn.destroy = () => { resets.push(1); destroy(); };
  Z.zsock_close(c);
  const fin = conn.events as FinWait;
  assert.instance(fin, FinWait);
  Z.zsock_close(a);
  await until(() => (fin as unknown as { timer: unknown }).timer === undefined, 4000, 'the peer closed: bound stopped');
  assert.equal(resets, [], 'nothing reset a connection that closed cleanly');
});

test('a peer that never closes: the connection is destroyed at NET_TCP_FIN_TIMEOUT', async () => {
  configure({ NET_TCP_FIN_TIMEOUT: 150 });
  let peer: Socket | null = null;
  const srv = createServer({ allowHalfOpen: true }, (s) => { peer = s; s.on('error', () => {}); s.resume(); }); // reads, never ends
  servers.push(srv);
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(await Z.zsock_connect(c, lo4((srv.address() as { port: number }).port)), 0);
  await until(() => peer !== null, 4000, 'accepted');
  const conn = connOf(c);
  let destroyedAt = 0;
  const destroy = conn.destroy.bind(conn);
  conn.destroy = () => { destroyedAt ||= Date.now(); destroy(); };
  const t0 = Date.now();
  Z.zsock_close(c);
  await until(() => destroyedAt > 0, 4000, 'the bound destroys the connection');
  assert.ok(destroyedAt - t0 >= 140, `destroyed after ${destroyedAt - t0} ms, before the bound`);
  await until(() => (conn as unknown as { sock: Socket }).sock.destroyed, 4000, 'the node:net socket is gone');
});

test.run();
