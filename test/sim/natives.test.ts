/**
 * The emulated natives against the shapes board-drivers.md documents: what a firmware author sees
 * from Moddable's ECMA-419 classes and Espruino's net/dgram modules (event order, would-block,
 * chunking, UDP framing), driven from a raw peer on the virtual network.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VNet, type TcpEnd, type VHost } from '../../sim/vnet.js';
import { hostRealm } from '../../sim/natives/realm.js';
import { moddableIO, SNDBUF, LISTEN_QUEUE, UDP_QUEUE } from '../../sim/natives/moddable.js';
import { espruinoModules, CHUNK, SOCKET_ERR, encodeUdp, decodeUdp } from '../../sim/natives/espruino.js';
import { until } from '../helpers/zs.js';
import { rawListen } from '../helpers/vpeer.js';
import * as E from '../../src/errno.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

function world(): { net: VNet; board: VHost; peer: VHost } {
  const net = new VNet(3);
  return { net, board: net.addHost('board'), peer: net.addHost('peer') };
}

/** A raw peer listening on `port`: collects what arrives and hands out its accepted end. */
function rawServer(h: VHost, port: number) {
  const s = { ends: [] as TcpEnd[], got: [] as number[], ended: false, error: 0 };
  rawListen(h, port, (end) => {
    s.ends.push(end);
    return {
      onData: (b) => { s.got.push(...b); end.consumed(b.length); },
      onEnd: () => { s.ended = true; },
      onError: (e) => { s.error = e; },
    };
  });
  return s;
}

/** A raw client end to `to:port` that records events in order. */
function rawClient(net: VNet, from: VHost, address: string, port: number) {
  const end = net.tcpConnect(from, null, { family: 4, address, port }) as TcpEnd;
  const log: string[] = [];
  end.events = {
    onConnect: () => log.push('connect'), onAck() {}, onClose: () => log.push('close'),
    onData: (b) => { log.push(`data ${b.length}`); end.consumed(b.length); },
    onEnd: () => log.push('end'), onError: (e) => log.push(`error ${e}`),
  };
  return { end, log };
}

// ---- Moddable (ECMA-419, lwIP) ----

test('moddable TCP: numeric addresses only, ports checked, RangeError/Error as documented', () => {
  const { board } = world();
  const { TCP } = moddableIO(board, hostRealm);
  assert.throws(() => new TCP({ address: 'peer', port: 80 }), /invalid address/);
  assert.throws(() => new TCP({ address: '192.0.2.3', port: 70000 }), (e: Error) => e instanceof RangeError && /invalid port/.test(e.message));
  assert.throws(() => new TCP({ address: '192.0.2.3', port: 80, format: 'string' }), RangeError);
});

test('moddable TCP: onWritable(room) is the connect signal; write before it throws "not ready", above it "would block"', async () => {
  const { board, peer } = world();
  const srv = rawServer(peer, 7000);
  const { TCP } = moddableIO(board, hostRealm);
  const events: string[] = [];
  const t = new TCP({ address: peer.v4, port: 7000, onWritable: (n: number) => events.push(`writable ${n}`) });
  assert.throws(() => t.write(bytes(10)), /not ready/);
  await until(() => events.length > 0, 1000, 'connect');
  assert.equal(events, [`writable ${SNDBUF}`]);
  assert.throws(() => t.write(bytes(SNDBUF + 1)), /would block/);
  assert.is(t.write(bytes(SNDBUF - 100)), 100, 'write returns the room left');
  assert.throws(() => t.write(bytes(101)), /would block/);
  await until(() => srv.got.length === SNDBUF - 100, 1000, 'delivery');
  await until(() => events.at(-1) === `writable ${SNDBUF}`, 1000, 'the peer acked everything');
  t.close();
  await until(() => srv.ended, 1000, 'FIN');
});

test('moddable TCP: read() is undefined when empty, read(n) checks n, onError() without arguments only after the data is read', async () => {
  const { net, board, peer } = world();
  const { Listener, TCP } = moddableIO(board, hostRealm);
  let accepted: InstanceType<typeof TCP> | undefined;
  const events: string[] = [];
  const l = new Listener({
    port: 80,
    onReadable(this: unknown) {
      accepted = new TCP({
        from: l.read(),
        onReadable: (n: number) => events.push(`readable ${n}`),
        onWritable: () => events.push('writable'),
        onError: (...a: unknown[]) => events.push(`error(${a.length})`),
      });
    },
  });
  const c = rawClient(net, peer, board.v4, 80);
  await until(() => c.log.includes('connect'), 1000, 'connect');
  c.end.send(bytes(300));
  c.end.end();
  await until(() => events.some((e) => e.startsWith('readable')), 1000, 'data');
  await tick(20);
  assert.equal(events, ['writable', 'readable 300'], 'the FIN waits behind unread data');
  assert.throws(() => accepted!.read(0), /invalid/);
  assert.throws(() => accepted!.read(301), /invalid/);
  const first = accepted!.read(100) as ArrayBuffer;
  assert.ok(first instanceof ArrayBuffer);
  assert.equal(new Uint8Array(first), bytes(300).subarray(0, 100));
  const into = new Uint8Array(200);
  assert.is(accepted!.read(into), 200);
  assert.equal(into, bytes(300).subarray(100));
  assert.is(accepted!.read(), undefined);
  await until(() => events.includes('error(0)'), 1000, 'onError');
  assert.is(accepted!.write(bytes(5)), 0, 'writes after an error are ignored');
  accepted!.close();
  l.close();
});

