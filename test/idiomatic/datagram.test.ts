/** zsock/idiomatic datagrams over real loopback: UDP send/receive and iteration, DTLS 1.2 client
 *  and server with the test PKI, errors by code, dispose. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../../src/errno.js';
import { AF_INET } from '../../src/api/index.js';
import { DtlsSocket, UdpSocket, ERR_ZSOCK_INVALID_ARG, type Datagram } from '../../src/idiomatic/index.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';
import { closeAll, within } from '../helpers/zs.js';
import { openFds, rejects, str } from './helpers.js';

const U = suite('idiomatic UDP and DTLS');
U.before.each(() => addCredentials());
const leaks: string[] = [];
U.after.each((ctx) => {
  if (openFds()) leaks.push(`${ctx.__test__}: ${openFds()} fds left open`);
  closeAll();
  removeCredentials();
});

U('UDP: a connected client and a bound server; the server iterates datagrams and answers each sender', async () => {
  await using server = await UdpSocket.bind(0, { host: '127.0.0.1' });
  const port = server.localAddress.port;
  const loop = (async () => { for await (const d of server) await server.send(`re: ${str(d.data)}`, d.from); })();
  await using client = await UdpSocket.connect('127.0.0.1', port);
  assert.is(await client.send('one'), 3);
  const got: Datagram = await within(client.receive(), 5000, 'the answer');
  assert.is(str(got.data), 're: one');
  assert.equal(got.from, { family: AF_INET, addr: '127.0.0.1', port });
  server.close(); // ends the server's iteration quietly
  await within(loop, 5000, 'the loop to end');
});

U('UDP: receive(maxBytes) keeps the first bytes of a longer datagram', async () => {
  await using a = await UdpSocket.bind(0, { host: '127.0.0.1' });
  await using b = await UdpSocket.bind(0, { host: '127.0.0.1' });
  await b.send('0123456789', a.localAddress);
  assert.is(str((await within(a.receive(4), 5000, 'receive')).data), '0123');
});

U('UDP errors: EDESTADDRREQ with no peer, EBADF after dispose, ERR_ZSOCK_INVALID_ARG for wrong arguments', async () => {
  let kept: UdpSocket;
  {
    await using s = await UdpSocket.bind(0, { host: '127.0.0.1' });
    kept = s;
    await rejects(s.send('nowhere'), 'EDESTADDRREQ', E.EDESTADDRREQ, 'zsock_sendto');
    const bad = (p: Promise<unknown>) => rejects(p, ERR_ZSOCK_INVALID_ARG, E.EINVAL);
    await bad(s.send(7 as unknown as string));
    await bad(s.receive(0));
    await bad(s.send('x', 'host:1' as never));
    await bad(UdpSocket.bind(0, { tls: { secTags: [1] } }));
    await bad(UdpSocket.bind(0, { host: 'localhost' }));
  }
  assert.is(kept.closed, true);
  await rejects(kept.receive(), 'EBADF', E.EBADF, 'zsock_recvfrom');
});

U('DTLS 1.2: a client connects (handshake in connect), echo through the server\'s datagram loop', async () => {
  await using server = await DtlsSocket.bind(0, { host: '127.0.0.1', tls: { secTags: [TAG.EC] } });
  const port = server.localAddress.port;
  const loop = (async () => { for await (const d of server) await server.send(d.data, d.from); })();
  await using client = await within(DtlsSocket.connect('127.0.0.1', port, { tls: { secTags: [TAG.CA], hostname: 'localhost' } }), 8000, 'the DTLS handshake');
  assert.is(await client.send('over dtls'), 9);
  assert.is(str((await within(client.receive(), 5000, 'the echo')).data), 'over dtls');
  server.close();
  await within(loop, 5000, 'the loop to end');
});

U('DTLS: a name the certificate does not carry rejects connect with ECONNABORTED and the TLS reason; the server serves the next peer', async () => {
  await using server = await DtlsSocket.bind(0, { host: '127.0.0.1', tls: { secTags: [TAG.EC] } });
  const port = server.localAddress.port;
  const loop = (async () => { for await (const d of server) await server.send(d.data, d.from); })();
  const e = await rejects(within(DtlsSocket.connect('127.0.0.1', port, { tls: { secTags: [TAG.CA], hostname: 'wrong.example' } }), 8000, 'the failure'),
    'ECONNABORTED', E.ECONNABORTED, 'zsock_connect');
  assert.ok(e.tls && /certificate verification failed/.test(e.tls), e.tls);
  await using ok = await within(DtlsSocket.connect('127.0.0.1', port, { tls: { secTags: [TAG.CA], hostname: 'localhost' } }), 8000, 'the second handshake');
  await ok.send('next');
  assert.is(str((await within(ok.receive(), 5000, 'the echo')).data), 'next');
  server.close();
  await within(loop, 5000, 'the loop to end');
});

U('DTLS programmer errors: tls is required', async () => {
  await rejects(DtlsSocket.bind(0, { host: '127.0.0.1' }), ERR_ZSOCK_INVALID_ARG, E.EINVAL);
  await rejects(DtlsSocket.connect('127.0.0.1', 1), ERR_ZSOCK_INVALID_ARG, E.EINVAL);
});

U('every test closed its own fds (dispose, close)', () => {
  assert.equal(leaks, []);
});

U.run();
