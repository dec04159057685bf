/** Zephyr's socket constants, with Zephyr's numeric values (include/zephyr/net/socket.h,
 *  net_ip.h, sys/fdtable.h, dns_resolve.h). Not Linux's: AF_INET6 is 2, SOL_SOCKET 1. */

/** Address families: zsock_socket's `family` and SockAddr's `family`. zsock_socket opens
 *  AF_INET and AF_INET6 (another is -EAFNOSUPPORT); AF_UNIX (AF_LOCAL, the same value) is for
 *  zsock_socketpair; AF_UNSPEC means either family in getaddrinfo hints. AF_PACKET, AF_CAN and
 *  AF_NET_MGMT are Zephyr's values, kept for ported code. The PF_* names equal the AF_* ones. */
export const AF_UNSPEC = 0, AF_INET = 1, AF_INET6 = 2, AF_PACKET = 3, AF_CAN = 4, AF_NET_MGMT = 5,
  AF_LOCAL = 6, AF_UNIX = 6, PF_INET = AF_INET, PF_INET6 = AF_INET6, PF_UNIX = AF_UNIX;
/** Socket types: zsock_socket's `type`, SO_TYPE's value, getaddrinfo's ai_socktype. SOCK_RAW
 *  is Zephyr's value; zsock_socket refuses it (-EPROTONOSUPPORT), another type is -EINVAL. */
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3;

/** Protocols: zsock_socket's `proto` (0 picks the type's own) and option levels of
 *  zsock_setsockopt/getsockopt (IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6). IPPROTO_TLS_* on a
 *  SOCK_STREAM socket and IPPROTO_DTLS_* on a SOCK_DGRAM one make a secure socket (Zephyr's
 *  secure sockets, configured by the SOL_TLS options); -ENOMEM when no TLS context is free. A
 *  protocol of the other type is -EPROTOTYPE, an unknown one (or SOCK_RAW) -EPROTONOSUPPORT. */
export const IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41, IPPROTO_RAW = 255,
  IPPROTO_TLS_1_0 = 256, IPPROTO_TLS_1_1 = 257, IPPROTO_TLS_1_2 = 258, IPPROTO_TLS_1_3 = 259,
  IPPROTO_DTLS_1_0 = 272, IPPROTO_DTLS_1_2 = 273;

/** Flags of zsock_send/sendto/recv/recvfrom/recvmsg. MSG_DONTWAIT: this call does not block
 *  (-EAGAIN instead). MSG_PEEK: reads without taking (-ENOTSUP on DTLS). MSG_WAITALL: a stream
 *  recv waits for the whole buffer. MSG_TRUNC on recv of a datagram returns its real length
 *  rather than the bytes copied; MSG_TRUNC and MSG_CTRUNC in recvmsg's msg_flags say the datagram
 *  or the control data did not fit. */
export const ZSOCK_MSG_PEEK = 0x02, ZSOCK_MSG_CTRUNC = 0x08, ZSOCK_MSG_TRUNC = 0x20,
  ZSOCK_MSG_DONTWAIT = 0x40, ZSOCK_MSG_WAITALL = 0x100;

/** zsock_poll's PollFd events and revents bits. POLLIN: readable (data, EOF, or a connection
 *  to accept); POLLOUT: writable (or a non-blocking connect settled); POLLPRI: select's except
 *  set. POLLERR (a pending SO_ERROR), POLLHUP (the peer closed: TCP EOF, with POLLIN; a TLS
 *  close_notify; a DTLS session ended) and POLLNVAL (fd not open) are reported even when
 *  not asked for. */
export const ZSOCK_POLLIN = 1, ZSOCK_POLLPRI = 2, ZSOCK_POLLOUT = 4, ZSOCK_POLLERR = 8,
  ZSOCK_POLLHUP = 0x10, ZSOCK_POLLNVAL = 0x20;

/** zsock_shutdown's `how`. SHUT_RD ends reading (recv then returns 0); SHUT_WR and SHUT_RDWR
 *  are -ENOTSUP, as in Zephyr; another value is -EINVAL. */
export const ZSOCK_SHUT_RD = 0, ZSOCK_SHUT_WR = 1, ZSOCK_SHUT_RDWR = 2;

