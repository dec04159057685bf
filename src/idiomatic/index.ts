/**
 * zsock/idiomatic: sockets as objects over the zsock_* surface. TcpSocket.connect and
 * TcpServer.listen (TLS with a `tls` option), UdpSocket and DtlsSocket; read/write/send/receive
 * return promises, received data is async-iterable, `await using` closes, and every failure is
 * a ZsockError with a stable `code` (the errno's name) and its `errno`.
 */
export { TcpSocket } from './stream.js';
export { TcpServer, type ListenOptions } from './server.js';
export { UdpSocket, DtlsSocket, type Datagram, type BindOptions } from './datagram.js';
export { ZsockError, ERR_ZSOCK_INVALID_ARG } from './errors.js';
export type { SecureOptions, SocketOptions } from './options.js';
