/*
 * The checks behind core.h: live handles and staging blocks, byte ranges inside blocks, and
 * the calls in progress (a hook runs inside a shim call and may call back in).
 */
#include "xsAll.h"
#include "core.h"
#include "core_abi.h" /* generated: the shim's exports */
#include "region.h"

/* Staging blocks (zs_alloc): a few per core (windows, plaintext, scratch). */
#define MAX_BLOCKS 32
/* Calls nested through hooks: a verify callback that configures another session, say. */
#define MAX_DEPTH 4

typedef struct { uint32_t at, size; } zx_blk;
static zx_blk gBlocks[MAX_BLOCKS];
static int gBlockCount;
static void** gCtxs;        /* live contexts, then live server states: small, scanned */
static int gCtxCount, gCtxCap;
static void** gSrvs;
static int gSrvCount, gSrvCap;
static void** gCreds;       /* live shared credentials */
static int gCredCount, gCredCap;
static const void* gBusy[MAX_DEPTH];
static int gDepth;

static xsIntegerValue argc_of(xsMachine* the)
{
	return xsToInteger(xsArgc);
}

int32_t zx_i32(xsMachine* the, int i)
{
	return i < argc_of(the) ? xsToInteger(xsArg(i)) : 0;
}

uint32_t zx_u32(xsMachine* the, int i)
{
	return (uint32_t)zx_i32(the, i);
}

double zx_f64(xsMachine* the, int i)
{
	return i < argc_of(the) ? xsToNumber(xsArg(i)) : 0;
}

uint32_t zx_times4(xsMachine* the, uint32_t n)
{
	if (n > UINT32_MAX / 4)
		xsRangeError("zsock core: array too long");
	return n * 4;
}

static int find(void** list, int n, const void* p)
{
	for (int i = 0; i < n; i++)
		if (list[i] == p)
			return i;
	return -1;
}

static int add(void*** list, int* n, int* cap, void* p)
{
	if (*n == *cap) {
		int more = *cap ? *cap * 2 : 16;
		void** grown = c_realloc(*list, more * sizeof(void*));
		if (!grown)
			return -1;
		*list = grown;
		*cap = more;
	}
	(*list)[(*n)++] = p;
	return 0;
}

static void drop(void** list, int* n, const void* p)
{
	int i = find(list, *n, p);
	if (i >= 0)
		list[i] = list[--*n];
}

static int busy(const void* p)
{
	for (int i = 0; i < gDepth && i < MAX_DEPTH; i++)
		if (gBusy[i] == p)
			return 1;
	return 0;
}

static void* handle(xsMachine* the, int i, void** list, int n, int nullable, const char* what)
{
	uint32_t off = zx_u32(the, i);
	if (off == 0 && nullable)
		return NULL;
	void* p = (off < zx_region_size) ? zx_region_base + off : NULL;
	if (!p || find(list, n, p) < 0)
		xsRangeError("zsock core: %s %u is not live", what, (unsigned)off);
	return p;
}

zs_ctx* zx_ctx(xsMachine* the, int i, int mutating)
{
	zs_ctx* c = handle(the, i, gCtxs, gCtxCount, 0, "context");
	if (mutating && busy(c))
		xsRangeError("zsock core: context in use by the call that runs this hook");
	return c;
}

zs_ctx* zx_ctx_end(xsMachine* the, int i)
{
	zs_ctx* c = handle(the, i, gCtxs, gCtxCount, 1, "context");
	if (c && busy(c))
		xsRangeError("zsock core: context in use by the call that runs this hook");
	return c;
}

zs_srv* zx_srv(xsMachine* the, int i)
{
	return handle(the, i, gSrvs, gSrvCount, 0, "server state");
}

zs_srv* zx_srv_end(xsMachine* the, int i)
{
	if (gDepth)
		xsRangeError("zsock core: server state freed inside a call");
	return handle(the, i, gSrvs, gSrvCount, 1, "server state");
}

zs_cred* zx_cred(xsMachine* the, int i)
{
	return handle(the, i, gCreds, gCredCount, 0, "credentials");
}

zs_cred* zx_cred_end(xsMachine* the, int i)
{
	if (gDepth)
		xsRangeError("zsock core: credentials freed inside a call");
	return handle(the, i, gCreds, gCredCount, 1, "credentials");
}

/* The block holding [off, off + len), or -1. */
static int block_holding(uint32_t off, uint32_t len)
{
	for (int i = 0; i < gBlockCount; i++) {
		if (off >= gBlocks[i].at && off - gBlocks[i].at <= gBlocks[i].size && len <= gBlocks[i].size - (off - gBlocks[i].at))
			return i;
	}
	return -1;
}

