/*
 * X25519 on our own fixed limbs (RFC 7748), for wasm/zs_x25519.c.
 *
 * A field element mod p = 2^255 - 19 is 10 unsigned limbs of 26, 25, 26, ... bits (radix
 * 2^25.5). A product of two limbs fits in 64 bits with room for a column of ten, and wasm has a
 * 64-bit multiply but no 64 x 64 -> 128 one, which is what HACL*'s 51-bit limbs need.
 *
 * Bounds. An element is "carried" (weight 1) when its even limbs are below 2^26 and its odd ones
 * below 2^25 (limb 1 may exceed that by the last carry's 2^14): what fe_mul, fe_sq, fe_mul_small
 * and fe_add_c return. fe_add and fe_sub do not carry (they are a third of the work otherwise):
 * fe_add's result weighs the sum of its operands', fe_sub's its first operand's plus 2, and
 * fe_sub's second operand must be carried (so adding 2p limb by limb never goes negative).
 * fe_mul takes weights of at most 3 for g (19 * g stays within 32 bits) and a product of weights
 * of at most 27 (a column of products, below 2^59 for carried inputs, stays within 64 bits);
 * fe_sq takes at most 3. Each use below notes the weights it relies on. Only fe_tobytes reduces
 * to the canonical value.
 *
 * Key generation (k * 9) runs on the Edwards curve that is birationally equivalent to Curve25519
 * (RFC 7748 section 4.1), where the base point has a comb over precomputed multiples
 * (scripts/gen-x25519-table.mjs, in build/gen/): with one table, 63 doublings and 64 additions
 * instead of the ladder's 255 steps. Its u is (Z + Y) / (Z - Y). The Edwards formulas for a = -1
 * are complete (Hisil, Wong, Carter, Dawson 2008), so the identity needs no special case.
 *
 * Constant time in the scalar: loops and indices depend only on public counts, table entries
 * are read under masks, and the ladder's swaps are masked XORs.
 */
#include <string.h>
#include "zs_c25519.h"

#ifndef ZSOCK_X25519_COMB_TABLES
#define ZSOCK_X25519_COMB_TABLES 1
#endif
#define SPAN (64 / ZSOCK_X25519_COMB_TABLES)

typedef uint32_t zs_c25519_fe[10];
typedef struct {
    zs_c25519_fe ypx, ymx, xy2d; /* y + x, y - x, 2 * d * x * y: an affine point */
} zs_c25519_niels;
typedef struct {
    zs_c25519_fe X, Y, Z, T; /* extended coordinates: x = X / Z, y = Y / Z, x * y = T / Z */
} zs_c25519_ge;
typedef zs_c25519_fe fe;

#include "zs_c25519_table.h"

const unsigned zs_c25519_table_bytes = sizeof(COMB);

/* 2p, limb by limb: what fe_sub adds so that no limb goes below zero. */
static const fe TWO_P = { 0x7ffffda, 0x3fffffe, 0x7fffffe, 0x3fffffe, 0x7fffffe,
                          0x3fffffe, 0x7fffffe, 0x3fffffe, 0x7fffffe, 0x3fffffe };

#define WIDTH(i) ((i) & 1 ? 25 : 26)

/* The multiplications get the carry inlined (that is where the time goes); the point formulas and
 * the carried helpers stay calls, which keeps the code a third of its fully inlined size. */
#if defined(__GNUC__)
#define SMALL __attribute__((noinline))
#else
#define SMALL
#endif
/* What runs once per operation (the inversion, the conversions) is built for size: -0.1 KB. */
#if defined(__clang__)
#define ONCE __attribute__((minsize))
#else
#define ONCE
#endif

/* h = the columns t, carried: each limb's excess to the next, limb 9's as 19 * it into limb 0
 * (2^255 = 19 mod p), then limb 0's once more. */
static void carry(fe h, uint64_t t[10])
{
    for (int i = 0; i < 9; i++) {
        t[i + 1] += t[i] >> WIDTH(i);
        t[i] &= (1u << WIDTH(i)) - 1;
    }
    t[0] += 19 * (t[9] >> 25);
    t[9] &= (1u << 25) - 1;
    t[1] += t[0] >> 26;
    t[0] &= (1u << 26) - 1;
    for (int i = 0; i < 10; i++) {
        h[i] = (uint32_t) t[i];
    }
}

/* h = f + g, not carried: weight w(f) + w(g). */
SMALL static void fe_add(fe h, const fe f, const fe g)
{
    for (int i = 0; i < 10; i++) {
        h[i] = f[i] + g[i];
    }
}

