/*
 * X25519 (RFC 7748) on our own fixed limbs (wasm/zs_c25519.c): 32-byte little-endian scalars and
 * u coordinates; the scalar is clamped and u's top bit ignored, as RFC 7748 says. Constant time
 * in the scalar. Portable C99: the wasm core, the XS host and a device build the same code.
 */
#ifndef ZS_C25519_H
#define ZS_C25519_H

#include <stdint.h>

/** out = X25519(k, 9): a key generation, by a comb over precomputed multiples of the base point
 *  on the equivalent Edwards curve (about a third of the ladder's work). */
void zs_c25519_base(uint8_t out[32], const uint8_t k[32]);

/** out = X25519(k, u): the Montgomery ladder. */
void zs_c25519_ladder(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);

/** Bytes of the comb's tables compiled in (ZSOCK_X25519_COMB_TABLES tables of 16 points). */
extern const unsigned zs_c25519_table_bytes;

#endif
