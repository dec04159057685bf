/** Zephyr's socket constants, with Zephyr's numeric values (include/zephyr/net/socket.h,
 *  net_ip.h, sys/fdtable.h, dns_resolve.h). Not Linux's: AF_INET6 is 2, SOL_SOCKET 1. */

export const AF_UNSPEC = 0, AF_INET = 1, AF_INET6 = 2, AF_PACKET = 3, AF_CAN = 4, AF_NET_MGMT = 5;
export const AF_LOCAL = 6, AF_UNIX = 6;
export const PF_INET = AF_INET, PF_INET6 = AF_INET6, PF_UNIX = AF_UNIX;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3;

export const IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41, IPPROTO_RAW = 255;
export const IPPROTO_TLS_1_0 = 256, IPPROTO_TLS_1_1 = 257, IPPROTO_TLS_1_2 = 258, IPPROTO_TLS_1_3 = 259;
export const IPPROTO_DTLS_1_0 = 272, IPPROTO_DTLS_1_2 = 273;

export const ZSOCK_MSG_PEEK = 0x02, ZSOCK_MSG_CTRUNC = 0x08, ZSOCK_MSG_TRUNC = 0x20;
export const ZSOCK_MSG_DONTWAIT = 0x40, ZSOCK_MSG_WAITALL = 0x100;

export const ZSOCK_POLLIN = 1, ZSOCK_POLLPRI = 2, ZSOCK_POLLOUT = 4, ZSOCK_POLLERR = 8;
export const ZSOCK_POLLHUP = 0x10, ZSOCK_POLLNVAL = 0x20;

export const ZSOCK_SHUT_RD = 0, ZSOCK_SHUT_WR = 1, ZSOCK_SHUT_RDWR = 2;

export const SOL_SOCKET = 1;
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5;
export const SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10;
export const SO_PRIORITY = 12, SO_LINGER = 13, SO_REUSEPORT = 15, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19;
export const SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_BINDTODEVICE = 25, SO_ACCEPTCONN = 30;
export const SO_TIMESTAMPING = 37, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_SOCKS5 = 60, SO_TXTIME = 61;

export const TCP_NODELAY = 1, TCP_KEEPIDLE = 2, TCP_KEEPINTVL = 3, TCP_KEEPCNT = 4;
export const IPV6_V6ONLY = 26;
/** IPPROTO_IP: IP_PKTINFO (recvmsg gives an IP_PKTINFO control message with struct
 *  in_pktinfo), IP_LOCAL_PORT_RANGE (uint32: the socket's ephemeral ports, lower bound in the low
 *  16 bits, upper in the high 16; 0 for either means the global bound). */
export const IP_PKTINFO = 8, IP_LOCAL_PORT_RANGE = 51;
/** IPPROTO_IPV6: recvmsg gives an IPV6_RECVPKTINFO control message with struct in6_pktinfo. */
export const IPV6_RECVPKTINFO = 49;

export const ZVFS_F_GETFL = 3, ZVFS_F_SETFL = 4, ZVFS_O_NONBLOCK = 0x4000;
export const F_GETFL = ZVFS_F_GETFL, F_SETFL = ZVFS_F_SETFL, O_NONBLOCK = ZVFS_O_NONBLOCK;
export const ZFD_IOCTL_FIONREAD = 0x541b, ZFD_IOCTL_FIONBIO = 0x5421;
export const FIONREAD = ZFD_IOCTL_FIONREAD, FIONBIO = ZFD_IOCTL_FIONBIO;

export const SOMAXCONN = 128, NI_MAXHOST = 64;

export const AI_PASSIVE = 0x1, AI_CANONNAME = 0x2, AI_NUMERICHOST = 0x4, AI_V4MAPPED = 0x8;
export const AI_ALL = 0x10, AI_ADDRCONFIG = 0x20, AI_NUMERICSERV = 0x400, AI_EXTFLAGS = 0x800;
export const NI_NUMERICHOST = 1, NI_NUMERICSERV = 2, NI_NOFQDN = 4, NI_NAMEREQD = 8, NI_DGRAM = 16;

export const EAI_BADFLAGS = -1, EAI_NONAME = -2, EAI_AGAIN = -3, EAI_FAIL = -4, EAI_NODATA = -5;
export const EAI_FAMILY = -6, EAI_SOCKTYPE = -7, EAI_SERVICE = -8, EAI_ADDRFAMILY = -9;
export const EAI_MEMORY = -10, EAI_SYSTEM = -11, EAI_OVERFLOW = -12;
export const EAI_INPROGRESS = -100, EAI_CANCELED = -101, EAI_NOTCANCELED = -102, EAI_ALLDONE = -103;
export const EAI_IDN_ENCODE = -105;