/* h = f + g, carried: weight 1. */
SMALL static void fe_add_c(fe h, const fe f, const fe g)
{
    uint64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (uint64_t) f[i] + g[i];
    }
    carry(h, t);
}

/* h = f - g as f + 2p - g, not carried: weight w(f) + 2; g must be carried. */
SMALL static void fe_sub(fe h, const fe f, const fe g)
{
    for (int i = 0; i < 10; i++) {
        h[i] = f[i] + TWO_P[i] - g[i];
    }
}

#define M(a, b) ((uint64_t) (a) * (b))

/* h = f * g. A product of limbs i and j lands in column i + j; when both are odd their bit
 * positions sum to one more than the column's, hence f2; columns from 10 wrap as 19 times (g19).
 * Written out: V8 runs the unrolled columns about twice as fast as the loops. */
static void fe_mul(fe h, const fe f, const fe g)
{
    uint32_t f2[10], g19[10];
    uint64_t t[10];
    for (int i = 0; i < 10; i++) {
        f2[i] = 2 * f[i];
        g19[i] = 19 * g[i];
    }
    t[0] = M(f[0], g[0]) + M(f2[1], g19[9]) + M(f[2], g19[8]) + M(f2[3], g19[7]) + M(f[4], g19[6]) + M(f2[5], g19[5]) + M(f[6], g19[4]) + M(f2[7], g19[3]) + M(f[8], g19[2]) + M(f2[9], g19[1]);
    t[1] = M(f[0], g[1]) + M(f[1], g[0]) + M(f[2], g19[9]) + M(f[3], g19[8]) + M(f[4], g19[7]) + M(f[5], g19[6]) + M(f[6], g19[5]) + M(f[7], g19[4]) + M(f[8], g19[3]) + M(f[9], g19[2]);
    t[2] = M(f[0], g[2]) + M(f2[1], g[1]) + M(f[2], g[0]) + M(f2[3], g19[9]) + M(f[4], g19[8]) + M(f2[5], g19[7]) + M(f[6], g19[6]) + M(f2[7], g19[5]) + M(f[8], g19[4]) + M(f2[9], g19[3]);
    t[3] = M(f[0], g[3]) + M(f[1], g[2]) + M(f[2], g[1]) + M(f[3], g[0]) + M(f[4], g19[9]) + M(f[5], g19[8]) + M(f[6], g19[7]) + M(f[7], g19[6]) + M(f[8], g19[5]) + M(f[9], g19[4]);
    t[4] = M(f[0], g[4]) + M(f2[1], g[3]) + M(f[2], g[2]) + M(f2[3], g[1]) + M(f[4], g[0]) + M(f2[5], g19[9]) + M(f[6], g19[8]) + M(f2[7], g19[7]) + M(f[8], g19[6]) + M(f2[9], g19[5]);
    t[5] = M(f[0], g[5]) + M(f[1], g[4]) + M(f[2], g[3]) + M(f[3], g[2]) + M(f[4], g[1]) + M(f[5], g[0]) + M(f[6], g19[9]) + M(f[7], g19[8]) + M(f[8], g19[7]) + M(f[9], g19[6]);
    t[6] = M(f[0], g[6]) + M(f2[1], g[5]) + M(f[2], g[4]) + M(f2[3], g[3]) + M(f[4], g[2]) + M(f2[5], g[1]) + M(f[6], g[0]) + M(f2[7], g19[9]) + M(f[8], g19[8]) + M(f2[9], g19[7]);
    t[7] = M(f[0], g[7]) + M(f[1], g[6]) + M(f[2], g[5]) + M(f[3], g[4]) + M(f[4], g[3]) + M(f[5], g[2]) + M(f[6], g[1]) + M(f[7], g[0]) + M(f[8], g19[9]) + M(f[9], g19[8]);
    t[8] = M(f[0], g[8]) + M(f2[1], g[7]) + M(f[2], g[6]) + M(f2[3], g[5]) + M(f[4], g[4]) + M(f2[5], g[3]) + M(f[6], g[2]) + M(f2[7], g[1]) + M(f[8], g[0]) + M(f2[9], g19[9]);
    t[9] = M(f[0], g[9]) + M(f[1], g[8]) + M(f[2], g[7]) + M(f[3], g[6]) + M(f[4], g[5]) + M(f[5], g[4]) + M(f[6], g[3]) + M(f[7], g[2]) + M(f[8], g[1]) + M(f[9], g[0]);
    carry(h, t);
}

