/** zsock/idiomatic over real loopback TLS (the test PKI): TLS 1.2 and 1.3 echo, the hostname
 *  default, verification failures with the TLS layer's reason, and the server loop going on. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../../src/errno.js';
import { TcpServer, TcpSocket, ERR_ZSOCK_INVALID_ARG } from '../../src/idiomatic/index.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { closeAll, within } from '../helpers/zs.js';
import { collect, openFds, rejects } from './helpers.js';

const S = suite('idiomatic TLS');
S.before.each(() => addCredentials());
const leaks: string[] = [];
S.after.each((ctx) => {
  if (openFds()) leaks.push(`${ctx.__test__}: ${openFds()} fds left open`);
  closeAll();
  removeCredentials();
});

for (const v of ['1.2', '1.3'] as const) {
  S(`TLS ${v}: connect to 'localhost' (its name checked by default), echo, close_notify ends the iteration`, async () => {
    await using server = await TcpServer.listen(0, { host: '127.0.0.1', tls: { secTags: [TAG.EC] } });
    assert.is(server.secure, true);
    const serving = (async () => {
      await using conn = await server.accept();
      for await (const chunk of conn) await conn.write(chunk);
    })();
    // A 1.2 client pins 1.2 by offering TLS 1.2 suites only (IPPROTO_TLS_1_2 is a minimum).
    const tls = v === '1.2' ? { secTags: [TAG.CA], ciphersuites: [0xc02b] } : { secTags: [TAG.CA], minVersion: v };
    await using client = await TcpSocket.connect('localhost', server.port, { family: 1, tls });
    assert.is(client.secure, true);
    const suiteNo = client.ciphersuite!;
    assert.ok(v === '1.3' ? suiteNo >> 8 === 0x13 : suiteNo === 0xc02b, `suite 0x${suiteNo.toString(16)}`);
    await client.write('over tls');
    const buf = new Uint8Array(64);
    const n = await within(client.read(buf), 5000, 'the echo');
    assert.is(new TextDecoder().decode(buf.subarray(0, n!)), 'over tls');
    client.close(); // close_notify: the server's iteration ends, its handler returns
    await within(serving, 5000, 'the server to see the end');
  });
}

S('an address with tls.hostname set; ALPN and peer verification options are applied', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1', tls: { secTags: [TAG.EC], alpn: ['zs/1'] } });
  const [client, conn] = await Promise.all([
    TcpSocket.connect('127.0.0.1', server.port, { tls: { secTags: [TAG.CA], hostname: 'localhost', verify: 'required', alpn: ['zs/1'] } }),
    server.accept(),
  ]);
  using c = client; using a = conn;
  await a.write('hi');
  const buf = new Uint8Array(8);
  assert.is(await c.read(buf), 2);
});

S('a name the certificate does not carry: ECONNABORTED with the TLS reason; the server loop skips it and serves the next', async () => {
  await using server = await TcpServer.listen(0, { host: '127.0.0.1', tls: { secTags: [TAG.EC] } });
  const served: string[] = [];
  const loop = (async () => {
    for await (const conn of server) {
      served.push(await collect(conn));
      conn.close();
    }
  })();
  const e = await rejects(TcpSocket.connect('127.0.0.1', server.port, { tls: { secTags: [TAG.CA], hostname: 'wrong.example' } }),
    'ECONNABORTED', E.ECONNABORTED, 'zsock_connect');
  assert.ok(e.tls && /certificate verification failed/.test(e.tls) && /hostname|CN/i.test(e.tls), e.tls);
  assert.ok(e.message.includes(e.tls!), e.message);
  const ok = await TcpSocket.connect('127.0.0.1', server.port, { tls: { secTags: [TAG.CA], hostname: 'localhost' } });
  await ok.write('second');
  ok.close();
  await within((async () => { while (!served.length) await new Promise((r) => setTimeout(r, 5)); })(), 5000, 'the second client served');
  assert.equal(served, ['second']);
  server.close();
  await within(loop, 5000, 'the loop to end');
});

S('an unknown credential tag: the SOL_TLS option\'s errno, no fd left', async () => {
  await rejects(TcpSocket.connect('127.0.0.1', 1, { tls: { secTags: [999] } }), 'ENOENT', E.ENOENT, 'zsock_setsockopt');
});

S('TLS programmer errors: unknown tls keys and bad values are ERR_ZSOCK_INVALID_ARG', async () => {
  const bad = (p: Promise<unknown>) => rejects(p, ERR_ZSOCK_INVALID_ARG, E.EINVAL);
  await bad(TcpServer.listen(0, { tls: { secTags: [TAG.EC], sectags: [1] } as never }));
  await bad(TcpServer.listen(0, { tls: { secTags: [TAG.EC], minVersion: '1.1' } as never }));
  await bad(TcpSocket.connect('127.0.0.1', 1, { tls: { secTags: [TAG.CA], alpn: [1] } as never }));
  await bad(TcpSocket.connect('127.0.0.1', 1, { tls: { secTags: [TAG.CA], hostname: 5 } as never }));
});

S('every test closed its own fds (dispose, close)', () => {
  assert.equal(leaks, []);
});

S.run();
