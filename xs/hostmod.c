/*
 * What the XS host offers beside the device's own modules, for test programs and measurement:
 *
 *   import host from "zsock:host"
 *   host.print(...)  host.eprint(...)   a line to stdout / stderr (a device has trace())
 *   host.now()                          monotonic milliseconds
 *   host.argv                           the firmware's path and arguments
 *   host.memory()                       { chunks, chunksPeak, slots, slotsPeak, slotSize }
 *   host.gc()                           runs the collector
 *
 * And Moddable's text natives as the modules a device has: text/encoder, text/decoder (their
 * install functions define globals; the host moves them into modules and deletes the globals).
 */
#include "xsAll.h"
#include "host.h"

extern void modInstallTextDecoder(xsMachine* the);
extern void modInstallTextEncoder(xsMachine* the);

static void print_args(xsMachine* the, FILE* out)
{
	xsIntegerValue c = xsToInteger(xsArgc);
	for (xsIntegerValue i = 0; i < c; i++) {
		if (i)
			fputc(' ', out);
		fputs(xsToString(xsArg(i)), out);
	}
	fputc('\n', out);
	fflush(out);
}

static void host_print(xsMachine* the) { print_args(the, stdout); }
static void host_eprint(xsMachine* the) { print_args(the, stderr); }
static void host_now(xsMachine* the) { xsResult = xsNumber(zx_now()); }
static void host_gc(xsMachine* the) { xsCollectGarbage(); }

static void host_memory(xsMachine* the)
{
	xsResult = xsNewObject();
	xsSet(xsResult, xsID("chunks"), xsNumber(the->currentChunksSize));
	xsSet(xsResult, xsID("chunksPeak"), xsNumber(the->peakChunksSize));
	xsSet(xsResult, xsID("slots"), xsNumber(the->currentHeapCount));
	xsSet(xsResult, xsID("slotsPeak"), xsNumber(the->peakHeapCount));
	xsSet(xsResult, xsID("slotSize"), xsNumber(sizeof(txSlot)));
}

/* The global `name` becomes the module `specifier`; the global is removed. */
static void move_to_module(xsMachine* the, const char* name, const char* specifier)
{
	xsVars(1);
	xsVar(0) = xsGet(xsGlobal, xsID((char*)name));
	zx_native(the, specifier, xsVar(0));
	xsDelete(xsGlobal, xsID((char*)name));
}

void zx_install_host(xsMachine* the, int argc, char* argv[])
{
	xsBeginHost(the);
	{
		xsVars(3);
		xsVar(0) = xsNewObject();
		xsSet(xsVar(0), xsID("print"), xsNewHostFunction(host_print, 1));
		xsSet(xsVar(0), xsID("eprint"), xsNewHostFunction(host_eprint, 1));
		xsSet(xsVar(0), xsID("now"), xsNewHostFunction(host_now, 0));
		xsSet(xsVar(0), xsID("gc"), xsNewHostFunction(host_gc, 0));
		xsSet(xsVar(0), xsID("memory"), xsNewHostFunction(host_memory, 0));
		xsVar(1) = xsNewArray(argc);
		for (int i = 0; i < argc; i++)
			xsSetAt(xsVar(1), xsInteger(i), xsString(argv[i]));
		xsSet(xsVar(0), xsID("argv"), xsVar(1));
		xsSet(xsVar(0), xsID("board"), xsString(zx_board));
		zx_native(the, "zsock:host", xsVar(0));
	}
	xsEndHost(the);
	modInstallTextDecoder(the);
	modInstallTextEncoder(the);
	xsBeginHost(the);
	move_to_module(the, "TextDecoder", "text/decoder");
	xsEndHost(the);
	xsBeginHost(the);
	move_to_module(the, "TextEncoder", "text/encoder");
	xsEndHost(the);
}
