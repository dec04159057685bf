/**
 * http-get: Zephyr's samples/net/sockets/http_get with zsock. Resolves the server with
 * getaddrinfo, opens a TLS 1.2/1.3 socket with a CA tag and TLS_HOSTNAME (or plain TCP with
 * TLS=n), sends `GET / HTTP/1.0`, prints the status line, the headers and the body's length, and
 * exits 0 for a 2xx answer. In the simulator the host's own services are at the name `host`.
 */
import * as Z from 'zsock';
import { sampleConfig } from '../common/config.js';
import { httpGet } from '../common/http.js';
import { errstr } from '../common/errors.js';

const CONFIG = sampleConfig({
  HOST: 'host',
  /** 0: 443 with TLS, 80 without. */
  PORT: 0,
  PATH: '/',
  TLS: true,
  TLS_VERSION: '',
  /** The name in the server's certificate (the sample certificates say localhost). */
  TLS_HOSTNAME: 'localhost',
  /** A CA certificate (PEM) to trust instead of the sample certificates. */
  CA_PEM: '',
});

async function main(): Promise<void> {
  const port = CONFIG.PORT || (CONFIG.TLS ? 443 : 80);
  console.log(`Preparing HTTP GET request for ${CONFIG.TLS ? 'https' : 'http'}://${CONFIG.HOST}:${port}${CONFIG.PATH}`);
  const r = await httpGet({
    host: CONFIG.HOST, port, path: CONFIG.PATH, tls: CONFIG.TLS, tlsVersion: CONFIG.TLS_VERSION,
    tlsHostname: CONFIG.TLS_HOSTNAME, caPem: CONFIG.CA_PEM, log: (l) => console.log(l),
  }, () => {});
  if (typeof r === 'number') {
    console.log(`HTTP GET failed: ${errstr(r)}`);
    Z.sys_exit(1);
    return;
  }
  console.log('Response:');
  console.log(r.statusLine);
  for (const h of r.headers) console.log(h);
  console.log(`Body: ${r.bodyBytes} bytes`);
  Z.sys_exit(r.status >= 200 && r.status < 300 ? 0 : 1);
}

void main();
