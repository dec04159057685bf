/**
 * big-http-download: Zephyr's samples/net/sockets/big_http_download with zsock. Downloads a large
 * file over HTTPS (or HTTP with TLS=n) in a loop, hashes it with SHA-256 as it arrives (the file
 * never sits in RAM), checks the digest against the expected one and prints the throughput.
 */
import * as Z from 'zsock';
import { sampleConfig } from '../common/config.js';
import { httpGet, contentLength } from '../common/http.js';
import { Sha256 } from '../common/sha256.js';
import { errstr } from '../common/errors.js';

const CONFIG = sampleConfig({
  HOST: 'host',
  /** 0: 443 with TLS, 80 without. */
  PORT: 0,
  PATH: '/big.bin',
  TLS: true,
  TLS_VERSION: '',
  TLS_HOSTNAME: 'localhost',
  CA_PEM: '',
  /** The expected SHA-256 (hex); "" only prints it. */
  SHA256: '',
  /** Downloads to make; 0 loops until stopped. */
  LOOPS: 1,
});

async function main(): Promise<void> {
  const port = CONFIG.PORT || (CONFIG.TLS ? 443 : 80);
  const url = `${CONFIG.TLS ? 'https' : 'http'}://${CONFIG.HOST}:${port}${CONFIG.PATH}`;
  let total = 0;
  for (let i = 1; CONFIG.LOOPS === 0 || i <= CONFIG.LOOPS; i++) {
    console.log(`Preparing HTTP GET request for ${url} (download ${i})`);
    const sha = new Sha256();
    const t0 = Date.now();
    const r = await httpGet({
      host: CONFIG.HOST, port, path: CONFIG.PATH, tls: CONFIG.TLS, tlsVersion: CONFIG.TLS_VERSION,
      tlsHostname: CONFIG.TLS_HOSTNAME, caPem: CONFIG.CA_PEM, log: (l) => console.log(l),
    }, (chunk) => sha.update(chunk));
    if (typeof r === 'number') return done(1, `Download failed: ${errstr(r)}`);
    const ms = Math.max(1, Date.now() - t0);
    if (r.status !== 200) return done(1, `Download failed: ${r.statusLine}`);
    const expected = contentLength(r.headers);
    if (expected >= 0 && expected !== r.bodyBytes) return done(1, `Download truncated: ${r.bodyBytes} of ${expected} bytes`);
    const digest = sha.hex();
    console.log(`Downloaded ${r.bodyBytes} bytes in ${ms} ms (${Math.round(r.bodyBytes / ms)} kB/s)`);
    if (CONFIG.SHA256 && digest !== CONFIG.SHA256.toLowerCase()) return done(1, `SHA-256 MISMATCH: got ${digest}, expected ${CONFIG.SHA256}`);
    console.log(`SHA-256 ${digest}${CONFIG.SHA256 ? ' ok' : ''}`);
    total += r.bodyBytes;
  }
  done(0, `Downloaded ${CONFIG.LOOPS} times, ${total} bytes, all ok`);
}

function done(status: number, line: string): void {
  console.log(line);
  Z.sys_exit(status);
}

void main();
