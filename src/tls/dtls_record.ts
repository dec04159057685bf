/** DTLS record parsing the socket layer needs before a session sees a datagram. */

/** tls12_cid content type (RFC 9146 §4). */
const CID_RECORD = 25;
/** Type, version, epoch and sequence number come before the CID (RFC 9146 §4). */
const HEADER = 11;

/**
 * The connection ID of a datagram's first record when it is a tls12_cid record with a CID of
 * `cidLen` bytes (the length the server chose), else null. The CID is sent in clear: it names
 * a session, it does not authenticate the sender.
 */
export function dtlsRecordCid(datagram: Uint8Array, cidLen: number): Uint8Array | null {
  if (cidLen <= 0 || datagram.length < HEADER + cidLen || datagram[0] !== CID_RECORD) return null;
  return datagram.subarray(HEADER, HEADER + cidLen);
}

/** The epoch and sequence number of a datagram's first record as one number (epoch * 2^48 +
 *  sequence; exact while the epoch stays below 32), or null when too short to have one. */
export function dtlsRecordSeq(datagram: Uint8Array): number | null {
  if (datagram.length < HEADER) return null;
  let seq = 0;
  for (let i = 5; i < 11; i++) seq = seq * 256 + datagram[i];
  return ((datagram[3] << 8) | datagram[4]) * 2 ** 48 + seq;
}
