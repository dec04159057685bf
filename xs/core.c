/*
 * The native module zsock:core: a CoreBinding (src/tls/wasm.ts) for XS.
 *
 *   import core from "zsock:core"
 *   core.size                 bytes of code of the shim + mbedTLS (as the .wasm's size)
 *   core.instantiate(hooks)   -> CoreExports: { memory: { buffer }, _initialize, zs_* } (one
 *                             instance per machine: the shim's state is global); a second
 *                             call is a TypeError
 *   core.region()             { size, used, peak } of the memory region, for measurements
 *
 * The shim's host imports are C here: zs_host_random reads the board's TRNG (sys.c), so
 * hooks.random is never called; zs_host_verify calls hooks.verify(id, depth, der, len, flags)
 * with mbedTLS's flags word bounced through a reserved slot of the region. hooks.grown is never
 * called (the region never moves).
 */
#include "xsAll.h"
#include "core.h"
#include "host.h"
#include "region.h"

#ifndef ZX_REGION_BYTES
/* The host's default: the TS default arena (8 MiB) + staging and scratch. A device build sets
 * it to the board's arena + its staging windows. $ZSOCK_XS_REGION_BYTES overrides it here. */
#define ZX_REGION_BYTES (10u << 20)
#endif
#ifndef ZX_CORE_TEXT_BYTES
#define ZX_CORE_TEXT_BYTES 0
#endif
#define ZX_FLAGS_SLOT 16u /* zs_host_verify's flags word, inside the reserved bytes */

static xsMachine* gMachine;
static xsSlot gHooks;
static xsSlot gPending;
static int gHasPending;

/* A remembered C slot is a GC root linked through its own `next`: assigning to it in place
 * unlinks it. Forget, assign, remember. */
static void keep(xsMachine* the, xsSlot* slot, xsSlot value)
{
	xsForget(*slot);
	*slot = value;
	xsRemember(*slot);
}

void zx_done(xsMachine* the)
{
	if (!gHasPending)
		return;
	gHasPending = 0;
	xsResult = gPending;
	keep(the, &gPending, xsUndefined);
	xsThrow(xsResult);
}

int zs_host_random(unsigned char* out, size_t len)
{
	return zx_trng(out, len);
}

/* An exception from hooks.verify is held while mbedTLS unwinds (the hook answered an error),
 * then thrown by the zs_* call that ran it (zx_done). */
int zs_host_verify(int id, int depth, const unsigned char* der, size_t der_len, uint32_t* flags)
{
	xsMachine* the = gMachine;
	volatile int ret = 0;
	unsigned char* slot = zx_region_base + ZX_FLAGS_SLOT;
	if (gHasPending)
		return MBEDTLS_ERR_X509_FATAL_ERROR;
	c_memcpy(slot, flags, 4);
	xsBeginHost(the);
	{
		xsTry {
			xsResult = xsCall5(gHooks, xsID("verify"), xsInteger(id), xsInteger(depth),
				xsInteger(zx_offset(the, der)), xsInteger((int32_t)der_len), xsInteger(ZX_FLAGS_SLOT));
			ret = xsToInteger(xsResult);
		}
		xsCatch {
			keep(the, &gPending, xsException);
			gHasPending = 1;
			ret = MBEDTLS_ERR_X509_FATAL_ERROR;
		}
	}
	xsEndHost(the);
	c_memcpy(flags, slot, 4);
	return ret;
}

static void core_noop(xsMachine* the)
{
}

void xs_zsock_core_region(xsMachine* the)
{
	uint32_t size, used, peak;
	zx_region_stats(&size, &used, &peak);
	xsResult = xsNewObject();
	xsSet(xsResult, xsID("size"), xsNumber(size));
	xsSet(xsResult, xsID("used"), xsNumber(used));
	xsSet(xsResult, xsID("peak"), xsNumber(peak));
}

static uint32_t region_bytes(void)
{
#ifndef ESP_PLATFORM
	const char* env = getenv("ZSOCK_XS_REGION_BYTES");
	if (env && *env)
		return (uint32_t)strtoul(env, NULL, 0);
#endif
	return ZX_REGION_BYTES;
}

/* Bound by name in a Moddable build: function instantiate(hooks) @ "xs_zsock_core_instantiate". */
void xs_zsock_core_instantiate(xsMachine* the)
{
	if (gMachine)
		xsTypeError("zsock core: already instantiated (one instance per machine)");
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsReferenceType)
		xsTypeError("zsock core: instantiate(hooks) needs the hooks object");
	uint32_t bytes = region_bytes();
	if (zx_region_init(bytes) != 0)
		xsRangeError("zsock core: cannot allocate a region of %u bytes", (unsigned)bytes);
	gMachine = the;
	gHooks = xsUndefined;
	gPending = xsUndefined;
	xsRemember(gHooks);
	xsRemember(gPending);
	keep(the, &gHooks, xsArg(0));
	xsVars(2);
	xsResult = xsNewObject();
	xsVar(0) = xsNewHostObject(NULL);
	xsSetHostBuffer(xsVar(0), zx_region_base, (xsIntegerValue)zx_region_size);
	xsSet(xsVar(0), xsID("byteLength"), xsNumber(zx_region_size)); /* as an ArrayBuffer says */
	xsVar(1) = xsNewObject();
	xsSet(xsVar(1), xsID("buffer"), xsVar(0));
	xsSet(xsResult, xsID("memory"), xsVar(1));
	xsSet(xsResult, xsID("_initialize"), xsNewHostFunction(core_noop, 0));
	for (const zx_export* e = zx_exports; e->name; e++)
		xsSet(xsResult, xsID((char*)e->name), xsNewHostFunction(e->callback, e->length));
}

#ifndef ESP_PLATFORM
/* The host registers the module; a Moddable build binds xs/zsock_core.js to the functions. */
void zx_install_core(xsMachine* the)
{
	xsBeginHost(the);
	{
		xsVars(1);
		xsVar(0) = xsNewObject();
		xsSet(xsVar(0), xsID("size"), xsInteger(ZX_CORE_TEXT_BYTES));
		xsSet(xsVar(0), xsID("instantiate"), xsNewHostFunction(xs_zsock_core_instantiate, 1));
		xsSet(xsVar(0), xsID("region"), xsNewHostFunction(xs_zsock_core_region, 0));
		zx_native(the, "zsock:core", xsVar(0));
	}
	xsEndHost(the);
}
#endif
