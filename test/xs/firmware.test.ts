/**
 * The moddable-esp32 firmware as a device runs it: the device bundle (an ES module importing its
 * natives; boards/build.ts device mode) on the XS host with the board's core (embedded profile,
 * build/xs/zsock-xs-embedded) under mcconfig's device heap, over Moddable's ECMA-419 classes on
 * real loopback sockets (xs/io419.js), against real peers: Node's net/dgram/tls and openssl.
 * The host defines no console, setTimeout, TextEncoder or crypto (checked below), so what runs
 * here uses only what the firmware imported.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { buildBundle } from '../../boards/build.js';
import { RSA_CERT, RSA_KEY, EC_CERT } from '../../samples/common/credentials.js';
import { Peer, freePort } from '../helpers/net.js';
import { within } from '../helpers/zs.js';

const XS_BOARD = join(ROOT, 'build/xs/zsock-xs-embedded');
const dir = mkdtempSync(join(tmpdir(), 'zsock-xs-fw-'));
writeFileSync(join(dir, 'rsa.crt'), RSA_CERT);
writeFileSync(join(dir, 'rsa.key'), RSA_KEY);
writeFileSync(join(dir, 'ca.pem'), RSA_CERT + EC_CERT);
writeFileSync(join(dir, 'index.html'), '<html>zsock on XS</html>\n');
const BIG = randomBytes(1_000_000);
writeFileSync(join(dir, 'big.bin'), BIG);
const BIG_SHA = createHash('sha256').update(BIG).digest('hex');
const sample = (name: string) => join(ROOT, 'samples', name, 'main.ts');

/** A firmware process on the XS host; `out` collects its console (trace) and reports. */
class Board {
  readonly proc: ChildProcess;
  out = '';
  readonly exited: Promise<number | null>;
  constructor(name: string, bundle: string) {
    this.proc = spawn(XS_BOARD, ['--name', name, '--heap', 'device', bundle], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => { this.out += d; });
    this.proc.stderr!.on('data', (d) => { this.out += d; });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }
  async waitFor(text: string, ms = 10000): Promise<void> {
    for (const start = Date.now(); !this.out.includes(text);) {
      if (Date.now() - start > ms || this.proc.exitCode !== null) throw new Error(`waiting for "${text}"; board output:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255));

/** Writes `data` on a connected stream and resolves with as many bytes back. */
function echo(s: Socket, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let n = 0;
    s.on('data', (d: Buffer) => { got.push(d); n += d.length; if (n >= data.length) resolve(Buffer.concat(got)); });
    s.on('error', reject);
    s.write(data);
  });
}

const Fw = suite('moddable-esp32 firmware on XS');
let boards: Board[] = [];
let peers: Peer[] = [];
Fw.after.each(() => {
  boards.forEach((b) => b.kill());
  peers.forEach((p) => p.kill());
  boards = []; peers = [];
});
Fw.after(() => rmSync(dir, { recursive: true, force: true }));

Fw('the XS host gives a firmware no console, timers, TextEncoder, crypto, require or queueMicrotask', () => {
  const names = ['console', 'setTimeout', 'setInterval', 'TextEncoder', 'TextDecoder', 'crypto', 'require', 'queueMicrotask', 'atob'];
  const prog = join(dir, 'globals.mjs');
  writeFileSync(prog, `trace(${JSON.stringify(names)}.filter((n) => n in globalThis).join(',') + '|' + typeof trace + '\\n');\n`);
  const r = spawnSync(XS_BOARD, [prog], { encoding: 'utf8', timeout: 10000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), '|function');
});

Fw('the ECMA-419 classes keep the documented contract; their socket primitives refuse a descriptor they did not open (xs/io419.js, xs/net.c)', () => {
  const r = spawnSync(XS_BOARD, ['--name', 'io419', join(ROOT, 'test/xs/on-xs/io419.xs.mjs')], { encoding: 'utf8', timeout: 20000 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.not.match(r.stdout, /^not ok/m, r.stdout);
  assert.is(r.stdout.match(/^ok /gm)?.length, 19, r.stdout);
  assert.match(r.stdout, /^done$/m);
});

Fw('the device bundle imports its natives (regression: require() in a device bundle) and its timers come from the timer module', async () => {
  const b = await buildBundle('moddable-esp32', sample('echo-server'), join(dir, 'fw-check'), {}, { device: true });
  const src = readFileSync(b.path, 'utf8');
  assert.not.match(src, /\brequire\(/);
  assert.not.match(src, /\.unref\(/);
  for (const m of ['embedded:io/socket/tcp', 'zsock:core', 'zsock:sys', 'timer', 'text/encoder']) assert.match(src, `from "${m}"`);
});

// The calls whose timers once had .unref() called on them: a close of a connected TCP socket
// (its FIN_WAIT bound) and of a DTLS socket while it retransmits (to a port nobody answers).
const CLOSE_FW = `import * as Z from 'zsock';
const at = { family: Z.AF_INET, addr: '127.0.0.1', port: 0 };
const l = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
Z.zsock_bind(l, at); Z.zsock_listen(l, 1); Z.zsock_getsockname(l, at);
const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, 0);
const [r, s] = await Promise.all([Z.zsock_connect(c, at), Z.zsock_accept(l)]);
Z.zsock_send(c, new Uint8Array(3), 0);
const d = Z.zsock_socket(Z.AF_INET, Z.SOCK_DGRAM, Z.IPPROTO_DTLS_1_2);
Z.zsock_setsockopt(d, Z.SOL_TLS, Z.TLS_PEER_VERIFY, Z.TLS_PEER_VERIFY_NONE);
Z.zsock_fcntl(d, Z.F_SETFL, Z.O_NONBLOCK);
const dc = await Z.zsock_connect(d, { family: Z.AF_INET, addr: '127.0.0.1', port: 9 });
console.log('closed', r, s > 0, dc, Z.zsock_close(s), Z.zsock_close(c), Z.zsock_close(d), Z.zsock_close(l));
Z.sys_exit(0);
`;

Fw('zsock_close of a connected TCP socket with unread data, and of a DTLS socket retransmitting its handshake, returns 0 on XS (regression: .unref() on their timers threw TypeError); a firmware with top-level await starts after the module body (regression: it ran inside it and overflowed the device stack)', async () => {
  writeFileSync(join(dir, 'close.ts'), CLOSE_FW);
  const b = await buildBundle('moddable-esp32', join(dir, 'close.ts'), join(dir, 'close-fw'), {}, { device: true });
  const r = spawnSync(XS_BOARD, ['--name', 'close', '--heap', 'device', b.path], { encoding: 'utf8', timeout: 20000 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^closed 0 true -68 0 0 0 0$/m); // the DTLS connect: -EINPROGRESS (non-blocking)
});

Fw('echo-server: TCP, UDP, TLS 1.3, TLS 1.2 from Node and DTLS 1.2 from openssl', async () => {
  const port = await freePort(), tlsPort = await freePort();
  const b = await buildBundle('moddable-esp32', sample('echo-server'), join(dir, 'echo'), { PORT: String(port), TLS_PORT: String(tlsPort), VERBOSE: 'y' }, { device: true });
  const fw = new Board('server', b.path);
  boards.push(fw);
  await fw.waitFor(`Waiting for DTLS packets on port ${tlsPort} (IPv4)`);
  const data = pattern(3000);
  const tcp = tcpConnect(port, '127.0.0.1');
  assert.ok((await within(echo(tcp, data), 8000, 'TCP echo')).equals(data), fw.out);
  tcp.destroy();

  const udp = createSocket('udp4');
  const answer = new Promise<Buffer>((r) => udp.once('message', r));
  udp.send(Buffer.from('over udp'), port, '127.0.0.1');
  assert.is(String(await within(answer, 5000, 'UDP echo')), 'over udp');
  udp.close();

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    const s = tlsConnect({ port: tlsPort, host: '127.0.0.1', servername: 'localhost', ca: RSA_CERT + EC_CERT, minVersion: version, maxVersion: version });
    await within(new Promise((r, j) => { s.once('secureConnect', r); s.once('error', j); }), 8000, `${version} handshake`);
    assert.is(s.getProtocol(), version);
    assert.ok((await within(echo(s, data), 8000, `${version} echo`)).equals(data), fw.out);
    s.destroy();
  }
  const d = new Peer('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${tlsPort}`, '-CAfile', join(dir, 'ca.pem'), '-verify_return_error', '-quiet'], undefined, 'over dtls\n');
  peers.push(d);
  await d.waitFor('over dtls', 10000).catch((e) => { throw new Error(`${e.message}\n${fw.out}`); });
  await fw.waitFor('DTLS (IPv4): Received and replied with 10 bytes');
  for (const line of ['TCP (IPv4): Received and replied with', 'UDP (IPv4): Received and replied with 8 bytes',
    'TLS (IPv4): Accepted connection, TLS 1.3', 'TLS (IPv4): Accepted connection, TLS 1.2']) assert.ok(fw.out.includes(line), `${line}\n${fw.out}`);
  assert.not.match(fw.out, /XS abort/);
});

