/*
 * ChaCha20 four blocks at a time with wasm SIMD128 (issue 19: ChaCha20-Poly1305 bulk). mbedTLS's
 * chacha20.c makes one 64-byte block per call of a scalar routine; here four blocks run side by
 * side, one per 32-bit lane, and the keystream never touches memory (it is XORed into the
 * output from registers).
 *
 * The Makefile compiles chachapoly.c (TLS's ChaCha20-Poly1305) with
 * -Dmbedtls_chacha20_update=zs_chacha20_update in wasm builds, and this file alone with
 * -msimd128. zs_chacha20_update works on mbedTLS's own context: when no keystream is left over,
 * it takes each 256 bytes itself (counter += 4, wrapping in 32 bits as mbedTLS's does) and hands
 * the rest to mbedtls_chacha20_update, which sees the context exactly as after its own full
 * blocks. Without SIMD (native builds) it is mbedtls_chacha20_update.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* the context's state, as chacha20.c reads it */
#include "mbedtls/build_info.h"

#if defined(MBEDTLS_CHACHA20_C) && !defined(MBEDTLS_CHACHA20_ALT)
#include "mbedtls/chacha20.h"

int zs_chacha20_update(mbedtls_chacha20_context *ctx, size_t size, const unsigned char *input,
                       unsigned char *output);

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#define ROTL(v, n) wasm_v128_or(wasm_i32x4_shl((v), (n)), wasm_u32x4_shr((v), 32 - (n)))
/* Rotations by whole bytes are one byte shuffle (pshufb on x86). */
#define ROTL16(v) wasm_i8x16_shuffle((v), (v), 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)
#define ROTL8(v) wasm_i8x16_shuffle((v), (v), 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)

#define QR(a, b, c, d) do { \
        x[a] = wasm_i32x4_add(x[a], x[b]); x[d] = ROTL16(wasm_v128_xor(x[d], x[a])); \
        x[c] = wasm_i32x4_add(x[c], x[d]); x[b] = ROTL(wasm_v128_xor(x[b], x[c]), 12); \
        x[a] = wasm_i32x4_add(x[a], x[b]); x[d] = ROTL8(wasm_v128_xor(x[d], x[a])); \
        x[c] = wasm_i32x4_add(x[c], x[d]); x[b] = ROTL(wasm_v128_xor(x[b], x[c]), 7); \
} while (0)

/* out = in XOR the keystream of four blocks at counters state[12] .. state[12] + 3, the words
 * i0 .. i0 + 3 of each block: a 4x4 transpose of lanes into blocks. */
static void xor_words(const v128_t *x, int i0, const unsigned char *in, unsigned char *out)
{
    v128_t t0 = wasm_i32x4_shuffle(x[i0], x[i0 + 1], 0, 4, 1, 5);
    v128_t t1 = wasm_i32x4_shuffle(x[i0], x[i0 + 1], 2, 6, 3, 7);
    v128_t t2 = wasm_i32x4_shuffle(x[i0 + 2], x[i0 + 3], 0, 4, 1, 5);
    v128_t t3 = wasm_i32x4_shuffle(x[i0 + 2], x[i0 + 3], 2, 6, 3, 7);
    v128_t r[4] = { wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5), wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7),
                    wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5), wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7) };
    for (int j = 0; j < 4; j++) {
        size_t at = 64 * (size_t) j + 4 * (size_t) i0;
        wasm_v128_store(out + at, wasm_v128_xor(wasm_v128_load(in + at), r[j]));
    }
}

static void blocks4(const uint32_t state[16], const unsigned char *in, unsigned char *out)
{
    v128_t x[16], s[16];
    for (int i = 0; i < 16; i++) {
        s[i] = wasm_i32x4_splat((int32_t) state[i]);
    }
    s[12] = wasm_i32x4_add(s[12], wasm_i32x4_make(0, 1, 2, 3));
    for (int i = 0; i < 16; i++) {
        x[i] = s[i];
    }
    for (int r = 0; r < 10; r++) {
        QR(0, 4, 8, 12); QR(1, 5, 9, 13); QR(2, 6, 10, 14); QR(3, 7, 11, 15);
        QR(0, 5, 10, 15); QR(1, 6, 11, 12); QR(2, 7, 8, 13); QR(3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) {
        x[i] = wasm_i32x4_add(x[i], s[i]);
    }
    for (int i0 = 0; i0 < 16; i0 += 4) {
        xor_words(x, i0, in, out);
    }
}

/** mbedtls_chacha20_update with four blocks at a time: 0 (it cannot fail). */
int zs_chacha20_update(mbedtls_chacha20_context *ctx, size_t size, const unsigned char *input,
                       unsigned char *output)
{
    size_t done = 0;
    if (ctx != NULL && input != NULL && output != NULL && ctx->keystream_bytes_used >= 64) {
        for (; size - done >= 256; done += 256) {
            blocks4(ctx->state, input + done, output + done);
            ctx->state[12] += 4;
        }
    }
    return mbedtls_chacha20_update(ctx, size - done, input + done, output + done);
}

#else

int zs_chacha20_update(mbedtls_chacha20_context *ctx, size_t size, const unsigned char *input,
                       unsigned char *output)
{
    return mbedtls_chacha20_update(ctx, size, input, output);
}

#endif /* __wasm_simd128__ */
#endif /* MBEDTLS_CHACHA20_C */
