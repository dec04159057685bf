/** zsock TLS sockets against real peers (Debian's openssl, gnutls, curl) over loopback. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';
import { CIPHERSUITES as CS } from '../../src/tls/index.js';
import { CERTS } from '../helpers/pki.js';
import { Peer, freePort } from '../helpers/net.js';
import { closeAll, lo4 } from '../helpers/zs.js';
import { TAG, addCredentials, removeCredentials, tlsClient, tlsListener, getopt } from '../helpers/tls.js';

const f = (n: string) => join(CERTS, n);
const peers: Peer[] = [];
test.before.each(addCredentials);
test.after.each(() => { peers.splice(0).forEach((p) => p.kill()); closeAll(); removeCredentials(); });

const text = (s: string) => new TextEncoder().encode(s);

async function sServer(args: string[]): Promise<Z.SockAddr> {
  const port = await freePort();
  const p = new Peer('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-rev', '-naccept', '4', ...args], 'ACCEPT');
  peers.push(p);
  await p.ready;
  return lo4(port);
}

/** Sends a line to openssl's -rev server and checks the reversed echo. */
async function rev(fd: number, line = 'hello zsock'): Promise<void> {
  assert.is(await Z.zsock_send(fd, text(`${line}\n`), 0), line.length + 1);
  const buf = new Uint8Array(256);
  let got = '';
  Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 5, tv_usec: 0 });
  while (!got.includes('\n')) {
    const n = await Z.zsock_recv(fd, buf, 0);
    assert.ok(n > 0, `recv ${n}`);
    got += new TextDecoder().decode(buf.subarray(0, n));
  }
  assert.is(got.trim(), line.split('').reverse().join(''));
}

const RSA = ['-cert', f('server-rsa.crt'), '-key', f('server-rsa.key')];
const EC = ['-cert', f('server-ec.crt'), '-key', f('server-ec.key')];

test('client vs openssl s_server: TLS 1.2 ECDHE-RSA and ECDHE-ECDSA', async () => {
  for (const [args, suite] of [[RSA, 'ECDHE-RSA-AES128-GCM-SHA256'], [EC, 'ECDHE-ECDSA-CHACHA20-POLY1305']] as const) {
    const at = await sServer([...args, '-tls1_2', '-cipher', suite]);
    const c = tlsClient();
    assert.is(await Z.zsock_connect(c, at), 0);
    await rev(c);
    const used = getopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED);
    assert.is(used, suite.startsWith('ECDHE-RSA') ? CS.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 : CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
    Z.zsock_close(c);
  }
});

test('client vs openssl s_server: TLS 1.3, and its tickets resume the session (TLS_SESSION_CACHE)', async () => {
  const at = await sServer([...EC, '-tls1_3']);
  let verified = 0;
  const client = () => {
    const c = tlsClient(Z.IPPROTO_TLS_1_3);
    Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SESSION_CACHE, 1);
    Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_CERT_VERIFY_CALLBACK, { cb: () => { verified++; return 0; } });
    return c;
  };
  const c1 = client();
  assert.is(await Z.zsock_connect(c1, at), 0);
  await rev(c1);
  assert.ok(verified > 0);
  Z.zsock_close(c1);
  verified = 0;
  const c2 = client();
  assert.is(await Z.zsock_connect(c2, at), 0);
  await rev(c2, 'resumed');
  assert.is(verified, 0, 'resumed with the ticket: no certificate');
});

test('client vs openssl s_server: TLS 1.3 external PSK', async () => {
  const at = await sServer(['-nocert', '-tls1_3', '-psk', Buffer.alloc(16, 0x42).toString('hex'), '-psk_identity', 'zsock-dev', '-ciphersuites', 'TLS_AES_128_GCM_SHA256']);
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.PSK]);
  assert.is(await Z.zsock_connect(c, at), 0);
  await rev(c);
  assert.is(getopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED), CS.TLS_AES_128_GCM_SHA256);
});

test('IPPROTO_TLS_1_3 against a TLS 1.2-only server fails (no downgrade)', async () => {
  const at = await sServer([...EC, '-tls1_2']);
  assert.is(await Z.zsock_connect(tlsClient(Z.IPPROTO_TLS_1_3), at), -E.ECONNABORTED);
});

test('client vs gnutls-serv (TLS 1.3 echo)', async () => {
  const port = await freePort();
  const p = new Peer('gnutls-serv', ['--echo', '-p', String(port), '--x509certfile', f('server-rsa.crt'), '--x509keyfile', f('server-rsa.key')], `port ${port}...done`);
  peers.push(p);
  await p.ready;
  const c = tlsClient();
  assert.is(await Z.zsock_connect(c, lo4(port)), 0);
  assert.is(await Z.zsock_send(c, text('ping gnutls\n'), 0), 12);
  const buf = new Uint8Array(64);
  Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 5, tv_usec: 0 });
  const n = await Z.zsock_recv(c, buf, 0);
  assert.is(new TextDecoder().decode(buf.subarray(0, n)), 'ping gnutls\n');
});

