/** Full handshakes in memory: versions, key types, PSK, mutual TLS, ALPN, ciphersuites. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CIPHERSUITES as CS, TLS1_2, TLS1_3, type TlsConfig } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

test.after.each(freeAll);

const psk = { key: new Uint8Array(32).fill(0x42), identity: new TextEncoder().encode('zsock-psk') };

function agree(client: TlsConfig, server: TlsConfig) {
  const c = session(client), s = session(server);
  const r = handshake(c, s);
  assert.is(r.client.state, 'done', `client: ${JSON.stringify(r.client)}`);
  assert.is(r.server.state, 'done', `server: ${JSON.stringify(r.server)}`);
  assert.ok(c.handshakeDone && s.handshakeDone);
  assert.is(c.ciphersuite, s.ciphersuite);
  assert.is(c.version, s.version);
  return { c, s };
}

for (const [name, version] of [['1.2', TLS1_2], ['1.3', TLS1_3]] as const) {
  for (const [key, creds, suite] of [
    ['ECDSA P-256', pki.serverEc, version === TLS1_3 ? CS.TLS_AES_128_GCM_SHA256 : CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
    ['ECDSA P-384', pki.serverEc384, version === TLS1_3 ? CS.TLS_AES_256_GCM_SHA384 : CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384],
    ['RSA-2048', pki.serverRsa, version === TLS1_3 ? CS.TLS_CHACHA20_POLY1305_SHA256 : CS.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256],
  ] as const) {
    test(`TLS ${name} full handshake, ${key} certificate verified`, () => {
      const { c, s } = agree(
        { role: 'client', ca: [pki.ca()], hostname: 'localhost', minVersion: version, maxVersion: version, ciphersuites: [suite] },
        { role: 'server', certs: [creds()] },
      );
      assert.is(c.version, version);
      assert.is(c.ciphersuite, suite, 'the one ciphersuite allowed is the one used');
      assert.is(c.verifyResult, 0);
      assert.equal(c.peerCertificate, creds().cert);
    });
  }
}

test('TLS 1.2 PSK (no certificates)', () => {
  const { c } = agree(
    { role: 'client', psk, maxVersion: TLS1_2, ciphersuites: [CS.TLS_PSK_WITH_AES_128_GCM_SHA256] },
    { role: 'server', psk },
  );
  assert.is(c.version, TLS1_2);
  assert.is(c.ciphersuite, CS.TLS_PSK_WITH_AES_128_GCM_SHA256);
  assert.is(c.peerCertificate, null);
});

test('TLS 1.3 PSK (external, no certificates)', () => {
  const { c } = agree({ role: 'client', psk, minVersion: TLS1_3 }, { role: 'server', psk, minVersion: TLS1_3 });
  assert.is(c.version, TLS1_3);
  assert.is(c.peerCertificate, null);
});

test('PEM credentials work as DER does', () => {
  const { c } = agree(
    { role: 'client', ca: [pki.caPem()], hostname: 'localhost' },
    { role: 'server', certs: [pki.serverRsaPem()] },
  );
  assert.is(c.verifyResult, 0);
});

test('mutual TLS: the server verifies the client certificate', () => {
  const { s } = agree(
    { role: 'client', ca: [pki.ca()], hostname: 'localhost', certs: [pki.client()] },
    { role: 'server', certs: [pki.serverEc()], ca: [pki.ca()], verify: 'required' },
  );
  assert.equal(s.peerCertificate, pki.client().cert);
  assert.is(s.verifyResult, 0);
});

test('mutual TLS: a client without a certificate is refused', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s = session({ role: 'server', certs: [pki.serverEc()], ca: [pki.ca()], verify: 'required' });
  const r = handshake(c, s);
  assert.is(r.server.state, 'fatal');
});

test('ALPN: the first of the client\'s protocols the server knows', () => {
  for (const v of [TLS1_2, TLS1_3]) {
    const { c, s } = agree(
      { role: 'client', ca: [pki.ca()], hostname: 'localhost', alpn: ['h2', 'http/1.1'], maxVersion: v },
      { role: 'server', certs: [pki.serverEc()], alpn: ['http/1.1', 'coap'] },
    );
    assert.is(c.alpn, 'http/1.1');
    assert.is(s.alpn, 'http/1.1');
  }
});

test('ALPN: no protocol in common fails the handshake', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', alpn: ['h2'] });
  const s = session({ role: 'server', certs: [pki.serverEc()], alpn: ['coap'] });
  const r = handshake(c, s);
  assert.is(r.server.state, 'fatal');
  if (r.server.state === 'fatal') assert.match(r.server.error.reason, /ALPN/);
});

test('ciphersuite list: the server\'s preference among the client\'s offers is honoured', () => {
  const { c } = agree(
    { role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2,
      ciphersuites: [CS.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256] },
    { role: 'server', certs: [pki.serverEc()], ciphersuites: [CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256] },
  );
  assert.is(c.ciphersuite, CS.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
});

test('a list of TLS 1.2 suites means TLS 1.2, of 1.3 suites TLS 1.3; a list outside the versions is EINVAL', () => {
  const { c } = agree(
    { role: 'client', ca: [pki.ca()], hostname: 'localhost', ciphersuites: [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] },
    { role: 'server', certs: [pki.serverEc()] },
  );
  assert.is(c.version, TLS1_2);
  const r = agree(
    { role: 'client', ca: [pki.ca()], hostname: 'localhost', ciphersuites: [CS.TLS_AES_256_GCM_SHA384] },
    { role: 'server', certs: [pki.serverEc()] },
  );
  assert.is(r.c.version, TLS1_3);
  assert.throws(() => session({ role: 'client', minVersion: TLS1_3, ciphersuites: [CS.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] }), /ciphersuites outside/);
});

test('ciphersuite list: nothing in common fails', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', ciphersuites: [CS.TLS_AES_128_GCM_SHA256] });
  const s = session({ role: 'server', certs: [pki.serverEc()], ciphersuites: [CS.TLS_CHACHA20_POLY1305_SHA256] });
  const r = handshake(c, s);
  assert.is(r.server.state, 'fatal');
});

test('queries before the handshake', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  assert.is(c.ciphersuite, 0);
  assert.is(c.version, 0);
  assert.is(c.alpn, null);
  assert.is(c.peerCertificate, null);
  assert.not.ok(c.handshakeDone);
  const step = c.handshake(Date.now());
  assert.is(step.state, 'want-read');
  assert.ok(c.pendingOutput > 0, 'the ClientHello is waiting to be sent');
  const hello = c.drain();
  assert.is(hello.length, 1, 'a flight is one chunk: one write to the socket');
  assert.is(hello[0][0], 22, 'a handshake record');
  assert.is(c.pendingOutput, 0);
});

test.run();
