/** The wasm core alone, both ends in memory: the same handshakes and bulk transfer as the
 *  native harness, through the TlsSession API the sockets use. */
import { TlsSession, TlsServerState, TLS1_2, TLS1_3, type TlsConfig } from '../../src/tls/index.js';
import { pki } from '../../test/helpers/pki.js';
import { handshake, flush } from '../../test/helpers/pump.js';
import { RECORD, cpuOf, rate, type Sample } from './stats.js';

export const KINDS = ['tls12-p256', 'tls13-p256', 'tls13-x25519', 'resumed', 'dtls12'] as const;
export type Kind = (typeof KINDS)[number];

let srvState: TlsServerState | null = null;
const srv = () => (srvState ??= new TlsServerState());
// Read once, as the native peer reads its files once: a handshake should not pay for file I/O.
let creds: { ca: Uint8Array; server: { cert: Uint8Array; key: Uint8Array } } | null = null;
const cred = () => (creds ??= { ca: pki.ca(), server: pki.serverEc() });

function configs(kind: Kind, session?: Uint8Array): [TlsConfig, TlsConfig] {
  const v12 = kind === 'tls12-p256' || kind === 'dtls12';
  const group = kind === 'tls13-x25519' || kind === 'resumed' ? 29 : 23;
  const dgram = kind === 'dtls12';
  const common: Partial<TlsConfig> = { minVersion: v12 ? TLS1_2 : TLS1_3, maxVersion: v12 ? TLS1_2 : TLS1_3, groups: [group],
    transport: dgram ? 'datagram' : 'stream', ...(v12 ? { ciphersuites: [0xc02b] } : {}) };
  return [
    { role: 'client', ca: [cred().ca], hostname: 'localhost', session, ...common } as TlsConfig,
    { role: 'server', certs: [cred().server], serverState: { handle: srv().handle, tickets: true, cookies: dgram },
      ...(dgram ? { transportId: new Uint8Array([127, 0, 0, 1, 0x12, 0x34]) } : {}), ...common } as TlsConfig,
  ];
}

function pair(kind: Kind, session?: Uint8Array): [TlsSession, TlsSession] {
  const [cc, sc] = configs(kind, session);
  const c = new TlsSession(cc), s = new TlsSession(sc);
  const r = handshake(c, s);
  if (r.client.state !== 'done' || r.server.state !== 'done') throw new Error(`${kind}: ${JSON.stringify(r)}`);
  return [c, s];
}

/** A saved TLS 1.3 session (ticket) for the `resumed` kind. */
export function ticket(): Uint8Array {
  const [c, s] = pair('tls13-x25519');
  flush(s, c);
  c.read(new Uint8Array(64), Date.now());
  const saved = c.saveSession()!;
  c.free();
  s.free();
  return saved;
}

/** One handshake, contexts created and freed inside (as the native harness does). */
export function engineHandshake(kind: Kind, session?: Uint8Array): void {
  const [c, s] = pair(kind, session);
  c.free();
  s.free();
}

/** MB/s (of CPU and of wall time) client to server over an established TLS 1.3 session with one
 *  suite, one record per write; 1 MB goes through unmeasured first. */
export async function engineBulk(suite: 'aes128gcm' | 'chacha20', mbytes: number): Promise<Sample> {
  const [cc, sc] = configs('tls13-x25519');
  cc.ciphersuites = [suite === 'chacha20' ? 0x1303 : 0x1301];
  const c = new TlsSession(cc), s = new TlsSession(sc);
  handshake(c, s);
  // The server gives each record back to the client's output once consumed, as the native
  // harness reuses its queues: no allocation per record on either side.
  s.onConsumed = TlsSession.recycle;
  const pt = new Uint8Array(RECORD).map((_, i) => i), rd = new Uint8Array(16384);
  const send = (total: number) => {
    for (let done = 0; done < total;) {
      c.write(pt, Date.now());
      for (const chunk of c.drain()) s.feed(chunk);
      for (;;) {
        const r = s.read(rd, Date.now());
        if (r.state !== 'done') break;
        done += r.n;
      }
    }
  };
  send(1 << 20);
  const total = mbytes << 20;
  const t = await cpuOf(() => send(total));
  c.free();
  s.free();
  return rate(total, t);
}
