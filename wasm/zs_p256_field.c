/*
 * Arithmetic mod p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (P-256's field) on 8 x 32-bit limbs, in the
 * Montgomery domain with R = 2^256. Since p = -1 mod 2^32, -1/p mod 2^32 = 1: each reduction
 * step's multiplier is the low limb itself.
 *
 * Constant time: no branch and no memory index depends on a value; conditional subtractions are
 * masks. Every result is fully reduced (below p), so equality is limb equality.
 */
#include "mbedtls/build_info.h" /* the configuration: ZSOCK_P256_FIXED, the table size */

#if defined(ZSOCK_P256_FIXED)
#include "zs_p256.h"

static const uint32_t P[8] = {0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1, 0xffffffff};
/* R mod p and R^2 mod p (R = 2^256), for the domain conversions. */
const zs_fe zs_fe_one = {0x00000001, 0x00000000, 0x00000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xfffffffe, 0x00000000};
static const zs_fe R2 = {0x00000003, 0x00000000, 0xffffffff, 0xfffffffb, 0xfffffffe, 0xffffffff, 0xfffffffd, 0x00000004};

/* r = t - p when that does not borrow or `carry` is set (t + carry * 2^256 >= p), else t. */
static void reduce_once(zs_fe r, const uint32_t t[8], uint32_t carry)
{
    uint32_t s[8], borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t d = (uint64_t) t[i] - P[i] - borrow;
        s[i] = (uint32_t) d;
        borrow = (uint32_t) (d >> 63);
    }
    uint32_t take = 0u - (carry | (borrow ^ 1));
    for (int i = 0; i < 8; i++) {
        r[i] = (s[i] & take) | (t[i] & ~take);
    }
}

/* r = t / R mod p for t < p * R (16 limbs, t is overwritten). */
static void mont_reduce(zs_fe r, uint32_t t[16])
{
    uint32_t top = 0;
    for (int i = 0; i < 8; i++) {
        uint32_t m = t[i];
        uint64_t c = 0;
        for (int j = 0; j < 8; j++) {
            c += (uint64_t) m * P[j] + t[i + j];
            t[i + j] = (uint32_t) c;
            c >>= 32;
        }
        c += (uint64_t) t[i + 8] + top;
        t[i + 8] = (uint32_t) c;
        top = (uint32_t) (c >> 32);
    }
    reduce_once(r, t + 8, top);
}

/** r = a * b / R mod p. r may alias a or b. */
void zs_fe_mul(zs_fe r, const zs_fe a, const zs_fe b)
{
    uint32_t t[16] = {0};
    for (int i = 0; i < 8; i++) {
        uint64_t c = 0;
        for (int j = 0; j < 8; j++) {
            c += (uint64_t) a[i] * b[j] + t[i + j];
            t[i + j] = (uint32_t) c;
            c >>= 32;
        }
        t[i + 8] = (uint32_t) c;
    }
    mont_reduce(r, t);
}

/** r = a^2 / R mod p: the cross products once, doubled (36 multiplies instead of 64). */
void zs_fe_sqr(zs_fe r, const zs_fe a)
{
    uint32_t t[16] = {0};
    for (int i = 0; i < 7; i++) {
        uint64_t c = 0;
        for (int j = i + 1; j < 8; j++) {
            c += (uint64_t) a[i] * a[j] + t[i + j];
            t[i + j] = (uint32_t) c;
            c >>= 32;
        }
        t[i + 8] = (uint32_t) c;
    }
    uint32_t hi = 0;
    for (int i = 0; i < 16; i++) { /* t = 2t: the cross products count twice */
        uint32_t w = t[i];
        t[i] = (w << 1) | hi;
        hi = w >> 31;
    }
    uint64_t c = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t sq = (uint64_t) a[i] * a[i];
        c += (uint64_t) t[2 * i] + (uint32_t) sq;
        t[2 * i] = (uint32_t) c;
        c >>= 32;
        c += (uint64_t) t[2 * i + 1] + (sq >> 32);
        t[2 * i + 1] = (uint32_t) c;
        c >>= 32;
    }
    mont_reduce(r, t);
}

