/**
 * echo-client: Zephyr's samples/net/sockets/echo_client with zsock. Connects to the echo server
 * by name or address over TCP, UDP, TLS or DTLS, sends blocks of random size, compares every
 * echo, prints "Received and compared N bytes, all ok" and exits 0; any mismatch or error exits 1.
 * The peer defaults to the host (192.0.2.2) as in Zephyr's QEMU setup.
 */
import * as Z from 'zsock';
import { sampleConfig } from '../common/config.js';
import { RSA_CERT, EC_CERT, PSK_HEX, PSK_ID } from '../common/credentials.js';
import { errstr, tlsErrstr } from '../common/errors.js';
import { addPem, hexBytes, tlsInfo, tls12Suites, RSA_TAG, PSK_TAG, EC_TAG } from '../common/tls_info.js';

const CONFIG = sampleConfig({
  /** CONFIG_NET_CONFIG_PEER_IPV4_ADDR, or a name getaddrinfo resolves: by default `host`, the
   *  machine running the simulator (192.0.2.2 from a virtual board, loopback on native-sim). */
  PEER: 'host',
  PORT: 4242,
  TLS_PORT: 4243,
  /** tcp | udp | tls | dtls */
  PROTO: 'tcp',
  /** 4 or 6 */
  FAMILY: 4,
  /** TLS: "1.2", "1.3", or "" for the best both sides have (IPPROTO_TLS_1_2 allows 1.3). */
  TLS_VERSION: '',
  /** cert (verify the server against the sample certificates) or psk */
  CREDENTIAL: 'cert',
  /** TLS_HOSTNAME: the name the server's certificate must carry. */
  HOSTNAME: 'localhost',
  /** Blocks to exchange; 0 runs until stopped. */
  BLOCKS: 100,
  MAX_BLOCK: 1024,
  /** UDP/DTLS: wait this long for an echo before sending the block again, that many times. */
  UDP_TIMEOUT_MS: 1000,
  UDP_RETRIES: 5,
});

const LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea ' +
  'commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla ' +
  'pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.\n';
const TEXT = new TextEncoder().encode(LOREM.repeat(Math.ceil((2 * CONFIG.MAX_BLOCK) / LOREM.length) + 1));

const datagram = CONFIG.PROTO === 'udp' || CONFIG.PROTO === 'dtls';
const secure = CONFIG.PROTO === 'tls' || CONFIG.PROTO === 'dtls';
const NAME = CONFIG.PROTO.toUpperCase();
const FAM = CONFIG.FAMILY === 6 ? 'IPv6' : 'IPv4';

/** Ends the run: main() prints the message and exits with status 1. */
function fail(msg: string): never {
  throw new Error(msg);
}

function protocol(): number {
  switch (CONFIG.PROTO) {
    case 'tcp': return Z.IPPROTO_TCP;
    case 'udp': return Z.IPPROTO_UDP;
    case 'tls': return CONFIG.TLS_VERSION === '1.3' ? Z.IPPROTO_TLS_1_3 : Z.IPPROTO_TLS_1_2;
    case 'dtls': return Z.IPPROTO_DTLS_1_2;
    default: return fail(`CONFIG PROTO=${CONFIG.PROTO}: tcp, udp, tls or dtls`);
  }
}

function setupTls(fd: number): void {
  if (CONFIG.TLS_VERSION === '1.2') {
    const r = Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, tls12Suites(CONFIG.CREDENTIAL === 'psk'));
    if (r < 0) fail(`TLS_CIPHERSUITE_LIST: ${errstr(r)}`);
  }
  if (CONFIG.CREDENTIAL === 'psk') {
    Z.tls_credential_add(PSK_TAG, Z.TLS_CREDENTIAL_PSK, hexBytes(PSK_HEX));
    Z.tls_credential_add(PSK_TAG, Z.TLS_CREDENTIAL_PSK_ID, new TextEncoder().encode(PSK_ID));
    Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [PSK_TAG]);
    return;
  }
  addPem(RSA_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, RSA_CERT);
  addPem(EC_TAG, Z.TLS_CREDENTIAL_CA_CERTIFICATE, EC_CERT);
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [RSA_TAG, EC_TAG]);
  Z.zsock_setsockopt(fd, Z.SOL_TLS, Z.TLS_HOSTNAME, CONFIG.HOSTNAME);
}