/** A zsock TLS server: accepts `count` connections, answers each request once, then closes. */
async function zsockServer(tags: number[], answer: (req: string) => string, count = 1): Promise<[Z.SockAddr, Promise<string[]>]> {
  const [l, at] = tlsListener(tags, Z.IPPROTO_TLS_1_2);
  await Z.zsock_get_context_object(l)!.whenReady(); // external peers connect next
  const served = (async () => {
    const log: string[] = [];
    for (let i = 0; i < count; i++) {
      const a = await Z.zsock_accept(l);
      if (a < 0) { log.push(`accept ${a}`); continue; }
      const buf = new Uint8Array(4096);
      const n = await Z.zsock_recv(a, buf, 0);
      const req = new TextDecoder().decode(buf.subarray(0, Math.max(0, n)));
      log.push(req);
      await Z.zsock_send(a, text(answer(req)), 0);
      Z.zsock_close(a);
    }
    return log;
  })();
  return [at, served];
}

for (const flag of ['-tls1_2', '-tls1_3']) {
  test(`openssl s_client ${flag} vs our server, certificate verified by openssl`, async () => {
    const [at, served] = await zsockServer([TAG.RSA], (req) => `echo: ${req}`);
    const p = new Peer('openssl', ['s_client', '-connect', `127.0.0.1:${at.port}`, '-CAfile', f('ca.crt'), '-servername', 'localhost',
      '-verify_return_error', '-verify_hostname', 'localhost', '-brief', flag], undefined, 'from s_client\n');
    peers.push(p);
    await p.waitFor('echo: from s_client');
    assert.match(p.out, `Protocol version: TLSv1.${flag === '-tls1_2' ? 2 : 3}`);
    assert.match(p.out, 'Verification: OK');
    assert.equal(await served, ['from s_client\n']);
  });
}

test('gnutls-cli vs our server (ECDSA)', async () => {
  const [at, served] = await zsockServer([TAG.EC], () => 'hi from zsock\n');
  const p = new Peer('gnutls-cli', ['--x509cafile', f('ca.crt'), '-p', String(at.port), 'localhost'], undefined, 'hello\n');
  peers.push(p);
  await p.waitFor(/Handshake was completed[\s\S]*hi from zsock/);
  p.proc.stdin!.end();
  assert.equal(await served, ['hello\n']);
});

test('curl vs our server: an HTTPS GET', async () => {
  const body = 'zsock says hello\n';
  const [at, served] = await zsockServer([TAG.EC], () => `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const cp = spawn('curl', ['-sS', '--cacert', f('ca.crt'), '--resolve', `localhost:${at.port}:127.0.0.1`, `https://localhost:${at.port}/hello`]);
    let stdout = '', stderr = '';
    cp.stdout.on('data', (d) => (stdout += d));
    cp.stderr.on('data', (d) => (stderr += d));
    cp.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  assert.is(out.code, 0, out.stderr);
  assert.is(out.stdout, body);
  const [req] = await served;
  assert.match(req, /^GET \/hello HTTP\/1\.1\r\n/);
});

test('DTLS client vs openssl s_server -dtls1_2', async () => {
  const port = await freePort();
  const p = new Peer('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, ...EC, '-naccept', '1'], 'ACCEPT');
  peers.push(p);
  await p.ready;
  const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
  Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
  assert.is(await Z.zsock_connect(c, lo4(port)), 0);
  assert.is(await Z.zsock_send(c, text('dtls from zsock\n'), 0), 16);
  await p.waitFor('dtls from zsock');
  p.proc.stdin!.write('dtls from openssl\n');
  const buf = new Uint8Array(64);
  Z.zsock_setsockopt(c, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 5, tv_usec: 0 });
  const n = await Z.zsock_recv(c, buf, 0);
  assert.is(new TextDecoder().decode(buf.subarray(0, n)), 'dtls from openssl\n');
});

test('openssl s_client -dtls1_2 vs our DTLS server (cookie exchange, certificate verified)', async () => {
  const s = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
  Z.zsock_setsockopt(s, Z.SOL_TLS, Z.TLS_DTLS_ROLE, Z.TLS_DTLS_ROLE_SERVER);
  Z.zsock_setsockopt(s, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.RSA]);
  assert.is(Z.zsock_bind(s, lo4()), 0);
  const at = {} as Z.SockAddr;
  Z.zsock_getsockname(s, at);
  await Z.zsock_get_context_object(s)!.whenReady();
  const p = new Peer('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${at.port}`, '-CAfile', f('ca.crt'),
    '-verify_return_error', '-verify_hostname', 'localhost', '-brief'], undefined, 'hello dtls server\n');
  peers.push(p);
  const buf = new Uint8Array(256), from = {} as Z.SockAddr;
  Z.zsock_setsockopt(s, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: 10, tv_usec: 0 });
  const n = await Z.zsock_recvfrom(s, buf, 0, from);
  assert.is(new TextDecoder().decode(buf.subarray(0, n)), 'hello dtls server\n');
  assert.is(await Z.zsock_sendto(s, text('welcome\n'), 0, from), 8);
  await p.waitFor('welcome');
  assert.match(p.out, 'Protocol version: DTLSv1.2');
  assert.match(p.out, 'Verification: OK');
});

test.run();