/** The socket-level option level of zsock_setsockopt/getsockopt (the SO_* names). */
export const SOL_SOCKET = 1;
/** SOL_SOCKET option names for zsock_setsockopt/getsockopt, values in JS: SO_RCVTIMEO and
 *  SO_SNDTIMEO a Timeval {tv_sec, tv_usec} ({0, 0} waits forever; negative or non-integer:
 *  -EINVAL); SO_RCVBUF, SO_SNDBUF a number 0..65535 (the receive queue, the unsent bytes);
 *  SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE (stream only, else -ENOPROTOOPT) a number or boolean
 *  read back as 0/1; SO_PRIORITY 0..255; SO_LINGER a Linger {l_onoff, l_linger}; SO_BINDTODEVICE
 *  {ifr_name} (an interface name, '' to unbind; -ENODEV for an unknown one, -EAFNOSUPPORT off
 *  INET); SO_TIMESTAMPING and SO_TXTIME a number, kept but unused. Read-only: SO_TYPE,
 *  SO_PROTOCOL, SO_DOMAIN, SO_ERROR (the pending errno, positive, cleared by the read). Any
 *  other name (SO_DEBUG, SO_DONTROUTE, SO_BROADCAST, SO_OOBINLINE, SO_RCVLOWAT, SO_SNDLOWAT,
 *  SO_ACCEPTCONN, SO_SOCKS5: Zephyr's values) is -ENOPROTOOPT, as is setting a read-only one. */
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5,
  SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10,
  SO_PRIORITY = 12, SO_LINGER = 13, SO_REUSEPORT = 15, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19,
  SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_BINDTODEVICE = 25, SO_ACCEPTCONN = 30,
  SO_TIMESTAMPING = 37, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_SOCKS5 = 60, SO_TXTIME = 61;

/** IPPROTO_TCP option names (stream sockets), each a number (a boolean counts as 0/1):
 *  TCP_NODELAY (0/1, default 0), TCP_KEEPIDLE and TCP_KEEPINTVL in seconds (defaults 7200, 75),
 *  TCP_KEEPCNT (default 9), the keepalive ones at least 1 (-EINVAL). Unknown: -ENOPROTOOPT. */
export const TCP_NODELAY = 1, TCP_KEEPIDLE = 2, TCP_KEEPINTVL = 3, TCP_KEEPCNT = 4;
/** IPPROTO_IPV6 option of AF_INET6 sockets, 0/1: whether the socket is IPv6 only. Without
 *  CONFIG_NET_IPV4_MAPPING_TO_IPV6 (Zephyr's default) it always reads 1, a set 0 is kept but has
 *  no effect; with it, it starts at 0 and IPv4 peers arrive as mapped addresses. */
export const IPV6_V6ONLY = 26;
/** IPPROTO_IP: IP_PKTINFO (recvmsg gives an IP_PKTINFO control message with struct
 *  in_pktinfo), IP_LOCAL_PORT_RANGE (uint32: the socket's ephemeral ports, lower bound in the low
 *  16 bits, upper in the high 16; 0 for either means the global bound). */
export const IP_PKTINFO = 8, IP_LOCAL_PORT_RANGE = 51;
/** IPPROTO_IPV6: recvmsg gives an IPV6_RECVPKTINFO control message with struct in6_pktinfo. */
export const IPV6_RECVPKTINFO = 49;

/** zsock_fcntl's commands and flag (Zephyr's ZVFS_* values; F_* and O_NONBLOCK are the same
 *  numbers): F_GETFL returns O_NONBLOCK or 0, F_SETFL sets non-blocking when `flags` has
 *  O_NONBLOCK and clears it otherwise; another command is -EINVAL. */
export const ZVFS_F_GETFL = 3, ZVFS_F_SETFL = 4, ZVFS_O_NONBLOCK = 0x4000,
  F_GETFL = ZVFS_F_GETFL, F_SETFL = ZVFS_F_SETFL, O_NONBLOCK = ZVFS_O_NONBLOCK;
/** zsock_ioctl's requests, with an Out<number> argument: FIONBIO sets non-blocking when
 *  arg.value is non-zero, clears it when 0; FIONREAD stores the bytes readable now in arg.value
 *  (-EOPNOTSUPP on a TLS socket). -EFAULT for an argument that cannot be read or written. */
