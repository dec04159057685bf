/*
 * The TLS arena's allocator: mbedTLS's calloc and free over the one region zs_init gives it.
 *
 * Segregated fit, as TLSF: each free block sits in a bin by its size (one bin per 8 bytes below
 * 256, eight bins per power of two above) and a bitmap names the bins that hold any, so calloc
 * and free take the same few steps however many blocks are live. mbedTLS's own allocator
 * (memory_buffer_alloc.c) walked one list of every free block per calloc: with a thousand
 * connections open, a record buffer's calloc passed over each of their small holes.
 *
 * A block is an 8-byte header and its payload. `size` is the whole block's, a multiple of 8,
 * with FREE in bit 0 and PREV_FREE (the block just below is free) in bit 1; `prev` is the size
 * of the block just below, kept only while that block is free (for merging with it). A free
 * block's payload holds its bin links. A header of size 0 that is never free ends the region.
 * Two free blocks are never neighbours: free merges them.
 *
 * Nothing but headers and links is written until a block is handed out, so the pages of the
 * region that no context has used stay untouched (not resident in the process).
 * A free of a block that is not in use, or of a pointer that is not a block's, traps: the
 * arena is corrupt, as the C heap does (wasm/zs_heap.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zs.h"

#define FREE 1u
#define PREV_FREE 2u
#define FLAGS (FREE | PREV_FREE)
#define GRAIN 8u
#define HEADER ((uint32_t) sizeof(struct hdr))

struct hdr {
    uint32_t prev; /* the size of the block below, while that one is free */
    uint32_t size; /* this block's size, header included, | FREE | PREV_FREE */
};

struct blk {
    struct hdr h;
    struct blk *next, *back; /* the bin's list; only while free */
};

/* The smallest block: a header and the two links, rounded to the grain (16 in wasm). */
#define MIN_BLOCK ((uint32_t) ((sizeof(struct blk) + GRAIN - 1) & ~(GRAIN - 1)))

#define SMALL 256u                    /* below: exact bins, one per grain */
#define SUB_BITS 3u                   /* above: 1 << SUB_BITS bins per power of two */
#define SMALL_BINS (SMALL / GRAIN)    /* 32 */
#define LOG_SMALL 8u                  /* log2(SMALL) */
#define BINS (SMALL_BINS + (32u - LOG_SMALL) * (1u << SUB_BITS))
#define MAP_WORDS ((BINS + 31u) / 32u)
#define REGION_MAX 0x7ffffff8u        /* sizes stay below 2^31, so rounding up cannot wrap */

static struct {
    unsigned char *base, *end; /* the first block, the sentinel header */
    struct blk *bin[BINS];
    uint32_t map[MAP_WORDS];
    size_t used, blocks, peak;
    uint32_t refused; /* callocs answered NULL, ever */
} A;

static inline uint32_t size_of(const struct hdr *h)
{
    return h->size & ~FLAGS;
}

static inline struct hdr *above(struct hdr *h)
{
    return (struct hdr *) ((unsigned char *) h + size_of(h));
}

static inline unsigned log2_of(uint32_t v)
{
    return 31u - (unsigned) __builtin_clz(v);
}

/* The bin a block of `size` bytes (>= MIN_BLOCK) is kept in. */
static unsigned bin_of(uint32_t size)
{
    if (size < SMALL) {
        return size / GRAIN;
    }
    unsigned l = log2_of(size);
    return SMALL_BINS + ((l - LOG_SMALL) << SUB_BITS) + ((size >> (l - SUB_BITS)) & ((1u << SUB_BITS) - 1));
}

static void put(struct blk *b)
{
    unsigned i = bin_of(size_of(&b->h));
    b->back = NULL;
    b->next = A.bin[i];
    if (b->next != NULL) {
        b->next->back = b;
    }
    A.bin[i] = b;
    A.map[i / 32] |= 1u << (i % 32);
}

