/**
 * zsock's configuration, Kconfig style: one place, Zephyr's option names where they exist,
 * defaults as Zephyr's. A board overrides values with configure() before the first socket.
 */
export type { ZsockConfig } from './config_schema.js';
import type { ZsockConfig } from './config_schema.js';

import { platformConfig } from './platform.js';

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
  NET_HOSTNAME: 'zephyr',
  NET_SOCKETS_DNS_PREFER_IPV4: true,
  NET_SOCKETS_TLS_MAX_CONTEXTS: 16,
  NET_SOCKETS_TLS_MAX_CREDENTIALS: 4,
  NET_SOCKETS_TLS_MAX_CIPHERSUITES: 4,
  NET_SOCKETS_TLS_MAX_APP_PROTOCOLS: 2,
  NET_SOCKETS_TLS_MAX_CLIENT_SESSION_COUNT: 4,
  NET_SOCKETS_TLS_CONNECT_TIMEOUT: 10000,
  TLS_MAX_CREDENTIALS_NUMBER: 16,
  NET_SOCKETS_DTLS_TIMEOUT: 5000,
  NET_SOCKETS_TLS_MAX_SESSION_CONTEXTS: 16,
  // Above Linux's default ip_local_port_range (32768-60999): the host hands those out to its own
  // connections, and a port the stack picked could then be taken after getsockname() told it.
  EPHEMERAL_PORT_MIN: 61000,
  EPHEMERAL_PORT_MAX: 65535,
  ...platformConfig, // a board's limits (boards/BOARD/platform.ts)
};

/** The configuration in force (read it; change it with configure()). */
export const config: Readonly<ZsockConfig> = { ...defaults };

/** Overrides configuration values; unknown names or wrong types throw (a programmer error). */
export function configure(values: Partial<ZsockConfig>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!(k in defaults)) throw new TypeError(`zsock: unknown config option ${k}`);
    if (typeof v !== typeof defaults[k as keyof ZsockConfig]) throw new TypeError(`zsock: ${k} must be a ${typeof defaults[k as keyof ZsockConfig]}`);
    (config as Record<string, unknown>)[k] = v;
  }
}

/** Restores the defaults (tests). */
export function resetConfig(): void {
  Object.assign(config, defaults);
}