test('moddable TCP: closing with unread data resets the connection (lwIP tcp_close)', async () => {
  const { net, board, peer } = world();
  const { Listener, TCP } = moddableIO(board, hostRealm);
  let accepted: InstanceType<typeof TCP> | undefined;
  const l = new Listener({ port: 81, onReadable: () => { accepted = new TCP({ from: l.read(), onReadable: () => accepted!.close() }); } });
  const c = rawClient(net, peer, board.v4, 81);
  await until(() => c.log.includes('connect'), 1000, 'connect');
  c.end.send(bytes(10));
  await until(() => c.log.some((e) => e.startsWith('error')), 1000, 'RST');
  assert.ok(c.log.includes(`error ${E.ECONNRESET}`), c.log.join());
  l.close();
});

test(`moddable Listener: ${LISTEN_QUEUE} connections wait unaccepted; the next SYN is dropped until one is read`, async () => {
  const { net, board, peer } = world();
  const { Listener } = moddableIO(board, hostRealm);
  const counts: number[] = [];
  const l = new Listener({ port: 82, onReadable: (n: number) => counts.push(n) });
  const clients = Array.from({ length: LISTEN_QUEUE + 1 }, () => rawClient(net, peer, board.v4, 82));
  await until(() => clients.filter((c) => c.log.includes('connect')).length === LISTEN_QUEUE, 1000, 'the queue to fill');
  await tick(50);
  assert.is(clients.filter((c) => c.log.includes('connect')).length, LISTEN_QUEUE, 'the last one waits');
  assert.is(Math.max(...counts), LISTEN_QUEUE);
  assert.ok(l.read());
  await until(() => clients.every((c) => c.log.includes('connect')), 3000, 'the retransmitted SYN');
  l.close();
  await until(() => clients.slice(1).every((c) => c.log.some((e) => e.startsWith('error'))), 1000, 'queued ones reset on close');
});

test(`moddable UDP: datagrams carry address and port, at most ${UDP_QUEUE} wait, write checks its address`, async () => {
  const { net, board, peer } = world();
  const { UDP } = moddableIO(board, hostRealm);
  const u = new UDP({ port: 5000 });
  for (let i = 0; i < UDP_QUEUE + 4; i++) net.udpSend(peer, { family: 4, address: '0.0.0.0', port: 6000 }, { family: 4, address: board.v4, port: 5000 }, Uint8Array.of(i));
  await tick(20);
  const got: number[] = [];
  for (let d = u.read(); d; d = u.read()) {
    const m = d as ArrayBuffer & { address: string; port: number };
    assert.is(m.address, peer.v4);
    assert.is(m.port, 6000);
    got.push(new Uint8Array(m)[0]);
  }
  assert.equal(got, Array.from({ length: UDP_QUEUE }, (_, i) => i), 'the first 16 kept, in order; the rest dropped');
  assert.throws(() => u.write(bytes(1), 'peer', 6000), (e: Error) => e instanceof RangeError);
  u.close();
  assert.throws(() => u.read(), /closed/);
});

// ---- Espruino (net / dgram over NetworkJS) ----

test(`espruino net: received data arrives in chunks of at most ${CHUNK} bytes, in order, one per idle pass`, async () => {
  const { net, board, peer } = world();
  const { net: enet } = espruinoModules(board, hostRealm);
  const chunks: string[] = [];
  const order: string[] = [];
  const srv = enet.createServer((s) => {
    s.on('data', (d: unknown) => { chunks.push(d as string); if (order.at(-1) !== 'data') order.push('data'); });
    s.on('end', () => order.push('end'));
    s.on('close', (hadError: unknown) => order.push(`close ${hadError}`));
    s.on('error', () => order.push('error'));
  }).listen(23);
  const c = rawClient(net, peer, board.v4, 23);
  await until(() => c.log.includes('connect'), 1000, 'connect');
  const sent = bytes(3000);
  c.end.send(sent);
  c.end.end();
  await until(() => order.includes('close false'), 2000, 'close');
  assert.ok(chunks.every((ch) => typeof ch === 'string' && ch.length <= CHUNK), 'byte strings of <= 536');
  assert.is(chunks.length, Math.ceil(3000 / CHUNK));
  assert.equal(Uint8Array.from(chunks.join(''), (ch) => ch.charCodeAt(0)), sent);
  assert.equal(order, ['data', 'end', 'close false'], 'no error event for an orderly close');
  srv.close();
});

