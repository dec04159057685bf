/*
 * The ECMA-419 contract of the XS host's network classes (xs/io419.js), run on the XS host:
 * one "ok NAME" or "not ok NAME: why" line per check, then "done". Two sockets of the host talk
 * to each other over loopback; nothing else is needed.
 */
import TCP from 'embedded:io/socket/tcp';
import Listener from 'embedded:io/socket/listener';
import UDP from 'embedded:io/socket/udp';
import Timer from 'timer';
import net from 'zsock-xs:net';

const say = (s) => trace(`${s}\n`);
const check = (name, ok, why = '') => say(ok ? `ok ${name}` : `not ok ${name}: ${why}`);
const throws = (fn) => { try { fn(); return ''; } catch (e) { return `${e.constructor.name}: ${e.message}`; } };
const wait = (ms) => new Promise((r) => Timer.set(r, ms));

// The primitives under the classes refuse a descriptor they did not open (stdout here): -EBADF.
const EBADF = -9;
check('net.send refuses a descriptor it did not open', net.send(1, new Uint8Array(1)) === EBADF);
check('net.recv / watch refuse it too', net.recv(1, 16) === EBADF && net.watch(1, net.POLLIN, () => {}) === EBADF && net.soError(2) === EBADF);
check('net.sendto checks the port and address', (() => { const fd = net.udpBind(0); const r = [net.sendto(fd, new Uint8Array(1), '127.0.0.1', 0), net.sendto(fd, new Uint8Array(1), 'nowhere', 9)]; net.close(fd); return r.join(); })() === '-22,-22');
check('net.send of a non-buffer is a TypeError', throws(() => net.send(1, 42)).startsWith('TypeError'));
check('TCP needs a numeric address', throws(() => new TCP({ address: 'localhost', port: 80 })) === 'Error: invalid address');
check('TCP port out of range', throws(() => new TCP({ address: '127.0.0.1', port: 70000 })) === 'RangeError: invalid port');
check('UDP write to a name', (() => { const u = new UDP({}); const r = throws(() => u.write(new ArrayBuffer(1), 'localhost', 9)); u.close(); return r; })() === 'RangeError: invalid IP address');

// A refused connect: onError() with no argument, never onWritable.
const refused = await new Promise((resolve) => {
  const l = new Listener({ port: 0 });
  const port = l.port;
  l.close();
  const t = new TCP({ address: '127.0.0.1', port, onWritable: () => resolve('writable'), onError(...a) { resolve(`error/${a.length}`); } });
  check('write before connect', throws(() => t.write(new ArrayBuffer(1))) === 'Error: not ready');
});
check('a refused connect is onError()', refused === 'error/0', refused);

const l = new Listener({ port: 0, onReadable: (n) => accepted(n) });
let accepted;
const server = new Promise((resolve) => { accepted = () => resolve(new TCP({ from: l.read(), onReadable() {}, onError() {} })); });
let room = 0, readable = 0, errors = 0;
const client = await new Promise((resolve) => {
  const c = new TCP({ address: '127.0.0.1', port: l.port, onWritable(n) { room = n; resolve(c); }, onReadable(n) { readable = n; }, onError() { errors++; } });
});
const s = await server;
check('onWritable(room) signals the connection', room === 5744, String(room));
check('read() of nothing is undefined', client.read() === undefined);
check('write above the room would block', throws(() => client.write(new ArrayBuffer(room + 1))) === 'Error: would block');
const left = client.write(new Uint8Array([1, 2, 3, 4, 5]));
// What is not yet acknowledged counts against the room; loopback acknowledges at once.
check('write returns the room left', left <= room && left >= room - 5, String(left));
await wait(50);
const got = s.read(2);
check('read(n) takes n bytes', got instanceof ArrayBuffer && got.byteLength === 2 && new Uint8Array(got)[1] === 2);
check('read(n) above what is buffered is invalid', throws(() => s.read(4)) === 'Error: invalid');
const rest = new Uint8Array(3);
check('read(buffer) fills it', s.read(rest) === 3 && rest[2] === 5);
s.write(Uint8Array.of(9, 9));
s.close();
await wait(100);
check('onReadable(count) before the end', readable === 2, String(readable));
check('onError() waits for the buffer to drain', errors === 0);
client.read();
await wait(50);
check('the peer\'s close is onError() once drained', errors === 1, String(errors));
client.close();
l.close();
say('done');
