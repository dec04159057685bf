/** The shape of zsock's configuration (config.ts holds the values): below every layer, so a
 *  board's platform can describe its limits without importing the configuration itself. */
export interface ZsockConfig {
  /** CONFIG_ZVFS_OPEN_MAX: size of the global fd table. */
  ZVFS_OPEN_MAX: number;
  /** CONFIG_ZVFS_POLL_MAX: most fds one poll() may watch (more gives ENOMEM). */
  ZVFS_POLL_MAX: number;
  /** zsock's own: I/O completion ports at once (zsock_io_completion_port_create; ENOMEM past it). */
  ZSOCK_COMPLETION_PORTS_MAX: number;
  /** CONFIG_NET_SOCKETS_CONNECT_TIMEOUT (ms): a blocking TCP connect gives up with ETIMEDOUT. */
  NET_SOCKETS_CONNECT_TIMEOUT: number;
  /** CONFIG_NET_SOCKETS_DNS_TIMEOUT (ms): getaddrinfo gives up with EAI_AGAIN. */
  NET_SOCKETS_DNS_TIMEOUT: number;
  /** CONFIG_NET_SOCKETPAIR_BUFFER_SIZE: bytes buffered in each direction of a socketpair. */
  NET_SOCKETPAIR_BUFFER_SIZE: number;
  /** CONFIG_NET_CONTEXT_SNDBUF / RCVBUF defaults (bytes) for TCP and UDP sockets. */
  NET_CONTEXT_SNDBUF: number;
  NET_CONTEXT_RCVBUF: number;
  /** CONFIG_NET_TCP_FIN_TIMEOUT (ms): how long a closed connection waits for the peer's FIN. */
  NET_TCP_FIN_TIMEOUT: number;
  /** CONFIG_NET_TCP_RETRY_COUNT: SYN retransmissions before a connect fails with ETIMEDOUT
   *  (blocking: -ETIMEDOUT; non-blocking: POLLERR, SO_ERROR ETIMEDOUT), each
   *  NET_TCP_INIT_RETRANSMISSION_TIMEOUT after the last, as Zephyr's tcp_send_process. */
  NET_TCP_RETRY_COUNT: number;
  /** CONFIG_NET_TCP_INIT_RETRANSMISSION_TIMEOUT (ms). */
  NET_TCP_INIT_RETRANSMISSION_TIMEOUT: number;
  /** CONFIG_NET_HOSTNAME: what gethostname() returns. */
  NET_HOSTNAME: string;
  /** CONFIG_NET_SOCKETS_DNS_PREFER_IPV4: order IPv4 results first. */
  NET_SOCKETS_DNS_PREFER_IPV4: boolean;
  /** CONFIG_NET_SOCKETS_TLS_MAX_CONTEXTS: TLS/DTLS sockets at once (socket() gives ENOMEM past it).
   *  Zephyr's default is 1; the host default is roomier, boards set their own. */
  NET_SOCKETS_TLS_MAX_CONTEXTS: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_CREDENTIALS: sec tags per socket (TLS_SEC_TAG_LIST). */
  NET_SOCKETS_TLS_MAX_CREDENTIALS: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_CIPHERSUITES: entries in TLS_CIPHERSUITE_LIST. */
  NET_SOCKETS_TLS_MAX_CIPHERSUITES: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_APP_PROTOCOLS: entries in TLS_ALPN_LIST. */
  NET_SOCKETS_TLS_MAX_APP_PROTOCOLS: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_CLIENT_SESSION_COUNT: client session cache entries. */
  NET_SOCKETS_TLS_MAX_CLIENT_SESSION_COUNT: number;
  /** CONFIG_NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: with a core whose records carry less than
   *  TLS's 16 KB (the embedded profile), TLS and DTLS sockets ask the peer for fragments that
   *  fit: RFC 6066 max_fragment_length, the largest of 512..4096 within the core's smaller
   *  record. mbedTLS sends it in ClientHellos that offer (D)TLS 1.2 (a TLS 1.3 server may echo it:
   *  the shim takes that, wasm/zs_post.c); a TLS 1.3-only hello carries record_size_limit, which
   *  OpenSSL ignores. */
  NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH: boolean;
  /** CONFIG_NET_SOCKETS_TLS_CONNECT_TIMEOUT (ms): the handshake's bound in connect/accept. */
  NET_SOCKETS_TLS_CONNECT_TIMEOUT: number;
  /** CONFIG_NET_SOCKETS_DTLS_TIMEOUT (ms): a DTLS server drops a peer's session idle this long. */
  NET_SOCKETS_DTLS_TIMEOUT: number;
  /** CONFIG_NET_SOCKETS_TLS_MAX_SESSION_CONTEXTS: peer sessions one DTLS server socket holds. */
  NET_SOCKETS_TLS_MAX_SESSION_CONTEXTS: number;
  /** The link's MTU (bytes): with fragmentation off, a UDP datagram must fit in one packet. */
  NET_LINK_MTU: number;
  /** CONFIG_NET_IPV4_FRAGMENT / CONFIG_NET_IPV6_FRAGMENT: off (Zephyr's default), a UDP
   *  datagram larger than the MTU allows is -ENOMEM, as Zephyr cannot allocate it. */
  NET_IPV4_FRAGMENT: boolean;
  NET_IPV6_FRAGMENT: boolean;
  /** CONFIG_NET_IPV4_MAPPING_TO_IPV6: an AF_INET6 socket may serve IPv4 peers as mapped
   *  addresses (then IPV6_V6ONLY starts at 0 and can be set). Off (Zephyr's default): IPv6
   *  sockets are IPv6 only, IPV6_V6ONLY reads 1, and the families' ports are apart. */
  NET_IPV4_MAPPING_TO_IPV6: boolean;
  /** CONFIG_TLS_MAX_CREDENTIALS_NUMBER: slots in the credential store (Zephyr: 4). */
  TLS_MAX_CREDENTIALS_NUMBER: number;
  /** Largest credential tls_credential_add takes (bytes; more is -EFBIG): with the slot count,
   *  it bounds what the store holds. */
  TLS_CREDENTIAL_MAX_SIZE: number;
  /** TLS contexts that connections a peer opens (accepted TLS, inbound policy connections) may
   *  not take: kept for the application's own outgoing TLS, so remote half-open connections
   *  cannot starve it (-ENOMEM for them instead). */
  NET_SOCKETS_TLS_CONTEXTS_RESERVED_OUTBOUND: number;
  /** zsock's own: bytes of one buffer on the TLS record path (a read of ciphertext, a record's
   *  decrypted plaintext). 16384 holds the largest TLS record; a board sets its profile's
   *  record size (4096): a larger record is then read in parts. */
  ZSOCK_TLS_RECORD_BUF: number;
  /** zsock's own: record-path buffers kept free for reuse, shared by all TLS sockets (each
   *  ZSOCK_TLS_RECORD_BUF bytes of the engine's heap while unused; 0 keeps none). The same
   *  bound applies to the output buffers TlsSession.recycle gives back (each the size of the
   *  core's largest outgoing record). */
  ZSOCK_TLS_RECORD_POOL: number;
  /** zsock's own: parsed credential sets (CA chain, own certificate + key) kept per TLS core
   *  for new sessions to share, most recently used first; 0 parses for every session. Each is
   *  a few KB of the mbedTLS heap; sessions already using one keep it while they live. */
  ZSOCK_TLS_CRED_CACHE: number;
  /** Ephemeral ports the stack picks for bind(port 0) and listen on an unbound socket. */
  EPHEMERAL_PORT_MIN: number;
  EPHEMERAL_PORT_MAX: number;
}