export const ZFD_IOCTL_FIONREAD = 0x541b, ZFD_IOCTL_FIONBIO = 0x5421,
  FIONREAD = ZFD_IOCTL_FIONREAD, FIONBIO = ZFD_IOCTL_FIONBIO;

/** Limits: SOMAXCONN caps zsock_listen's backlog (0 counts as 1); NI_MAXHOST is the size of a
 *  host name buffer for getnameinfo in C (JS callers get a string). */
export const SOMAXCONN = 128, NI_MAXHOST = 64;

/** zsock_getaddrinfo's hints.ai_flags (Zephyr's values): AI_PASSIVE makes a null host the
 *  any-address (for bind) rather than loopback; AI_CANONNAME puts the host name in the first
 *  result's ai_canonname; AI_NUMERICHOST refuses a name that is not an address literal
 *  (EAI_FAIL, no lookup). AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG, AI_NUMERICSERV and AI_EXTFLAGS are
 *  accepted and change nothing (services are port numbers anyway); an unknown bit is
 *  EAI_BADFLAGS. */
export const AI_PASSIVE = 0x1, AI_CANONNAME = 0x2, AI_NUMERICHOST = 0x4, AI_V4MAPPED = 0x8,
  AI_ALL = 0x10, AI_ADDRCONFIG = 0x20, AI_NUMERICSERV = 0x400, AI_EXTFLAGS = 0x800;
/** zsock_getnameinfo's flags. As Zephyr's, getnameinfo is numeric only (the address as text,
 *  the port in decimal), so every flag is accepted and ignored. */
export const NI_NUMERICHOST = 1, NI_NUMERICSERV = 2, NI_NOFQDN = 4, NI_NAMEREQD = 8, NI_DGRAM = 16;

/** What zsock_getaddrinfo and zsock_getnameinfo return on failure (negative, as Zephyr's and
 *  glibc's; zsock_gai_strerror gives the message). zsock returns EAI_BADFLAGS (unknown
 *  ai_flags), EAI_NONAME (unknown host or malformed service), EAI_AGAIN (no answer within
 *  CONFIG_NET_SOCKETS_DNS_TIMEOUT), EAI_FAIL (resolver failure, or AI_NUMERICHOST with a name),
 *  EAI_NODATA (no address of the family asked), EAI_FAMILY, EAI_SOCKTYPE (hints outside
 *  AF_UNSPEC/INET/INET6 or 0/STREAM/DGRAM), EAI_ADDRFAMILY (a literal of the other family) and
 *  EAI_SYSTEM (errno says why, e.g. EFAULT for a result holder that cannot be written). The others
 *  are glibc's values, kept for ported code. */
export const EAI_BADFLAGS = -1, EAI_NONAME = -2, EAI_AGAIN = -3, EAI_FAIL = -4, EAI_NODATA = -5,
  EAI_FAMILY = -6, EAI_SOCKTYPE = -7, EAI_SERVICE = -8, EAI_ADDRFAMILY = -9,
  EAI_MEMORY = -10, EAI_SYSTEM = -11, EAI_OVERFLOW = -12,
  EAI_INPROGRESS = -100, EAI_CANCELED = -101, EAI_NOTCANCELED = -102, EAI_ALLDONE = -103,
  EAI_IDN_ENCODE = -105;

