/**
 * One mutation of one flight (a list of TLS chunks or DTLS datagrams): bit flips, truncation,
 * length-field edits, record splitting and merging (TLS), duplicated and reordered datagrams
 * (DTLS), byte insertion and removal. Seeded: the same rng state gives the same mutation.
 */
import type { rng } from '../helpers/sessions.js';

export type Rng = ReturnType<typeof rng>;

export interface Mutation { kind: string; flight: Uint8Array[] }

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** TLS records of a byte stream: [start, end) of each whole record; a torn tail is left out. */
export function records(b: Uint8Array, hdr = 5): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at + hdr <= b.length;) {
    const end = at + hdr + ((b[at + hdr - 2] << 8) | b[at + hdr - 1]);
    if (end > b.length) break;
    out.push([at, end]);
    at = end;
  }
  return out;
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff];

function lengthEdit(r: Rng, b: Uint8Array, dgram: boolean): Uint8Array {
  const recs = records(b, dgram ? 13 : 5);
  if (!recs.length) return b;
  const [at] = recs[r.below(recs.length)];
  const hdr = dgram ? 13 : 5;
  // The record's length, or the handshake message's (24 bits after the type byte).
  const field = r.below(2) === 0 || at + hdr + 4 > b.length ? at + hdr - 2 : at + hdr + 1 + r.below(3);
  const delta = [-1, 1, 16, -16][r.below(4)];
  b[field] = r.below(2) ? EXTREMES[r.below(EXTREMES.length)] : (b[field] + delta) & 0xff;
  return b;
}

/** TLS: one handshake record's payload cut in two records (legal fragmentation, RFC 8446 5.1). */
function split(r: Rng, b: Uint8Array): Uint8Array {
  const recs = records(b);
  if (!recs.length) return b;
  const [s, e] = recs[r.below(recs.length)];
  const n = e - s - 5;
  if (n < 2) return b;
  const cut = 1 + r.below(n - 1);
  const h1 = b.slice(s, s + 5), h2 = b.slice(s, s + 5);
  h1[3] = cut >> 8; h1[4] = cut & 0xff;
  h2[3] = (n - cut) >> 8; h2[4] = (n - cut) & 0xff;
  return concat([b.subarray(0, s), h1, b.subarray(s + 5, s + 5 + cut), h2, b.subarray(s + 5 + cut)]);
}

/** TLS: two adjacent records as one (their payloads joined under the first header). */
function merge(r: Rng, b: Uint8Array): Uint8Array {
  const recs = records(b);
  if (recs.length < 2) return split(r, b);
  const i = r.below(recs.length - 1);
  const [s1, e1] = recs[i], [s2, e2] = recs[i + 1];
  const n = (e1 - s1 - 5) + (e2 - s2 - 5);
  const h = b.slice(s1, s1 + 5);
  h[3] = (n >> 8) & 0xff; h[4] = n & 0xff;
  return concat([b.subarray(0, s1), h, b.subarray(s1 + 5, e1), b.subarray(s2 + 5, e2), b.subarray(e2)]);
}

function bytes(r: Rng, b: Uint8Array, how: number): Uint8Array {
  const at = r.below(Math.max(1, b.length));
  switch (how) {
    case 0: for (let i = 0, n = 1 + r.below(4); i < n && b.length; i++) b[r.below(b.length)] ^= 1 << r.below(8); return b;
    case 1: return b.subarray(0, at);
    case 2: return concat([b.subarray(0, at), r.bytes(1 + r.below(32)), b.subarray(at)]);
    default: return concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.below(64)))]);
  }
}

const TLS_KINDS = ['bitflip', 'truncate', 'insert', 'cut', 'length', 'split', 'merge'];
const DTLS_KINDS = ['bitflip', 'truncate', 'insert', 'cut', 'length', 'duplicate', 'reorder', 'drop'];

/** Mutates a copy of `flight`; TLS flights are one stream, DTLS flights one datagram per entry. */
export function mutateFlight(r: Rng, flight: Uint8Array[], dgram: boolean): Mutation {
  const kinds = dgram ? DTLS_KINDS : TLS_KINDS;
  const kind = kinds[r.below(kinds.length)];
  if (!dgram) {
    const b = concat(flight).slice();
    const k = TLS_KINDS.indexOf(kind);
    const out = k < 4 ? bytes(r, b, k) : kind === 'length' ? lengthEdit(r, b, false) : kind === 'split' ? split(r, b) : merge(r, b);
    return { kind, flight: [out] };
  }
  const d: Uint8Array[] = flight.map((x) => x.slice());
  if (!d.length) return { kind, flight: d };
  const i = r.below(d.length);
  switch (kind) {
    case 'duplicate': d.splice(i, 0, d[i].slice()); break;
    case 'reorder': { const j = r.below(d.length); [d[i], d[j]] = [d[j], d[i]]; if (d.length > 1 && i === j) d.reverse(); break; }
    case 'drop': d.splice(i, 1); break;
    case 'length': d[i] = lengthEdit(r, d[i], true); break;
    default: d[i] = bytes(r, d[i], DTLS_KINDS.indexOf(kind));
  }
  return { kind, flight: d };
}
