/*
 * P-256 points and scalar multiplication on zs_p256_field.c's limbs (interface: zs_p256.h).
 *
 * Constant time for secret scalars (zs_p256_mul_base, zs_p256_mul): the sequence of field
 * operations is fixed; table entries are read by scanning the whole table under masks; the
 * point at infinity and the zero digit are handled by masked selects, never by branches.
 * Exceptional additions (P + P, P + (-P)) cannot happen for scalars in [1, n-1]: every partial
 * sum and the point added to it are multiples a*G, b*G with a, b >= 0, disjoint bits and
 * a + b <= k < n, so they are equal or opposite only when both are zero (infinity).
 * zs_p256_muladd (ECDSA verification, public inputs) is variable time.
 *
 * Formulas (a = -3, Jacobian): doubling dbl-2001-b (3M + 5S), mixed addition of an affine point
 * (8M + 3S), general addition add-1998-cmo-2 (12M + 4S); hyperelliptic.org's EFD.
 */
#include "mbedtls/build_info.h" /* the configuration: ZSOCK_P256_FIXED, the table size */

#if defined(ZSOCK_P256_FIXED)
#include <string.h>
#include "zs_p256.h"

#include "zs_p256_table.h" /* generated: scripts/gen-p256-table.mjs */

#define COMB_D (64 / ZSOCK_P256_COMB_TABLES) /* the comb's spacing: 4 teeth, 256 bits */

const unsigned zs_p256_table_bytes = sizeof(COMB);

/* All ones when a = b, else 0. */
static uint32_t ct_eq(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    return ((x | (0u - x)) >> 31) - 1;
}

static void jac_cmov(zs_p256_jac *r, const zs_p256_jac *a, uint32_t mask)
{
    zs_fe_cmov(r->x, a->x, mask);
    zs_fe_cmov(r->y, a->y, mask);
    zs_fe_cmov(r->z, a->z, mask);
}

/* r = 2a; infinity (Z = 0) stays infinity. r may alias a. */
static void jac_double(zs_p256_jac *r, const zs_p256_jac *a)
{
    zs_fe delta, gamma, beta, alpha, t, u;
    zs_fe_sqr(delta, a->z);
    zs_fe_sqr(gamma, a->y);
    zs_fe_mul(beta, a->x, gamma);
    zs_fe_sub(t, a->x, delta);
    zs_fe_add(u, a->x, delta);
    zs_fe_mul(alpha, t, u);
    zs_fe_add(t, alpha, alpha);
    zs_fe_add(alpha, alpha, t); /* 3 (X - delta)(X + delta) */
    zs_fe_add(t, a->y, a->z);
    zs_fe_sqr(t, t);
    zs_fe_sub(t, t, gamma);
    zs_fe_sub(r->z, t, delta);
    zs_fe_add(beta, beta, beta);
    zs_fe_add(beta, beta, beta); /* 4 beta */
    zs_fe_sqr(t, alpha);
    zs_fe_sub(t, t, beta);
    zs_fe_sub(r->x, t, beta);
    zs_fe_sub(u, beta, r->x);
    zs_fe_mul(u, alpha, u);
    zs_fe_sqr(gamma, gamma);
    zs_fe_add(gamma, gamma, gamma);
    zs_fe_add(gamma, gamma, gamma);
    zs_fe_add(gamma, gamma, gamma); /* 8 gamma^2 */
    zs_fe_sub(r->y, u, gamma);
}

/* r = a + (x2, y2) with a(x1, y1, z1), given u2 = x2 z1^2 and s2 = y2 z1^3: the tail both
 * additions share. Wrong for a = infinity or a = +-(x2, y2): the callers exclude those. */
static void jac_add_tail(zs_p256_jac *r, const zs_fe u1, const zs_fe s1, const zs_fe u2,
                         const zs_fe s2, const zs_fe zz)
{
    zs_fe h, rr, hh, hhh, v, t;
    zs_fe_sub(h, u2, u1);
    zs_fe_sub(rr, s2, s1);
    zs_fe_sqr(hh, h);
    zs_fe_mul(hhh, h, hh);
    zs_fe_mul(v, u1, hh);
    zs_fe_mul(r->z, zz, h);
    zs_fe_sqr(t, rr);
    zs_fe_sub(t, t, hhh);
    zs_fe_sub(t, t, v);
    zs_fe_sub(r->x, t, v);
    zs_fe_sub(v, v, r->x);
    zs_fe_mul(v, rr, v);
    zs_fe_mul(t, s1, hhh);
    zs_fe_sub(r->y, v, t);
}