/* Secure sockets (socket.h): SOL_TLS options 1..20 and their values. */
export const SOL_TLS = 282;
export const TLS_SEC_TAG_LIST = 1, TLS_HOSTNAME = 2, TLS_CIPHERSUITE_LIST = 3, TLS_CIPHERSUITE_USED = 4;
export const TLS_PEER_VERIFY = 5, TLS_DTLS_ROLE = 6, TLS_ALPN_LIST = 7;
export const TLS_DTLS_HANDSHAKE_TIMEOUT_MIN = 8, TLS_DTLS_HANDSHAKE_TIMEOUT_MAX = 9, TLS_CERT_NOCOPY = 10;
export const TLS_NATIVE = 11, TLS_SESSION_CACHE = 12, TLS_SESSION_CACHE_PURGE = 13, TLS_DTLS_CID = 14;
export const TLS_DTLS_CID_STATUS = 15, TLS_DTLS_CID_VALUE = 16, TLS_DTLS_PEER_CID_VALUE = 17;
export const TLS_DTLS_HANDSHAKE_ON_CONNECT = 18, TLS_CERT_VERIFY_RESULT = 19, TLS_CERT_VERIFY_CALLBACK = 20;
export const TLS_PEER_VERIFY_NONE = 0, TLS_PEER_VERIFY_OPTIONAL = 1, TLS_PEER_VERIFY_REQUIRED = 2;
export const TLS_DTLS_ROLE_CLIENT = 0, TLS_DTLS_ROLE_SERVER = 1;
export const TLS_CERT_NOCOPY_NONE = 0, TLS_CERT_NOCOPY_OPTIONAL = 1;
export const TLS_SESSION_CACHE_DISABLED = 0, TLS_SESSION_CACHE_ENABLED = 1;
export const TLS_DTLS_CID_DISABLED = 0, TLS_DTLS_CID_SUPPORTED = 1, TLS_DTLS_CID_ENABLED = 2;
export const TLS_DTLS_CID_STATUS_DISABLED = 0, TLS_DTLS_CID_STATUS_DOWNLINK = 1;
export const TLS_DTLS_CID_STATUS_UPLINK = 2, TLS_DTLS_CID_STATUS_BIDIRECTIONAL = 3;
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
export const SIOCTTLSCTL = 0xc038d90b;
export const TTLS_VERSION1 = 1, TTLS_VERSION2 = 2;
export const TTLS_QUERY_ONLY = 0x001, TTLS_INIT_CONNECTION = 0x002, TTLS_RESET_SESSION = 0x004;
export const TTLS_RESET_CIPHER = 0x008, TTLS_STOP_CONNECTION = 0x010, TTLS_ALLOW_HSTIMEOUT = 0x020;
export const TTLS_RETURN_CERTIFICATE = 0x040, TTLS_RESET_WRITE_CIPHER = 0x080, TTLS_SEND_SESSION_TICKET = 0x100;
/** TTLSi_Stat_Policy */
export const TTLS_POL_OFF = 1, TTLS_POL_NO_POLICY = 2, TTLS_POL_NOT_ENABLED = 3, TTLS_POL_ENABLED = 4;
export const TTLS_POL_APPLCNTRL = 5;
/** TTLSi_Stat_Conn */
export const TTLS_CONN_NOTSECURE = 1, TTLS_CONN_HS_INPROGRESS = 2, TTLS_CONN_SECURE = 3;
/** TTLSi_Sec_Type (the HandshakeRole of the mapped rule) */
export const TTLS_SEC_UNKNOWN = 0, TTLS_SEC_CLIENT = 1, TTLS_SEC_SERVER = 2, TTLS_SEC_SERVER_CA = 3;
/** Reason codes (Errnojr), returned in the request beside the errno. */
export const TTLS_JR_OK = 0, TTLS_JR_CONN_DENIED_POLICY = 1, TTLS_JR_ALREADY_ACTIVE = 2;
export const TTLS_JR_HANDSHAKE_FAILED = 3, TTLS_JR_INVALID_VERSION = 4, TTLS_JR_SOCKET_CALL_PARM_ERROR = 5;
export const TTLS_JR_UNEXPECTED_ERR = 6, TTLS_JR_BUFF_TOO_SMALL = 7, TTLS_JR_GET_CONN_ERROR = 8;
export const TTLS_JR_OPT_NOT_SUPPORTED = 9, TTLS_JR_STOP_READ_DATA_PENDING = 10;
export const TTLS_JR_STOP_WRITE_DATA_PENDING = 11, TTLS_JR_SOCKET_TYPE_NOT_SUPPORTED = 12;
/** Version 2 output records ([u16 id][u16 length][value], big-endian) for QUERY_ONLY. */
export const TTLS_ATTR_ALPN = 1, TTLS_ATTR_VERIFY_RESULT = 2, TTLS_ATTR_KEY_UPDATES = 3, TTLS_ATTR_TICKETS = 4;
export const TTLS_ATTR_RESUMED = 5;

/* Beyond Zephyr: OpenSSL's SSL_get_error result codes (zsock_tls_get_error). */
export const SSL_ERROR_NONE = 0, SSL_ERROR_SSL = 1, SSL_ERROR_WANT_READ = 2, SSL_ERROR_WANT_WRITE = 3;
export const SSL_ERROR_WANT_X509_LOOKUP = 4, SSL_ERROR_SYSCALL = 5, SSL_ERROR_ZERO_RETURN = 6;
export const SSL_ERROR_WANT_CONNECT = 7, SSL_ERROR_WANT_ACCEPT = 8;

/* Beyond Zephyr: IBM i's asynchronous handshake (gsk_secure_soc_startInit + I/O completion). */
export const GSK_OK = 0, GSK_ERROR_IO = 406;
export const GSKSECURESOCSTARTINIT = 6;