/* h = f * f: fe_mul's columns with each cross product once, doubled (f2), and the wrap's 19
 * folded into f19 and f38 (at most 38 * 2^26, within 32 bits). */
static void fe_sq(fe h, const fe f)
{
    uint32_t f2[10], f19[10], f38[10];
    uint64_t t[10];
    for (int i = 0; i < 10; i++) {
        f2[i] = 2 * f[i];
        f19[i] = 19 * f[i];
        f38[i] = 38 * f[i];
    }
    t[0] = M(f[0], f[0]) + M(f38[1], f2[9]) + M(f19[2], f2[8]) + M(f38[3], f2[7]) + M(f19[4], f2[6]) + M(f19[5], f2[5]);
    t[1] = M(f[0], f2[1]) + M(f19[2], f2[9]) + M(f19[3], f2[8]) + M(f19[4], f2[7]) + M(f19[5], f2[6]);
    t[2] = M(f[0], f2[2]) + M(f[1], f2[1]) + M(f38[3], f2[9]) + M(f19[4], f2[8]) + M(f38[5], f2[7]) + M(f19[6], f[6]);
    t[3] = M(f[0], f2[3]) + M(f[1], f2[2]) + M(f19[4], f2[9]) + M(f19[5], f2[8]) + M(f19[6], f2[7]);
    t[4] = M(f[0], f2[4]) + M(f2[1], f2[3]) + M(f[2], f[2]) + M(f38[5], f2[9]) + M(f19[6], f2[8]) + M(f19[7], f2[7]);
    t[5] = M(f[0], f2[5]) + M(f[1], f2[4]) + M(f[2], f2[3]) + M(f19[6], f2[9]) + M(f19[7], f2[8]);
    t[6] = M(f[0], f2[6]) + M(f2[1], f2[5]) + M(f[2], f2[4]) + M(f[3], f2[3]) + M(f38[7], f2[9]) + M(f19[8], f[8]);
    t[7] = M(f[0], f2[7]) + M(f[1], f2[6]) + M(f[2], f2[5]) + M(f[3], f2[4]) + M(f19[8], f2[9]);
    t[8] = M(f[0], f2[8]) + M(f2[1], f2[7]) + M(f[2], f2[6]) + M(f2[3], f2[5]) + M(f[4], f[4]) + M(f19[9], f2[9]);
    t[9] = M(f[0], f2[9]) + M(f[1], f2[8]) + M(f[2], f2[7]) + M(f[3], f2[6]) + M(f[4], f2[5]);
    carry(h, t);
}

/* h = f^(2^n), n >= 1. */
static void fe_sqn(fe h, const fe f, int n)
{
    fe_sq(h, f);
    while (--n > 0) {
        fe_sq(h, h);
    }
}

SMALL static void fe_mul_small(fe h, const fe f, uint32_t c)
{
    uint64_t t[10];
    for (int i = 0; i < 10; i++) {
        t[i] = (uint64_t) f[i] * c;
    }
    carry(h, t);
}

/* h = z^(p - 2) = 1 / z (0 for 0), by the usual chain: z^(2^255 - 21). */
ONCE static void fe_invert(fe h, const fe z)
{
    fe z2, z9, z11, a, b, c;
    fe_sq(z2, z);
    fe_sqn(a, z2, 2);
    fe_mul(z9, a, z);
    fe_mul(z11, z9, z2);
    fe_sq(a, z11);
    fe_mul(a, a, z9);       /* z^(2^5 - 1) */
    fe_sqn(b, a, 5);
    fe_mul(a, b, a);        /* z^(2^10 - 1) */
    fe_sqn(b, a, 10);
    fe_mul(b, b, a);        /* z^(2^20 - 1) */
    fe_sqn(c, b, 20);
    fe_mul(b, c, b);        /* z^(2^40 - 1) */
    fe_sqn(b, b, 10);
    fe_mul(a, b, a);        /* z^(2^50 - 1) */
    fe_sqn(b, a, 50);
    fe_mul(b, b, a);        /* z^(2^100 - 1) */
    fe_sqn(c, b, 100);
    fe_mul(b, c, b);        /* z^(2^200 - 1) */
    fe_sqn(b, b, 50);
    fe_mul(b, b, a);        /* z^(2^250 - 1) */
    fe_sqn(b, b, 5);
    fe_mul(h, b, z11);      /* z^(2^255 - 32 + 11) */
}

