/** SIOCTTLSCTL, Table 1 of the AT-TLS seed: one test per row. Each asserts the errno, the reason
 *  code, and the valid-data rule ("Yes": the query fields are filled even on error; "No": they
 *  are left as they were). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { closeAll, within, sleep, tcpListener } from '../helpers/zs.js';
import { addCredentials, removeCredentials } from '../helpers/tls.js';
import { plainPair, req, ioctl, initBoth, sendText } from '../helpers/ttls.js';

test.before.each(addCredentials);
test.after.each(() => {
  closeAll();
  removeCredentials();
  Z.ttls_policy_set([]);
});

/** Runs the request and checks the row. */
async function row(fd: number, r: Z.TtlsIoctl, errno: number, reason: number, valid: boolean): Promise<void> {
  assert.is(await ioctl(fd, r), -errno, `errno for request ${String(r.requestType)}`);
  assert.is(r.reason, reason, 'reason code');
  if (valid) {
    assert.ok(r.policyStatus !== undefined && r.connStatus !== undefined && r.secType !== undefined, 'query fields filled');
  } else {
    assert.is(r.policyStatus, undefined, 'query fields untouched');
    assert.is(r.connStatus, undefined);
  }
}

const ACTIONS = [Z.TTLS_INIT_CONNECTION, Z.TTLS_RESET_SESSION, Z.TTLS_RESET_CIPHER, Z.TTLS_STOP_CONNECTION,
  Z.TTLS_RESET_WRITE_CIPHER, Z.TTLS_SEND_SESSION_TICKET];

test('EACCES JrConnDeniedPolicy: every control request on a connection whose policy is not application-controlled', async () => {
  const { c } = await plainPair({ applicationControlled: false });
  for (const t of ACTIONS) await row(c, req(t), E.EACCES, Z.TTLS_JR_CONN_DENIED_POLICY, true);
});

test('EALREADY JrAlreadyActive: INIT_CONNECTION twice; STOP_CONNECTION twice', async () => {
  const { c, s } = await plainPair();
  await initBoth(c, s);
  await row(c, req(Z.TTLS_INIT_CONNECTION), E.EALREADY, Z.TTLS_JR_ALREADY_ACTIVE, true);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await ioctl(c, req(Z.TTLS_STOP_CONNECTION)), -E.EINPROGRESS);
  await row(c, req(Z.TTLS_STOP_CONNECTION), E.EALREADY, Z.TTLS_JR_ALREADY_ACTIVE, true);
});

// AT-TLS's table says EConnReset here; zsock reports the errno every other surface reports for
// the same failed handshake (Zephyr's ECONNABORTED), with the row's reason code (docs/ttls.md).
test('ECONNABORTED JrTTLSHandshakeFailed: a blocking request waits for the handshake in progress, which fails', async () => {
  const { c, s } = await plainPair({}, { secTags: [] }); // the client trusts no CA
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await ioctl(c, req(Z.TTLS_INIT_CONNECTION)), -E.EINPROGRESS);
  Z.zsock_fcntl(c, Z.F_SETFL, 0);
  const server = ioctl(s, req(Z.TTLS_INIT_CONNECTION));
  await row(c, req(Z.TTLS_QUERY_ONLY), E.ECONNABORTED, Z.TTLS_JR_HANDSHAKE_FAILED, false);
  await server;
});

