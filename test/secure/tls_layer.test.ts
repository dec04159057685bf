/** TlsLayer as a unit: two layers over in-memory transports, its states and their transitions,
 *  and the TLS context token. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../../src/errno.js';
import { TlsLayer, type StreamTransport } from '../../src/sockets/tls_layer.js';
import { contexts } from '../../src/sockets/tls_state.js';
import { configure, resetConfig } from '../../src/config.js';
import type { TlsConfig } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';
import { sleep, until } from '../helpers/zs.js';

/** One end of an in-memory connection: what it reads, what it wrote, how it ended. */
class End implements StreamTransport {
  rx: Uint8Array[] = [];
  peer: End | null = null;
  layer: TlsLayer | null = null;
  eof = false;
  ended = false;
  error = 0;
  unreadBack: Uint8Array[] = [];
  read(dst: Uint8Array): number {
    const c = this.rx.shift();
    if (!c) return this.error ? -this.error : this.eof ? 0 : -E.EAGAIN;
    const n = Math.min(c.length, dst.length);
    dst.set(c.subarray(0, n));
    if (n < c.length) this.rx.unshift(c.subarray(n));
    return n;
  }
  write(src: Uint8Array): number {
    this.writeAll(src);
    return src.length;
  }
  writeAll(src: Uint8Array): void {
    const p = this.peer;
    if (!p || this.ended) return;
    p.rx.push(src.slice());
    queueMicrotask(() => p.layer?.process());
  }
  end(): void {
    this.ended = true;
    const p = this.peer;
    if (p) { p.eof = true; queueMicrotask(() => p.layer?.process()); }
  }
  unread(bytes: Uint8Array): void {
    this.unreadBack.push(bytes);
  }
}

const host = { rcvbuf: 65536, sndbuf: 65536, changed() {} };
const clientCfg = (over: Partial<TlsConfig> = {}): TlsConfig => ({ role: 'client', ca: [pki.ca()], hostname: 'localhost', ...over });
const serverCfg = (): TlsConfig => ({ role: 'server', certs: [pki.serverEc()] });