/* The 255 low bits of s, little-endian (RFC 7748 ignores u's top bit). */
ONCE static void fe_frombytes(fe h, const uint8_t s[32])
{
    uint64_t acc = 0;
    int bits = 0, n = 0;
    for (int i = 0; i < 10; i++) {
        while (bits < WIDTH(i)) {
            acc |= (uint64_t) s[n++] << bits;
            bits += 8;
        }
        h[i] = (uint32_t) acc & ((1u << WIDTH(i)) - 1);
        acc >>= WIDTH(i);
        bits -= WIDTH(i);
    }
}

/* The canonical value of f (below p), little-endian. */
ONCE static void fe_tobytes(uint8_t s[32], const fe f)
{
    uint64_t t[10];
    fe h;
    for (int i = 0; i < 10; i++) {
        t[i] = f[i];
    }
    carry(h, t); /* every limb within its width now: h < 2^255 */
    uint32_t q = (h[0] + 19) >> 26; /* q = 1 when h >= p, that is h + 19 >= 2^255 */
    for (int i = 1; i < 10; i++) {
        q = (h[i] + q) >> WIDTH(i);
    }
    h[0] += 19 * q; /* h - q * p: add 19 q, then drop bit 255 below */
    for (int i = 0; i < 9; i++) {
        h[i + 1] += h[i] >> WIDTH(i);
        h[i] &= (1u << WIDTH(i)) - 1;
    }
    h[9] &= (1u << 25) - 1;
    uint64_t acc = 0;
    int bits = 0, n = 0;
    for (int i = 0; i < 10; i++) {
        acc |= (uint64_t) h[i] << bits;
        for (bits += WIDTH(i); bits >= 8; bits -= 8) {
            s[n++] = (uint8_t) acc;
            acc >>= 8;
        }
    }
    s[n] = (uint8_t) acc; /* the last 7 bits */
}

/* Swaps f and g when b is 1, keeps them when 0, without a branch. */
SMALL static void fe_cswap(fe f, fe g, uint32_t b)
{
    uint32_t m = 0u - b;
    for (int i = 0; i < 10; i++) {
        uint32_t x = m & (f[i] ^ g[i]);
        f[i] ^= x;
        g[i] ^= x;
    }
}

ONCE static void clamp(uint8_t e[32], const uint8_t k[32])
{
    memcpy(e, k, 32);
    e[0] &= 248;
    e[31] &= 127;
    e[31] |= 64;
}

void zs_c25519_ladder(uint8_t out[32], const uint8_t k[32], const uint8_t u[32])
{
    uint8_t e[32];
    fe x1, x2 = { 1 }, z2 = { 0 }, x3, z3 = { 1 }, a, aa, b, bb, c, d, da, cb, t;
    uint32_t swap = 0;
    clamp(e, k);
    fe_frombytes(x1, u);
    memcpy(x3, x1, sizeof(fe));
    for (int i = 254; i >= 0; i--) {
        uint32_t bit = (e[i >> 3] >> (i & 7)) & 1;
        swap ^= bit;
        fe_cswap(x2, x3, swap);
        fe_cswap(z2, z3, swap);
        swap = bit;
        /* x2, z2, x3, z3 are carried; weights in brackets */
        fe_add(a, x2, z2);          /* A [2] */
        fe_sq(aa, a);
        fe_sub(b, x2, z2);          /* B [3] */
        fe_sq(bb, b);
        fe_add(c, x3, z3);          /* C [2] */
        fe_sub(d, x3, z3);          /* D [3] */
        fe_mul(da, d, a);           /* [3] x [2] */
        fe_mul(cb, c, b);           /* [2] x [3] */
        fe_add(t, da, cb);          /* [2] */
        fe_sq(x3, t);
        fe_sub(t, da, cb);          /* [3] */
        fe_sq(t, t);
        fe_mul(z3, x1, t);
        fe_mul(x2, aa, bb);
        fe_sub(t, aa, bb);          /* E [3] */
        fe_mul_small(a, t, 121665); /* a24 * E [1] */
        fe_add(a, aa, a);           /* [2] */
        fe_mul(z2, t, a);           /* [3] x [2] */
    }
    fe_cswap(x2, x3, swap);
    fe_cswap(z2, z3, swap);
    fe_invert(z2, z2);
    fe_mul(x2, x2, z2);
    fe_tobytes(out, x2);
    memset(e, 0, sizeof(e));
    memset(x2, 0, sizeof(fe));
    memset(z2, 0, sizeof(fe));
    memset(x3, 0, sizeof(fe));
    memset(z3, 0, sizeof(fe));
}

