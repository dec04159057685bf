/**
 * A minimal TLS 1.2 client written from RFC 5246 with node:crypto, for one thing mbedTLS's own
 * client cannot do: send a ClientHello with a client_version above 0x0303 and no
 * supported_versions, and finish the handshake with the transcript of the bytes it sent (issue
 * 17 item 8). One suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over x25519 (P-256 listed too: mbedTLS
 * wants the certificate's curve among the client's groups); no extended master
 * secret; the server's signature is not checked (the Finished exchange is what is tested).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, diffieHellman, generateKeyPairSync, createPublicKey, randomBytes } from 'node:crypto';
import type { TlsSession } from '../../src/tls/index.js';
import { flat } from './hello.js';

const u16 = (v: number) => [v >> 8, v & 0xff];
const vec16 = (b: number[]) => [...u16(b.length), ...b];
const ext = (type: number, body: number[]) => [...u16(type), ...vec16(body)];
const record = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 3, ...u16(body.length)]), body]);
const hsMsg = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 0, body.length >> 8, body.length & 0xff]), body]);

/** RFC 5246 5: P_SHA256. */
function prf(secret: Buffer, label: string, seed: Buffer, n: number): Buffer {
  const s = Buffer.concat([Buffer.from(label), seed]);
  const out: Buffer[] = [];
  for (let a = s, len = 0; len < n;) {
    a = createHmac('sha256', secret).update(a).digest();
    const p = createHmac('sha256', secret).update(Buffer.concat([a, s])).digest();
    out.push(p);
    len += p.length;
  }
  return Buffer.concat(out).subarray(0, n);
}

/** Handshake messages in a flight of plaintext handshake records. */
function messages(flight: Buffer): Buffer[] {
  const payload: Buffer[] = [];
  for (let at = 0; at + 5 <= flight.length; at += 5 + flight.readUInt16BE(at + 3)) {
    if (flight[at] === 22) payload.push(flight.subarray(at + 5, at + 5 + flight.readUInt16BE(at + 3)));
  }
  const all = Buffer.concat(payload), out: Buffer[] = [];
  for (let at = 0; at + 4 <= all.length; at += 4 + all.readUIntBE(at + 1, 3)) out.push(all.subarray(at, at + 4 + all.readUIntBE(at + 1, 3)));
  return out;
}

function gcm(key: Buffer, iv: Buffer, seq: number, type: number, data: Buffer, open: boolean): Buffer {
  const explicit = open ? data.subarray(0, 8) : Buffer.alloc(8);
  if (!open) explicit.writeUInt32BE(seq, 4);
  const body = open ? data.subarray(8, data.length - 16) : data;
  const aad = Buffer.concat([Buffer.alloc(4), Buffer.from([0, 0, 0, seq, type, 3, 3, ...u16(body.length)])]);
  const nonce = Buffer.concat([iv, explicit]);
  if (open) {
    const d = createDecipheriv('aes-128-gcm', key, nonce).setAAD(aad);
    d.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([d.update(body), d.final()]);
  }
  const c = createCipheriv('aes-128-gcm', key, nonce).setAAD(aad);
  const ct = Buffer.concat([c.update(body), c.final()]);
  return Buffer.concat([explicit, ct, c.getAuthTag()]);
}

/** Runs a TLS 1.2 handshake against `server` with `clientVersion` in the ClientHello; returns
 *  the version the server chose and whether both Finished messages verified. */
export function tls12Handshake(server: TlsSession, clientVersion: number): { version: number; finished: boolean; alert?: number } {
  const now = Date.now();
  const clientRandom = randomBytes(32);
  const chBody = Buffer.from([...u16(clientVersion), ...clientRandom, 0, ...vec16([0xc0, 0x2b]), 1, 0,
    ...vec16([...ext(10, vec16([0x00, 0x1d, 0x00, 0x17])), ...ext(11, [1, 0]), ...ext(13, vec16([0x04, 0x03])), ...ext(0xff01, [0])])]);
  const ch = hsMsg(1, chBody);
  server.feed(record(22, ch));
  server.handshake(now);
  const flight = Buffer.from(flat(server.drain()));
  if (flight[0] === 21) return { version: 0, finished: false, alert: flight[6] };
  const msgs = messages(flight);
  const sh = msgs[0], ske = msgs.find((m) => m[0] === 12)!;
  const serverRandom = sh.subarray(6, 38);
  if (ske.readUInt16BE(4 + 1) !== 0x1d) throw new Error('the server did not choose x25519');
  const serverPub = ske.subarray(4 + 4, 4 + 4 + ske[4 + 3]);
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const ourPub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const peer = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), serverPub]), format: 'der', type: 'spki' });
  const pre = diffieHellman({ privateKey, publicKey: peer });
  const master = prf(pre, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
  const kb = prf(master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 40);
  const [ck, sk, civ, siv] = [kb.subarray(0, 16), kb.subarray(16, 32), kb.subarray(32, 36), kb.subarray(36, 40)];
  const cke = hsMsg(16, Buffer.concat([Buffer.from([32]), ourPub]));
  const transcript = [ch, ...msgs, cke];
  const hash = () => createHash('sha256').update(Buffer.concat(transcript)).digest();
  const fin = hsMsg(20, prf(master, 'client finished', hash(), 12));
  transcript.push(fin);
  server.feed(Buffer.concat([record(22, cke), record(20, Buffer.from([1])), record(22, gcm(ck, civ, 0, 22, fin, false))]));
  const st = server.handshake(now);
  const out = Buffer.from(flat(server.drain()));
  if (st.state !== 'done') return { version: sh.readUInt16BE(4), finished: false, alert: out[0] === 21 ? out[6] : undefined };
  const finRec = out.subarray(6); // after ChangeCipherSpec
  const got = gcm(sk, siv, 0, 22, finRec.subarray(5, 5 + finRec.readUInt16BE(3)), true);
  const want = hsMsg(20, prf(master, 'server finished', hash(), 12));
  return { version: sh.readUInt16BE(4), finished: got.equals(want) };
}