Fw('echo-client on XS against echo-server on XS: TCP, UDP, TLS 1.3 and DTLS 1.2 between two firmware processes', async () => {
  const port = await freePort(), tlsPort = await freePort();
  const server = await buildBundle('moddable-esp32', sample('echo-server'), join(dir, 'pair-server'), { PORT: String(port), TLS_PORT: String(tlsPort), VERBOSE: 'n' }, { device: true });
  const fw = new Board('server', server.path);
  boards.push(fw);
  await fw.waitFor(`Waiting for DTLS packets on port ${tlsPort} (IPv4)`);
  for (const [proto, version] of [['tcp', ''], ['udp', ''], ['tls', '1.3'], ['dtls', '']]) {
    const b = await buildBundle('moddable-esp32', sample('echo-client'), join(dir, `client-${proto}`),
      { PEER: '127.0.0.1', PORT: String(port), TLS_PORT: String(tlsPort), PROTO: proto, TLS_VERSION: version, BLOCKS: '20' }, { device: true });
    const c = new Board(`client-${proto}`, b.path);
    boards.push(c);
    assert.is(await within(c.exited, 20000, `echo-client ${proto}`), 0, `${c.out}\n${fw.out}`);
    assert.match(c.out, /Received and compared \d+ bytes, all ok/, c.out);
    if (proto === 'tls') assert.match(c.out, /TLS: TLS 1\.3, /, c.out);
  }
  assert.not.match(fw.out, /XS abort/);
});