/* r = 2 p (dbl-2008-hwcd, a = -1); p's T is not read. With A = X^2, B = Y^2, C = 2 Z^2:
 * E = (X + Y)^2 - (A + B), G = B - A, F = G - C = B - (A + C), H = -(A + B). */
SMALL static void ge_dbl(zs_c25519_ge *r, const zs_c25519_ge *p)
{
    static const fe zero = { 0 };
    fe a, b, c, ab, e, f, g, h;
    fe_sq(a, p->X);
    fe_sq(b, p->Y);
    fe_sq(c, p->Z);
    fe_add(c, c, c);    /* [2] */
    fe_add_c(c, a, c);  /* A + C [1] */
    fe_add_c(ab, a, b); /* [1] */
    fe_add(e, p->X, p->Y);
    fe_sq(e, e);
    fe_sub(e, e, ab);   /* E [3] */
    fe_sub(g, b, a);    /* G [3] */
    fe_sub(f, b, c);    /* F [3] */
    fe_sub(h, zero, ab); /* H [2] */
    fe_mul(r->X, e, f); /* [3] x [3] */
    fe_mul(r->Y, g, h);
    fe_mul(r->T, e, h);
    fe_mul(r->Z, f, g);
}

/* r = p + q for an affine q (madd-2008-hwcd-3, a = -1). */
SMALL static void ge_madd(zs_c25519_ge *r, const zs_c25519_ge *p, const zs_c25519_niels *q)
{
    fe a, b, c, d, e, f, g, h;
    fe_sub(a, p->Y, p->X);
    fe_mul(a, a, q->ymx);  /* [3] x [1] */
    fe_add(b, p->Y, p->X);
    fe_mul(b, b, q->ypx);  /* [2] x [1] */
    fe_mul(c, p->T, q->xy2d);
    fe_add(d, p->Z, p->Z); /* [2] */
    fe_sub(e, b, a);       /* E [3] */
    fe_sub(f, d, c);       /* F [4] */
    fe_add(g, d, c);       /* G [3] */
    fe_add(h, b, a);       /* H [2] */
    fe_mul(r->X, f, e);    /* [4] x [3]: the weight-4 operand first */
    fe_mul(r->Y, g, h);
    fe_mul(r->T, e, h);
    fe_mul(r->Z, f, g);    /* [4] x [3] */
}

/* r = tab[idx], every entry read, the one wanted kept by a mask. */
SMALL static void select_entry(zs_c25519_niels *r, const zs_c25519_niels tab[16], uint32_t idx)
{
    memset(r, 0, sizeof(*r));
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t m = 0u - (((i ^ idx) - 1) >> 31); /* all ones when i == idx (both below 16) */
        for (int j = 0; j < 10; j++) {
            r->ypx[j] |= m & tab[i].ypx[j];
            r->ymx[j] |= m & tab[i].ymx[j];
            r->xy2d[j] |= m & tab[i].xy2d[j];
        }
    }
}

void zs_c25519_base(uint8_t out[32], const uint8_t k[32])
{
    uint8_t e[32];
    zs_c25519_ge r = { { 0 }, { 1 }, { 1 }, { 0 } };
    zs_c25519_niels q;
    fe a, b;
    clamp(e, k);
    for (int col = SPAN - 1; col >= 0; col--) {
        if (col != SPAN - 1) {
            ge_dbl(&r, &r);
        }
        for (int tab = 0; tab < ZSOCK_X25519_COMB_TABLES; tab++) {
            uint32_t idx = 0;
            for (int tooth = 0; tooth < 4; tooth++) {
                int bit = col + SPAN * tab + 64 * tooth;
                idx |= (uint32_t) ((e[bit >> 3] >> (bit & 7)) & 1) << tooth;
            }
            select_entry(&q, COMB[tab], idx);
            ge_madd(&r, &r, &q);
        }
    }
    fe_add(a, r.Z, r.Y);  /* [2] */
    fe_sub(b, r.Z, r.Y);  /* [3]: fe_invert squares it and takes it as fe_mul's g */
    fe_invert(b, b);
    fe_mul(a, a, b);
    fe_tobytes(out, a);
    memset(e, 0, sizeof(e));
    memset(&r, 0, sizeof(r));
    memset(&q, 0, sizeof(q));
}
