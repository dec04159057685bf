/** Parsed credentials shared by a core's sessions (src/tls/cred_cache.ts, wasm/zs_cred.c): one
 *  parse per distinct content, released on store deletes and past the cache's bound, while
 *  sessions already configured keep theirs. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3 } from '../../src/tls/index.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { credCacheStats, flushCredCache } from '../../src/tls/cred_cache.js';
import { bytesEqual } from '../../src/tls/bytes.js';
import { credentialsOf, tls_credential_add, tls_credential_delete, TLS_CREDENTIAL_CA_CERTIFICATE } from '../../src/tls/credentials.js';
import { config, configure } from '../../src/config.js';
import { EINVAL } from '../../src/errno.js';
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

const Shared = suite('shared credentials');
const cacheSize = config.ZSOCK_TLS_CRED_CACHE;
Shared.after.each(() => {
  freeAll();
  configure({ ZSOCK_TLS_CRED_CACHE: cacheSize });
  flushCredCache(getCore());
});

const parses = () => credCacheStats(getCore()).parses;
const used = () => getCore().arena().used;
const client = (ca = [pki.ca()], v = TLS1_3) => session({ role: 'client', ca, hostname: 'localhost', maxVersion: v });

Shared('the cache compares every byte, at any alignment (bytesEqual, four bytes a step where it can)', () => {
  const buf = new Uint8Array(128).map((_, i) => (i * 7 + 3) & 0xff);
  const other = buf.slice();
  for (let len = 0; len <= 41; len++) {
    for (let ao = 0; ao < 4; ao++) {
      for (let bo = 0; bo < 4; bo++) {
        // The same content at offsets ao and bo: copy a's bytes under b's view.
        const a = buf.subarray(ao, ao + len), b = other.subarray(bo, bo + len);
        b.set(a);
        assert.ok(bytesEqual(a, b), `equal, length ${len}, offsets ${ao}/${bo}`);
        for (let k = 0; k < len; k++) {
          b[k] ^= 0x80;
          assert.not.ok(bytesEqual(a, b), `differ at ${k}, length ${len}, offsets ${ao}/${bo}`);
          b[k] ^= 0x80;
        }
        if (len) assert.not.ok(bytesEqual(a, b.subarray(1)), 'other lengths');
      }
    }
  }
});

Shared('two clients with the same CAs (other arrays, same bytes) share one parse', () => {
  flushCredCache(getCore());
  const p0 = parses(), a0 = used();
  const a = client();
  const first = used() - a0;
  const b = client();
  const second = used() - a0 - first;
  assert.is(parses() - p0, 1, 'parsed once');
  assert.ok(second < first - 500, `the second holds no chain of its own: ${second} < ${first}`);
  assert.is(credCacheStats(getCore()).cached, 1);
  const s1 = session({ role: 'server', certs: [pki.serverEc()] });
  const s2 = session({ role: 'server', certs: [pki.serverEc()] });
  assert.is(parses() - p0, 2, 'the server pair parsed and checked once for both');
  assert.is(handshake(a, s1).client.state, 'done', 'verified against the shared chain');
  assert.is(handshake(b, s2).client.state, 'done');
});

Shared('servers with shared RSA and ECDSA pairs complete TLS 1.2 and 1.3 handshakes', () => {
  for (const certs of [[pki.serverRsa()], [pki.serverEc()], [pki.serverRsa(), pki.serverEc()]]) {
    for (const v of [TLS1_2, TLS1_3]) {
      for (let i = 0; i < 2; i++) {
        const r = handshake(client([pki.ca()], v), session({ role: 'server', certs }));
        assert.is(r.client.state, 'done', `${certs.length} pair(s), TLS ${v.toString(16)}, #${i}`);
        assert.is(r.server.state, 'done');
      }
    }
  }
});

Shared('bytes changed in place are parsed afresh, never served from the cache', () => {
  flushCredCache(getCore());
  const ca = pki.ca();
  const p0 = parses();
  client([ca]);
  assert.is(parses() - p0, 1);
  ca.fill(0, 0, 16); // no certificate now: must not pass as the old chain
  assert.throws(() => client([ca]), (e: unknown) => (e as { errno?: number }).errno === EINVAL, 'parsed again: EINVAL');
  assert.is(credCacheStats(getCore()).cached, 1, 'nothing cached for the bad bytes');
});

Shared('a credential deleted from the store: new sessions never see it, live ones keep working', () => {
  const tag = 4242;
  assert.is(tls_credential_add(tag, TLS_CREDENTIAL_CA_CERTIFICATE, pki.ca()), 0);
  const ca = () => credentialsOf(tag).map((c) => c.data);
  const live = client(ca());
  assert.is(credCacheStats(getCore()).cached, 1);
  assert.is(tls_credential_delete(tag, TLS_CREDENTIAL_CA_CERTIFICATE), 0);
  assert.is(credCacheStats(getCore()).cached, 0, 'the cache let go');
  assert.is(handshake(live, session({ role: 'server', certs: [pki.serverEc()] })).client.state, 'done', 'the live session keeps its chain');
  assert.is(tls_credential_add(tag, TLS_CREDENTIAL_CA_CERTIFICATE, pki.otherCa()), 0, 'replaced');
  const p0 = parses();
  const fresh = client(ca());
  assert.is(parses() - p0, 1, 'parsed from the new bytes');
  const r = handshake(fresh, session({ role: 'server', certs: [pki.serverEc()] }));
  assert.is(r.client.state, 'fatal', 'the replaced CA no longer verifies this server');
  tls_credential_delete(tag, TLS_CREDENTIAL_CA_CERTIFICATE);
});

Shared('bounded: ZSOCK_TLS_CRED_CACHE sets; 0 shares nothing; the arena returns when all is freed', () => {
  flushCredCache(getCore());
  const a0 = used();
  assert.is(configure({ ZSOCK_TLS_CRED_CACHE: 1 }), 0);
  client([pki.ca()]);
  client([pki.otherCa()]);
  assert.is(credCacheStats(getCore()).cached, 1, 'the older set let go');
  assert.is(configure({ ZSOCK_TLS_CRED_CACHE: 0 }), 0);
  const p0 = parses();
  client([pki.caPem()]);
  client([pki.caPem()]);
  assert.is(parses() - p0, 2, 'no sharing');
  assert.is(configure({ ZSOCK_TLS_CRED_CACHE: 65 }), -EINVAL, 'beyond the range');
  freeAll();
  flushCredCache(getCore());
  assert.is(used(), a0, 'nothing left behind');
});

Shared.run();