Fw('http-get fetches from openssl s_server -WWW over TLS 1.3 and exits 0 through zsock:sys', async () => {
  const port = await freePort();
  const www = new Peer('sh', ['-c', `cd '${dir}' && exec openssl s_server -WWW -accept ${port} -cert rsa.crt -key rsa.key -max_send_frag 4096`], 'ACCEPT');
  peers.push(www);
  await www.ready;
  const b = await buildBundle('moddable-esp32', sample('http-get'), join(dir, 'get'), { HOST: '127.0.0.1', PORT: String(port), PATH: '/index.html' }, { device: true });
  const fw = new Board('get', b.path);
  boards.push(fw);
  assert.is(await within(fw.exited, 15000, 'http-get to exit'), 0, fw.out);
  for (const want of ['HTTP/1.0 200 ok', 'Body: 25 bytes']) assert.ok(fw.out.includes(want), `${want}\n${fw.out}`);
  assert.match(fw.out, /TLS: TLS 1\.3, /);
});

Fw('big-http-download: 1 MB over HTTPS (TLS 1.3, 2 KB fragments asked by max_fragment_length) through the 419 receive window, SHA-256 checked; a wrong digest exits 1 (regression: started inside the bundle\'s module body, it overflowed the device stack)', async () => {
  const port = await freePort();
  const www = new Peer('sh', ['-c', `cd '${dir}' && exec openssl s_server -WWW -accept ${port} -cert rsa.crt -key rsa.key`], 'ACCEPT');
  peers.push(www);
  await www.ready;
  for (const [sha, status] of [[BIG_SHA, 0], ['00'.repeat(32), 1]] as const) {
    const b = await buildBundle('moddable-esp32', sample('big-http-download'), join(dir, `dl-${status}`), { HOST: '127.0.0.1', PORT: String(port), SHA256: sha }, { device: true });
    const fw = new Board('dl', b.path);
    boards.push(fw);
    assert.is(await within(fw.exited, 30000, 'big-http-download to exit'), status, fw.out);
    assert.match(fw.out, /Downloaded 1000000 bytes in \d+ ms/, fw.out);
    assert.ok(fw.out.includes(status ? 'SHA-256 MISMATCH' : `SHA-256 ${BIG_SHA} ok`), fw.out);
  }
});

Fw.run();
