/*
 * zsock:sys, the firmware's system calls beside the core:
 *
 *   import sys from "zsock:sys"
 *   sys.exit(status)        ends the firmware: here the process exits with status & 0xff after
 *                           the current callback; a device restarts (esp_restart)
 * (the host registers the module itself; a Moddable build binds xs/zsock_sys.js to it)
 *   sys.random(u8)          fills a Uint8Array (or ArrayBuffer) from the board's TRNG
 *   sys.keylog(u8)          TLS key log lines to the simulator's --keylog file (over its pipe);
 *                           only in a board process the simulator started with --keylog
 *
 * Bad arguments are a TypeError / RangeError, never a write outside the given buffer.
 */
#include "xsAll.h"
#include "host.h"

#include <stdlib.h>
#include <string.h>

extern txInteger _xsmcGetBuffer(txMachine* the, txSlot* slot, void** data, txUnsigned* count, txBoolean writable);

#ifdef ESP_PLATFORM
#include "esp_random.h"
#include "esp_system.h"
#else
#include <sys/random.h>
#endif

int zx_trng(unsigned char* out, size_t len)
{
#ifdef ESP_PLATFORM
	esp_fill_random(out, len); /* the hardware RNG: true random with the radio on */
	return 0;
#else
	while (len > 0) {
		ssize_t n = getrandom(out, len, 0);
		if (n <= 0)
			return -1;
		out += n;
		len -= (size_t)n;
	}
	return 0;
#endif
}

/* Bound by name in a Moddable build (xs/zsock_sys.js). */
void xs_zsock_sys_exit(xsMachine* the)
{
	if (xsToInteger(xsArgc) < 1 || (xsTypeOf(xsArg(0)) != xsIntegerType && xsTypeOf(xsArg(0)) != xsNumberType))
		xsTypeError("exit: status is not a number");
#ifdef ESP_PLATFORM
	esp_restart(); /* nobody to hand a status to: the device starts over */
#else
	zx_request_exit(xsToInteger(xsArg(0)) & 0xff);
#endif
}

void xs_zsock_sys_random(xsMachine* the)
{
	void* data;
	txUnsigned size;
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsReferenceType)
		xsTypeError("random: not a buffer");
	_xsmcGetBuffer(the, &xsArg(0), &data, &size, 1);
	if (zx_trng(data, size) != 0)
		xsUnknownError("random: no entropy");
}

#ifndef ESP_PLATFORM
static void xs_zsock_sys_keylog(xsMachine* the)
{
	void* data;
	txUnsigned size;
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsReferenceType)
		xsTypeError("keylog: not a buffer");
	_xsmcGetBuffer(the, &xsArg(0), &data, &size, 0);
	if (zx_sim_notice("{\"op\":\"keylog\"}", data, size) != 0)
		xsRangeError("keylog: not sent");
}

void zx_install_sys(xsMachine* the)
{
	xsBeginHost(the);
	{
		xsVars(1);
		xsVar(0) = xsNewObject();
		xsSet(xsVar(0), xsID("exit"), xsNewHostFunction(xs_zsock_sys_exit, 1));
		xsSet(xsVar(0), xsID("random"), xsNewHostFunction(xs_zsock_sys_random, 1));
		/* The simulator asks for the key log (--keylog); otherwise sessions keep none. */
		const char* keylog = getenv("ZSOCK_XS_KEYLOG");
		if (zx_sim_fd() >= 0 && keylog && !strcmp(keylog, "1"))
			xsSet(xsVar(0), xsID("keylog"), xsNewHostFunction(xs_zsock_sys_keylog, 1));
		zx_native(the, "zsock:sys", xsVar(0));
	}
	xsEndHost(the);
}
#endif
