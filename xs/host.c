/*
 * zsock-xs: runs a board's firmware (an ES module) on Moddable's XS engine, as a device would.
 *
 *   zsock-xs [--name BOARD] [--heap device|host] [--stats] FIRMWARE.mjs [ARG...]
 *
 * The loop runs promise jobs and timers until nothing is left to run or the firmware calls
 * zsock:sys exit(status); the process exits with that status (0 when the firmware just ends).
 * An uncaught exception or unhandled rejection is reported with the board's name and the stack,
 * then the process exits with XS's abort status, as a device reports and restarts.
 * --heap device gives the machine mcconfig's device heap (32 KB chunks, 2048 slots, growing in
 * small steps), so the collector runs as often as on a board.
 */
#include "xsAll.h"
#include "xsScript.h"
#include "host.h"
#include "region.h"

#include <signal.h>

txScript* zx_load_file(txMachine* the, const char* path, txUnsigned flags);

const char* zx_board = "xs";
static volatile int gExit = 0;
static int gStatus = 0;

int zx_exiting(void)
{
	return gExit;
}

void zx_request_exit(int status)
{
	gStatus = status;
	gExit = 1;
}

double zx_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

static const char* abort_reason(int status)
{
	switch (status) {
	case XS_STACK_OVERFLOW_EXIT: return "stack overflow";
	case XS_NOT_ENOUGH_MEMORY_EXIT: return "memory full";
	case XS_NO_MORE_KEYS_EXIT: return "not enough keys";
	case XS_UNHANDLED_EXCEPTION_EXIT: return "unhandled exception";
	case XS_UNHANDLED_REJECTION_EXIT: return "unhandled rejection";
	case XS_TOO_MUCH_COMPUTATION_EXIT: return "too much computation";
	default: return "abort";
	}
}

/* The exception's text and, for an Error, its stack. */
static void report_exception(txMachine* the, const char* why)
{
	txSlot exc = mxException;
	volatile int said = 0;
	mxException = mxUndefined;
	mxTry(the) {
		mxPush(exc);
		fxToString(the, the->stack);
		fprintf(stderr, "[%s] XS abort: %s: %s\n", zx_board, why, the->stack->value.string);
		said = 1;
		mxPop();
		if (exc.kind == XS_REFERENCE_KIND) {
			mxPush(exc);
			mxGetID(fxID(the, "stack"));
			if (the->stack->kind == XS_STRING_KIND || the->stack->kind == XS_STRING_X_KIND)
				fprintf(stderr, "%s\n", the->stack->value.string);
			mxPop();
		}
	}
	mxCatch(the) {
		if (!said)
			fprintf(stderr, "[%s] XS abort: %s\n", zx_board, why);
	}
}

/* The JS frames at an abort that has no exception (a stack overflow): innermost first, a run
 * of the same function folded into one line with its count, each with the stack slots in use
 * below it (how deep the stack was there). */
static void report_frames(txMachine* the)
{
	char name[128], last[128] = "";
	int repeat = 0, lines = 0;
	for (txSlot* frame = the->frame; frame && lines < 48; frame = frame->next) {
		name[0] = 0;
		fxBufferFrameName(the, name, sizeof(name), frame, "");
		if (!c_strcmp(name, last)) {
			repeat++;
			continue;
		}
		if (repeat)
			fprintf(stderr, "   (x%d)\n", repeat + 1);
		fprintf(stderr, " at %s [%d slots]\n", name[0] ? name : "(anonymous)", (int)(the->stackTop - frame));
		c_strcpy(last, name);
		repeat = 0;
		lines++;
	}
	if (repeat)
		fprintf(stderr, "   (x%d)\n", repeat + 1);
}

/* As a device's platform does (xs/platforms/esp): report, then restart; here, exit. */
void fxAbort(txMachine* the, int status)
{
	const char* why = abort_reason(status);
	if (status == XS_UNHANDLED_EXCEPTION_EXIT || status == XS_UNHANDLED_REJECTION_EXIT)
		report_exception(the, why);
	else {
		fprintf(stderr, "[%s] XS abort: %s\n", zx_board, why);
		if (status == XS_STACK_OVERFLOW_EXIT)
			report_frames(the);
	}
	fflush(stdout);
	fflush(stderr);
	exit(status);
}

