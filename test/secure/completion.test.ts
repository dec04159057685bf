/** Asynchronous handshakes with I/O completion ports (gsk_secure_soc_startInit model): 50 at
 *  once against real OpenSSL clients (Node's tls), cancellation, handshake and wait timeouts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tls from 'node:tls';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { configure } from '../../src/config.js';
import { pem } from '../helpers/pki.js';
import { closeAll, within, tcpListener } from '../helpers/zs.js';
import { addCredentials, removeCredentials } from '../helpers/tls.js';
import { rules, plainPair } from '../helpers/ttls.js';

const ports: number[] = [];
test.before.each(addCredentials);
test.after.each(() => {
  closeAll();
  removeCredentials();
  Z.ttls_policy_set([]);
  ports.splice(0).forEach((p) => Z.zsock_io_completion_port_destroy(p));
});

function port(): number {
  const p = Z.zsock_io_completion_port_create();
  assert.ok(p > 0);
  ports.push(p);
  return p;
}

/** An OpenSSL client (Node's tls) that trusts the test CA; resolves with its error or null. */
function client(at: number, opts: tls.ConnectionOptions = {}): { done: Promise<Error | null>; sock: tls.TLSSocket } {
  const sock = tls.connect({ port: at, host: '127.0.0.1', servername: 'localhost', ca: Buffer.from(pem('ca.crt')), ...opts });
  const done = new Promise<Error | null>((r) => { sock.once('secureConnect', () => r(null)); sock.once('error', r); });
  return { done, sock };
}

test('50 concurrent handshakes on one completion port: each posted once, with its handle and id', async () => {
  configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: 64, ZVFS_OPEN_MAX: 128 });
  const [l, at] = tcpListener(Z.AF_INET, 64);
  assert.is(Z.ttls_policy_set(rules(at)), 0);
  const p = port();
  const clients = Array.from({ length: 50 }, () => client(at));
  const fds: number[] = [];
  for (let i = 0; i < 50; i++) {
    const fd = await within(Z.zsock_accept(l), 5000, 'accept');
    assert.ok(fd >= 0);
    fds.push(fd);
    const area: Z.Overlapped = { descriptorHandle: { conn: i }, operationId: 1000 + i };
    assert.is(Z.zsock_tls_handshake_start(fd, p, area), 0);
    assert.is(area.returnValue, undefined, 'never completes synchronously');
    assert.is(Z.zsock_io_is_operation_pending(fd, 1000 + i), 1);
  }
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const out: Z.Out<Z.Overlapped> = {};
    assert.is(await Z.zsock_io_completion_wait(p, out, 5000), 0);
    const o = out.value!;
    assert.is(o.returnValue, Z.GSK_OK, `errno ${o.errnoValue}`);
    assert.is(o.operationCompleted, Z.GSKSECURESOCSTARTINIT);
    const n = (o.descriptorHandle as { conn: number }).conn;
    assert.is(o.operationId, 1000 + n);
    assert.not.ok(seen.has(n), 'posted once');
    seen.add(n);
    assert.is(Z.zsock_io_is_operation_pending(fds[n], o.operationId!), 0);
  }
  assert.equal((await Promise.all(clients.map((c) => c.done))).filter(Boolean), []);
  const out: Z.Out<Z.Overlapped> = {};
  assert.is(await Z.zsock_io_completion_wait(p, out, 50), -E.ETIMEDOUT, 'nothing more');
  // the connections carry data
  const buf = new Uint8Array(5);
  clients[7].sock.write('hello');
  assert.is(await Z.zsock_recv(fds[7], buf, 0), 5);
  clients.forEach((c) => c.sock.destroy());
});

test('a handshake already over is still posted, never reported synchronously', async () => {
  const { c, s } = await plainPair();
  const p = port();
  const a1: Z.Overlapped = { operationId: 1 }, a2: Z.Overlapped = { operationId: 2 };
  assert.is(Z.zsock_tls_handshake_start(c, p, a1), 0);
  assert.is(Z.zsock_tls_handshake_start(s, p, a2), 0);
  const got = [];
  for (let i = 0; i < 2; i++) {
    const out: Z.Out<Z.Overlapped> = {};
    assert.is(await Z.zsock_io_completion_wait(p, out, 5000), 0);
    got.push(out.value!.returnValue);
  }
  assert.equal(got, [Z.GSK_OK, Z.GSK_OK]);
  const again: Z.Overlapped = { operationId: 3 };
  assert.is(Z.zsock_tls_handshake_start(c, p, again), 0, 'a secure socket: posted at once');
  assert.is(again.returnValue, undefined);
  const out: Z.Out<Z.Overlapped> = {};
  assert.is(await Z.zsock_io_completion_wait(p, out, 5000), 0);
  assert.is(out.value, again);
  assert.is(again.returnValue, Z.GSK_OK);
});

