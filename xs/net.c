/*
 * zsock-xs:net, the socket primitives under the ECMA-419 classes of xs/io419.js (as lwIP's raw
 * API is under Moddable's modules/io/socket/lwip): non-blocking POSIX sockets on this machine.
 * Every result is a value or a negative errno; a descriptor not opened here is -EBADF, so the
 * firmware cannot reach the host's own files. Sockets bind both families (IPV6_V6ONLY off), as
 * lwIP's IP_ANY_TYPE does.
 *
 *   tcpConnect(address, port) -> fd       connect in progress; soError(fd) says how it ended
 *   tcpListen(port, backlog) -> fd        localPort(fd) -> the port bound
 *   accept(fd) -> [fd, address, port] | undefined
 *   recv(fd, max) -> ArrayBuffer | 0 (end of stream) | undefined (nothing now) | -errno
 *   send(fd, bytes) -> count (0: kernel buffer full) | -errno
 *   outq(fd) -> bytes sent but not yet acknowledged (SIOCOUTQ)
 *   close(fd), abort(fd) (RST: SO_LINGER 0)
 *   udpBind(port) -> fd                   recvfrom(fd) -> [ArrayBuffer, address, port] | undefined
 *   sendto(fd, bytes, address, port) -> count | -errno
 *   watch(fd, events, callback(revents)), post(callback)   the loop (watch.c)
 *   resolve(name) -> "a.b.c.d" | undefined   (the system resolver, IPv4)
 */
#include "xsAll.h"
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

extern txInteger _xsmcGetBuffer(txMachine* the, txSlot* slot, void** data, txUnsigned* count, txBoolean writable);

#define ZX_NET_FDS 1024
static unsigned char gOwned[ZX_NET_FDS];

static int owned(int fd)
{
	return fd >= 0 && fd < ZX_NET_FDS && gOwned[fd];
}

/* A descriptor argument: one of ours, else the call returns -EBADF. */
static int fd_arg(xsMachine* the, int i)
{
	if (xsToInteger(xsArgc) <= i)
		return -1;
	int fd = xsToInteger(xsArg(i));
	return owned(fd) ? fd : -1;
}

static int port_arg(xsMachine* the, int i)
{
	int port = xsToInteger(xsArgc) > i ? xsToInteger(xsArg(i)) : -1;
	return port >= 0 && port <= 65535 ? port : -1;
}

static int adopt(int fd)
{
	if (fd >= ZX_NET_FDS) {
		close(fd);
		return -EMFILE;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	gOwned[fd] = 1;
	return fd;
}

int zx_net_own(int fd)
{
	return fd < 0 ? -EBADF : adopt(fd);
}

/* A numeric address (IPv4 mapped into IPv6) and port. 0 or -1. */
static int to_sockaddr(const char* address, int port, struct sockaddr_in6* sa)
{
	struct in_addr v4;
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, address, &sa->sin6_addr) == 1)
		return 0;
	if (inet_pton(AF_INET, address, &v4) != 1)
		return -1;
	sa->sin6_addr.s6_addr[10] = 0xff;
	sa->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sa->sin6_addr.s6_addr[12], &v4, 4);
	return 0;
}

/* The address as the 419 classes report it: dotted IPv4 for a mapped address. */
static void from_sockaddr(const struct sockaddr_in6* sa, char* out, size_t size, int* port)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t* b = sa->sin6_addr.s6_addr;
	if (!memcmp(b, mapped, 12))
		inet_ntop(AF_INET, b + 12, out, (socklen_t)size);
	else
		inet_ntop(AF_INET6, b, out, (socklen_t)size);
	*port = ntohs(sa->sin6_port);
}

static int dual_socket(int type, int port)
{
	struct sockaddr_in6 sa;
	int off = 0, on = 1;
	int fd = socket(AF_INET6, type, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (type == SOCK_STREAM) /* a listener may rebind over TIME_WAIT; UDP must not share a port */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (port >= 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sin6_family = AF_INET6;
		sa.sin6_addr = in6addr_any;
		sa.sin6_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr*)&sa, sizeof(sa)) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	return adopt(fd);
}