/** r = a + b mod p. */
void zs_fe_add(zs_fe r, const zs_fe a, const zs_fe b)
{
    uint32_t t[8];
    uint64_t c = 0;
    for (int i = 0; i < 8; i++) {
        c += (uint64_t) a[i] + b[i];
        t[i] = (uint32_t) c;
        c >>= 32;
    }
    reduce_once(r, t, (uint32_t) c);
}

/** r = a - b mod p: p added back under a mask when the subtraction borrows. */
void zs_fe_sub(zs_fe r, const zs_fe a, const zs_fe b)
{
    uint32_t t[8], borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t d = (uint64_t) a[i] - b[i] - borrow;
        t[i] = (uint32_t) d;
        borrow = (uint32_t) (d >> 63);
    }
    uint32_t mask = 0u - borrow;
    uint64_t c = 0;
    for (int i = 0; i < 8; i++) {
        c += (uint64_t) t[i] + (P[i] & mask);
        r[i] = (uint32_t) c;
        c >>= 32;
    }
}

/* r = a^(2^n) */
static void sqr_n(zs_fe r, const zs_fe a, int n)
{
    zs_fe_sqr(r, a);
    while (--n > 0) {
        zs_fe_sqr(r, r);
    }
}

/** r = 1 / a mod p by Fermat (a^(p-2)), a fixed addition chain: constant time; 0 gives 0.
 *  p - 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (hex). */
void zs_fe_inv(zs_fe r, const zs_fe a)
{
    zs_fe x2, x3, x6, x12, x15, x30, x32, t;
    zs_fe_sqr(x2, a);
    zs_fe_mul(x2, x2, a); /* a^(2^2 - 1) */
    zs_fe_sqr(x3, x2);
    zs_fe_mul(x3, x3, a);
    sqr_n(x6, x3, 3);
    zs_fe_mul(x6, x6, x3);
    sqr_n(x12, x6, 6);
    zs_fe_mul(x12, x12, x6);
    sqr_n(x15, x12, 3);
    zs_fe_mul(x15, x15, x3);
    sqr_n(x30, x15, 15);
    zs_fe_mul(x30, x30, x15);
    sqr_n(x32, x30, 2);
    zs_fe_mul(x32, x32, x2); /* a^(2^32 - 1): the top word */
    sqr_n(t, x32, 32);
    zs_fe_mul(t, t, a); /* ... 00000001 */
    sqr_n(t, t, 96 + 32);
    zs_fe_mul(t, t, x32); /* three zero words, then ffffffff */
    sqr_n(t, t, 32);
    zs_fe_mul(t, t, x32);
    sqr_n(t, t, 30);
    zs_fe_mul(t, t, x30); /* fffffffd = 30 ones, 0, 1 */
    sqr_n(t, t, 2);
    zs_fe_mul(r, t, a);
}

/** r = the field element of 32 big-endian bytes (below p), into the Montgomery domain. */
void zs_fe_from_bytes(zs_fe r, const uint8_t in[32])
{
    zs_fe t;
    for (int i = 0; i < 8; i++) {
        const uint8_t *b = in + 28 - 4 * i;
        t[i] = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
    }
    zs_fe_mul(r, t, R2);
}

/** out = a out of the Montgomery domain, 32 big-endian bytes. */
void zs_fe_to_bytes(uint8_t out[32], const zs_fe a)
{
    static const zs_fe unit = {1, 0, 0, 0, 0, 0, 0, 0};
    zs_fe t;
    zs_fe_mul(t, a, unit);
    for (int i = 0; i < 8; i++) {
        uint8_t *b = out + 28 - 4 * i;
        b[0] = (uint8_t) (t[i] >> 24), b[1] = (uint8_t) (t[i] >> 16), b[2] = (uint8_t) (t[i] >> 8), b[3] = (uint8_t) t[i];
    }
}

/** r = a where mask is all ones; r unchanged where it is 0. */
void zs_fe_cmov(zs_fe r, const zs_fe a, uint32_t mask)
{
    for (int i = 0; i < 8; i++) {
        r[i] = (a[i] & mask) | (r[i] & ~mask);
    }
}

/** All ones when a = 0, else 0 (constant time). */
uint32_t zs_fe_is_zero(const zs_fe a)
{
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        x |= a[i];
    }
    return ((x | (0u - x)) >> 31) - 1;
}

#endif /* ZSOCK_P256_FIXED */
