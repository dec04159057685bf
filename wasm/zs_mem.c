/*
 * memcpy, memmove and memset of the wasm core on wasm's bulk-memory instructions (issue 19:
 * bulk). The standalone build's libc copies 4 bytes a step when both pointers share their
 * alignment and 1 byte a step when they do not. mbedTLS copies every record between the I/O
 * windows, its record buffers (the message starts 13 bytes in) and the caller's buffer, so
 * most record copies took the byte loop: 16 KB a record, four times per record and side.
 * memory.copy and memory.fill run as the engine's own memmove and memset.
 *
 * The Makefile builds this file alone with -mbulk-memory (wasm builds; the native builds and
 * any wasm build without it keep the C library's). Its strong definitions take the place of
 * libc's weak ones at link time. Under 32 bytes a plain loop is kept: a memory.copy is a call
 * out of the wasm code, dearer than a few byte moves, and bignum code makes many such copies.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__wasm__) && defined(__wasm_bulk_memory__)

#define SMALL 32

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memmove(void *dst, const void *src, size_t n)
{
    if (n >= SMALL) {
        __builtin_memmove(dst, src, n); /* memory.copy: overlap allowed, as memmove's */
        return dst;
    }
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) {
#pragma clang loop unroll(disable)
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
#pragma clang loop unroll(disable)
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    if (n >= SMALL) {
        __builtin_memcpy(dst, src, n); /* memory.copy */
        return dst;
    }
    unsigned char *d = dst;
    const unsigned char *s = src;
#pragma clang loop unroll(disable)
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    if (n >= SMALL) {
        __builtin_memset(dst, c, n); /* memory.fill */
        return dst;
    }
    unsigned char *d = dst;
#pragma clang loop unroll(disable)
    for (size_t i = 0; i < n; i++) {
        d[i] = (unsigned char) c;
    }
    return dst;
}

#else
typedef int zs_mem_unused; /* ISO C: a translation unit is not empty */
#endif
