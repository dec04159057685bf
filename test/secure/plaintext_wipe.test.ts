/** Application plaintext does not stay in the core's memory: the shared plaintext staging is
 *  wiped after every read and write, as secrets are (issue 17 item 9). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsSession, TLS1_3 } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js';
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';

const wipe = suite('plaintext staging');

/** Where `needle` occurs in the core's memory (-1: nowhere). */
function find(needle: Uint8Array): number {
  const hay = getCore().u8;
  outer: for (let i = hay.indexOf(needle[0]); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

wipe('a secret written and read through a session is nowhere in the core after the sessions are freed', () => {
  const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: TLS1_3 });
  const s = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
  assert.is(handshake(c, s).client.state, 'done');
  const secret = new TextEncoder().encode(`account-number:${Math.random().toString(36).slice(2)}:pin-4711`);
  assert.is(c.write(secret, Date.now()).state, 'done');
  flush(c, s);
  const buf = new Uint8Array(256);
  const r = s.read(buf, Date.now());
  assert.is(r.state, 'done');
  assert.equal(buf.subarray(0, secret.length), secret);
  c.free();
  s.free();
  assert.is(find(secret), -1, 'no copy of the plaintext in wasm memory');
});

wipe.run();