function link(): [End, End] {
  const a = new End(), b = new End();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A server layer then a client layer over one link. */
function pair(client: TlsConfig = clientCfg(), timeout = 5000): { c: TlsLayer; s: TlsLayer; ce: End; se: End } {
  const [ce, se] = link();
  se.layer = new TlsLayer(se, host, { config: serverCfg(), handshakeTimeout: timeout });
  ce.layer = new TlsLayer(ce, host, { config: client, handshakeTimeout: timeout });
  return { c: ce.layer, s: se.layer, ce, se };
}

const states = suite('TlsLayer states');
states.after.each(() => resetConfig());

states('handshaking -> open on both sides; data both ways', async () => {
  const { c, s } = pair();
  assert.is(c.state, 'handshaking');
  await until(() => c.state === 'open' && s.state === 'open', 3000, 'open');
  assert.is(c.write(new TextEncoder().encode('ping')), 4);
  await until(() => s.unread === 4, 1000, 'data');
  const buf = new Uint8Array(8);
  assert.is(s.read(buf), 4);
  assert.is(new TextDecoder().decode(buf.subarray(0, 4)), 'ping');
  assert.is(c.verifyResult, 0, 'verified');
  c.close();
  s.close();
});

states('open -> closing -> detached on a stop; input after close_notify goes back to the transport', async () => {
  const { c, s, ce, se } = pair();
  await until(() => c.state === 'open' && s.state === 'open', 3000, 'open');
  c.stop();
  assert.is(c.state, 'closing');
  await until(() => s.peerClosed, 1000, 'close_notify');
  s.stop(); // the server's close_notify, then plain text in the same flight
  assert.is(s.state, 'detached', 'the peer\'s close_notify had come: plain at once');
  se.write(new TextEncoder().encode('plain after'));
  await until(() => c.state === 'detached', 1000, 'detached');
  assert.is(c.engine, null, 'session freed');
  const back = [...ce.unreadBack, ...ce.rx].map((x) => new TextDecoder().decode(x)).join('');
  assert.is(back, 'plain after', 'the plain bytes stay on the connection');
});

states('a failed handshake: failed with ECONNABORTED, the alert and FIN go out', async () => {
  const { c, s, ce } = pair(clientCfg({ ca: [pki.otherCa()] }));
  await until(() => c.state === 'failed' && s.state === 'failed', 3000, 'failed');
  assert.is(c.errno, E.ECONNABORTED);
  assert.ok(c.failedInHandshake);
  assert.ok(c.errors.length >= 1, 'the engine error is queued');
  assert.ok(ce.ended, 'FIN');
  assert.is(s.errno, E.ECONNABORTED, 'the server saw the alert: the same errno');
  assert.is(c.write(new Uint8Array(1)), -E.ECONNABORTED, 'sticky');
  c.close();
  s.close();
});

states('the deadline: ETIMEDOUT; or detached when told to tolerate a silent peer', async () => {
  const [a] = link();
  a.peer = null; // nothing ever answers
  const late = new TlsLayer(a, host, { config: clientCfg(), handshakeTimeout: 50 });
  await sleep(120);
  assert.is(late.state, 'failed');
  assert.is(late.errno, E.ETIMEDOUT);
  const [b] = link();
  b.peer = null;
  const quiet = new TlsLayer(b, host, { config: serverCfg(), handshakeTimeout: 50, detachOnSilentTimeout: true });
  await sleep(120);
  assert.is(quiet.state, 'detached', 'the peer never spoke: the connection stays plain');
  late.close();
});

states('a transport failure during the handshake is ECONNABORTED; after it, its own errno', async () => {
  const [a] = link();
  a.peer = null;
  a.error = E.ECONNRESET;
  const L = new TlsLayer(a, host, { config: clientCfg(), handshakeTimeout: 5000 });
  assert.is(L.state, 'failed');
  assert.is(L.errno, E.ECONNABORTED);
  L.close();
  const { c, s, ce } = pair();
  await until(() => c.state === 'open' && s.state === 'open', 3000, 'open');
  ce.error = E.ECONNRESET;
  c.process();
  assert.is(c.state, 'failed');
  assert.is(c.errno, E.ECONNRESET);
  c.close();
  s.close();
});

states('a peer that floods KeyUpdate and never reads: answers stop at the send buffer, input waits', async () => {
  const small = { rcvbuf: 65536, sndbuf: 4096, changed() {} };
  const [ce, se] = link();
  se.layer = new TlsLayer(se, small, { config: serverCfg(), handshakeTimeout: 5000 });
  ce.layer = new TlsLayer(ce, host, { config: clientCfg(), handshakeTimeout: 5000 });
  const c = ce.layer, s = se.layer;
  await until(() => c.state === 'open' && s.state === 'open', 3000, 'open');
  se.write = () => -E.EAGAIN; // the client's window is closed: it never reads
  for (let i = 0; i < 3000; i++) c.control((x) => x.keyUpdate(true, Date.now()));
  await sleep(50);
  s.process();
  assert.ok(s.unsent > 0, 'answers are waiting');
  assert.ok(s.unsent < small.sndbuf + 16384, `answers held: ${s.unsent} bytes, bound ${small.sndbuf} plus the answers to one read`);
  assert.ok(se.rx.length > 0, 'the rest of the flood waits on the connection (its window closes)');
  c.close();
  s.close();
});

const tokens = suite('TLS context tokens');
tokens.after.each(() => resetConfig());

tokens('taken up to the limit, given back exactly once', () => {
  configure({ NET_SOCKETS_TLS_MAX_CONTEXTS: contexts.inUse + 2 });
  const a = contexts.take()!, b = contexts.take()!;
  assert.ok(a && b);
  assert.is(contexts.take(), null, 'the budget is spent');
  a.release();
  assert.is(a.isHeld, false);
  assert.throws(() => a.release(), /released twice/, 'a double release is a bug, not a clamp');
  const c = contexts.take();
  assert.ok(c, 'one is free again');
  b.release();
  c!.release();
});

states.run();
tokens.run();
