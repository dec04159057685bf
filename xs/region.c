/*
 * zsock:core's region allocator: a first-fit free list sorted by address, coalescing on free,
 * 16-byte aligned. Each block has a 16-byte header: its size and a tag telling free from
 * allocated, so a bad free is recognised and ignored instead of corrupting the list.
 */
#include <stdlib.h>
#include <string.h>
#include "region.h"

#ifdef ESP_PLATFORM
#include "esp_heap_caps.h"
#define REGION_ALLOC(size) heap_caps_aligned_alloc(ALIGN, (size), MALLOC_CAP_8BIT)
#else
#define REGION_ALLOC(size) aligned_alloc(ALIGN, (size))
#endif

#define ALIGN 16u
#define HDR 16u
#define TAG_USED 0x7a73a11cu
#define TAG_FREE 0x7a73f4eeu

unsigned char* zx_region_base;
uint32_t zx_region_size;
static uint32_t gFree; /* offset of the first free block; 0: none */
static uint32_t gUsed, gPeak;

/* Block header at offset o: [u32 size incl. header][u32 tag][u32 next free][u32 pad]. */
#define SIZE(o) (*(uint32_t*)(zx_region_base + (o)))
#define TAG(o) (*(uint32_t*)(zx_region_base + (o) + 4))
#define NEXT(o) (*(uint32_t*)(zx_region_base + (o) + 8))

int zx_region_init(uint32_t size)
{
	if (zx_region_base)
		return 0;
	size &= ~(ALIGN - 1);
	if (size < ZX_REGION_RESERVED + 2 * HDR)
		return -1;
	zx_region_base = REGION_ALLOC(size);
	if (!zx_region_base)
		return -1;
	memset(zx_region_base, 0, ZX_REGION_RESERVED);
	zx_region_size = size;
	gFree = ZX_REGION_RESERVED;
	SIZE(gFree) = size - ZX_REGION_RESERVED;
	TAG(gFree) = TAG_FREE;
	NEXT(gFree) = 0;
	return 0;
}

void* zx_region_alloc(size_t want)
{
	if (!zx_region_base || want == 0 || want > zx_region_size)
		return NULL;
	uint32_t need = (uint32_t)((want + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1));
	uint32_t prev = 0;
	for (uint32_t at = gFree; at; prev = at, at = NEXT(at)) {
		if (SIZE(at) < need)
			continue;
		uint32_t next = NEXT(at);
		if (SIZE(at) - need >= HDR + ALIGN) {
			uint32_t split = at + need;
			SIZE(split) = SIZE(at) - need;
			TAG(split) = TAG_FREE;
			NEXT(split) = next;
			next = split;
			SIZE(at) = need;
		}
		if (prev)
			NEXT(prev) = next;
		else
			gFree = next;
		TAG(at) = TAG_USED;
		gUsed += SIZE(at);
		if (gUsed > gPeak)
			gPeak = gUsed;
		return zx_region_base + at + HDR;
	}
	return NULL;
}

/* The header offset of a live block starting at p, or 0. */
static uint32_t block_of(const void* p)
{
	const unsigned char* c = p;
	if (!zx_region_base || c < zx_region_base + ZX_REGION_RESERVED + HDR || c >= zx_region_base + zx_region_size)
		return 0;
	uint32_t blk = (uint32_t)(c - zx_region_base) - HDR;
	if (blk % ALIGN || TAG(blk) != TAG_USED || SIZE(blk) < HDR || SIZE(blk) > zx_region_size - blk)
		return 0;
	return blk;
}

int zx_region_block(const void* p, uint32_t* size)
{
	uint32_t blk = block_of(p);
	if (blk && size)
		*size = SIZE(blk) - HDR;
	return blk != 0;
}

void zx_region_free(void* p)
{
	uint32_t blk = block_of(p);
	if (!blk)
		return;
	gUsed -= SIZE(blk);
	TAG(blk) = TAG_FREE;
	uint32_t prev = 0, at = gFree;
	while (at && at < blk) {
		prev = at;
		at = NEXT(at);
	}
	NEXT(blk) = at;
	if (at && blk + SIZE(blk) == at) { /* merge with the next free block */
		SIZE(blk) += SIZE(at);
		NEXT(blk) = NEXT(at);
		TAG(at) = 0;
	}
	if (prev && prev + SIZE(prev) == blk) { /* merge into the previous free block */
		SIZE(prev) += SIZE(blk);
		NEXT(prev) = NEXT(blk);
		TAG(blk) = 0;
	}
	else if (prev)
		NEXT(prev) = blk;
	else
		gFree = blk;
}

void zx_region_stats(uint32_t* size, uint32_t* used, uint32_t* peak)
{
	*size = zx_region_size;
	*used = gUsed;
	*peak = gPeak;
}
