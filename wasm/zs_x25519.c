/*
 * X25519 on HACL* (Project Everest's verified Curve25519, shipped in mbedTLS's own tree as
 * 3rdparty/everest, Apache-2.0) where mbedTLS would run its generic bignum ladder.
 *
 * With ZSOCK_X25519_HACL the configuration turns on MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED, which
 * mbedTLS routes every X25519 shared secret through (legacy ECDH and PSA key agreement alike). Its
 * public keys are another matter: PSA derives the public half of a generated key with
 * mbedtls_ecp_mul(d, G) in psa_crypto_ecp.c, on the generic ladder (about a third of an X25519
 * handshake). The build compiles that one file with -Dmbedtls_ecp_mul=zs_ecp_mul, and
 * zs_ecp_mul (wasm/zs_ecc.c, which dispatches every curve) sends Curve25519 here. No mbedTLS
 * source is patched. Plain C: it compiles with gcc for the native peer too.
 *
 * The host profile asks the host first (wasm/zs_host_ecc.c): there the Makefile renames Everest's
 * x25519.c calls to HACL* to zs_x25519_scalarmult, so key generations and shared secrets of
 * legacy ECDH and PSA alike pass through it.
 */
/* Curve ids and point coordinates are private fields in 3.x; mbedTLS's own modules read them so. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include "mbedtls/build_info.h"
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"

#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)

void Hacl_Curve25519_crypto_scalarmult(uint8_t *mypublic, uint8_t *secret, uint8_t *basepoint);
#if defined(ZSOCK_PROFILE_HOST)
int zs_host_x25519(unsigned char out[32], const unsigned char k[32], const unsigned char u[32]);
#endif

/** out = X25519(secret, point) (RFC 7748): by the host where it serves, else by HACL*. */
void zs_x25519_scalarmult(uint8_t *out, uint8_t *secret, uint8_t *point);
void zs_x25519_scalarmult(uint8_t *out, uint8_t *secret, uint8_t *point)
{
#if defined(ZSOCK_PROFILE_HOST)
    if (zs_host_x25519(out, secret, point) == 0) {
        return;
    }
#endif
    Hacl_Curve25519_crypto_scalarmult(out, secret, point);
}

/** R = m * P on Curve25519 (x-only) by zs_x25519_scalarmult, for zs_ecp_mul (wasm/zs_ecc.c): the same
 *  checks and error codes as mbedtls_ecp_mul. Constant time. */
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