static void nodelay(int fd)
{
	int on = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

static void net_tcp_connect(xsMachine* the)
{
	struct sockaddr_in6 sa;
	int port = port_arg(the, 1);
	if (xsToInteger(xsArgc) < 2 || xsTypeOf(xsArg(0)) != xsStringType || port < 0 || to_sockaddr(xsToString(xsArg(0)), port, &sa) < 0) {
		xsResult = xsInteger(-EINVAL);
		return;
	}
	int fd = dual_socket(SOCK_STREAM, -1);
	if (fd >= 0) {
		nodelay(fd);
		if (connect(fd, (struct sockaddr*)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
			int e = errno;
			gOwned[fd] = 0;
			close(fd);
			fd = -e;
		}
	}
	xsResult = xsInteger(fd);
}

static void net_tcp_listen(xsMachine* the)
{
	int port = port_arg(the, 0);
	int backlog = xsToInteger(xsArgc) > 1 ? xsToInteger(xsArg(1)) : 1;
	if (port < 0 || backlog < 1) {
		xsResult = xsInteger(-EINVAL);
		return;
	}
	int fd = dual_socket(SOCK_STREAM, port);
	if (fd >= 0 && listen(fd, backlog) < 0) {
		int e = errno;
		gOwned[fd] = 0;
		close(fd);
		fd = -e;
	}
	xsResult = xsInteger(fd);
}

static void net_udp_bind(xsMachine* the)
{
	int port = port_arg(the, 0);
	xsResult = xsInteger(port < 0 ? -EINVAL : dual_socket(SOCK_DGRAM, port));
}

static void net_local_port(xsMachine* the)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int fd = fd_arg(the, 0);
	if (fd < 0)
		xsResult = xsInteger(-EBADF);
	else if (getsockname(fd, (struct sockaddr*)&sa, &len) < 0)
		xsResult = xsInteger(-errno);
	else
		xsResult = xsInteger(ntohs(sa.sin6_port));
}

/* [item0, address, port]: what accept and recvfrom return. */
static void triple(xsMachine* the, xsSlot first, const struct sockaddr_in6* sa)
{
	char address[INET6_ADDRSTRLEN];
	int port;
	from_sockaddr(sa, address, sizeof(address), &port);
	xsVars(1);
	xsVar(0) = first;
	xsResult = xsNewArray(3);
	xsSetAt(xsResult, xsInteger(0), xsVar(0));
	xsSetAt(xsResult, xsInteger(1), xsString(address));
	xsSetAt(xsResult, xsInteger(2), xsInteger(port));
}

static void net_accept(xsMachine* the)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int lfd = fd_arg(the, 0);
	int fd = lfd < 0 ? -1 : accept(lfd, (struct sockaddr*)&sa, &len);
	if (fd < 0)
		return; /* undefined: nothing pending (or a connection reset before it was accepted) */
	fd = adopt(fd);
	if (fd < 0)
		return;
	nodelay(fd);
	triple(the, xsInteger(fd), &sa);
}

static void net_so_error(xsMachine* the)
{
	int e = 0;
	socklen_t len = sizeof(e);
	int fd = fd_arg(the, 0);
	if (fd < 0)
		e = EBADF;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	xsResult = xsInteger(-e);
}

static void net_recv(xsMachine* the)
{
	static unsigned char buf[65536];
	int fd = fd_arg(the, 0);
	int max = xsToInteger(xsArgc) > 1 ? xsToInteger(xsArg(1)) : 0;
	if (fd < 0 || max <= 0) {
		xsResult = xsInteger(fd < 0 ? -EBADF : -EINVAL);
		return;
	}
	if (max > (int)sizeof(buf))
		max = sizeof(buf);
	ssize_t n = recv(fd, buf, max, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			xsResult = xsInteger(-errno);
		return;
	}
	xsResult = n ? xsArrayBuffer(buf, (xsIntegerValue)n) : xsInteger(0);
}

/* The bytes of argument i (an ArrayBuffer or a view), or a TypeError. */
static void* bytes_arg(xsMachine* the, int i, txUnsigned* size)
{
	void* data;
	if (xsToInteger(xsArgc) <= i || xsTypeOf(xsArg(i)) != xsReferenceType)
		xsTypeError("not a buffer");
	_xsmcGetBuffer(the, &xsArg(i), &data, size, 0);
	return data;
}