/** The secure-socket option level of zsock_setsockopt/getsockopt (the TLS_* option names). */
export const SOL_TLS = 282;
/** SOL_TLS option names (Zephyr's secure sockets, sockets_tls.c), values in JS. Set before the
 *  handshake: TLS_SEC_TAG_LIST number[] (credential tags; -ENOENT for a tag with none, -EINVAL
 *  for one whose credentials do not parse or hold a PSK without its PSK_ID), TLS_HOSTNAME a
 *  string or null (SNI and the name verified; write-only), TLS_CIPHERSUITE_LIST number[] (IANA
 *  ids; [] for all), TLS_PEER_VERIFY and TLS_DTLS_ROLE (their value groups; write-only),
 *  TLS_ALPN_LIST string[] (each 1..255 chars), TLS_DTLS_HANDSHAKE_TIMEOUT_MIN/_MAX ms (defaults
 *  1000, 60000), TLS_CERT_NOCOPY, TLS_SESSION_CACHE, TLS_DTLS_CID (their value groups),
 *  TLS_DTLS_CID_VALUE a Uint8Array of at most 32 bytes, TLS_DTLS_HANDSHAKE_ON_CONNECT 0/1
 *  (default 1), TLS_CERT_VERIFY_CALLBACK a TlsCertVerifyCb {cb, ctx}, TLS_NATIVE a number (kept; Zephyr's
 *  offloading switch).
 *  TLS_SESSION_CACHE_PURGE (set, any value) clears every session cache. Read-only, after the
 *  handshake (else -ENOTCONN): TLS_CIPHERSUITE_USED (IANA id), TLS_CERT_VERIFY_RESULT
 *  (mbedTLS's X509 BADCERT flags, 0 when verified), and on DTLS TLS_DTLS_CID_STATUS and
 *  TLS_DTLS_PEER_CID_VALUE (Uint8Array). Readable too: TLS_SEC_TAG_LIST, TLS_CIPHERSUITE_LIST
 *  (the list set, else every suite), TLS_ALPN_LIST, the DTLS timeouts, TLS_SESSION_CACHE,
 *  TLS_DTLS_CID_VALUE, TLS_DTLS_HANDSHAKE_ON_CONNECT. A bad value is -EINVAL; setting a read-only option,
 *  reading a write-only one, or an unknown name is -ENOPROTOOPT. */
export const TLS_SEC_TAG_LIST = 1, TLS_HOSTNAME = 2, TLS_CIPHERSUITE_LIST = 3, TLS_CIPHERSUITE_USED = 4,
  TLS_PEER_VERIFY = 5, TLS_DTLS_ROLE = 6, TLS_ALPN_LIST = 7,
  TLS_DTLS_HANDSHAKE_TIMEOUT_MIN = 8, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX = 9, TLS_CERT_NOCOPY = 10,
  TLS_NATIVE = 11, TLS_SESSION_CACHE = 12, TLS_SESSION_CACHE_PURGE = 13, TLS_DTLS_CID = 14,
  TLS_DTLS_CID_STATUS = 15, TLS_DTLS_CID_VALUE = 16, TLS_DTLS_PEER_CID_VALUE = 17,
  TLS_DTLS_HANDSHAKE_ON_CONNECT = 18, TLS_CERT_VERIFY_RESULT = 19, TLS_CERT_VERIFY_CALLBACK = 20;
/** TLS_PEER_VERIFY's values: whether the peer's certificate is checked. NONE skips it; OPTIONAL
 *  checks and reports (TLS_CERT_VERIFY_RESULT) without failing; REQUIRED fails the handshake.
 *  Not set: mbedTLS's default, REQUIRED for a client, NONE for a server. */
export const TLS_PEER_VERIFY_NONE = 0, TLS_PEER_VERIFY_OPTIONAL = 1, TLS_PEER_VERIFY_REQUIRED = 2;
/** TLS_DTLS_ROLE's values: which side of the DTLS handshake the socket takes (default client). */
export const TLS_DTLS_ROLE_CLIENT = 0, TLS_DTLS_ROLE_SERVER = 1;
/** TLS_CERT_NOCOPY's values (Zephyr: whether mbedTLS may keep a pointer to the peer's
 *  certificate instead of a copy); zsock keeps the setting (default NONE). */
export const TLS_CERT_NOCOPY_NONE = 0, TLS_CERT_NOCOPY_OPTIONAL = 1;
/** TLS_SESSION_CACHE's values (default DISABLED): whether sessions are kept for resumption, a
 *  client's keyed by peer address and port, a server's in its session cache. */
export const TLS_SESSION_CACHE_DISABLED = 0, TLS_SESSION_CACHE_ENABLED = 1;
/** TLS_DTLS_CID's values (RFC 9146 connection IDs): DISABLED (the default); SUPPORTED offers
 *  the extension with an empty ID of ours (the peer's ID goes on the records we send); ENABLED
 *  also asks for ours (a client's TLS_DTLS_CID_VALUE, else a random one; a server gives each
 *  peer its own random one, to find the session when the peer's address changes). */
