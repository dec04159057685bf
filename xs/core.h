/*
 * zsock:core for XS: the checks and conversions the generated glue (build/xs/gen/core_glue.c,
 * from wasm/zs_abi.spec) applies to every argument and result, as the wasm sandbox would:
 *  - a pointer is a 32-bit offset into the region (region.h), which JS sees as memory.buffer;
 *  - a byte range JS passes must lie inside one live block from zs_alloc, never in the arena;
 *  - a context / server / credentials handle must be live (made by zs_new / zs_srv_new /
 *    zs_cred_new, not yet freed);
 *  - integers cross as int32 (ToInt32 / ToUint32), doubles as numbers.
 * A bad value is a RangeError thrown before the shim runs, so nothing is written.
 */
#ifndef ZX_CORE_H
#define ZX_CORE_H

#include <stddef.h>
#include <stdint.h>
#include "xs.h"
#include "zs.h"

int32_t zx_i32(xsMachine* the, int i);
uint32_t zx_u32(xsMachine* the, int i);
double zx_f64(xsMachine* the, int i);
/* n * 4 bytes for an int array, a RangeError when it overflows. */
uint32_t zx_times4(xsMachine* the, uint32_t n);

zs_ctx* zx_ctx(xsMachine* the, int i, int mutating);
zs_ctx* zx_ctx_end(xsMachine* the, int i);
zs_srv* zx_srv(xsMachine* the, int i);
zs_srv* zx_srv_end(xsMachine* the, int i);
zs_cred* zx_cred(xsMachine* the, int i);
zs_cred* zx_cred_end(xsMachine* the, int i);
void* zx_block(xsMachine* the, int i);
void* zx_bytes(xsMachine* the, int i, uint32_t len, uint32_t align);
const char* zx_cstr(xsMachine* the, int i, int nullable);
void zx_put_u32(unsigned char* at, uint32_t v);

/* Around the shim's call: hooks run inside it, and may not free what it is using. A call
 * nested too deep (hooks calling in, again and again) is a RangeError before it starts. */
void zx_call_begin(xsMachine* the, const void* ctx);
void zx_call_end(void);

/* Results: handles and blocks are registered, ended ones forgotten. */
int32_t zx_ctx_started(xsMachine* the, zs_ctx* c);
void zx_ctx_ended(zs_ctx* c);
int32_t zx_srv_started(xsMachine* the, zs_srv* s);
void zx_srv_ended(zs_srv* s);
int32_t zx_cred_started(xsMachine* the, zs_cred* k);
void zx_cred_ended(zs_cred* k);
int32_t zx_block_started(xsMachine* the, void* p);
void zx_block_ended(void* p);
int32_t zx_offset(xsMachine* the, const void* p);

/* After the call: an exception a hook threw is thrown now, as it would surface from wasm. */
void zx_done(xsMachine* the);

typedef struct {
	const char* name;
	xsCallback callback;
	int length;
} zx_export;
extern const zx_export zx_exports[];

#endif
