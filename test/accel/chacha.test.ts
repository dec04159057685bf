/** ChaCha20-Poly1305 records against another implementation (Node's tls, OpenSSL): the wasm
 *  cores run ChaCha20 four blocks at a time (wasm/zs_chacha20_simd.c) for every 256 bytes and
 *  mbedTLS's C for the rest, so payloads of every length class, and records split anywhere,
 *  must come back intact. V8 only (a Node peer). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as Z from '../../src/api/index.js';
import { contentLimit } from '../../src/tls/index.js';
import { pem } from '../helpers/pki.js';
import { addCredentials, removeCredentials, tlsClient } from '../helpers/tls.js';
import { rng } from '../helpers/sessions.js';

test.before(addCredentials);
test.after(removeCredentials);

for (const [name, proto, ciphers] of [
  ['TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', Z.IPPROTO_TLS_1_3, { ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256', minVersion: 'TLSv1.3' }],
  ['TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305', Z.IPPROTO_TLS_1_2, { ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305', maxVersion: 'TLSv1.2' }],
] as const) {
  test(`${name}: payloads of 0..40000 bytes echo back intact through Node's tls`, async () => {
    // A core with short records (the embedded profile) asks for them by max_fragment_length in
    // TLS 1.2 and by record_size_limit in TLS 1.3, which OpenSSL ignores: that peer is set to
    // send records the core takes, as a device's server would have to be.
    const server = tls.createServer({ cert: pem('server-ec.crt'), key: pem('server-ec.key'), ...ciphers } as tls.TlsOptions, (s) => {
      if (contentLimit('in') < 16384) s.setMaxSendFragment(contentLimit('in'));
      s.pipe(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const fd = tlsClient(proto);
    try {
      assert.is(await Z.zsock_connect(fd, { family: Z.AF_INET, addr: '127.0.0.1', port: (server.address() as AddressInfo).port }), 0);
      const r = rng(19);
      for (const size of [1, 63, 64, 65, 255, 256, 257, 511, 1024 + 17, 4096, 16383, 16384, 40000]) {
        const data = r.bytes(size);
        for (let sent = 0; sent < size;) {
          const n = await Z.zsock_send(fd, data.subarray(sent), 0);
          assert.ok(n > 0, `send ${n}`);
          sent += n;
        }
        const back = new Uint8Array(size);
        for (let got = 0; got < size;) {
          const n = await Z.zsock_recv(fd, back.subarray(got), 0);
          assert.ok(n > 0, `recv ${n} after ${got} of ${size}`);
          got += n;
        }
        assert.equal(back, data, `${size} bytes`);
      }
    } finally {
      Z.zsock_close(fd);
      server.close();
    }
  });
}

test.run();
