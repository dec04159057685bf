/** A TLS ClientHello built by hand (issue 17 item 8), and what a server's first flight says. */
import * as assert from 'uvu/assert';

const u16 = (v: number) => [v >> 8, v & 0xff];
const vec16 = (b: number[]) => [...u16(b.length), ...b];
const ext = (type: number, body: number[]) => [...u16(type), ...vec16(body)];

/** A TLS 1.2 ClientHello built by hand: ECDHE-ECDSA/RSA AES-GCM, x25519 and P-256, and no
 *  supported_versions, with `version` as client_version. */
export function handBuiltHello(version: number): Uint8Array {
  const body = [
    ...u16(version), ...new Array(32).fill(0x5a), 0,
    ...vec16([0xc0, 0x2b, 0xc0, 0x2f]), 1, 0,
    ...vec16([
      ...ext(10, vec16([0x00, 0x1d, 0x00, 0x17])),          // supported_groups
      ...ext(11, [1, 0]),                                    // ec_point_formats: uncompressed
      ...ext(13, vec16([0x04, 0x03, 0x08, 0x04, 0x04, 0x01])), // signature_algorithms
      ...ext(0xff01, [0]),                                   // renegotiation_info
    ]),
  ];
  const hs = [1, 0, ...u16(body.length), ...body];
  return new Uint8Array([22, 3, 1, ...u16(hs.length), ...hs]);
}

/** The ServerHello's server_version in a server's first flight, or the alert it sent. */
export function answer(flight: Uint8Array): { serverHello?: number; alert?: number } {
  if (flight[0] === 21) return { alert: flight[6] };
  assert.is(flight[0], 22, 'a handshake record');
  assert.is(flight[5], 2, 'a ServerHello');
  return { serverHello: (flight[9] << 8) | flight[10] };
}

/** The chunks of a flight as one array (set(), not spread: XS spreads on its small stack). */
export function flat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** The extensions of the ClientHello that starts `flight` (one TLS record), by type. */
export function helloExtensions(flight: Uint8Array): Map<number, Uint8Array> {
  assert.is(flight[0], 22, 'a handshake record');
  assert.is(flight[5], 1, 'a ClientHello');
  const at = (o: number) => (flight[o] << 8) | flight[o + 1];
  let o = 9 + 2 + 32; // record and handshake headers, client_version, random
  o += 1 + flight[o]; // session_id
  o += 2 + at(o); // cipher_suites
  o += 1 + flight[o]; // compression_methods
  const end = o + 2 + at(o);
  const exts = new Map<number, Uint8Array>();
  for (o += 2; o + 4 <= end; o += 4 + at(o + 2)) exts.set(at(o), flight.slice(o + 4, o + 4 + at(o + 2)));
  return exts;
}
