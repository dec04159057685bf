/** Handshake and record failures: each with its errno and the exact reason. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TLS1_2, TLS1_3, TlsSession, X509_BADCERT, MBEDTLS, contentLimit, type TlsConfig, type TlsStep, type TlsError } from '../../src/tls/index.js';
import { ECONNABORTED, EINVAL, ENOMEM, ETIMEDOUT } from '../../src/errno.js';
import { getCore } from '../../src/tls/wasm.js'; // internal: the core behind the engine
import { pki } from '../helpers/pki.js';
import { handshake, flush } from '../helpers/pump.js';
import { session, freeAll } from '../helpers/sessions.js';

test.after.each(freeAll);

function fatal(step: TlsStep): TlsError {
  assert.is(step.state, 'fatal', `expected fatal, got ${JSON.stringify(step)}`);
  return (step as { error: TlsError }).error;
}

function clientFails(client: Partial<TlsConfig>, server: Partial<TlsConfig> = {}): TlsError {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', ...client } as TlsConfig);
  const s = session({ role: 'server', certs: [pki.serverEc()], ...server } as TlsConfig);
  return fatal(handshake(c, s).client);
}

test('unknown CA: ECONNABORTED, NOT_TRUSTED', () => {
  const e = clientFails({}, { certs: [pki.otherServer()] });
  assert.is(e.errno, ECONNABORTED);
  assert.is(e.code, MBEDTLS.X509_CERT_VERIFY_FAILED);
  assert.is(e.verifyFlags, X509_BADCERT.NOT_TRUSTED);
  assert.match(e.reason, 'certificate verification failed: unknown CA');
});

test('hostname mismatch: CN_MISMATCH', () => {
  const e = clientFails({ hostname: 'device.example' });
  assert.is(e.errno, ECONNABORTED);
  assert.is(e.verifyFlags, X509_BADCERT.CN_MISMATCH);
  assert.match(e.reason, 'hostname mismatch');
});

test('expired certificate: EXPIRED', () => {
  const e = clientFails({}, { certs: [pki.expired()] });
  assert.is(e.verifyFlags, X509_BADCERT.EXPIRED);
  assert.match(e.reason, 'certificate expired');
});

test('the clock the caller passes is the one certificates are checked against', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  const r = handshake(c, s, { now: () => Date.UTC(2045, 0, 1) }); // after notAfter (10 years)
  assert.ok(fatal(r.client).verifyFlags & X509_BADCERT.EXPIRED);
});

test('no hostname set: verification refuses to run blind (as Zephyr/mbedTLS)', () => {
  const e = clientFails({ hostname: undefined });
  assert.is(e.errno, ECONNABORTED);
  assert.is(e.code, MBEDTLS.CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME);
  assert.match(e.reason, 'without a hostname');
});

test('hostname null skips the name check only', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: null });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  assert.is(handshake(c, s).client.state, 'done');
});

test('verify optional: the handshake completes and the flags tell why', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', verify: 'optional' });
  const s = session({ role: 'server', certs: [pki.otherServer()] });
  assert.is(handshake(c, s).client.state, 'done');
  assert.is(c.verifyResult, X509_BADCERT.NOT_TRUSTED);
});

test('wrong PSK: the handshake fails on both sides', () => {
  const id = new TextEncoder().encode('dev1');
  for (const v of [TLS1_2, TLS1_3]) {
    const c = session({ role: 'client', psk: { key: new Uint8Array(16).fill(1), identity: id }, minVersion: v, maxVersion: v });
    const s = session({ role: 'server', psk: { key: new Uint8Array(16).fill(2), identity: id } });
    const r = handshake(c, s);
    const e = r.server.state === 'fatal' ? r.server.error : fatal(r.client);
    assert.is(e.errno, ECONNABORTED, `TLS ${v.toString(16)}`);
  }
});

test('version mismatch: client 1.2 only, server 1.3 only', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s = session({ role: 'server', certs: [pki.serverEc()], minVersion: TLS1_3 });
  const r = handshake(c, s);
  const e = fatal(r.server);
  assert.is(e.errno, ECONNABORTED);
  assert.match(e.reason, /version|handshake failure/);
});

test('garbage instead of a ServerHello', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  c.handshake(Date.now());
  c.drain();
  c.feed(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'));
  const e = fatal(c.handshake(Date.now()));
  assert.is(e.errno, ECONNABORTED);
  assert.equal(fatal(c.handshake(Date.now())), e, 'sticky');
  assert.equal(fatal(c.read(new Uint8Array(8), Date.now())), e, 'sticky for read too');
});

test('truncated record: waits for the rest, never misreads', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  handshake(c, s);
  flush(c, s);
  s.write(new Uint8Array(1000).fill(7), Date.now());
  const [rec] = s.drain();
  c.feed(rec.subarray(0, rec.length - 10));
  assert.is(c.read(new Uint8Array(2000), Date.now()).state, 'want-read');
  c.feed(rec.subarray(rec.length - 10));
  const r = c.read(new Uint8Array(2000), Date.now());
  assert.equal(r, { state: 'done', n: 1000 });
});

test('a record whose length field lies fails the MAC/record check', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost', maxVersion: TLS1_2 });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  handshake(c, s);
  s.write(new Uint8Array(100).fill(7), Date.now());
  const [rec] = s.drain();
  const cut = rec.slice(0, rec.length - 5);
  cut[3] = ((cut.length - 5) >> 8) & 0xff; // claim the shortened length
  cut[4] = (cut.length - 5) & 0xff;
  c.feed(cut);
  const e = fatal(c.read(new Uint8Array(200), Date.now()));
  assert.is(e.errno, ECONNABORTED);
  assert.match(e.reason, /MAC|invalid record/);
});

test('peer closing mid-handshake: EOF after part of the server flight', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  c.handshake(Date.now());
  flush(c, s);
  s.handshake(Date.now());
  const [flight] = s.drain();
  c.feed(flight.subarray(0, 300));
  assert.is(c.handshake(Date.now()).state, 'want-read');
  c.feedEof();
  const e = fatal(c.handshake(Date.now()));
  assert.is(e.errno, ECONNABORTED);
  assert.is(e.code, MBEDTLS.CONN_EOF);
  assert.match(e.reason, 'connection closed mid-handshake');
});

test('EOF after the handshake without close_notify is not a clean close', () => {
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  handshake(c, s);
  s.write(new Uint8Array([1, 2, 3]), Date.now());
  flush(s, c);
  c.feedEof();
  const buf = new Uint8Array(10);
  assert.equal(c.read(buf, Date.now()), { state: 'done', n: 3 }, 'data before the EOF is delivered');
  assert.is(c.read(buf, Date.now()).state, 'closed', 'EOF reads as closed, like a socket');
  assert.not.ok(c.closedCleanly, 'but not clean: no close_notify came');
});

test('bad configuration: EINVAL with the part that failed', () => {
  const bad = (cfg: Partial<TlsConfig>, re: RegExp) => {
    try {
      new TlsSession({ role: 'client', ...cfg } as TlsConfig).free();
      assert.unreachable('should throw');
    } catch (e) {
      assert.is((e as TlsError).errno, EINVAL, String(e));
      assert.match((e as TlsError).reason, re);
    }
  };
  bad({ ca: [new Uint8Array([0x30, 0x03, 1, 2, 3])] }, /CA certificate/);
  bad({ certs: [{ cert: pki.serverEc().cert, key: new Uint8Array([1, 2, 3]) }] }, /own certificate: cannot parse private key/);
  bad({ certs: [{ cert: pki.serverEc().cert, key: pki.serverRsa().key }] }, /own certificate/);
  bad({ ciphersuites: [] }, /ciphersuites/);
  bad({ alpn: [''] }, /ALPN/);
  bad({ dtlsTimeouts: { min: 0, max: 10 } }, /DTLS timeouts/);
  bad({ maxFragmentLength: 1000 as 512 }, /max fragment length/);
  bad({ maxFragmentLength: 'toString' as unknown as 512 }, /max fragment length/);
  bad({ minVersion: 0x0301 }, /TLS version 0x301/);
  bad({ minVersion: 0x0304, maxVersion: 0x0303 }, /minVersion above maxVersion/);
});

test('arena exhausted: sessions fail cleanly with ENOMEM, then recover', () => {
  const held: TlsSession[] = [];
  let err: TlsError | null = null;
  try {
    for (let i = 0; i < 10000 && !err; i++) {
      try {
        held.push(new TlsSession({ role: 'server', certs: [pki.serverEc()] }));
      } catch (e) {
        err = e as TlsError;
      }
    }
    assert.ok(err, 'the arena ran out');
    assert.is(err!.errno, ENOMEM);
    // Free one: a handshake that needs more than is left fails with ENOMEM, not a trap.
    held.pop()!.free();
    const c = new TlsSession({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
    held.push(c);
    const s = held[0];
    const r = handshake(c, s);
    const e = r.client.state === 'fatal' ? r.client.error : r.server.state === 'fatal' ? r.server.error : null;
    if (e) assert.is(e.errno, ENOMEM, e.message);
  } finally {
    held.forEach((h) => h.free());
  }
  const c = session({ role: 'client', ca: [pki.ca()], hostname: 'localhost' });
  const s = session({ role: 'server', certs: [pki.serverEc()] });
  assert.is(handshake(c, s).client.state, 'done', 'everything works again after the frees');
});

test('DTLS handshake gives up after the maximum timeout: ETIMEDOUT', () => {
  let now = 1_000_000;
  const c = session({ role: 'client', transport: 'datagram', ca: [pki.ca()], hostname: 'localhost', dtlsTimeouts: { min: 100, max: 400 } });
  let step = c.handshake(now);
  for (let i = 0; i < 10 && step.state === 'want-read'; i++) {
    c.drain(); // lost
    now = c.timerDeadline! + 1;
    step = c.handshake(now);
  }
  const e = fatal(step);
  assert.is(e.errno, ETIMEDOUT);
});

test('zs_conf_max_frag_len refuses a code other than 0..4, before narrowing it to a byte (regression: 260 set 4096)', () => {
  const x = getCore().x, ctx = x.zs_new(1, 0, 0, 0x0303, 0x0304);
  try {
    for (const code of [-1, 5, 256, 260]) assert.is(x.zs_conf_max_frag_len(ctx, code), MBEDTLS.BAD_INPUT_DATA, `code ${code}`);
    for (const code of [0, 1]) assert.is(x.zs_conf_max_frag_len(ctx, code), 0, `code ${code}`);
    // 4096 only where the core's records hold it (the embedded core's smaller one is 2048)
    assert.is(x.zs_conf_max_frag_len(ctx, 4), contentLimit() >= 4096 ? 0 : MBEDTLS.BAD_INPUT_DATA, 'code 4');
  } finally {
    x.zs_free(ctx);
  }
});

test.run();