test('EINPROGRESS JrOK: INIT_CONNECTION and STOP_CONNECTION on a non-blocking socket', async () => {
  const { c, s } = await plainPair();
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  const server = ioctl(s, req(Z.TTLS_INIT_CONNECTION));
  await row(c, req(Z.TTLS_INIT_CONNECTION), E.EINPROGRESS, Z.TTLS_JR_OK, true);
  assert.is(await server, 0);
  const fds = [{ fd: c, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  assert.is(await Z.zsock_poll(fds, 1, 5000), 1, 'writable when secure (note 4)');
  await row(c, req(Z.TTLS_STOP_CONNECTION), E.EINPROGRESS, Z.TTLS_JR_OK, true);
  assert.is(await ioctl(s, req(Z.TTLS_STOP_CONNECTION)), 0);
  assert.is(await Z.zsock_poll(fds, 1, 5000), 1);
  const q = req(Z.TTLS_QUERY_ONLY);
  assert.is(await ioctl(c, q), 0);
  assert.is(q.connStatus, Z.TTLS_CONN_NOTSECURE, 'plain again');
});

test('EINVAL JrInvalidVersion: a bad version number', async () => {
  const { c } = await plainPair();
  for (const version of [0, 3]) await row(c, req(Z.TTLS_QUERY_ONLY, { version }), E.EINVAL, Z.TTLS_JR_INVALID_VERSION, false);
});

test('EINVAL JrSocketCallParmError: a request block of the wrong shape (the length row)', async () => {
  const { c } = await plainPair();
  const bad = [{ version: '1', requestType: Z.TTLS_QUERY_ONLY }, { version: 1 }, { version: 1, requestType: 1, certBuffer: 'x' }];
  for (const b of bad) await row(c, b as unknown as Z.TtlsIoctl, E.EINVAL, Z.TTLS_JR_SOCKET_CALL_PARM_ERROR, false);
  assert.is(await Z.zsock_ioctl(c, Z.SIOCTTLSCTL, null as unknown as Z.TtlsIoctl), -E.EFAULT);
});

test('EINVAL JrSocketCallParmError: a request type that is not valid', async () => {
  const { c } = await plainPair();
  for (const t of [0, 0x8000, Z.TTLS_QUERY_ONLY | Z.TTLS_INIT_CONNECTION]) await row(c, req(t), E.EINVAL, Z.TTLS_JR_SOCKET_CALL_PARM_ERROR, false);
});

test('EINVAL JrSocketCallParmError: RETURN_CERTIFICATE without a buffer or with an empty one', async () => {
  const { c } = await plainPair();
  for (const certBuffer of [undefined, null, new Uint8Array(0)]) {
    await row(c, req(Z.TTLS_RETURN_CERTIFICATE, { certBuffer }), E.EINVAL, Z.TTLS_JR_SOCKET_CALL_PARM_ERROR, false);
  }
});

test('EINVAL JrSocketCallParmError: a certificate buffer without RETURN_CERTIFICATE in version 1', async () => {
  const { c } = await plainPair();
  await row(c, req(Z.TTLS_QUERY_ONLY, { certBuffer: new Uint8Array(10) }), E.EINVAL, Z.TTLS_JR_SOCKET_CALL_PARM_ERROR, false);
  assert.is(await ioctl(c, req(Z.TTLS_QUERY_ONLY, { version: 2, certBuffer: new Uint8Array(10) })), 0, 'allowed in version 2');
});

test('EMVSERR JrUnexpectedErr: mapping the policy during the ioctl fails (a sec tag without credentials)', async () => {
  const { c } = await plainPair({ secTags: [77] });
  await row(c, req(Z.TTLS_QUERY_ONLY), E.EMVSERR, Z.TTLS_JR_UNEXPECTED_ERR, false);
});

test('ENOBUFS JrBuffTooSmall: RETURN_CERTIFICATE into a buffer too small (data valid, no certificate)', async () => {
  const { c, s } = await plainPair();
  await initBoth(c, s);
  const r = req(Z.TTLS_RETURN_CERTIFICATE, { certBuffer: new Uint8Array(16) });
  await row(c, r, E.ENOBUFS, Z.TTLS_JR_BUFF_TOO_SMALL, true);
  assert.ok(r.certLen! > 16);
  assert.ok(r.certBuffer!.every((b) => b === 0), 'nothing copied');
});

test('ENOBUFS JrBuffTooSmall: version 2 QUERY_ONLY into a buffer too small (the records that fit)', async () => {
  const { c, s } = await plainPair();
  await initBoth(c, s);
  const r = req(Z.TTLS_QUERY_ONLY, { version: Z.TTLS_VERSION2, outBuffer: new Uint8Array(10) });
  await row(c, r, E.ENOBUFS, Z.TTLS_JR_BUFF_TOO_SMALL, true);
  assert.ok(r.outNeeded! > 10);
  assert.ok(r.outLen! <= 10 && r.outLen! % 4 === 0, 'whole records only');
});

test('ENOTCONN JrGetConnError: a TCP socket that is not connected', async () => {
  const [l] = tcpListener();
  const fresh = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
  for (const fd of [fresh, l]) await row(fd, req(Z.TTLS_QUERY_ONLY), E.ENOTCONN, Z.TTLS_JR_GET_CONN_ERROR, false);
});

test('EOPNOTSUPP JrOptNotSupported: TTLSEnabled off, or no rule', async () => {
  const a = await plainPair({ enabled: false });
  for (const t of ACTIONS) await row(a.c, req(t), E.EOPNOTSUPP, Z.TTLS_JR_OPT_NOT_SUPPORTED, true);
  const b = await plainPair({}, {}, false); // the policy of the first pair does not match this port
  const q = req(Z.TTLS_INIT_CONNECTION);
  await row(b.c, q, E.EOPNOTSUPP, Z.TTLS_JR_OPT_NOT_SUPPORTED, true);
  assert.is(q.policyStatus, Z.TTLS_POL_NO_POLICY);
});

test('EPERM JrSocketCallParmError: combinations of requests that are not permitted', async () => {
  const { c } = await plainPair();
  const combos = [Z.TTLS_INIT_CONNECTION | Z.TTLS_RESET_SESSION, Z.TTLS_INIT_CONNECTION | Z.TTLS_RESET_CIPHER,
    Z.TTLS_INIT_CONNECTION | Z.TTLS_STOP_CONNECTION, Z.TTLS_STOP_CONNECTION | Z.TTLS_RESET_SESSION,
    Z.TTLS_STOP_CONNECTION | Z.TTLS_RESET_CIPHER, Z.TTLS_ALLOW_HSTIMEOUT, Z.TTLS_ALLOW_HSTIMEOUT | Z.TTLS_STOP_CONNECTION,
    Z.TTLS_RESET_WRITE_CIPHER | Z.TTLS_SEND_SESSION_TICKET, Z.TTLS_RESET_WRITE_CIPHER | Z.TTLS_RESET_SESSION,
    Z.TTLS_SEND_SESSION_TICKET | Z.TTLS_RESET_CIPHER];
  for (const t of combos) await row(c, req(t), E.EPERM, Z.TTLS_JR_SOCKET_CALL_PARM_ERROR, false);
});

test('EPIPE JrUnexpectedErr: the TCP connection is no longer established', async () => {
  const { c, s } = await plainPair();
  Z.zsock_close(s); // FIN: two-way communication is over
  await sleep(50);
  for (const t of [Z.TTLS_INIT_CONNECTION]) await row(c, req(t), E.EPIPE, Z.TTLS_JR_UNEXPECTED_ERR, true);
  const p = await plainPair();
  await initBoth(p.c, p.s);
  const raw = (Z.zsock_get_context_object(p.s) as unknown as { transport: { end(): void } }).transport;
  raw.end(); // the peer's TCP ends (FIN) under its TLS session, no close_notify
  await sleep(50);
  for (const t of [Z.TTLS_RESET_WRITE_CIPHER, Z.TTLS_SEND_SESSION_TICKET, Z.TTLS_STOP_CONNECTION]) {
    await row(p.c, req(t), E.EPIPE, Z.TTLS_JR_UNEXPECTED_ERR, true);
  }
});

test('EPROTO JrGetConnErr: control requests before INIT_CONNECTION', async () => {
  const { c } = await plainPair();
  for (const t of [Z.TTLS_RESET_SESSION, Z.TTLS_RESET_CIPHER, Z.TTLS_RESET_WRITE_CIPHER, Z.TTLS_SEND_SESSION_TICKET]) {
    await row(c, req(t), E.EPROTO, Z.TTLS_JR_GET_CONN_ERROR, true);
  }
});

test('EPROTO JrInvalidVersion (the SSL version 2 row, mapped): a request the negotiated version cannot honour', async () => {
  const a = await plainPair();
  await initBoth(a.c, a.s);
  await row(a.c, req(Z.TTLS_RESET_CIPHER), E.EPROTO, Z.TTLS_JR_INVALID_VERSION, true); // no renegotiation in TLS 1.3
  await row(a.c, req(Z.TTLS_SEND_SESSION_TICKET), E.EPROTO, Z.TTLS_JR_INVALID_VERSION, true); // a client sends no tickets
  const b = await plainPair({ versions: ['1.2'] });
  await initBoth(b.c, b.s);
  await row(b.c, req(Z.TTLS_RESET_WRITE_CIPHER), E.EPROTO, Z.TTLS_JR_INVALID_VERSION, true); // no KeyUpdate in TLS 1.2
  await row(b.s, req(Z.TTLS_SEND_SESSION_TICKET), E.EPROTO, Z.TTLS_JR_INVALID_VERSION, true);
});

test('EPROTO JrConnDeniedPolicy: ALLOW_HSTIMEOUT for a client role, or with no HandshakeTimeout', async () => {
  const a = await plainPair({ handshakeTimeout: 0 });
  await row(a.s, req(Z.TTLS_INIT_CONNECTION | Z.TTLS_ALLOW_HSTIMEOUT), E.EPROTO, Z.TTLS_JR_CONN_DENIED_POLICY, true);
  await row(a.c, req(Z.TTLS_INIT_CONNECTION | Z.TTLS_ALLOW_HSTIMEOUT), E.EPROTO, Z.TTLS_JR_CONN_DENIED_POLICY, true);
});

test('ALLOW_HSTIMEOUT: a client that stays silent keeps a plain connection after the timeout', async () => {
  const { c, s } = await plainPair({ handshakeTimeout: 0.3 });
  const r = req(Z.TTLS_INIT_CONNECTION | Z.TTLS_ALLOW_HSTIMEOUT);
  assert.is(await within(ioctl(s, r), 3000, 'INIT'), 0);
  assert.is(r.connStatus, Z.TTLS_CONN_NOTSECURE);
  await sendText(s, '220 plain greeting\r\n');
  const buf = new Uint8Array(20);
  assert.is(await Z.zsock_recv(c, buf, Z.ZSOCK_MSG_WAITALL), 20);
});

test('EPROTO JrTTLSStopReadDataPending: STOP_CONNECTION with application data unread', async () => {
  const { c, s } = await plainPair();
  await initBoth(c, s);
  await sendText(s, 'unread');
  await sleep(50);
  await row(c, req(Z.TTLS_STOP_CONNECTION), E.EPROTO, Z.TTLS_JR_STOP_READ_DATA_PENDING, true);
});

test('EPROTO JrTTLSStopWriteDataPending: STOP_CONNECTION with writes not yet on the connection', async () => {
  const { c, s } = await plainPair();
  await initBoth(c, s);
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  const chunk = new Uint8Array(16384);
  while ((await Z.zsock_send(c, chunk, 0)) > 0); // the server reads nothing: everything backs up
  await row(c, req(Z.TTLS_STOP_CONNECTION), E.EPROTO, Z.TTLS_JR_STOP_WRITE_DATA_PENDING, true);
});

test('EPROTOTYPE JrSocketTypeNotSupported: not a TCP socket (UDP, a Zephyr TLS socket)', async () => {
  const udp = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, 0);
  const tls = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_2);
  for (const fd of [udp, tls]) await row(fd, req(Z.TTLS_QUERY_ONLY), E.EPROTOTYPE, Z.TTLS_JR_SOCKET_TYPE_NOT_SUPPORTED, false);
});

test('EWOULDBLOCK JrOK: any request while the handshake is in progress on a non-blocking socket', async () => {
  const { c } = await plainPair();
  Z.zsock_fcntl(c, Z.F_SETFL, Z.O_NONBLOCK);
  assert.is(await ioctl(c, req(Z.TTLS_INIT_CONNECTION)), -E.EINPROGRESS); // the server never answers
  for (const t of [Z.TTLS_QUERY_ONLY, Z.TTLS_RESET_SESSION]) await row(c, req(t), E.EWOULDBLOCK, Z.TTLS_JR_OK, true);
});

test('EBADF for a bad fd, as every zsock call', async () => {
  assert.is(await ioctl(999, req(Z.TTLS_QUERY_ONLY)), -E.EBADF);
});

test.run();