async function connect(): Promise<number> {
  const port = String(secure ? CONFIG.TLS_PORT : CONFIG.PORT);
  const family = CONFIG.FAMILY === 6 ? Z.AF_INET6 : Z.AF_INET;
  const res: { value?: Z.AddrInfo | null } = {};
  const rc = await Z.zsock_getaddrinfo(CONFIG.PEER, port, { ai_family: family, ai_socktype: datagram ? Z.SOCK_DGRAM : Z.SOCK_STREAM }, res);
  if (rc !== 0 || !res.value) fail(`Cannot resolve ${CONFIG.PEER}: ${Z.zsock_gai_strerror(rc)} (${rc})`);
  const fd = Z.zsock_socket(family, datagram ? Z.SOCK_DGRAM : Z.SOCK_STREAM, protocol());
  if (fd < 0) fail(`Failed to create ${NAME} socket (${FAM}): ${errstr(fd)}`);
  if (secure) setupTls(fd);
  if (datagram) {
    const ms = CONFIG.UDP_TIMEOUT_MS;
    const r = Z.zsock_setsockopt(fd, Z.SOL_SOCKET, Z.SO_RCVTIMEO, { tv_sec: Math.floor(ms / 1000), tv_usec: (ms % 1000) * 1000 });
    if (r < 0) fail(`SO_RCVTIMEO ${ms} ms: ${errstr(r)}`);
  }
  const t0 = Date.now();
  const c = await Z.zsock_connect(fd, res.value!.ai_addr);
  if (c < 0) fail(`Cannot connect to ${NAME} remote (${FAM}): ${secure ? tlsErrstr(fd, c) : errstr(c)}`);
  if (secure) console.log(`${NAME}: ${tlsInfo(fd, datagram)}, handshake ${Date.now() - t0} ms`);
  console.log(`${NAME} (${FAM}): connected to ${CONFIG.PEER} (${res.value!.ai_addr.addr}) port ${port}`);
  return fd;
}

/** A stream block: send it all, read the same number of bytes back. */
async function exchangeStream(fd: number, block: Uint8Array): Promise<Uint8Array> {
  for (let at = 0; at < block.length;) {
    const n = await Z.zsock_send(fd, block.subarray(at), 0);
    if (n < 0) fail(`${NAME}: Failed to send: ${tlsErrstr(fd, n)}`);
    at += n;
  }
  const got = new Uint8Array(block.length);
  for (let at = 0; at < got.length;) {
    const n = await Z.zsock_recv(fd, got.subarray(at), 0);
    if (n <= 0) fail(`${NAME}: ${n === 0 ? 'the server closed the connection' : `Failed to receive: ${tlsErrstr(fd, n)}`}`);
    at += n;
  }
  return got;
}

/** A datagram block: send, wait for its echo, send again on timeout; stale echoes are skipped. */
async function exchangeDatagram(fd: number, block: Uint8Array, previous: Uint8Array | null): Promise<Uint8Array> {
  const buf = new Uint8Array(CONFIG.MAX_BLOCK + 1);
  for (let attempt = 0; attempt <= CONFIG.UDP_RETRIES; attempt++) {
    const s = await Z.zsock_send(fd, block, 0);
    if (s < 0) fail(`${NAME}: Failed to send: ${errstr(s)}`);
    for (;;) {
      const n = await Z.zsock_recv(fd, buf, 0);
      if (n === -Z.errno.EAGAIN) break; // lost on the way: send again
      if (n < 0) fail(`${NAME}: Failed to receive: ${errstr(n)}`);
      const got = buf.slice(0, n);
      if (previous && same(got, previous) && !same(got, block)) continue; // a late or duplicated echo
      return got;
    }
  }
  return fail(`${NAME}: no echo after ${CONFIG.UDP_RETRIES + 1} tries`);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function main(): Promise<void> {
  console.log('Run echo client');
  const fd = await connect();
  const t0 = Date.now();
  let total = 0;
  let previous: Uint8Array | null = null;
  for (let i = 0; CONFIG.BLOCKS === 0 || i < CONFIG.BLOCKS; i++) {
    const size = 1 + Math.floor(Math.random() * CONFIG.MAX_BLOCK);
    const from = Math.floor(Math.random() * (TEXT.length - size));
    const block = TEXT.slice(from, from + size);
    const got = datagram ? await exchangeDatagram(fd, block, previous) : await exchangeStream(fd, block);
    if (!same(got, block)) fail(`${NAME}: MISMATCH in block ${i + 1}: sent ${block.length} bytes, received ${got.length} that differ`);
    total += block.length;
    previous = block;
    if ((i + 1) % 1000 === 0) console.log(`${NAME}: Exchanged ${i + 1} packets`);
  }
  const ms = Math.max(1, Date.now() - t0);
  console.log(`${NAME} (${FAM}): Received and compared ${total} bytes, all ok`);
  console.log(`${NAME}: Exchanged ${CONFIG.BLOCKS} packets in ${ms} ms (${Math.round(total / ms)} kB/s)`);
  Z.zsock_close(fd);
  Z.sys_exit(0);
}

main().catch((e: Error) => {
  console.log(e.message);
  Z.sys_exit(1);
});
