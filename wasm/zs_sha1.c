/*
 * SHA-1's compression function as one loop (MBEDTLS_SHA1_PROCESS_ALT): mbedTLS's own unrolls
 * all 80 rounds, 4.5 KB of wasm. SHA-1 stays only so that certificates signed with it, many
 * deployed roots among them, still parse and verify; the default certificate profile and our
 * signature schemes never choose it, so it runs a few times per chain at most and its speed
 * does not matter. FIPS 180-4, section 6.1.2.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/sha1.h"
#include "mbedtls/platform_util.h"

#if defined(MBEDTLS_SHA1_C) && defined(MBEDTLS_SHA1_PROCESS_ALT)

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

/* The round function and constant of round t. */
static uint32_t f_k(int t, uint32_t b, uint32_t c, uint32_t d, uint32_t *k)
{
    if (t < 20) {
        *k = 0x5A827999;
        return (b & c) | (~b & d);
    }
    if (t < 40) {
        *k = 0x6ED9EBA1;
        return b ^ c ^ d;
    }
    if (t < 60) {
        *k = 0x8F1BBCDC;
        return (b & c) | (b & d) | (c & d);
    }
    *k = 0xCA62C1D6;
    return b ^ c ^ d;
}

/* One 64-byte block into ctx->state. Always 0 (the signature mbedTLS expects). */
int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
    uint32_t w[16], s[5], k;
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t) data[4 * i] << 24 | (uint32_t) data[4 * i + 1] << 16 |
               (uint32_t) data[4 * i + 2] << 8 | data[4 * i + 3];
    }
    for (int i = 0; i < 5; i++) {
        s[i] = ctx->state[i];
    }
    for (int t = 0; t < 80; t++) {
        if (t >= 16) { /* the schedule in a 16-word ring */
            w[t & 15] = rol(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
        }
        uint32_t tmp = rol(s[0], 5) + f_k(t, s[1], s[2], s[3], &k) + s[4] + k + w[t & 15];
        s[4] = s[3];
        s[3] = s[2];
        s[2] = rol(s[1], 30);
        s[1] = s[0];
        s[0] = tmp;
    }
    for (int i = 0; i < 5; i++) {
        ctx->state[i] += s[i];
    }
    mbedtls_platform_zeroize(w, sizeof(w));
    mbedtls_platform_zeroize(s, sizeof(s));
    return 0;
}

#endif
