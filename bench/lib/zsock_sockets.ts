/** zsock TLS sockets over loopback through the host driver: both ends zsock in this process,
 *  as the Node peer has both ends in its process. */
import * as Z from '../../src/api/index.js';
import { TlsOptions } from '../../src/sockets/tls_options.js';
import { addCredentials, TAG } from '../../test/helpers/tls.js';
import { RECORD, cpuOf, rate, type Sample } from './stats.js';

const lo = (port = 0): Z.SockAddr => ({ family: Z.AF_INET, addr: '127.0.0.1', port });

let ready = false;
/** The key-exchange group every new zsock TLS session offers (null: the core's default order,
 *  x25519 first). */
let benchGroup: number | null = null;

/** Zephyr's socket API has no groups option (a Zephyr build picks its curves in Kconfig); the
 *  engine has one (TlsConfig.groups). So that a "p256" row really runs P-256 on both ends, the
 *  bench sets it where the socket layer builds the engine configuration: wrapped here, on the
 *  bench's side only, so src/sockets stays as shipped. */
function setup(): void {
  if (ready) return;
  addCredentials();
  const built = TlsOptions.prototype.engineConfig;
  TlsOptions.prototype.engineConfig = function (this: TlsOptions, role, datagram) {
    const c = built.call(this, role, datagram);
    if (benchGroup !== null) c.groups = [benchGroup];
    return c;
  };
  ready = true;
}

const GROUP_SUITES: Record<string, { suites?: number[]; proto: number; group: number }> = {
  'tls12-p256': { suites: [0xc02b], proto: Z.IPPROTO_TLS_1_2, group: 23 },
  'tls13-p256': { proto: Z.IPPROTO_TLS_1_3, group: 23 },
  'tls13-x25519': { proto: Z.IPPROTO_TLS_1_3, group: 29 },
};

export interface ZsockPeer {
  /** One handshake (connect + accept), wall and CPU ms. */
  handshake(): Promise<Sample>;
  /** MB/s client to server (CPU and wall), one RECORD per send. */
  bulk(suite: 'aes128gcm' | 'chacha20', mbytes: number): Promise<Sample>;
  close(): void;
}

export async function zsockSockets(kind: string): Promise<ZsockPeer> {
  setup();
  const k = GROUP_SUITES[kind] ?? GROUP_SUITES['tls13-x25519'];
  const resume = kind === 'resumed'; // TLS_SESSION_CACHE on both ends: tickets, as Node's session option
  benchGroup = k.group;
  const l = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, k.proto);
  Z.zsock_setsockopt(l, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.EC]);
  if (resume) Z.zsock_setsockopt(l, Z.SOL_TLS, Z.TLS_SESSION_CACHE, Z.TLS_SESSION_CACHE_ENABLED);
  Z.zsock_bind(l, lo());
  Z.zsock_listen(l, 16);
  await Z.zsock_get_context_object(l)!.whenReady();
  const at = {} as Z.SockAddr;
  Z.zsock_getsockname(l, at);
  const client = (suites?: number[]) => {
    const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, k.proto);
    Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
    Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
    if (suites ?? k.suites) Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_CIPHERSUITE_LIST, suites ?? k.suites);
    if (resume) Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SESSION_CACHE, Z.TLS_SESSION_CACHE_ENABLED);
    return c;
  };
  const pair = async (suites?: number[]) => {
    const c = client(suites);
    const [rc, a] = await Promise.all([Z.zsock_connect(c, at), Z.zsock_accept(l)]);
    if (rc !== 0 || a < 0) throw new Error(`zsock handshake: connect ${rc}, accept ${a}`);
    return [c, a];
  };
  if (resume) { // a first full handshake leaves a ticket in the client cache
    const [c, a] = await pair();
    await Z.zsock_send(a, new Uint8Array(1), 0);
    await Z.zsock_recv(c, new Uint8Array(1), 0);
    Z.zsock_close(c);
    Z.zsock_close(a);
  }
  return {
    async handshake() {
      benchGroup = k.group;
      let fds: number[] = [];
      const r = await cpuOf(async () => { fds = await pair(); });
      fds.forEach((fd) => Z.zsock_close(fd));
      return r;
    },
    async bulk(suite, mbytes) {
      benchGroup = k.group;
      const [c, a] = await pair([suite === 'chacha20' ? 0x1303 : 0x1301]);
      const total = mbytes << 20, chunk = new Uint8Array(RECORD).fill(7), rd = new Uint8Array(65536);
      const t = await cpuOf(() => transfer(c, a, chunk, rd, total));
      Z.zsock_close(c);
      Z.zsock_close(a);
      return rate(total, t);
    },
    close() { Z.zsock_close(l); benchGroup = null; },
  };
}

/** Sends `total` bytes from `c` in `chunk`s while `a` receives them all. */
async function transfer(c: number, a: number, chunk: Uint8Array, rd: Uint8Array, total: number): Promise<void> {
  const sending = (async () => {
    for (let sent = 0; sent < total;) {
      const n = await Z.zsock_send(c, chunk, 0);
      if (n <= 0) throw new Error(`send ${n}`);
      sent += n;
    }
  })();
  for (let got = 0; got < total;) {
    const n = await Z.zsock_recv(a, rd, 0);
    if (n <= 0) throw new Error(`recv ${n}`);
    got += n;
  }
  await sending;
}

/** Opens `n` idle zsock TLS 1.3 clients to `port`, 50 at a time, as nodeIdle does: their fds,
 *  once the last handshake completed (the caller times the call and lets tickets settle). */
export async function zsockIdle(n: number, port: number): Promise<number[]> {
  setup();
  benchGroup = null; // as Node's client: the default groups (x25519 first)
  const fds: number[] = [];
  const batch = 50;
  for (let i = 0; i < n; i += batch) {
    const made = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, async () => {
      const c = Z.zsock_socket(Z.AF_INET, Z.SOCK_STREAM, Z.IPPROTO_TLS_1_3);
      if (c < 0) throw new Error(`socket ${c}`);
      Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_SEC_TAG_LIST, [TAG.CA]);
      Z.zsock_setsockopt(c, Z.SOL_TLS, Z.TLS_HOSTNAME, 'localhost');
      const r = await Z.zsock_connect(c, lo(port));
      if (r !== 0) throw new Error(`connect ${r}`);
      return c;
    }));
    fds.push(...made);
  }
  return fds;
}