/* r = a + b, b affine (its Z = 1 is not read). r may alias a. */
static void jac_add_affine(zs_p256_jac *r, const zs_p256_jac *a, const zs_p256_jac *b)
{
    zs_fe z2, u2, s2, x1, y1, z1;
    memcpy(x1, a->x, sizeof(x1));
    memcpy(y1, a->y, sizeof(y1));
    memcpy(z1, a->z, sizeof(z1));
    zs_fe_sqr(z2, z1);
    zs_fe_mul(u2, b->x, z2);
    zs_fe_mul(s2, z1, z2);
    zs_fe_mul(s2, b->y, s2);
    jac_add_tail(r, x1, y1, u2, s2, z1);
}

/* r = a + b, both Jacobian. r may alias a or b. */
static void jac_add(zs_p256_jac *r, const zs_p256_jac *a, const zs_p256_jac *b)
{
    zs_fe z1z1, z2z2, u1, u2, s1, s2, zz;
    zs_fe_sqr(z1z1, a->z);
    zs_fe_sqr(z2z2, b->z);
    zs_fe_mul(u1, a->x, z2z2);
    zs_fe_mul(u2, b->x, z1z1);
    zs_fe_mul(s1, b->z, z2z2);
    zs_fe_mul(s1, a->y, s1);
    zs_fe_mul(s2, a->z, z1z1);
    zs_fe_mul(s2, b->y, s2);
    zs_fe_mul(zz, a->z, b->z);
    jac_add_tail(r, u1, s1, u2, s2, zz);
}

/* The affine coordinates of a finite point, as bytes: one inversion. */
static void jac_to_bytes(uint8_t out[64], const zs_p256_jac *a)
{
    zs_fe zi, zi2, t;
    zs_fe_inv(zi, a->z);
    zs_fe_sqr(zi2, zi);
    zs_fe_mul(t, a->x, zi2);
    zs_fe_to_bytes(out, t);
    zs_fe_mul(zi2, zi2, zi);
    zs_fe_mul(t, a->y, zi2);
    zs_fe_to_bytes(out + 32, t);
}

static void scalar_from_bytes(uint32_t k[8], const uint8_t in[32])
{
    for (int i = 0; i < 8; i++) {
        const uint8_t *b = in + 28 - 4 * i;
        k[i] = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
    }
}

/* acc += e (infinity tracked in *inf, a mask) unless digit is 0; all masked. */
static void add_digit(zs_p256_jac *acc, uint32_t *inf, const zs_p256_jac *e, uint32_t digit,
                      int affine)
{
    zs_p256_jac sum;
    if (affine) {
        jac_add_affine(&sum, acc, e);
    } else {
        jac_add(&sum, acc, e);
    }
    uint32_t zero = ct_eq(digit, 0);
    jac_cmov(acc, &sum, ~zero & ~*inf);
    jac_cmov(acc, e, ~zero & *inf);
    *inf &= zero;
}

/* The comb entry of digit i (1..15) of table b, as a Jacobian point (Z = 1); scans all 15. */
static void comb_lookup(zs_p256_jac *r, int b, uint32_t i)
{
    memset(r, 0, sizeof(*r));
    for (uint32_t j = 1; j < 16; j++) {
        uint32_t m = ct_eq(i, j);
        zs_fe_cmov(r->x, COMB[b][j - 1].x, m);
        zs_fe_cmov(r->y, COMB[b][j - 1].y, m);
    }
    memcpy(r->z, zs_fe_one, sizeof(r->z));
}

