/** What the samples print about an established TLS/DTLS socket: version and ciphersuite. */
import * as Z from 'zsock';

const NAMES: Record<number, string> = {};
for (const [name, id] of Object.entries(Z.CIPHERSUITES)) NAMES[id] = name;

/** "TLS 1.3, TLS_AES_128_GCM_SHA256" from TLS_CIPHERSUITE_USED (1.3 suites are 0x13xx). */
export function tlsInfo(fd: number, datagram = false): string {
  const out: { value?: unknown } = {};
  if (Z.zsock_getsockopt(fd, Z.SOL_TLS, Z.TLS_CIPHERSUITE_USED, out) < 0) return 'no session';
  const id = out.value as number;
  const version = datagram ? 'DTLS 1.2' : (id >> 8) === 0x13 ? 'TLS 1.3' : 'TLS 1.2';
  return `${version}, ${NAMES[id] ?? `0x${id.toString(16)}`}`;
}

/** Registers `text` (PEM) as a credential: PEM goes in with its terminating NUL, as in C. */
export function addPem(tag: number, type: number, text: string): number {
  return Z.tls_credential_add(tag, type, new TextEncoder().encode(text + '\0'));
}

/** Bytes of a hex string (the PSK). */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** The samples' security tags (Zephyr's echo samples use 1 for the certificate, 2 for the PSK). */
export const RSA_TAG = 1, PSK_TAG = 2, EC_TAG = 3;

/** TLS_CIPHERSUITE_LIST for a TLS 1.2-only connection (IPPROTO_TLS_1_2 allows 1.3 as well, so
 *  naming 1.2 suites is how an application stays on 1.2); four entries, Zephyr's default
 *  CONFIG_NET_SOCKETS_TLS_MAX_CIPHERSUITES. */
export function tls12Suites(psk: boolean): number[] {
  const S = Z.CIPHERSUITES;
  return psk
    ? [S.TLS_PSK_WITH_AES_128_GCM_SHA256, S.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256]
    : [S.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, S.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      S.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, S.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256];
}
