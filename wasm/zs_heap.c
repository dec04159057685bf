/*
 * The wasm core's C heap (malloc, free, calloc, realloc): first fit over one free list kept in
 * address order, merged with both neighbours on free. emmalloc's bins and size classes were
 * 2 KB of code for what the heap serves: the mbedTLS arena (one block, zs_init) and the host's
 * staging and scratch areas (a few per core, zs_alloc); TLS contexts allocate from the arena.
 *
 * Memory comes from the break past the module's data and stack (__heap_base), so the heap
 * grows only as far as wasm memory can (its maximum), and a request it cannot serve returns
 * NULL, as emmalloc's did: zs_alloc's callers get ENOMEM.
 * Each block spends one header (ALIGN bytes) and keeps payloads aligned to max_align_t. A free
 * of a block that is not in use (a double free, a stray pointer) traps: the heap is corrupt.
 *
 * Wasm builds only (the Makefile links it in place of -sMALLOC=emmalloc); native builds keep
 * the C library's. test/native/heap.c runs it under AddressSanitizer on a region of its own
 * (ZS_HEAP_TEST), test/accel/zs_heap.test.ts in wasm.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__wasm__) || defined(ZS_HEAP_TEST)

#if defined(ZS_HEAP_TEST)
/* The test's memory: n more bytes that follow the last ones it gave, or NULL. The functions
 * keep a prefix there, so that the C library's stay. */
void *zs_heap_test_more(size_t n);
#define more zs_heap_test_more
#define malloc zs_heap_malloc
#define free zs_heap_free
#define calloc zs_heap_calloc
#define realloc zs_heap_realloc
#else
#include <emscripten/heap.h>

extern unsigned char __heap_base; /* wasm-ld's: the first byte past data and stack */
static uintptr_t brk;

/* sbrk, without a library's: n more bytes at the break, growing wasm memory when it ends
 * there (emscripten_resize_heap tells the host, which refreshes its views). NULL when memory
 * cannot grow. */
static void *more(size_t n)
{
    uintptr_t old = brk != 0 ? brk : (uintptr_t) &__heap_base;
    uintptr_t end = old + n;
    if (end < old) {
        return NULL;
    }
    if ((uint64_t) end > (uint64_t) __builtin_wasm_memory_size(0) * 65536 && !emscripten_resize_heap(end)) {
        return NULL;
    }
    brk = end;
    return (void *) old;
}
#endif

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);

#define ALIGN _Alignof(max_align_t)
#define USED ((size_t) 1)

/* A block: its header, then the payload. A free block's payload starts with the next free
 * block (higher address). `size` is the whole block's, a multiple of ALIGN, with USED in bit 0. */
typedef struct block {
    size_t size;
    _Alignas(ALIGN) struct block *next;
} block;

#define HEADER offsetof(block, next)
#define MIN_BLOCK sizeof(block)

static block *free_list;

/* The block size that holds n payload bytes, or 0 when it would overflow. */
static size_t block_size(size_t n)
{
    if (n > SIZE_MAX / 2) {
        return 0;
    }
    size_t s = (n + HEADER + ALIGN - 1) & ~(ALIGN - 1);
    return s < MIN_BLOCK ? MIN_BLOCK : s;
}

/* Puts a free block into the list in address order and merges it with the neighbours it
 * touches. */
static void insert_free(block *b)
{
    block **link = &free_list, *prev = NULL;
    while (*link != NULL && *link < b) {
        prev = *link;
        link = &(*link)->next;
    }
    b->next = *link;
    *link = b;
    if (b->next != NULL && (char *) b + b->size == (char *) b->next) {
        b->size += b->next->size;
        b->next = b->next->next;
    }
    if (prev != NULL && (char *) prev + prev->size == (char *) b) {
        prev->size += b->size;
        prev->next = b->next;
    }
}

/* Takes `need` bytes from the first free block that has them; splits off what is left when
 * it can make a block. */
static block *take(size_t need)
{
    for (block **link = &free_list; *link != NULL; link = &(*link)->next) {
        block *b = *link;
        if (b->size < need) {
            continue;
        }
        if (b->size - need >= MIN_BLOCK) {
            block *rest = (block *) ((char *) b + need);
            rest->size = b->size - need;
            rest->next = b->next;
            *link = rest;
            b->size = need;
        } else {
            *link = b->next;
        }
        b->size |= USED;
        return b;
    }
    return NULL;
}

/* `need` more bytes of memory into the free list (merged with a free block that ends where
 * they start). 0, or -1 when there is no more. */
static int grow(size_t need)
{
    block *b = more(need);
    if (b == NULL) {
        return -1;
    }
    b->size = need;
    insert_free(b);
    return 0;
}

void *malloc(size_t n)
{
    size_t need = block_size(n);
    if (need == 0) {
        return NULL;
    }
    block *b = take(need);
    if (b == NULL && grow(need) == 0) {
        b = take(need);
    }
    return b != NULL ? (char *) b + HEADER : NULL;
}

void free(void *p)
{
    if (p == NULL) {
        return;
    }
    block *b = (block *) ((char *) p - HEADER);
    if (!(b->size & USED)) {
        __builtin_trap(); /* a double free or a pointer malloc never gave */
    }
    b->size &= ~USED;
    insert_free(b);
}

void *calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    void *p = malloc(count * size);
    if (p != NULL) {
        memset(p, 0, count * size);
    }
    return p;
}

/* A block that is big enough keeps its place (and its size), for n == 0 too: the pointer stays
 * the caller's to free. A failure leaves `p` as it was. */
void *realloc(void *p, size_t n)
{
    if (p == NULL) {
        return malloc(n);
    }
    size_t have = (((block *) ((char *) p - HEADER))->size & ~USED) - HEADER;
    if (n <= have) {
        return p;
    }
    void *q = malloc(n);
    if (q != NULL) {
        memcpy(q, p, have);
        free(p);
    }
    return q;
}

#endif /* __wasm__ || ZS_HEAP_TEST */
