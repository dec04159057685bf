import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsSession, TLS1_3 } from '../../src/tls/index.js';
import { pki } from '../helpers/pki.js';
import { handshake } from '../helpers/pump.js';

test('TLS 1.3 ECDSA handshake in memory', () => {
  const server = new TlsSession({ role: 'server', certs: [pki.serverEc()] });
  const client = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const r = handshake(client, server);
  assert.is(r.client.state, 'done', JSON.stringify(r.client));
  assert.is(r.server.state, 'done', JSON.stringify(r.server));
  assert.is(client.version, TLS1_3);
  client.free();
  server.free();
});

test.run();
