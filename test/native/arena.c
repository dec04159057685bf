/*
 * The TLS arena's allocator (wasm/zs_arena.c), natively under AddressSanitizer on a region of
 * its own: random calloc/free against a model of the live blocks (aligned, inside, apart,
 * zeroed, contents kept) with every invariant walked as it goes; merging (everything freed is
 * one block again); exhaustion (NULL, and the arena still serves); sizes that overflow; the
 * byte counts and refusals; the pages init leaves untouched; and a double or stray free trapping.
 * Usage: arena [CERTS_DIR] (unused). Prints one line per case; exit 0 when all pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "no_host.h"

/* The file under test again, its functions renamed: the shim linked with this program has
 * its own copy (unused here: the sanitizer build gives mbedTLS the C library's allocator). */
#define ZS_ARENA_TEST
#define zs_arena_init t_init
#define zs_arena_calloc t_calloc
#define zs_arena_free t_free
#define zs_arena_usage t_usage
#define zs_arena_peak_reset t_peak_reset
#define zs_arena_check t_check
#define zs_arena_refused t_refused
#include "zs_arena.c"

#define REGION (256 * 1024)
static _Alignas(64) unsigned char region[REGION];

#define LIVE 96
static struct {
    unsigned char *p;
    size_t n;
    unsigned char fill;
} live[LIVE];

static uint32_t seed = 0xa4e1a;
static uint32_t rnd(void)
{
    seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
    return seed;
}

static size_t used(void)
{
    size_t u, b, p;
    t_usage(&u, &b, &p);
    return u;
}

/* Whether any free block could hold n bytes (a NULL from calloc must mean there is none). */
static int fits_somewhere(size_t n)
{
    uint32_t need = (uint32_t) ((n + HEADER + GRAIN - 1) & ~(size_t) (GRAIN - 1));
    if (need < MIN_BLOCK) {
        need = MIN_BLOCK;
    }
    for (struct hdr *h = (struct hdr *) A.base; (unsigned char *) h < A.end; h = above(h)) {
        if ((h->size & FREE) && size_of(h) >= need) {
            return 1;
        }
    }
    return 0;
}

static void check_block(int i)
{
    for (size_t k = 0; k < live[i].n; k++) {
        CHECK(live[i].p[k] == live[i].fill);
    }
}

/* A size as mbedTLS asks: mostly small (contexts, bignums), some record buffers. */
static size_t a_size(void)
{
    switch (rnd() % 8) {
    case 0: return 16384 + 29 + rnd() % 300;
    case 1: return 1 + rnd() % 20000;
    default: return 1 + rnd() % 400;
    }
}

static void test_random(void)
{
    size_t nulls = 0, calls = 0;
    for (int step = 0; step < 300000; step++) {
        int i = (int) (rnd() % LIVE);
        if (live[i].p != NULL) {
            check_block(i);
            t_free(live[i].p);
            live[i].p = NULL;
        } else {
            size_t n = a_size();
            unsigned char *p = t_calloc(n, 1);
            calls++;
            if (p == NULL) {
                CHECK(!fits_somewhere(n)); /* good fit never answers NULL beside a block that fits */
                nulls++;
                continue;
            }
            CHECK(((uintptr_t) p & (GRAIN - 1)) == 0);
            CHECK(p >= region && p + n <= region + REGION);
            for (size_t k = 0; k < n; k++) {
                CHECK(p[k] == 0);
            }
            live[i].p = p, live[i].n = n, live[i].fill = (unsigned char) (rnd() | 1);
            memset(p, live[i].fill, n);
        }
        if (step % 101 == 0) {
            CHECK(t_check() == 0);
        }
    }
    for (int i = 0; i < LIVE; i++) {
        if (live[i].p != NULL) {
            check_block(i);
            t_free(live[i].p);
            live[i].p = NULL;
        }
    }
    CHECK(t_check() == 0 && used() == 0 && nulls > 0);
    /* Merged: the whole region is one free block again. */
    size_t all = (size_t) (A.end - A.base) - HEADER;
    unsigned char *p = t_calloc(all, 1);
    CHECK(p == A.base + HEADER && t_calloc(1, 1) == NULL);
    t_free(p);
    CHECK(t_check() == 0);
    printf("300,000 random calloc/free (%zu calls, %zu NULL when full): aligned, inside, apart, zeroed, "
           "kept, every invariant; all freed is one block again\n", calls, nulls);
}

