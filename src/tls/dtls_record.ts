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