static void mul_base_jac(zs_p256_jac *acc, const uint32_t k[8])
{
    uint32_t inf = ~0u;
    zs_p256_jac e;
    memset(acc, 0, sizeof(*acc));
    for (int t = COMB_D - 1; t >= 0; t--) {
        jac_double(acc, acc);
        for (int b = 0; b < ZSOCK_P256_COMB_TABLES; b++) {
            uint32_t digit = 0;
            for (int j = 0; j < 4; j++) {
                int bit = j * ZSOCK_P256_COMB_TABLES * COMB_D + b * COMB_D + t;
                digit |= ((k[bit >> 5] >> (bit & 31)) & 1) << j;
            }
            comb_lookup(&e, b, digit);
            add_digit(acc, &inf, &e, digit, 1);
        }
    }
}

int zs_p256_mul_base(uint8_t out[64], const uint8_t kb[32])
{
    uint32_t k[8];
    zs_p256_jac r;
    scalar_from_bytes(k, kb);
    mul_base_jac(&r, k);
    jac_to_bytes(out, &r);
    memset(k, 0, sizeof(k));
    return 0;
}

static void mul_var_jac(zs_p256_jac *acc, const uint32_t k[8], const zs_p256_jac *p)
{
    zs_p256_jac tab[16], e; /* tab[i] = i * P; tab[0] is never added (digit 0 is masked) */
    uint32_t inf = ~0u;
    tab[0] = *p;
    tab[1] = *p;
    jac_double(&tab[2], p);
    for (int i = 3; i < 16; i++) {
        jac_add(&tab[i], &tab[i - 1], p);
    }
    memset(acc, 0, sizeof(*acc));
    for (int w = 63; w >= 0; w--) {
        for (int d = 0; d < 4; d++) {
            jac_double(acc, acc);
        }
        uint32_t digit = (k[w >> 3] >> ((w & 7) * 4)) & 15;
        e = tab[0];
        for (uint32_t j = 1; j < 16; j++) {
            jac_cmov(&e, &tab[j], ct_eq(digit, j));
        }
        add_digit(acc, &inf, &e, digit, 0);
    }
    memset(tab, 0, sizeof(tab));
}

static void point_from_bytes(zs_p256_jac *r, const uint8_t in[64])
{
    zs_fe_from_bytes(r->x, in);
    zs_fe_from_bytes(r->y, in + 32);
    memcpy(r->z, zs_fe_one, sizeof(r->z));
}

int zs_p256_mul(uint8_t out[64], const uint8_t kb[32], const uint8_t pb[64])
{
    uint32_t k[8];
    zs_p256_jac p, r;
    scalar_from_bytes(k, kb);
    point_from_bytes(&p, pb);
    mul_var_jac(&r, k, &p);
    jac_to_bytes(out, &r);
    memset(k, 0, sizeof(k));
    return 0;
}

int zs_p256_muladd(uint8_t out[64], const uint8_t u1b[32], const uint8_t u2b[32], const uint8_t qb[64])
{
    uint32_t u1[8], u2[8];
    zs_p256_jac a, b, q, r;
    scalar_from_bytes(u1, u1b);
    scalar_from_bytes(u2, u2b);
    point_from_bytes(&q, qb);
    mul_base_jac(&a, u1);
    mul_var_jac(&b, u2, &q);
    /* Public values: the exceptional cases by branches. Equal x (U1 = U2): double or infinity. */
    zs_fe z1z1, z2z2, t1, t2;
    zs_fe_sqr(z1z1, a.z);
    zs_fe_sqr(z2z2, b.z);
    zs_fe_mul(t1, a.x, z2z2);
    zs_fe_mul(t2, b.x, z1z1);
    if (memcmp(t1, t2, sizeof(t1)) == 0) {
        zs_fe_mul(t1, a.y, z2z2);
        zs_fe_mul(t1, t1, b.z);
        zs_fe_mul(t2, b.y, z1z1);
        zs_fe_mul(t2, t2, a.z);
        if (memcmp(t1, t2, sizeof(t1)) != 0) {
            return 1; /* a = -b */
        }
        jac_double(&r, &a);
    } else {
        jac_add(&r, &a, &b);
    }
    jac_to_bytes(out, &r);
    return 0;
}

#endif /* ZSOCK_P256_FIXED */