static void take(struct blk *b)
{
    unsigned i = bin_of(size_of(&b->h));
    if (b->next != NULL) {
        b->next->back = b->back;
    }
    if (b->back != NULL) {
        b->back->next = b->next;
    } else if ((A.bin[i] = b->next) == NULL) {
        A.map[i / 32] &= ~(1u << (i % 32));
    }
}

/* The first non-empty bin at or after `i`, or BINS. */
static unsigned first_bin(unsigned i)
{
    for (unsigned w = i / 32; w < MAP_WORDS; w++) {
        uint32_t bits = A.map[w] & (w == i / 32 ? ~0u << (i % 32) : ~0u);
        if (bits != 0) {
            return w * 32 + (unsigned) __builtin_ctz(bits);
        }
    }
    return BINS;
}

/* A free block of at least `size` bytes, or NULL when there is none. Its own bin's first block
 * when that one is big enough; else any block of the first bin whose every block is (the request
 * rounded up to the next bin's lower bound), so no bin is searched. Only when no such bin holds
 * any is the request's own bin walked, so that NULL means the arena has no block that fits. */
static struct blk *find(uint32_t size)
{
    unsigned own = bin_of(size), i;
    if (A.bin[own] != NULL && size_of(&A.bin[own]->h) >= size) {
        return A.bin[own];
    }
    if (size < SMALL) {
        i = own + 1; /* exact bins: the next one up holds bigger blocks */
    } else {
        i = bin_of(size + (1u << (log2_of(size) - SUB_BITS)) - 1);
    }
    i = first_bin(i);
    if (i < BINS) {
        return A.bin[i];
    }
    for (struct blk *b = A.bin[own]; b != NULL; b = b->next) {
        if (size_of(&b->h) >= size) {
            return b;
        }
    }
    return NULL;
}

void zs_arena_init(void *region, size_t len)
{
    memset(&A, 0, sizeof(A));
    uintptr_t lo = ((uintptr_t) region + GRAIN - 1) & ~(uintptr_t) (GRAIN - 1);
    uintptr_t hi = ((uintptr_t) region + len) & ~(uintptr_t) (GRAIN - 1);
    if (region == NULL || hi < lo + MIN_BLOCK + HEADER) {
        return; /* no region: every calloc returns NULL */
    }
    uint32_t size = hi - lo - HEADER > REGION_MAX ? REGION_MAX : (uint32_t) (hi - lo - HEADER);
    struct blk *first = (struct blk *) lo;
    first->h.prev = 0;
    first->h.size = size | FREE;
    A.base = (unsigned char *) lo;
    A.end = A.base + size;
    struct hdr *sentinel = (struct hdr *) A.end;
    sentinel->prev = size;
    sentinel->size = PREV_FREE;
    put(first);
}

void *zs_arena_calloc(size_t n, size_t each)
{
    if (n == 0 || each == 0) {
        return NULL; /* nothing asked: not a shortage */
    }
    if (n > (REGION_MAX - MIN_BLOCK) / each) {
        A.refused++;
        return NULL;
    }
    size_t len = n * each;
    uint32_t size = (uint32_t) ((len + HEADER + GRAIN - 1) & ~(size_t) (GRAIN - 1));
    if (size < MIN_BLOCK) {
        size = MIN_BLOCK;
    }
    struct blk *b = find(size);
    if (b == NULL) {
        A.refused++;
        return NULL;
    }
    take(b);
    uint32_t have = size_of(&b->h);
    if (have - size >= MIN_BLOCK) { /* the rest stays free, below a free-flagged neighbour */
        struct blk *rest = (struct blk *) ((unsigned char *) b + size);
        rest->h.size = (have - size) | FREE;
        above(&rest->h)->prev = have - size;
        put(rest);
        b->h.size = size | (b->h.size & PREV_FREE);
    } else {
        size = have;
        b->h.size &= ~FREE;
        above(&b->h)->size &= ~PREV_FREE;
    }
    A.used += size;
    A.blocks++;
    if (A.used > A.peak) {
        A.peak = A.used;
    }
    void *p = (unsigned char *) b + HEADER;
    return memset(p, 0, len);
}

