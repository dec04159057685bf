/*
 * P-256 (secp256r1) on fixed 8 x 32-bit limbs: our own field and point arithmetic, which the
 * mbedTLS seams of wasm/zs_ecc.c call for this one curve. Portable C99 with uint64_t products
 * only (wasm has i64.mul; Xtensa has 32x32->64 multiplies; no __int128).
 *
 * Byte interface: scalars are 32 bytes big-endian, points are X || Y (64 bytes big-endian,
 * affine). The callers have checked what mbedTLS checks first (scalar range, point on the curve,
 * coordinates below p) with mbedTLS's own functions, so its error codes stay the same.
 */
#ifndef ZS_P256_H
#define ZS_P256_H

#include <stdint.h>

/* Field elements mod p in the Montgomery domain (x * 2^256 mod p), little-endian limbs, fully
 * reduced below p. */
typedef uint32_t zs_fe[8];

/* A point in Jacobian coordinates (X / Z^2, Y / Z^3); Z = 0 is the point at infinity. */
typedef struct {
    zs_fe x, y, z;
} zs_p256_jac;

/* An affine point, as the generator tables hold them. */
typedef struct {
    zs_fe x, y;
} zs_p256_aff;

/* zs_p256_field.c */
void zs_fe_mul(zs_fe r, const zs_fe a, const zs_fe b);
void zs_fe_sqr(zs_fe r, const zs_fe a);
void zs_fe_add(zs_fe r, const zs_fe a, const zs_fe b);
void zs_fe_sub(zs_fe r, const zs_fe a, const zs_fe b);
void zs_fe_inv(zs_fe r, const zs_fe a);
void zs_fe_from_bytes(zs_fe r, const uint8_t in[32]);
void zs_fe_to_bytes(uint8_t out[32], const zs_fe a);
void zs_fe_cmov(zs_fe r, const zs_fe a, uint32_t mask);
uint32_t zs_fe_is_zero(const zs_fe a);
extern const zs_fe zs_fe_one;

/** k * G for a secret k in [1, n-1]: constant time (comb over the generator table). Writes the
 *  affine result to out; returns 0. */
int zs_p256_mul_base(uint8_t out[64], const uint8_t k[32]);

/** k * P for a secret k in [1, n-1] and a point P on the curve: constant time (fixed 4-bit
 *  windows, every table entry read). Returns 0. */
int zs_p256_mul(uint8_t out[64], const uint8_t k[32], const uint8_t p[64]);

/** u1 * G + u2 * Q for public u1, u2 in [1, n-1] and Q on the curve (ECDSA verification):
 *  variable time. Returns 0 with the affine sum in out, or 1 when the sum is the point at
 *  infinity (out untouched). */
int zs_p256_muladd(uint8_t out[64], const uint8_t u1[32], const uint8_t u2[32], const uint8_t q[64]);

/** Bytes of the generator table compiled in (ZSOCK_P256_COMB_TABLES tables of 15 points). */
extern const unsigned zs_p256_table_bytes;

#endif /* ZS_P256_H */