test('cancellation: the operation completes with ECANCELED and the handshake is aborted', async () => {
  const { c } = await plainPair(); // the server never starts its side
  const p = port();
  const area: Z.Overlapped = { operationId: 7 };
  assert.is(Z.zsock_tls_handshake_start(c, p, area), 0);
  assert.is(Z.zsock_tls_handshake_start(c, p, { operationId: 8 }), -E.EALREADY);
  assert.is(Z.zsock_io_cancel_operation(c, 99), -E.ENOENT);
  assert.is(Z.zsock_io_cancel_operation(c, 7), 0);
  assert.is(Z.zsock_io_is_operation_pending(c, 7), 0);
  const out: Z.Out<Z.Overlapped> = {};
  assert.is(await Z.zsock_io_completion_wait(p, out, 1000), 0);
  assert.equal([out.value!.returnValue, out.value!.errnoValue], [Z.GSK_ERROR_IO, E.ECANCELED]);
  assert.is(await Z.zsock_send(c, new Uint8Array(1), 0), -E.ECANCELED, 'the connection is dead');
});

test('timeouts: a handshake past the policy HandshakeTimeout posts ETIMEDOUT; an idle wait times out', async () => {
  const { s } = await plainPair({ handshakeTimeout: 0.2 }); // the client never sends a ClientHello
  const p = port();
  const out: Z.Out<Z.Overlapped> = {};
  const t0 = Date.now();
  assert.is(await Z.zsock_io_completion_wait(p, out, 100), -E.ETIMEDOUT);
  assert.ok(Date.now() - t0 >= 95);
  assert.is(Z.zsock_tls_handshake_start(s, p, { operationId: 1 }), 0);
  assert.is(await Z.zsock_io_completion_wait(p, out, 3000), 0);
  assert.equal([out.value!.returnValue, out.value!.errnoValue], [Z.GSK_ERROR_IO, E.ETIMEDOUT]);
});

test('failures to start, with the seed\'s errno values', async () => {
  const p = port();
  const area = { operationId: 1 };
  const udp = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  const sv: number[] = [];
  Z.zsock_socketpair(Z.AF_UNIX, Z.SOCK_STREAM, 0, sv);
  const fresh = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  assert.is(Z.zsock_tls_handshake_start(99, p, area), -E.EBADF);
  assert.is(Z.zsock_tls_handshake_start(fresh, 12345, area), -E.EINVAL);
  assert.is(Z.zsock_tls_handshake_start(fresh, p, null as unknown as Z.Overlapped), -E.EFAULT);
  assert.is(Z.zsock_tls_handshake_start(sv[0], p, area), -E.EUNATCH);
  assert.is(Z.zsock_tls_handshake_start(udp, p, area), -E.EIO);
  assert.is(Z.zsock_tls_handshake_start(fresh, p, area), -E.ENOTCONN);
  const off = await plainPair({ enabled: false });
  assert.is(Z.zsock_tls_handshake_start(off.c, p, area), -E.EOPNOTSUPP);
  const plain = await plainPair({}, {}, false);
  assert.is(Z.zsock_tls_handshake_start(plain.c, p, area), -E.EOPNOTSUPP, 'no rule for this port');
  // ports: a destroyed port wakes its waiter with EINTR; past the limit, ENOMEM
  const q = port();
  const waiting = Z.zsock_io_completion_wait(q, {}, -1);
  assert.is(Z.zsock_io_completion_port_destroy(q), 0);
  assert.is(await waiting, -E.EINTR);
  assert.is(Z.zsock_io_completion_port_destroy(q), -E.EINVAL);
  configure({ ZSOCK_COMPLETION_PORTS_MAX: 2 });
  port();
  assert.is(Z.zsock_io_completion_port_create(), -E.ENOMEM);
});

test.run();