static void test_counts_and_edges(void)
{
    uint32_t refused = t_refused();
    CHECK(t_calloc(0, 8) == NULL && t_calloc(8, 0) == NULL);
    CHECK(t_calloc(SIZE_MAX, 2) == NULL && t_calloc(2, SIZE_MAX / 2 + 1) == NULL);
    CHECK(t_calloc(REGION, 1) == NULL && t_calloc(1, REGION_MAX) == NULL);
    CHECK(t_refused() == refused + 4); /* each shortage counted (the engine's ENOMEM, zs_handshake);
                                         * a size of 0 asks for nothing and is not one */
    t_free(NULL);

    /* Bytes in use count each block whole (its header, the grain); the peak holds until reset. */
    t_peak_reset();
    unsigned char *a = t_calloc(1, 1), *b = t_calloc(100, 3);
    size_t u, n, peak;
    t_usage(&u, &n, &peak);
    CHECK(u == MIN_BLOCK + ((300 + HEADER + GRAIN - 1) & ~(GRAIN - 1)) && n == 2 && peak == u);
    t_free(b);
    t_usage(&u, &n, &peak);
    CHECK(u == MIN_BLOCK && n == 1 && peak > u);
    t_peak_reset();
    t_usage(&u, &n, &peak);
    CHECK(peak == u);

    /* Exhaustion: NULL, nothing lost, and the arena serves again once blocks are freed. */
    unsigned char *big = t_calloc(REGION / 2, 1), *none = t_calloc(REGION / 2, 1);
    CHECK(big != NULL && none == NULL && t_check() == 0);
    t_free(big);
    big = t_calloc(REGION / 2, 1);
    CHECK(big != NULL);
    t_free(big);
    t_free(a);
    CHECK(t_check() == 0 && used() == 0);

    /* A block between two free ones merges with both. */
    unsigned char *x = t_calloc(64, 1), *y = t_calloc(64, 1), *z = t_calloc(64, 1), *w = t_calloc(64, 1);
    t_free(x);
    t_free(z);
    t_free(y);
    CHECK(t_check() == 0);
    unsigned char *xyz = t_calloc(3 * 64 + 2 * HEADER, 1);
    CHECK(xyz == x);
    t_free(xyz);
    t_free(w);
    CHECK(t_check() == 0 && used() == 0);
    /* Sizes at the bins' edges: exact bins end at 256 bytes, then eight per power of two. */
    static const size_t edges[] = { 240, 248, 256, 264, 504, 512, 520, 1016, 1024, 1032, 4088, 4096, 4104 };
    unsigned char *e[sizeof(edges) / sizeof(edges[0])];
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        e[i] = t_calloc(edges[i] - HEADER, 1);
        CHECK(e[i] != NULL && t_check() == 0);
    }
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i += 2) {
        t_free(e[i]);
    }
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i += 2) { /* each hole fits its size again */
        unsigned char *again = t_calloc(edges[i] - HEADER, 1);
        CHECK(again != NULL && t_check() == 0);
        e[i] = again;
    }
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        t_free(e[i]);
    }
    CHECK(t_check() == 0 && used() == 0);
    printf("edges: zero and overflowing sizes, byte counts and peak, exhaustion, merging both ways, "
           "sizes at the bins' edges\n");
}

/* Regions too small to hold a block, or none: every calloc is NULL, and nothing traps. */
static void test_small_regions(void)
{
    t_init(NULL, REGION);
    CHECK(t_calloc(1, 1) == NULL);
    t_init(region, MIN_BLOCK + HEADER - 1);
    CHECK(t_calloc(1, 1) == NULL);
    t_init(region + 1, MIN_BLOCK + HEADER + GRAIN); /* unaligned at both ends: rounded inward */
    unsigned char *p = t_calloc(1, 1);
    CHECK(p == region + GRAIN + HEADER && t_calloc(1, 1) == NULL && t_check() == 0);
    t_free(p);
    CHECK(t_check() == 0);
    t_init(region, REGION);
    printf("small regions: none, less than a block, one block between unaligned ends\n");
}

/* init writes the first block's header and links and the end's sentinel, nothing between. */
static void test_untouched(void)
{
    memset(region, 0xa5, REGION);
    t_init(region + 3, REGION - 3);
    size_t touched = 0;
    for (size_t k = 64; k < REGION - 64; k++) {
        touched += region[k] != 0xa5;
    }
    CHECK(touched == 0 && t_check() == 0);
    unsigned char *p = t_calloc(4000, 1);
    CHECK(p == region + 8 + HEADER); /* the first grain boundary past region + 3 */
    t_free(p);
    t_init(region, REGION);
    printf("init leaves the region between its ends untouched (pages stay unmapped until used)\n");
}

static void expect_trap(void (*f)(void), const char *what)
{
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        f();
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st));
    printf("%s traps\n", what);
}

static void double_free(void)
{
    void *p = t_calloc(32, 1);
    t_free(p);
    t_free(p);
}

/* b's block merges with the free block below it (a): its old header is inside a free block. */
static void double_free_after_merge(void)
{
    void *a = t_calloc(32, 1), *b = t_calloc(32, 1);
    (void) t_calloc(32, 1);
    t_free(a);
    t_free(b);
    t_free(b);
}

static void stray_free(void)
{
    static char elsewhere[64];
    t_free(elsewhere + 8);
}

static void inside_free(void)
{
    unsigned char *p = t_calloc(256, 1);
    t_free(p + 3);
}

int main(void)
{
    t_init(region, REGION);
    CHECK(t_check() == 0);
    test_random();
    test_counts_and_edges();
    test_untouched();
    test_small_regions();
    expect_trap(double_free, "a double free");
    expect_trap(double_free_after_merge, "a double free of a block merged with the one below");
    expect_trap(stray_free, "a free of memory outside the arena");
    expect_trap(inside_free, "a free of a pointer inside a block");
    printf("arena: all passed\n");
    return 0;
}