export const TLS_DTLS_CID_DISABLED = 0, TLS_DTLS_CID_SUPPORTED = 1, TLS_DTLS_CID_ENABLED = 2;
/** What getsockopt(TLS_DTLS_CID_STATUS) reads once the DTLS handshake is over (-EAGAIN before,
 *  -ENOTCONN without a session): which directions carry a connection ID (DOWNLINK: the records
 *  we receive; UPLINK: those we send). */
export const TLS_DTLS_CID_STATUS_DISABLED = 0, TLS_DTLS_CID_STATUS_DOWNLINK = 1,
  TLS_DTLS_CID_STATUS_UPLINK = 2, TLS_DTLS_CID_STATUS_BIDIRECTIONAL = 3;
/** SOL_TLS TLS_KEYLOG (zsock's own option: zsock's numbers start at 1001, above Zephyr's 1..20).
 *  setsockopt: TLS_KEYLOG_ENABLED (1) keeps the NSS key log lines (SSLKEYLOGFILE's format, for
 *  Wireshark) of the socket's sessions from the next handshake on; TLS_KEYLOG_DISABLED (0, the
 *  default) stops and wipes them; any other value is EINVAL. getsockopt: a Uint8Array of the
 *  lines kept since the last read (empty when none), which the socket no longer holds: wipe it
 *  when done. An accepted socket inherits the setting, not the lines; at most 4 KB are kept
 *  unread (later lines are dropped). ENOPROTOOPT on a socket that is not TLS or DTLS. */
export const TLS_KEYLOG = 1001;
/** TLS_KEYLOG's values. */
export const TLS_KEYLOG_DISABLED = 0, TLS_KEYLOG_ENABLED = 1;

/* Beyond Zephyr: application-controlled TLS (z/OS AT-TLS's SIOCTTLSCTL, ../docs/ttls.md).
 * SIOCTTLSCTL and the status values are z/OS's; the request bits and reason codes are zsock's. */

/** zsock_ioctl's request for application-controlled TLS (z/OS AT-TLS): its argument is a
 *  TtlsIoctl and it returns a Promise of 0 or -errno, with the reason (TTLS_JR_*) in the
 *  request (docs/ttls.md, Table 1, gives the errno of every case). */
export const SIOCTTLSCTL = 0xc038d90b;
/** TtlsIoctl's `version`: 2 adds the outBuffer records (TTLS_ATTR_*) of QUERY_ONLY; another
 *  value is -EINVAL (TTLS_JR_INVALID_VERSION). */
export const TTLS_VERSION1 = 1, TTLS_VERSION2 = 2;
/** TtlsIoctl's `requestType` bits. QUERY_ONLY fills the status fields (alone: with an action
 *  it is -EINVAL). Actions: INIT_CONNECTION starts the handshake on the plain connection
 *  (STARTTLS), with ALLOW_HSTIMEOUT a server left plain when the peer sends nothing in time;
 *  STOP_CONNECTION exchanges close_notify and returns to plain text; RESET_SESSION drops the
 *  cached session; RESET_CIPHER renegotiates (TLS 1.2); RESET_WRITE_CIPHER sends a KeyUpdate
 *  and SEND_SESSION_TICKET a NewSessionTicket (TLS 1.3); RETURN_CERTIFICATE copies the peer's
 *  certificate into certBuffer. Conflicting actions are -EPERM. */
export const TTLS_QUERY_ONLY = 0x001, TTLS_INIT_CONNECTION = 0x002, TTLS_RESET_SESSION = 0x004,
  TTLS_RESET_CIPHER = 0x008, TTLS_STOP_CONNECTION = 0x010, TTLS_ALLOW_HSTIMEOUT = 0x020,
  TTLS_RETURN_CERTIFICATE = 0x040, TTLS_RESET_WRITE_CIPHER = 0x080, TTLS_SEND_SESSION_TICKET = 0x100;
/** TtlsIoctl's `policyStatus` (z/OS TTLSi_Stat_Policy): OFF, no policy table; NO_POLICY, no rule
 *  maps the connection; NOT_ENABLED, its rule has TLS off; ENABLED, TLS by policy (transparent);
 *  APPLCNTRL, the application starts TLS itself. */
