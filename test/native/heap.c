/*
 * The wasm core's C heap (wasm/zs_heap.c), natively under AddressSanitizer on a region of its
 * own: random malloc/calloc/realloc/free against a model of the live blocks (alignment, no
 * overlap, contents kept), coalescing (everything freed is one block again), exhaustion
 * (NULL, and the heap still serves), calloc's overflow and zeroing, realloc's failure leaving
 * the block as it was, and a double free trapping.
 * Usage: heap [CERTS_DIR] (unused). Prints one line per case; exit 0 when all pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "no_host.h"

/* After the C library's headers: its malloc's declarations must not name the heap's. */
#define ZS_HEAP_TEST
#include "zs_heap.c"

#define REGION (256 * 1024)
static _Alignas(64) unsigned char region[REGION];
static size_t given, limit = REGION, more_calls;

void *zs_heap_test_more(size_t n)
{
    more_calls++;
    if (n > limit - given) {
        return NULL;
    }
    given += n;
    return region + given - n;
}

#define LIVE 64
static struct {
    unsigned char *p;
    size_t n;
    unsigned char fill;
} live[LIVE];

static uint32_t seed = 0x5eed;
static uint32_t rnd(void)
{
    seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
    return seed;
}

static void check_block(int i)
{
    for (size_t k = 0; k < live[i].n; k++) {
        CHECK(live[i].p[k] == live[i].fill);
    }
}

static void place(int i, unsigned char *p, size_t n)
{
    CHECK(((uintptr_t) p & (ALIGN - 1)) == 0);
    CHECK(p >= region && p + n <= region + given);
    live[i].p = p, live[i].n = n, live[i].fill = (unsigned char) (rnd() | 1);
    memset(p, live[i].fill, n);
}

static void test_random(void)
{
    size_t nulls = 0;
    for (int step = 0; step < 200000; step++) {
        int i = (int) (rnd() % LIVE);
        size_t n = rnd() % 4 == 0 ? rnd() % 20000 : rnd() % 300;
        if (live[i].p != NULL) {
            check_block(i);
        }
        switch (rnd() % 4) {
        case 0:
        case 1:
            if (live[i].p != NULL) {
                zs_heap_free(live[i].p);
                live[i].p = NULL;
            } else {
                unsigned char *p = zs_heap_malloc(n);
                nulls += p == NULL;
                if (p != NULL) {
                    place(i, p, n);
                }
            }
            break;
        case 2:
            if (live[i].p == NULL) {
                unsigned char *p = zs_heap_calloc(n, 1);
                nulls += p == NULL;
                if (p != NULL) {
                    for (size_t k = 0; k < n; k++) {
                        CHECK(p[k] == 0);
                    }
                    place(i, p, n);
                }
            }
            break;
        default:
            if (live[i].p != NULL) {
                unsigned char *p = zs_heap_realloc(live[i].p, n);
                if (p == NULL) {
                    nulls++;
                    check_block(i); /* kept as it was */
                } else {
                    size_t keep = n < live[i].n ? n : live[i].n;
                    for (size_t k = 0; k < keep; k++) {
                        CHECK(p[k] == live[i].fill);
                    }
                    place(i, p, n);
                }
            }
        }
    }
    for (int i = 0; i < LIVE; i++) {
        if (live[i].p != NULL) {
            check_block(i);
            zs_heap_free(live[i].p);
            live[i].p = NULL;
        }
    }
    /* Coalesced: what was given is one free block again, served without asking for more. */
    CHECK(free_list != NULL && free_list->next == NULL && (unsigned char *) free_list == region &&
          free_list->size == given);
    size_t calls = more_calls;
    unsigned char *all = zs_heap_malloc(given - HEADER);
    CHECK(all == region + HEADER && more_calls == calls);
    zs_heap_free(all);
    printf("200,000 random malloc/calloc/realloc/free: aligned, apart, kept; %zu NULLs at the "
           "limit; all freed is one block of %zu bytes\n", nulls, given);
}

static void test_edges(void)
{
    CHECK(zs_heap_malloc(SIZE_MAX) == NULL);
    CHECK(zs_heap_malloc(SIZE_MAX - HEADER) == NULL);
    CHECK(zs_heap_calloc(SIZE_MAX / 2, 3) == NULL);
    CHECK(zs_heap_calloc((size_t) 1 << (sizeof(size_t) * 4), (size_t) 1 << (sizeof(size_t) * 4)) == NULL);
    unsigned char *a = zs_heap_malloc(0), *b = zs_heap_malloc(0);
    CHECK(a != NULL && b != NULL && a != b);
    CHECK(zs_heap_realloc(a, 0) == a); /* stays the caller's */
    zs_heap_free(a);
    zs_heap_free(b);
    zs_heap_free(NULL);

    /* Exhaustion: NULL, nothing lost, and the heap serves again once blocks are freed. */
    unsigned char *big = zs_heap_malloc(REGION);
    CHECK(big == NULL);
    unsigned char *x = zs_heap_malloc(1000);
    CHECK(x != NULL);
    memset(x, 0x5a, 1000);
    CHECK(zs_heap_realloc(x, REGION) == NULL && x[999] == 0x5a);
    unsigned char *y = zs_heap_realloc(x, 2000); /* moves: no room after x */
    CHECK(y != NULL && y[0] == 0x5a && y[999] == 0x5a);
    CHECK(zs_heap_realloc(y, 100) == y);
    zs_heap_free(y);
    CHECK(free_list->next == NULL && free_list->size == given);
    printf("edges: sizes that overflow, malloc(0), realloc to 0, exhaustion and realloc's failure\n");
}

static void test_double_free_traps(void)
{
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        void *p = zs_heap_malloc(32);
        zs_heap_free(p);
        zs_heap_free(p);
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st));
    printf("a double free traps\n");
}

int main(void)
{
    test_random();
    test_edges();
    test_double_free_traps();
    printf("heap: all passed\n");
    return 0;
}