void* zx_bytes(xsMachine* the, int i, uint32_t len, uint32_t align)
{
	uint32_t off = zx_u32(the, i);
	if (off == 0 && len == 0)
		return NULL;
	if (block_holding(off, len) < 0)
		xsRangeError("zsock core: %u bytes at %u are outside the staging blocks", (unsigned)len, (unsigned)off);
	if (off % align)
		xsRangeError("zsock core: pointer %u is not aligned", (unsigned)off);
	return zx_region_base + off;
}

const char* zx_cstr(xsMachine* the, int i, int nullable)
{
	uint32_t off = zx_u32(the, i);
	if (off == 0 && nullable)
		return NULL;
	int b = block_holding(off, 1);
	if (b < 0)
		xsRangeError("zsock core: string at %u is outside the staging blocks", (unsigned)off);
	const char* s = (const char*)zx_region_base + off;
	if (!memchr(s, 0, gBlocks[b].at + gBlocks[b].size - off))
		xsRangeError("zsock core: string at %u has no end", (unsigned)off);
	return s;
}

void zx_put_u32(unsigned char* at, uint32_t v)
{
	c_memcpy(at, &v, 4); /* little-endian hosts only, as wasm */
}

/* A block lent to a context as an I/O window (zs_io keeps the pointers). */
static int lent(uint32_t at, uint32_t size)
{
	for (int i = 0; i < gCtxCount; i++) {
		const zs_ctx* c = gCtxs[i];
		const unsigned char* lo = zx_region_base + at;
		if ((c->in && c->in >= lo && c->in < lo + size) || (c->out && c->out >= lo && c->out < lo + size))
			return 1;
	}
	return 0;
}

void* zx_block(xsMachine* the, int i)
{
	uint32_t off = zx_u32(the, i);
	int b = -1;
	for (int k = 0; k < gBlockCount; k++)
		if (gBlocks[k].at == off)
			b = k;
	if (b < 0)
		xsRangeError("zsock core: %u is not a block from zs_alloc", (unsigned)off);
	if (gDepth)
		xsRangeError("zsock core: block released inside a call");
	if (lent(gBlocks[b].at, gBlocks[b].size))
		xsRangeError("zsock core: block %u is lent to a context", (unsigned)off);
	return zx_region_base + off;
}

void zx_call_begin(xsMachine* the, const void* ctx)
{
	if (gDepth == MAX_DEPTH)
		xsRangeError("zsock core: calls nested %d deep through hooks", MAX_DEPTH);
	gBusy[gDepth++] = ctx;
}

void zx_call_end(void)
{
	gDepth--;
}

int32_t zx_offset(xsMachine* the, const void* p)
{
	if (!p)
		return 0;
	const unsigned char* c = p;
	if (c <= zx_region_base || c >= zx_region_base + zx_region_size)
		xsUnknownError("zsock core: the shim returned a pointer outside its memory");
	return (int32_t)(c - zx_region_base);
}

int32_t zx_ctx_started(xsMachine* the, zs_ctx* c)
{
	if (c && add(&gCtxs, &gCtxCount, &gCtxCap, c) != 0) {
		zs_free(c); /* no room to track it: as if the arena were full */
		c = NULL;
	}
	return zx_offset(the, c);
}

void zx_ctx_ended(zs_ctx* c)
{
	drop(gCtxs, &gCtxCount, c);
}

int32_t zx_srv_started(xsMachine* the, zs_srv* s)
{
	if (s && add(&gSrvs, &gSrvCount, &gSrvCap, s) != 0) {
		zs_srv_free(s);
		s = NULL;
	}
	return zx_offset(the, s);
}

void zx_srv_ended(zs_srv* s)
{
	drop(gSrvs, &gSrvCount, s);
}

int32_t zx_cred_started(xsMachine* the, zs_cred* k)
{
	if (k && add(&gCreds, &gCredCount, &gCredCap, k) != 0) {
		zs_cred_free(k);
		k = NULL;
	}
	return zx_offset(the, k);
}

void zx_cred_ended(zs_cred* k)
{
	drop(gCreds, &gCredCount, k);
}

int32_t zx_block_started(xsMachine* the, void* p)
{
	uint32_t size;
	if (!p)
		return 0;
	if (gBlockCount == MAX_BLOCKS || !zx_region_block(p, &size)) {
		zs_release(p);
		return 0;
	}
	gBlocks[gBlockCount].at = (uint32_t)((unsigned char*)p - zx_region_base);
	gBlocks[gBlockCount].size = size;
	gBlockCount++;
	return (int32_t)gBlocks[gBlockCount - 1].at;
}

void zx_block_ended(void* p)
{
	uint32_t at = (uint32_t)((unsigned char*)p - zx_region_base);
	for (int k = 0; k < gBlockCount; k++)
		if (gBlocks[k].at == at)
			gBlocks[k] = gBlocks[--gBlockCount];
}
