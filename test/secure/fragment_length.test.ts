/** Zephyr's NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: with a core whose records carry less than
 *  TLS's 16 KB (the embedded profile: 4 KB in, 2 KB out), a TLS 1.2 client asks its peer for
 *  fragments that fit (RFC 6066), so a peer that honours it (Node's tls: OpenSSL) can send any
 *  amount. With 16 KB records nothing is asked. Runs on every core (`make test` runs this
 *  directory on the full, host and embedded cores); V8 only (Node peers). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as Z from '../../src/api/index.js';
import { configure } from '../../src/config.js';
import { contentLimit } from '../../src/tls/index.js';
import { pem } from '../helpers/pki.js';
import { addCredentials, removeCredentials, tlsClient } from '../helpers/tls.js';
import { helloExtensions } from '../helpers/hello.js';
import { rng } from '../helpers/sessions.js';

const MAX_FRAGMENT_LENGTH = 1;
/** RFC 6066's code (512: 1 .. 4096: 4) for the largest fragment within the core's smaller
 *  record; none with 16 KB records or under 512 bytes. */
function expectedCode(len = contentLimit()): number | undefined {
  const n = len >= 16384 ? undefined : [4096, 2048, 1024, 512].find((s) => len >= s);
  return n === undefined ? undefined : Math.log2(n) - 8;
}
const lo = (port: number): Z.SockAddr => ({ family: Z.AF_INET, addr: '127.0.0.1', port });

/** The first record a zsock TLS client of `proto` sends (its ClientHello) to a plain server. */
async function clientHello(proto: number): Promise<Uint8Array> {
  let got: (b: Uint8Array) => void = () => {};
  const hello = new Promise<Uint8Array>((r) => { got = r; });
  const server = net.createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) { got(new Uint8Array(buf.subarray(0, 5 + buf.readUInt16BE(3)))); s.destroy(); }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fd = tlsClient(proto);
  try {
    void Z.zsock_connect(fd, lo((server.address() as AddressInfo).port));
    return await hello;
  } finally {
    Z.zsock_close(fd);
    server.close();
  }
}

const MFL = suite('max_fragment_length from the core\'s record sizes');
MFL.before(addCredentials);
MFL.after(() => { configure({ NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: true }); removeCredentials(); });

MFL('the code follows the smaller record size, as Zephyr derives it', () => {
  assert.is(expectedCode(16384), undefined);
  assert.is(expectedCode(4096), 4);
  assert.is(expectedCode(2048), 3);
  assert.is(expectedCode(4095), 3);
  assert.is(expectedCode(512), 1);
  assert.is(expectedCode(511), undefined);
});

MFL('a TLS 1.2 ClientHello asks for it when the core\'s records are shorter than 16 KB, not otherwise', async () => {
  const ext = helloExtensions(await clientHello(Z.IPPROTO_TLS_1_2)).get(MAX_FRAGMENT_LENGTH);
  const code = expectedCode();
  assert.equal(ext && [...ext], code === undefined ? undefined : [code], `core records of ${contentLimit()} bytes`);
});

MFL('NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH=n asks for none', async () => {
  assert.is(configure({ NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: false }), 0);
  try {
    assert.not.ok(helloExtensions(await clientHello(Z.IPPROTO_TLS_1_2)).has(MAX_FRAGMENT_LENGTH));
  } finally {
    configure({ NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: true });
  }
});

for (const [name, maxVersion, why] of [
  ['TLS 1.2', 'TLSv1.2', 'records of 16 KB from the peer failed the embedded core with ECONNABORTED'],
  ['TLS 1.3 from a TLS 1.2 socket (its hello offers both and asks for a fragment length)', 'TLSv1.3',
    'OpenSSL echoes the extension in EncryptedExtensions, and mbedTLS 3.6 refused its own extension there (unsupported_extension)'],
] as const) {
  MFL(`${name}: 40000 bytes echo back whole through Node's tls, whatever the core's record size (regression: ${why})`, async () => {
    const server = tls.createServer({ cert: Buffer.from(pem('server-ec.crt')), key: Buffer.from(pem('server-ec.key')), maxVersion }, (s) => { s.on('error', () => {}); s.pipe(s); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const fd = tlsClient(Z.IPPROTO_TLS_1_2);
    try {
      assert.is(await Z.zsock_connect(fd, lo((server.address() as AddressInfo).port)), 0);
      const data = rng(7).bytes(40000), back = new Uint8Array(data.length);
      for (let sent = 0; sent < data.length;) {
        const n = await Z.zsock_send(fd, data.subarray(sent), 0);
        assert.ok(n > 0, `send ${n}`);
        sent += n;
      }
      for (let got = 0; got < back.length;) {
        const n = await Z.zsock_recv(fd, back.subarray(got), 0);
        assert.ok(n > 0, `recv ${n} after ${got}`);
        got += n;
      }
      assert.equal(back, data);
    } finally {
      Z.zsock_close(fd);
      server.close();
    }
  });
}

MFL.run();
