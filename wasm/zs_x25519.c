/*
 * X25519 on fixed limbs where mbedTLS would run its generic bignum ladder: ours
 * (wasm/zs_c25519.c), or HACL* (Project Everest's verified Curve25519, in mbedTLS's own tree as
 * 3rdparty/everest) in the stock native peers (ZSOCK_STOCK_ECC).
 *
 * With ZSOCK_X25519_FIXED the configuration turns on MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED, which
 * mbedTLS routes every X25519 shared secret through (legacy ECDH and PSA key agreement alike), to
 * Everest's x25519.c. The Makefile renames that file's calls to HACL* to zs_x25519_scalarmult
 * (below). PSA derives the public half of a generated key with mbedtls_ecp_mul(d, G) in
 * psa_crypto_ecp.c instead: the build compiles that one file with -Dmbedtls_ecp_mul=zs_ecp_mul,
 * and zs_ecp_mul (wasm/zs_ecc.c, which dispatches every curve) sends Curve25519 here. No mbedTLS
 * source is patched. Plain C: it compiles with gcc for the native peer and the XS host too.
 */
/* Curve ids and point coordinates are private fields in 3.x; mbedTLS's own modules read them so. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/build_info.h"
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"

#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)
#include <string.h>
#include "zs_c25519.h"

#if defined(ZSOCK_STOCK_ECC)
void Hacl_Curve25519_crypto_scalarmult(uint8_t *mypublic, uint8_t *secret, uint8_t *basepoint);
#endif

/** out = X25519(secret, point) (RFC 7748): by our comb for the base point (a key generation),
 *  by our ladder for any other. Constant time in the secret. */
void zs_x25519_scalarmult(uint8_t *out, uint8_t *secret, uint8_t *point);
void zs_x25519_scalarmult(uint8_t *out, uint8_t *secret, uint8_t *point)
{
    static const uint8_t nine[32] = { 9 };
#if defined(ZSOCK_STOCK_ECC)
    (void) nine;
    Hacl_Curve25519_crypto_scalarmult(out, secret, point);
#else
    if (memcmp(point, nine, sizeof(nine)) == 0) { /* u is public: the branch leaks nothing */
        zs_c25519_base(out, secret);
    } else {
        zs_c25519_ladder(out, secret, point);
    }
#endif
}

/** R = m * P on Curve25519 (x-only) by zs_x25519_scalarmult, for zs_ecp_mul (wasm/zs_ecc.c):
 *  the same checks and error codes as mbedtls_ecp_mul. Constant time. */
int zs_x25519_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                  const mbedtls_ecp_point *P);
int zs_x25519_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                  const mbedtls_ecp_point *P)
{
    unsigned char k[32], u[32], out[32];
    int ret;

    MBEDTLS_MPI_CHK(mbedtls_ecp_check_privkey(grp, m));
    MBEDTLS_MPI_CHK(mbedtls_ecp_check_pubkey(grp, P));
    MBEDTLS_MPI_CHK(mbedtls_mpi_write_binary_le(m, k, sizeof(k)));
    MBEDTLS_MPI_CHK(mbedtls_mpi_write_binary_le(&P->X, u, sizeof(u)));
    zs_x25519_scalarmult(out, k, u);
    MBEDTLS_MPI_CHK(mbedtls_mpi_read_binary_le(&R->X, out, sizeof(out)));
    /* Z = 1 for a finite result, 0 for the point at infinity (x = 0), as mbedTLS normalises. */
    MBEDTLS_MPI_CHK(mbedtls_mpi_lset(&R->Z, mbedtls_mpi_cmp_int(&R->X, 0) == 0 ? 0 : 1));
    mbedtls_mpi_free(&R->Y);
cleanup:
    mbedtls_platform_zeroize(k, sizeof(k));
    return ret;
}

#endif /* MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED */
