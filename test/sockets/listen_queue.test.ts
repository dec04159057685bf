/** ListenQueue: the accept queue and its listener's pause/resume. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ListenQueue } from '../../src/sockets/tcp_listen.js';
import { setDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import type { ListenEvents, NetDriver, TcpConn, TcpListener } from '../../src/net/driver.js';

const Q = suite('ListenQueue');

/** A driver whose listener records pause/resume and, like a paused ECMA-419 Listener's queue,
 *  hands over what it holds inside resume(). */
function stubDriver() {
  const calls: string[] = [];
  const held: TcpConn[] = [];
  let events: ListenEvents | null = null;
  const listener: TcpListener = {
    local: { family: 4, address: '127.0.0.1', port: 7 },
    close: () => {},
    pause: () => { calls.push('pause'); },
    resume: () => { calls.push('resume'); for (let c = held.shift(); c; c = held.shift()) events!.onConnection(c); },
  };
  const driver = { tcpListen: (_a: unknown, _b: number, _v: boolean, e: ListenEvents) => { events = e; return listener; } } as unknown as NetDriver;
  const conn = (id: number) => ({ id, destroy() {} }) as unknown as TcpConn;
  return { driver, calls, held, conn, arrive: (c: TcpConn) => events!.onConnection(c) };
}

/** A queue of `backlog` listening on the stub driver; changes(): how often it said "changed". */
function listening(backlog: number) {
  const d = stubDriver();
  setDriver(d.driver);
  let changed = 0;
  const q = new ListenQueue<TcpConn>(backlog, { make: (c) => c, ready: () => {}, retry: () => null, drop: () => {}, changed: () => { changed++; } });
  q.start({ family: 4, address: '127.0.0.1', port: 0 }, false);
  return { d, q, changes: () => changed };
}

Q.after.each(() => setDriver(hostDriver));

Q('the listener pauses at a full queue and resumes below it, once per change', () => {
  const { d, q, changes } = listening(2);
  assert.is(q.shift(), undefined);
  assert.equal(d.calls, [], 'an empty queue resumes nothing: the listener was never paused');
  d.arrive(d.conn(1));
  d.arrive(d.conn(2));
  assert.equal(d.calls, ['pause']);
  d.held.push(d.conn(3)); // completed by the platform while paused
  assert.is((q.shift() as unknown as { id: number }).id, 1);
  assert.equal(d.calls, ['pause', 'resume', 'pause'], 'resumed, handed conn 3 over, full again');
  assert.equal([q.shift(), q.shift()].map((c) => (c as unknown as { id: number }).id), [2, 3]);
  assert.equal(d.calls, ['pause', 'resume', 'pause', 'resume']);
  assert.is(changes(), 3);
});

Q('regression: a connection a driver hands over inside resume() is never taken while accept() finds the queue empty', () => {
  // On the XS board's pipe bridge, resume() on a listener that was never paused read the
  // Listener's queue at once: the connection was queued inside the shift() that had just
  // found nothing, so the accept() waiting after it was never woken.
  const { d, q, changes } = listening(4);
  d.held.push(d.conn(1));
  assert.is(q.shift(), undefined);
  assert.is(q.length, 0, 'nothing queued behind the caller\'s back');
  assert.is(changes(), 0);
  d.arrive(d.held.shift()!); // the Listener's own onReadable
  assert.is(q.length, 1);
  assert.is(changes(), 1, 'the waiting accept() is woken');
});

Q.run();