export const TTLS_POL_OFF = 1, TTLS_POL_NO_POLICY = 2, TTLS_POL_NOT_ENABLED = 3, TTLS_POL_ENABLED = 4,
  TTLS_POL_APPLCNTRL = 5;
/** TtlsIoctl's `connStatus` (z/OS TTLSi_Stat_Conn): plain, handshake under way, or secure. */
export const TTLS_CONN_NOTSECURE = 1, TTLS_CONN_HS_INPROGRESS = 2, TTLS_CONN_SECURE = 3;
/** TtlsIoctl's `secType` (z/OS TTLSi_Sec_Type): the HandshakeRole of the mapped rule (SERVER_CA:
 *  a server that requires the client's certificate). */
export const TTLS_SEC_UNKNOWN = 0, TTLS_SEC_CLIENT = 1, TTLS_SEC_SERVER = 2, TTLS_SEC_SERVER_CA = 3;
/** TtlsIoctl's `reason` (AT-TLS's Errnojr), set on every return beside the errno: which case of
 *  docs/ttls.md's Table 1 the ioctl hit (OK on success, and with EINPROGRESS/EWOULDBLOCK). */
export const TTLS_JR_OK = 0, TTLS_JR_CONN_DENIED_POLICY = 1, TTLS_JR_ALREADY_ACTIVE = 2,
  TTLS_JR_HANDSHAKE_FAILED = 3, TTLS_JR_INVALID_VERSION = 4, TTLS_JR_SOCKET_CALL_PARM_ERROR = 5,
  TTLS_JR_UNEXPECTED_ERR = 6, TTLS_JR_BUFF_TOO_SMALL = 7, TTLS_JR_GET_CONN_ERROR = 8,
  TTLS_JR_OPT_NOT_SUPPORTED = 9, TTLS_JR_STOP_READ_DATA_PENDING = 10,
  TTLS_JR_STOP_WRITE_DATA_PENDING = 11, TTLS_JR_SOCKET_TYPE_NOT_SUPPORTED = 12;
/** Ids of the version 2 records QUERY_ONLY writes to outBuffer ([u16 id][u16 length][value],
 *  big-endian; whole records only, -ENOBUFS when not all fit): the ALPN protocol chosen, the
 *  certificate verify result, KeyUpdates and tickets received, and RESUMED (server: 1 when a
 *  ticket or cached session was accepted). */
export const TTLS_ATTR_ALPN = 1, TTLS_ATTR_VERIFY_RESULT = 2, TTLS_ATTR_KEY_UPDATES = 3, TTLS_ATTR_TICKETS = 4,
  TTLS_ATTR_RESUMED = 5;

/** Beyond Zephyr: zsock_tls_get_error's results (OpenSSL's SSL_get_error codes, same values):
 *  NONE exactly when the call returned > 0; ZERO_RETURN after the peer's close_notify;
 *  WANT_READ / WANT_WRITE when the call would block on the peer / on a full connection;
 *  WANT_CONNECT / WANT_ACCEPT while TCP connects / a non-blocking listener has nothing;
 *  WANT_X509_LOOKUP while a TLS_CERT_VERIFY_CALLBACK's Promise is pending; SYSCALL for transport
 *  failures and EOF without close_notify; SSL for a TLS failure (the error queue holds it). */
export const SSL_ERROR_NONE = 0, SSL_ERROR_SSL = 1, SSL_ERROR_WANT_READ = 2, SSL_ERROR_WANT_WRITE = 3,
  SSL_ERROR_WANT_X509_LOOKUP = 4, SSL_ERROR_SYSCALL = 5, SSL_ERROR_ZERO_RETURN = 6,
  SSL_ERROR_WANT_CONNECT = 7, SSL_ERROR_WANT_ACCEPT = 8;

/** Beyond Zephyr: the returnValue of a zsock_tls_handshake_start completion (IBM i GSKit's
 *  gsk_secure_soc_startInit): GSK_OK, or GSK_ERROR_IO with errnoValue (ECONNABORTED, ETIMEDOUT,
 *  ECANCELED). */
export const GSK_OK = 0, GSK_ERROR_IO = 406;
/** The operationCompleted of a zsock_tls_handshake_start completion (GSKit's
 *  GSK_SECURE_SOC_STARTINIT). */
export const GSKSECURESOCSTARTINIT = 6;