test('espruino net: connect then drain; write() returns false; sends leave in 536-byte chunks', async () => {
  const { net, board, peer } = world();
  const srv = rawServer(peer, 24);
  const seen: number[] = [];
  const { net: enet } = espruinoModules(board, hostRealm);
  const order: string[] = [];
  const s = enet.connect({ host: peer.v4, port: 24 }, () => order.push('connect'));
  s.on('drain', () => order.push('drain'));
  await until(() => order.length >= 2, 1000, 'connect + drain');
  assert.equal(order, ['connect', 'drain']);
  const data = String.fromCharCode(...bytes(2000));
  assert.is(s.write(data), false);
  await until(() => srv.got.length === 2000, 2000, 'delivery');
  srv.ends[0].events.onData = (b) => { seen.push(b.length); srv.ends[0].consumed(b.length); };
  s.write(String.fromCharCode(...bytes(1100)));
  await until(() => seen.reduce((a, b) => a + b, 0) === 1100, 2000, 'second delivery');
  assert.equal(seen, [CHUNK, CHUNK, 1100 - 2 * CHUNK]);
  assert.equal(order, ['connect', 'drain', 'drain', 'drain']);
  s.end();
  await until(() => srv.ended, 1000, 'FIN');
});

test('espruino net: a reset reads as data first, then error {code: -9}, end, close(true)', async () => {
  const { net, board, peer } = world();
  const srv = rawServer(peer, 25);
  const { net: enet } = espruinoModules(board, hostRealm);
  const order: string[] = [];
  const s = enet.connect({ host: peer.v4, port: 25 });
  s.on('data', () => order.push('data'));
  s.on('error', (e: unknown) => order.push(`error ${(e as { code: number }).code} ${(e as { message: string }).message}`));
  s.on('end', () => order.push('end'));
  s.on('close', (h: unknown) => order.push(`close ${h}`));
  await until(() => srv.ends.length === 1, 1000, 'accept');
  srv.ends[0].send(bytes(10));
  srv.ends[0].abort();
  await until(() => order.some((o) => o.startsWith('close')), 1000, 'close');
  assert.equal(order, ['data', `error ${SOCKET_ERR.RESET} connection reset`, 'end', 'close true']);
});

test('espruino net: a name that does not resolve fails with NOT_FOUND', async () => {
  const { board } = world();
  const { net: enet } = espruinoModules(board, hostRealm);
  const codes: number[] = [];
  enet.connect({ host: 'nowhere', port: 1 }).on('error', (e: unknown) => codes.push((e as { code: number }).code));
  await until(() => codes.length > 0, 1000, 'error');
  assert.equal(codes, [SOCKET_ERR.NOT_FOUND]);
});

test('espruino UDP: the 8-byte NetworkJS header, and message(msg, {address, port, size})', async () => {
  const rec = encodeUdp('192.0.2.3', 0x1234, 'hi!');
  assert.equal([...rec].map((c) => c.charCodeAt(0)), [192, 0, 2, 3, 0x34, 0x12, 3, 0, 104, 105, 33]);
  assert.equal(decodeUdp(rec + 'next'), { address: '192.0.2.3', port: 0x1234, payload: 'hi!', used: 11 });

  const { net, board, peer } = world();
  const { dgram } = espruinoModules(board, hostRealm);
  const got: unknown[] = [];
  const u = dgram.createSocket('udp4', (msg, rinfo) => got.push([msg, rinfo]));
  u.bind(5353);
  const at: Uint8Array[] = [];
  peer.bindUdp({ local: { family: 4, address: '0.0.0.0', port: 9 }, v6only: true, onMessage: (d) => at.push(d) }, false);
  net.udpSend(peer, { family: 4, address: '0.0.0.0', port: 9 }, { family: 4, address: board.v4, port: 5353 }, Uint8Array.of(0, 255, 65));
  u.send('\x00\xffB', 9, peer.v4);
  await until(() => got.length === 1 && at.length === 1, 1000, 'both datagrams');
  assert.equal(got[0], ['\x00\xffA', { address: peer.v4, port: 9, size: 3 }]);
  assert.equal([...at[0]], [0, 255, 66]);
  u.close();
});

test.run();
