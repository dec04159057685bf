/**
 * zsock's configuration, Kconfig style: one place, Zephyr's option names where they exist,
 * defaults as Zephyr's. A board overrides values with configure() before the first socket.
 */
export type { ZsockConfig } from './config_schema.js';
import type { ZsockConfig } from './config_schema.js';

import { platformConfig } from './platform.js';
import { EINVAL } from './errno.js';

const defaults: ZsockConfig = {
  ZVFS_OPEN_MAX: 64,
  ZVFS_POLL_MAX: 64,
  ZSOCK_COMPLETION_PORTS_MAX: 8,
  NET_SOCKETS_CONNECT_TIMEOUT: 3000,
  NET_SOCKETS_DNS_TIMEOUT: 2000,
  NET_SOCKETPAIR_BUFFER_SIZE: 64,
  NET_CONTEXT_SNDBUF: 65535,
  NET_CONTEXT_RCVBUF: 65535,
  NET_TCP_FIN_TIMEOUT: 2000,
  NET_TCP_RETRY_COUNT: 9,
  NET_TCP_INIT_RETRANSMISSION_TIMEOUT: 200,
  NET_HOSTNAME: 'zephyr',
  NET_SOCKETS_DNS_PREFER_IPV4: true,
  NET_SOCKETS_TLS_MAX_CONTEXTS: 16,
  NET_SOCKETS_TLS_MAX_CREDENTIALS: 4,
  NET_SOCKETS_TLS_MAX_CIPHERSUITES: 4,
  NET_SOCKETS_TLS_MAX_APP_PROTOCOLS: 2,
  NET_SOCKETS_TLS_MAX_CLIENT_SESSION_COUNT: 4,
  NET_SOCKETS_TLS_CONNECT_TIMEOUT: 10000,
  NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: true,
  NET_IPV4_MAPPING_TO_IPV6: false,
  NET_LINK_MTU: 1500,
  NET_IPV4_FRAGMENT: false,
  NET_IPV6_FRAGMENT: false,
  TLS_MAX_CREDENTIALS_NUMBER: 16,
  TLS_CREDENTIAL_MAX_SIZE: 32768,
  NET_SOCKETS_TLS_CONTEXTS_RESERVED_OUTBOUND: 1,
  NET_SOCKETS_DTLS_TIMEOUT: 5000,
  NET_SOCKETS_TLS_MAX_SESSION_CONTEXTS: 16,
  ZSOCK_TLS_RECORD_BUF: 16384,
  ZSOCK_TLS_RECORD_POOL: 32,
  ZSOCK_TLS_CRED_CACHE: 4,
  // Above Linux's default ip_local_port_range (32768-60999): the host hands those out to its own
  // connections, and a port the stack picked could then be taken after getsockname() told it.
  EPHEMERAL_PORT_MIN: 61000,
  EPHEMERAL_PORT_MAX: 65535,
  ...platformConfig, // a board's limits (boards/BOARD/platform.ts)
};

/** The configuration in force (read it; change it with configure()). */
export const config: Readonly<ZsockConfig> = { ...defaults };

/** Options whose numbers have a narrower range than 0..2^31-1. */
const RANGES: Partial<Record<keyof ZsockConfig, [number, number]>> = {
  // The smallest record a peer may be asked for (RFC 6066's max_fragment_length) up to 64 KB.
  ZSOCK_TLS_RECORD_BUF: [512, 65536],
  // Each cached set holds a few KB of the arena.
  ZSOCK_TLS_CRED_CACHE: [0, 64],
};

/** Overrides configuration values, all or none: 0, or -EINVAL (and nothing changed) for an
 *  unknown option, a value of another type, or a number that is not an integer in 0..2^31-1
 *  (or in the option's own range, where it has one). */
export function configure(values: Partial<ZsockConfig>): number {
  let entries: [string, unknown][];
  try {
    if (!values || typeof values !== 'object') return -EINVAL;
    entries = Object.entries(values);
  } catch {
    return -EINVAL; // a Proxy that throws
  }
  for (const [k, v] of entries) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) return -EINVAL;
    const want = typeof defaults[k as keyof ZsockConfig];
    if (typeof v !== want) return -EINVAL;
    const [lo, hi] = RANGES[k as keyof ZsockConfig] ?? [0, 0x7fffffff];
    if (want === 'number' && !(Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi)) return -EINVAL;
  }
  for (const [k, v] of entries) (config as Record<string, unknown>)[k] = v;
  return 0;
}

/** Restores the defaults (tests). */
export function resetConfig(): void {
  Object.assign(config, defaults);
}
