/** Issue 17 item 8: a TLS 1.2 ClientHello with client_version 0x0304 or above and no
 *  supported_versions gets TLS 1.2 (RFC 8446 §4.2.1, RFC 5246 Appendix E), not alert 70; the
 *  transcript still covers the bytes the client sent. The engine, and zsock's server socket.
 *  (Here, not in test/tls: the XS device-heap bundle of test/tls is at its size limit.) */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as Z from '../../src/api/index.js';
import { TLS1_2 } from '../../src/tls/index.js';
import { answer, flat, handBuiltHello } from '../helpers/hello.js';
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';
import { tls12Handshake } from '../helpers/tls12_client.js';
import { TAG, addCredentials, removeCredentials, tlsListener } from '../helpers/tls.js';
import { closeAll, within } from '../helpers/zs.js';

const engine = suite('version tolerance: engine');
engine.after(freeAll);

for (const v of [0x0304, 0x0305, 0x03ff, 0x0400]) {
  engine(`client_version 0x${v.toString(16)} without supported_versions gets a TLS 1.2 ServerHello`, () => {
    const s = session({ role: 'server', certs: [pki.serverEc()] });
    s.feed(handBuiltHello(v));
    assert.is(s.handshake(Date.now()).state, 'want-read');
    const flight = flat(s.drain());
    assert.equal(answer(flight), { serverHello: TLS1_2 });
  });
}

engine('client_version 0x0303 still gets TLS 1.2, and 0x0302 still gets protocol_version (70)', () => {
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  s.feed(handBuiltHello(0x0303));
  s.handshake(Date.now());
  assert.equal(answer(flat(s.drain())), { serverHello: TLS1_2 });
  const old = session({ role: 'server', certs: [pki.serverEc()] });
  old.feed(handBuiltHello(0x0302));
  assert.is(old.handshake(Date.now()).state, 'fatal');
  assert.equal(answer(flat(old.drain())), { alert: 70 });
});

engine('the transcript hashes the version the client sent, not the rewritten one', () => {
  // Our client hashes 0x0303 but the wire says 0x0304: a server that hashed its rewritten copy
  // would agree with the client and finish; the real transcripts differ, so the handshake fails
  // (extended master secret and Finished cover the ClientHello as sent).
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  let first = true;
  const r = handshake(c, s, {
    tamper: (from, b) => {
      if (from !== 'client' || !first) return b;
      first = false;
      const m = b.slice();
      m[10] = 4;
      return m;
    },
  });
  assert.is(r.server.state, 'fatal');
  assert.is(r.client.state, 'fatal');
  // The same exchange untouched completes: the failure above is the transcript's.
  const c2 = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s2 = session({ role: 'server', certs: [pki.serverEc()] });
  assert.is(handshake(c2, s2).server.state, 'done');
});

engine('a client that sends 0x0304 (a TLS 1.2 client written from RFC 5246) completes TLS 1.2: both Finished verify', () => {
  for (const v of [0x0303, 0x0304, 0x0305]) {
    const s = session({ role: 'server', certs: [pki.serverEc()] });
    assert.equal(tls12Handshake(s, v), { version: TLS1_2, finished: true }, `client_version 0x${v.toString(16)}`);
    assert.ok(s.handshakeDone);
  }
});

engine.run();


const sock = suite('version tolerance: zsock TLS server');
sock.before(addCredentials);
sock.after(() => { closeAll(); removeCredentials(); });

sock('a zsock TLS server answers the hand-built 0x0304 ClientHello with a TLS 1.2 ServerHello', async () => {
  const [lfd, at] = tlsListener([TAG.EC], Z.IPPROTO_TLS_1_2);
  const accepted = Z.zsock_accept(lfd);
  const raw = net.connect(at.port, '127.0.0.1');
  const first = new Promise<Uint8Array>((resolve, reject) => {
    raw.once('data', (d) => resolve(new Uint8Array(d)));
    raw.once('error', reject);
  });
  raw.write(handBuiltHello(0x0304));
  const reply = await within(first, 5000, 'the server\'s first flight');
  raw.destroy();
  assert.equal(answer(reply), { serverHello: TLS1_2 });
  const fd = await within(accepted, 5000, 'accept');
  if (fd >= 0) Z.zsock_close(fd);
});

sock.run();
