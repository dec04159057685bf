/*
 * The region behind zsock:core's `memory`: one block of native memory from which the shim's
 * arena (zs_init) and staging buffers (zs_alloc) are allocated, so every pointer the shim gives
 * JS is an offset into it, as in wasm's linear memory. zs_platform.c's malloc/free are renamed
 * to these functions at compile time (xs/xs.mk); nothing else allocates from the region.
 */
#ifndef ZX_REGION_H
#define ZX_REGION_H

#include <stddef.h>
#include <stdint.h>

/* Offsets below this are never allocated: 0 is NULL, the rest are the core's bounce slots. */
#define ZX_REGION_RESERVED 64u

extern unsigned char* zx_region_base;
extern uint32_t zx_region_size;

/* Sets up a region of `size` bytes (once). 0, or -1 when the memory cannot be had. */
int zx_region_init(uint32_t size);
/* First fit, 16-byte aligned; NULL when nothing fits. */
void* zx_region_alloc(size_t size);
/* Frees a block zx_region_alloc returned; anything else (NULL, a pointer elsewhere, a block
 * already free) is ignored, never a corruption of the region. */
void zx_region_free(void* p);
/* Whether p is the start of a live block; its usable size in *size. */
int zx_region_block(const void* p, uint32_t* size);
/* The region's size, bytes allocated now, and their peak. */
void zx_region_stats(uint32_t* size, uint32_t* used, uint32_t* peak);

#endif