static void net_send(xsMachine* the)
{
	txUnsigned size;
	int fd = fd_arg(the, 0);
	void* data = bytes_arg(the, 1, &size);
	if (fd < 0) {
		xsResult = xsInteger(-EBADF);
		return;
	}
	ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
	xsResult = xsInteger(n < 0 ? ((errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno) : (int)n);
}

static void net_outq(xsMachine* the)
{
	int n = 0;
	int fd = fd_arg(the, 0);
	if (fd < 0 || ioctl(fd, SIOCOUTQ, &n) < 0)
		n = 0;
	xsResult = xsInteger(n);
}

static void forget(xsMachine* the, int fd)
{
	zx_watch(the, fd, 0, NULL);
	gOwned[fd] = 0;
	close(fd);
}

static void net_close(xsMachine* the)
{
	int fd = fd_arg(the, 0);
	if (fd >= 0)
		forget(the, fd);
}

static void net_abort(xsMachine* the)
{
	struct linger l = { 1, 0 };
	int fd = fd_arg(the, 0);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	forget(the, fd);
}

static void net_recvfrom(xsMachine* the)
{
	static unsigned char buf[65536];
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int fd = fd_arg(the, 0);
	ssize_t n = fd < 0 ? -1 : recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr*)&sa, &len);
	if (n >= 0)
		triple(the, xsArrayBuffer(buf, (xsIntegerValue)n), &sa);
}

static void net_sendto(xsMachine* the)
{
	struct sockaddr_in6 sa;
	txUnsigned size;
	int fd = fd_arg(the, 0);
	void* data = bytes_arg(the, 1, &size);
	int port = port_arg(the, 3);
	if (fd < 0 || port <= 0 || xsTypeOf(xsArg(2)) != xsStringType || to_sockaddr(xsToString(xsArg(2)), port, &sa) < 0) {
		xsResult = xsInteger(fd < 0 ? -EBADF : -EINVAL);
		return;
	}
	ssize_t n = sendto(fd, data, size, 0, (struct sockaddr*)&sa, sizeof(sa));
	xsResult = xsInteger(n < 0 ? -errno : (int)n);
}

static void net_watch(xsMachine* the)
{
	int fd = fd_arg(the, 0);
	int events = xsToInteger(xsArgc) > 1 ? xsToInteger(xsArg(1)) & (POLLIN | POLLOUT) : 0;
	if (fd < 0) {
		xsResult = xsInteger(-EBADF);
		return;
	}
	if (events && (xsToInteger(xsArgc) < 3 || !xsIsInstanceOf(xsArg(2), xsFunctionPrototype)))
		xsTypeError("watch: callback is not a function");
	xsResult = xsInteger(zx_watch(the, fd, (short)events, events ? &xsArg(2) : NULL));
}

static void net_post(xsMachine* the)
{
	if (xsToInteger(xsArgc) < 1 || !xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("post: callback is not a function");
	zx_post(the, &xsArg(0));
}

static void net_resolve(xsMachine* the)
{
	struct addrinfo hints, *res = NULL;
	char address[INET_ADDRSTRLEN];
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsStringType)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if (getaddrinfo(xsToString(xsArg(0)), NULL, &hints, &res) != 0 || !res)
		return;
	inet_ntop(AF_INET, &((struct sockaddr_in*)res->ai_addr)->sin_addr, address, sizeof(address));
	freeaddrinfo(res);
	xsResult = xsString(address);
}

void zx_install_net(xsMachine* the)
{
	static const struct { const char* name; xsCallback fn; int length; } fns[] = {
		{ "tcpConnect", net_tcp_connect, 2 }, { "tcpListen", net_tcp_listen, 2 },
		{ "localPort", net_local_port, 1 }, { "accept", net_accept, 1 }, { "soError", net_so_error, 1 },
		{ "recv", net_recv, 2 }, { "send", net_send, 2 }, { "outq", net_outq, 1 },
		{ "close", net_close, 1 }, { "abort", net_abort, 1 }, { "udpBind", net_udp_bind, 1 },
		{ "recvfrom", net_recvfrom, 1 }, { "sendto", net_sendto, 4 }, { "watch", net_watch, 3 },
		{ "post", net_post, 1 }, { "resolve", net_resolve, 1 },
	};
	xsBeginHost(the);
	{
		xsVars(1);
		xsVar(0) = xsNewObject();
		for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
			xsSet(xsVar(0), xsID((char*)fns[i].name), xsNewHostFunction(fns[i].fn, fns[i].length));
		xsSet(xsVar(0), xsID("POLLIN"), xsInteger(POLLIN));
		xsSet(xsVar(0), xsID("POLLOUT"), xsInteger(POLLOUT));
		zx_native(the, "zsock-xs:net", xsVar(0));
	}
	xsEndHost(the);
}
