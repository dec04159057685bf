/** A DTLS server against spoofed traffic: stateless cookies (RFC 6347 §4.2.1) and connection-ID
 *  rebinding only on authenticated records (RFC 9146 §6). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as dgram from 'node:dgram';
import * as Z from '../../src/api/index.js';
import { TlsSession } from '../../src/tls/index.js';
import { getCore } from '../../src/internal.js';
import { pki } from '../helpers/pki.js';
import { closeAll, lo4, sleep, within } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials } from '../helpers/tls.js';

const text = (s: string) => new TextEncoder().encode(s);

function server(cid = false): [number, Z.SockAddr] {
  const fd = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER), 0);
  assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]), 0);
  if (cid) assert.is(Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_DTLS_CID, Z.TLS_DTLS_CID_ENABLED), 0);
  assert.is(Z.zsock_bind(fd, lo4()), 0);
  const a = {} as Z.SockAddr;
  Z.zsock_getsockname(fd, a);
  return [fd, a];
}

/** Sessions the server holds (a test hook into the socket). */
const sessions = (fd: number) => (Z.zsock_get_context_object(fd) as unknown as { peers: Map<string, unknown> }).peers.size;

/** A real DTLS 1.2 ClientHello, as a client's first flight. */
function clientHello(): Uint8Array {
  const eng = new TlsSession({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost' });
  eng.handshake(Date.now());
  const [hello] = eng.drain();
  eng.free();
  return hello;
}

const udp = async (): Promise<dgram.Socket> => {
  const u = dgram.createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
  return u;
};

/** An honest zsock client: handshake and one echoed record, within `ms`. */
async function honest(at: Z.SockAddr, s: number, ms: number): Promise<void> {
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  const buf = new Uint8Array(64), from = {} as Z.SockAddr;
  const serve = (async () => {
    const n = await Z.zsock_recvfrom(s, buf, 0, from);
    await Z.zsock_sendto(s, buf.subarray(0, n), 0, from);
  })();
  const t0 = Date.now();
  assert.is(await within(Z.zsock_connect(c, at), ms, 'honest handshake'), 0);
  assert.is(await Z.zsock_send(c, text('still served'), 0), 12);
  assert.is(await within(Z.zsock_recv(c, new Uint8Array(64), 0), ms, 'echo'), 12);
  await serve;
  assert.ok(Date.now() - t0 < ms, `served in ${Date.now() - t0} ms`);
}

const cookies = suite('stateless cookies');
cookies.before.each(addCredentials);
cookies.after.each(() => { closeAll(); removeCredentials(); });

cookies('1,000 spoofed ClientHellos from 200 addresses: answered, nothing held, an honest peer served at once', async () => {
  const [s, at] = server();
  const hello = clientHello();
  const senders = await Promise.all(Array.from({ length: 200 }, udp));
  senders[0].send(hello, at.port, '127.0.0.1'); // the listener's cookie key is made on first use
  await sleep(50);
  const arena0 = getCore().arena().used;
  let replies = 0;
  senders[0].on('message', (m) => { if (m[0] === 22 && m[13] === 3) replies++; }); // HelloVerifyRequest
  for (let round = 0; round < 5; round++) {
    for (const u of senders) u.send(hello, at.port, '127.0.0.1');
    await sleep(20);
  }
  await sleep(100);
  assert.is(sessions(s), 0, 'no session for a peer that never returned a cookie');
  assert.ok(getCore().arena().used - arena0 < 4096, `arena grew by ${getCore().arena().used - arena0} bytes`);
  assert.ok(replies >= 1, 'each ClientHello gets a HelloVerifyRequest');
  for (const u of senders) u.close();
  await honest(at, s, 1000);
});

cookies('a ClientHello that returns a valid cookie gets a session; a forged cookie gets none', async () => {
  const [s, at] = server();
  const u = await udp();
  const hvr = new Promise<Uint8Array>((r) => u.once('message', (m) => r(new Uint8Array(m))));
  const hello = clientHello();
  u.send(hello, at.port, '127.0.0.1');
  const reply = await within(hvr, 2000, 'HelloVerifyRequest');
  assert.is(reply[13], 3, 'hello_verify_request');
  assert.equal([...reply.subarray(5, 11)], [...hello.subarray(5, 11)], 'the ClientHello\'s record sequence number (RFC 6347 4.2.1)');
  // Putting a cookie into a ClientHello changes its lengths: a real client's second flight does it.
  const eng = new TlsSession({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost' });
  eng.handshake(Date.now());
  eng.drain();
  eng.feed(reply);
  eng.handshake(Date.now());
  const [withCookie] = eng.drain();
  const forged = withCookie.slice();
  const cookieAt = 13 + 12 + 2 + 32 + 1 + withCookie[13 + 12 + 2 + 32] + 1; // after version, random, session id
  assert.is(withCookie[cookieAt - 1], 32, 'mbedTLS cookies are 32 bytes');
  forged[cookieAt + 8] ^= 0xff; // one bit of the cookie's HMAC
  u.send(forged, at.port, '127.0.0.1');
  await sleep(50);
  assert.is(sessions(s), 0, 'a bad cookie earns nothing');
  u.send(withCookie, at.port, '127.0.0.1');
  await sleep(50);
  assert.is(sessions(s), 1, 'the returned cookie earns a session');
  eng.free();
  u.close();
});

const cid = suite('connection-ID rebinding');
cid.before.each(addCredentials);
cid.after.each(() => { closeAll(); removeCredentials(); });

cid('a forged record with a session\'s CID from another address does not move the session', async () => {
  const [s, at] = server(true);
  const eng = new TlsSession({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost', cid: new Uint8Array(0) });
  const real = await udp(), attacker = await udp();
  const got: string[] = [];
  real.on('message', (m) => {
    eng.feed(new Uint8Array(m));
    const b = new Uint8Array(64);
    for (let r = eng.read(b, Date.now()); r.state === 'done'; r = eng.read(b, Date.now())) got.push(new TextDecoder().decode(b.subarray(0, r.n)));
  });
  try {
    const flush = () => eng.drain().forEach((d) => real.send(d, at.port, '127.0.0.1'));
    for (let i = 0; i < 100 && !eng.handshakeDone; i++) {
      eng.handshake(Date.now());
      flush();
      await sleep(10);
    }
    assert.ok(eng.handshakeDone);
    const theirCid = eng.peerCid!;
    // tls12_cid record: type 25, DTLS 1.2, epoch 1, a high sequence number, the CID, then junk
    const forged = new Uint8Array([25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0x7f, 0xff, ...theirCid, 0, 40, ...new Uint8Array(40).fill(0x41)]);
    attacker.send(forged, at.port, '127.0.0.1');
    await sleep(50);
    const peer = { family: Z.AF_INET, addr: '127.0.0.1', port: real.address().port };
    assert.is(await Z.zsock_sendto(s, text('to the real peer'), 0, peer), 16, 'the session stayed at its address');
    await sleep(50);
    assert.equal(got, ['to the real peer']);
  } finally {
    eng.free();
    real.close();
    attacker.close();
  }
});

cookies.run();
cid.run();
