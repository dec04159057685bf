/*
 * zsock-xs:sim, the board process's end of `zsock sim --engine xs`: the pipe to the simulator
 * (its descriptor in ZSOCK_XS_SIM_FD, adopted as one of net.c's so that recv/send/watch take it)
 * and a bounded wait on it, for the synchronous calls of xs/io419_sim.js.
 *
 *   fd -> the pipe's descriptor, or -1 when this process was not started by the simulator
 *   version -> "XS 13.3.0" (the engine's, for the simulator's boot line)
 *   wait(fd, what, ms) -> 1 ready, 0 timed out, -errno   (what: 1 readable, 2 writable; ms -1: no limit)
 */
#include "xsAll.h"
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZX_STR(x) #x
#define ZX_XSTR(x) ZX_STR(x)
#define ZX_VERSION "XS " ZX_XSTR(XS_MAJOR_VERSION) "." ZX_XSTR(XS_MINOR_VERSION) "." ZX_XSTR(XS_PATCH_VERSION)

/* The simulator's pipe: set (and used for the built-in classes) only when the variable names a
 * descriptor this process has open. */
int zx_sim_fd(void)
{
	static int fd = -2;
	if (fd == -2) {
		const char* v = getenv("ZSOCK_XS_SIM_FD");
		char* end = NULL;
		long n = v ? strtol(v, &end, 10) : -1;
		fd = (v && *v && !*end && n > 2 && n < 1024 && fcntl((int)n, F_GETFD) >= 0) ? (int)n : -1;
	}
	return fd;
}

static void sim_wait(xsMachine* the)
{
	int argc = xsToInteger(xsArgc);
	int fd = argc > 0 ? xsToInteger(xsArg(0)) : -1;
	int what = argc > 1 ? xsToInteger(xsArg(1)) : 0;
	int ms = argc > 2 ? xsToInteger(xsArg(2)) : -1;
	if (fd < 0 || fd != zx_sim_fd() || (what != 1 && what != 2)) {
		xsResult = xsInteger(fd != zx_sim_fd() ? -EBADF : -EINVAL);
		return;
	}
	struct pollfd p = { fd, what == 1 ? POLLIN : POLLOUT, 0 };
	int n;
	do
		n = poll(&p, 1, ms < 0 ? -1 : ms);
	while (n < 0 && errno == EINTR && !zx_exiting());
	xsResult = xsInteger(n < 0 ? -errno : n > 0);
}

/* A notice (a frame the simulator does not answer), written whole between two of JS's (those
 * are written whole, synchronously, by xs/io419_sim.js): a JSON header and up to 2 KB of payload. */
int zx_sim_notice(const char* json, const unsigned char* payload, size_t n)
{
	unsigned char frame[6 + 128 + 2048];
	size_t len = strlen(json);
	int fd = zx_sim_fd();
	if (fd < 0 || len > 128 || n > 2048)
		return -1;
	uint32_t total = (uint32_t)(len + n) + 2;
	for (int i = 0; i < 4; i++)
		frame[i] = (unsigned char)(total >> (8 * i));
	frame[4] = (unsigned char)len;
	frame[5] = (unsigned char)(len >> 8);
	memcpy(frame + 6, json, len);
	if (n)
		memcpy(frame + 6 + len, payload, n);
	for (size_t at = 0; at < len + n + 6;) {
		ssize_t w = write(fd, frame + at, len + n + 6 - at);
		if (w < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (w > 0)
			at += (size_t)w;
	}
	return 0;
}

static void notice(int fd, const char* json)
{
	if (fd == zx_sim_fd())
		zx_sim_notice(json, NULL, 0);
}

void zx_sim_idle(void)
{
	static int told = 0;
	if (told || zx_sim_fd() < 0)
		return;
	told = 1;
	notice(zx_sim_fd(), "{\"op\":\"idle\"}");
}

void zx_install_sim(xsMachine* the)
{
	int fd = zx_sim_fd();
	if (fd >= 0 && zx_net_own(fd) < 0)
		fd = -1;
	/* The boot line's engine, before the firmware runs (a notice: no answer). */
	if (fd >= 0)
		notice(fd, "{\"op\":\"hello\",\"version\":\"" ZX_VERSION "\"}");
	xsBeginHost(the);
	{
		xsVars(1);
		xsVar(0) = xsNewObject();
		xsSet(xsVar(0), xsID("fd"), xsInteger(fd));
		xsSet(xsVar(0), xsID("version"), xsString(ZX_VERSION));
		xsSet(xsVar(0), xsID("wait"), xsNewHostFunction(sim_wait, 3));
		zx_native(the, "zsock-xs:sim", xsVar(0));
	}
	xsEndHost(the);
}
