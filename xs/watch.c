/*
 * The host's I/O wait, as a device's network task feeds its machine: descriptors the network
 * natives watch (poll(2) interest and a callback), and callbacks posted for a later turn of the
 * loop (Moddable's modMessagePostToMachine: never inside the caller's stack). Callbacks live in
 * one remembered JS object, keyed by descriptor, so the collector sees them; the C side keeps
 * only the pollfd table.
 */
#include "xsAll.h"
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#define ZX_MAX_FDS 256

static struct pollfd gFds[ZX_MAX_FDS];
static int gFdCount;
static xsSlot gCallbacks; /* { [fd]: callback(revents) } */
static xsSlot gPosted;    /* [callback, ...] for the next turn */
static int gPostedCount;
static int gWake[2] = { -1, -1 }; /* a signal's byte: poll(2) returns even if it came just before */

void zx_wake(void)
{
	if (gWake[1] >= 0 && write(gWake[1], "", 1) < 0) { /* full: a wake-up is pending anyway */ }
}

void zx_watch_init(xsMachine* the)
{
	if (pipe(gWake) < 0)
		gWake[0] = gWake[1] = -1;
	for (int i = 0; i < 2 && gWake[i] >= 0; i++) {
		fcntl(gWake[i], F_SETFL, fcntl(gWake[i], F_GETFL) | O_NONBLOCK);
		fcntl(gWake[i], F_SETFD, FD_CLOEXEC);
	}
	xsBeginHost(the);
	{
		gCallbacks = xsNewObject();
		xsRemember(gCallbacks);
		gPosted = xsNewArray(0);
		xsRemember(gPosted);
	}
	xsEndHost(the);
}

static int slot_of(int fd)
{
	for (int i = 0; i < gFdCount; i++)
		if (gFds[i].fd == fd)
			return i;
	return -1;
}

/* Interest in `fd` (POLLIN / POLLOUT) with `callback`; events 0 forgets the descriptor.
 * 0, or -ENFILE when the table is full. */
int zx_watch(xsMachine* the, int fd, short events, xsSlot* callback)
{
	int i = slot_of(fd);
	if (!events) {
		if (i >= 0) {
			gFds[i] = gFds[--gFdCount];
			xsDeleteAt(gCallbacks, xsInteger(fd));
		}
		return 0;
	}
	if (i < 0) {
		if (gFdCount == ZX_MAX_FDS)
			return -ENFILE;
		i = gFdCount++;
	}
	gFds[i].fd = fd;
	gFds[i].events = events;
	gFds[i].revents = 0;
	if (callback)
		xsSetAt(gCallbacks, xsInteger(fd), *callback);
	return 0;
}

void zx_post(xsMachine* the, xsSlot* callback)
{
	xsCall1(gPosted, xsID("push"), *callback);
	gPostedCount++;
}

int zx_watch_busy(void)
{
	return gFdCount > 0 || gPostedCount > 0;
}

/* A callback's exception is the firmware's crash, reported where the machine is whole. */
static void call_guarded(xsMachine* the, xsSlot* fn, xsSlot* arg)
{
	xsTry {
		xsCallFunction1(*fn, xsUndefined, *arg);
	}
	xsCatch {
		mxException = xsException;
		fxAbort(the, XS_UNHANDLED_EXCEPTION_EXIT);
	}
}

/* Runs what was posted before this turn (what those callbacks post waits for the next). */
void zx_run_posted(xsMachine* the)
{
	if (!gPostedCount)
		return;
	xsBeginHost(the);
	{
		xsVars(3);
		xsVar(0) = gPosted;
		xsForget(gPosted);
		gPosted = xsNewArray(0);
		xsRemember(gPosted);
		gPostedCount = 0;
		xsIntegerValue n = xsToInteger(xsGet(xsVar(0), xsID("length")));
		for (xsIntegerValue k = 0; k < n; k++) {
			xsVar(1) = xsGetAt(xsVar(0), xsInteger(k));
			xsVar(2) = xsUndefined;
			call_guarded(the, &xsVar(1), &xsVar(2));
		}
	}
	xsEndHost(the);
}

static void deliver(xsMachine* the, int fd, int revents)
{
	xsBeginHost(the);
	{
		xsVars(2);
		/* An earlier callback of this turn may have forgotten or replaced the descriptor. */
		if (xsHasAt(gCallbacks, xsInteger(fd))) {
			xsVar(0) = xsGetAt(gCallbacks, xsInteger(fd));
			xsVar(1) = xsInteger(revents);
			call_guarded(the, &xsVar(0), &xsVar(1));
		}
	}
	xsEndHost(the);
}

/* Waits up to `timeout` ms (-1: no limit, 0: not at all) for the watched descriptors, then
 * delivers their events, running promise jobs after each (`jobs`). */
void zx_watch_wait(xsMachine* the, int timeout, void (*jobs)(xsMachine*))
{
	struct pollfd ready[ZX_MAX_FDS + 1];
	int n = gFdCount;
	if (timeout != 0 && !gPostedCount)
		zx_sim_idle();
	if (gPostedCount)
		timeout = 0;
	c_memcpy(ready, gFds, n * sizeof(struct pollfd));
	ready[n].fd = gWake[0];
	ready[n].events = POLLIN;
	ready[n].revents = 0;
	zx_waiting = 1;
	int r = zx_exiting() ? 0 : poll(ready, n + 1, timeout);
	zx_waiting = 0;
	if (r < 0 && errno != EINTR) {
		perror("poll");
		zx_request_exit(70);
		return;
	}
	for (int i = 0; r > 0 && i < n && !zx_exiting(); i++) {
		if (!ready[i].revents || slot_of(ready[i].fd) < 0)
			continue;
		deliver(the, ready[i].fd, ready[i].revents);
		jobs(the);
	}
}