static void run_jobs(txMachine* the)
{
	xsBeginHost(the);
	while (the->promiseJobs && !gExit) { /* exit() ends the firmware after this job */
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
	xsEndHost(the);
}

/* Milliseconds to the next timer (-1: none, 0: due), as poll(2) takes it. */
static int timeout_ms(void)
{
	double next = zx_timers_next();
	if (next < 0)
		return -1;
	double wait = next - zx_now();
	return wait <= 0 ? 0 : (int)(wait + 0.999);
}

/* A device's main loop: promise jobs, posted callbacks, I/O, timers, until nothing is left to
 * wait for (no timer, no watched descriptor, nothing posted) or exit(). */
static void run_loop(txMachine* the)
{
	for (;;) {
		run_jobs(the);
		if (gExit)
			break;
		zx_run_posted(the);
		run_jobs(the);
		if (gExit)
			break;
		int timeout = timeout_ms();
		if (timeout < 0 && !zx_watch_busy())
			break;
		zx_watch_wait(the, timeout, run_jobs);
		if (gExit)
			break;
		zx_timers_fire(the, zx_now());
	}
	xsBeginHost(the);
	fxCheckUnhandledRejections(the, 1);
	xsEndHost(the);
}

static void module_rejected(txMachine* the)
{
	mxException = *mxArgv(0);
	fxAbort(the, XS_UNHANDLED_EXCEPTION_EXIT);
}

static void module_fulfilled(txMachine* the)
{
}

static void run_module(txMachine* the, const char* path)
{
	txSlot* realm = mxProgram.value.reference->next->value.module.realm;
	mxPushStringC((txString)path);
	fxRunImport(the, realm, XS_NO_ID);
	mxDub();
	fxGetID(the, mxID(_then));
	mxCall();
	fxNewHostFunction(the, module_fulfilled, 1, XS_NO_ID, XS_NO_ID);
	fxNewHostFunction(the, module_rejected, 1, XS_NO_ID, XS_NO_ID);
	mxRunCount(2);
	mxPop();
}

/* SIGINT / SIGTERM: while the loop waits, they end it as exit() would (rejections are checked,
 * --stats printed); while JS runs (a firmware in a busy loop never returns to the wait), the
 * process ends at once, as a device's reset would. */
volatile sig_atomic_t zx_waiting = 0;

static void on_signal(int sig)
{
	static const char busy[] = "zsock-xs: signal while JS runs: exiting at once\n";
	gStatus = 128 + sig;
	gExit = 1;
	zx_wake();
	if (!zx_waiting) {
		if (write(2, busy, sizeof(busy) - 1) < 0) { /* nothing to do: the process ends */ }
		_exit(128 + sig);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: zsock-xs [--name BOARD] [--heap device|host] [--stats] FIRMWARE.mjs [ARG...]\n");
	exit(2);
}

/* mcconfig's defaults for a device build (chunks, slots, stack). */
static void device_heap(xsCreation* creation)
{
	creation->initialChunkSize = 32768;
	creation->incrementalChunkSize = 1024;
	creation->initialHeapCount = 2048;
	creation->incrementalHeapCount = 64;
	creation->stackCount = 1024;
}

/* The options; returns the index of the firmware's path in argv. */
static int parse_args(int argc, char* argv[], xsCreation* creation, int* stats)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			zx_board = argv[++i];
		else if (!strcmp(argv[i], "--heap") && i + 1 < argc && !strcmp(argv[i + 1], "device")) {
			device_heap(creation);
			i++;
		}
		else if (!strcmp(argv[i], "--heap") && i + 1 < argc && !strcmp(argv[i + 1], "host"))
			i++;
		else if (!strcmp(argv[i], "--stats"))
			*stats = 1;
		else
			usage();
	}
	if (i >= argc)
		usage();
	return i;
}

void zs_arena_stats(uint32_t* out); /* the shim's mbedTLS arena, inside the region */

/* Peaks, and what is held now after a collection (what the firmware's live objects take). */
static void print_stats(txMachine* machine)
{
	uint32_t used = 0, peak = 0, size = 0, arena[4];
	xsBeginHost(machine);
	xsCollectGarbage();
	xsEndHost(machine);
	zx_region_stats(&size, &used, &peak);
	fprintf(stderr, "[%s] stats: XS chunks peak %d B, slots peak %d x %d B; zsock:core region peak %u B of %u\n",
		zx_board, (int)machine->peakChunksSize, (int)machine->peakHeapCount, (int)sizeof(txSlot), peak, size);
	zs_arena_stats(arena);
	fprintf(stderr, "[%s] stats now: XS chunks %d B, slots %d; zsock:core region %u B, arena %u B in use (peak %u of %u)\n",
		zx_board, (int)machine->currentChunksSize, (int)machine->currentHeapCount, used, arena[1], arena[3], arena[0]);
}

int main(int argc, char* argv[])
{
	/* A host heap: large first chunks, so tests are not dominated by the collector. */
	static xsCreation creation = { 16 << 20, 4 << 20, 256 << 10, 128 << 10, 4096, 32000, 8000, 1993, 127, 2 << 20, 1993, 0 };
	static int stats = 0;
	int i = parse_args(argc, argv, &creation, &stats);
	char path[C_PATH_MAX];
	if (!c_realpath(argv[i], path)) {
		fprintf(stderr, "[%s] zsock-xs: %s: not found\n", zx_board, argv[i]);
		return 2;
	}
	/* trace() lines reach a reader at once, as a serial console's do. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fxInitializeSharedCluster();
	xsMachine* machine = xsCreateMachine(&creation, (char*)zx_board, NULL);
	xsBeginHost(machine);
	{
		zx_natives_init(the);
		zx_watch_init(the);
		zx_install_net(the);
		zx_install_sim(the);
		zx_install_timer(the);
		zx_install_host(the, argc - i, argv + i);
		zx_install_sys(the);
		zx_install_core(the);
		run_module(the, path);
	}
	xsEndHost(machine);
	run_loop(machine);
	if (stats)
		print_stats(machine);
	xsDeleteMachine(machine);
	fxTerminateSharedCluster();
	return gStatus;
}