/* The block `p` was handed out as, or NULL when it cannot be one: its header, its neighbours'
 * flags and, when the block below is free, that block's size must all agree. */
static struct hdr *block_of(void *p)
{
    unsigned char *h = (unsigned char *) p - HEADER;
    if ((unsigned char *) p < A.base + HEADER || h >= A.end || (uintptr_t) p % GRAIN != 0) {
        return NULL;
    }
    struct hdr *b = (struct hdr *) h;
    uint32_t size = size_of(b);
    if ((b->size & FREE) || size < MIN_BLOCK || size % GRAIN != 0 || size > (size_t) (A.end - h) ||
        (above(b)->size & PREV_FREE)) {
        return NULL;
    }
    if (b->size & PREV_FREE) {
        struct hdr *lower = (struct hdr *) (h - b->prev);
        if (b->prev < MIN_BLOCK || b->prev > (size_t) (h - A.base) || !(lower->size & FREE) ||
            size_of(lower) != b->prev) {
            return NULL;
        }
    }
    return b;
}

void zs_arena_free(void *p)
{
    if (p == NULL) {
        return;
    }
    struct hdr *b = block_of(p);
    if (b == NULL) {
        __builtin_trap();
    }
    uint32_t size = size_of(b);
    A.used -= size;
    A.blocks--;
    struct hdr *up = above(b);
    if (up->size & FREE) {
        take((struct blk *) up);
        size += size_of(up);
    }
    if (b->size & PREV_FREE) {
        b->size |= FREE; /* inside the merged block now: freeing it again traps */
        b = (struct hdr *) ((unsigned char *) b - b->prev);
        take((struct blk *) b);
        size += size_of(b);
    }
    b->size = size | FREE; /* the block below is in use: free blocks are never neighbours */
    up = above(b);
    up->prev = size;
    up->size |= PREV_FREE;
    put((struct blk *) b);
}

void zs_arena_usage(size_t *used, size_t *blocks, size_t *peak)
{
    *used = A.used;
    *blocks = A.blocks;
    *peak = A.peak;
}

void zs_arena_peak_reset(void)
{
    A.peak = A.used;
}

uint32_t zs_arena_refused(void)
{
    return A.refused;
}

#if defined(ZS_ARENA_TEST)
/* Every invariant above, walked block by block: 0, or the number of the first that fails. */
int zs_arena_check(void)
{
    size_t used = 0, blocks = 0, free_blocks = 0;
    int below_free = 0;
    struct hdr *h = (struct hdr *) A.base;
    for (; (unsigned char *) h < A.end; h = above(h)) {
        uint32_t size = size_of(h);
        if (size < MIN_BLOCK || size % GRAIN || size > (size_t) (A.end - (unsigned char *) h)) return 1;
        if (!!(h->size & PREV_FREE) != below_free) return 2;
        if ((h->size & FREE) && below_free) return 3;
        below_free = !!(h->size & FREE);
        if (below_free) {
            free_blocks++;
            if (above(h)->prev != size) return 4;
            struct blk *e = A.bin[bin_of(size)];
            while (e != NULL && e != (struct blk *) h) e = e->next;
            if (e == NULL) return 5;
        } else {
            used += size;
            blocks++;
        }
    }
    if ((unsigned char *) h != A.end || !!(h->size & PREV_FREE) != below_free || (h->size & FREE)) return 6;
    if (used != A.used || blocks != A.blocks || A.peak < A.used) return 7;
    for (unsigned i = 0; i < BINS; i++) {
        if (!!(A.map[i / 32] & (1u << (i % 32))) != (A.bin[i] != NULL)) return 8;
        for (struct blk *e = A.bin[i]; e != NULL; e = e->next) {
            if (!(e->h.size & FREE) || bin_of(size_of(&e->h)) != i) return 9;
            if (e->next != NULL && e->next->back != e) return 10;
            free_blocks--;
        }
    }
    return free_blocks == 0 ? 0 : 11;
}
#endif
