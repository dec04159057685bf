/*
 * The one place that decides who multiplies points: the host (host profile, wasm/zs_host_ecc.c),
 * then our fixed-limb code (P-256: wasm/zs_p256.c; X25519: wasm/zs_c25519.c through zs_x25519.c), then
 * mbedTLS's generic ECP for everything else.
 *
 * The seams are mbedTLS's own: MBEDTLS_ECDH_GEN_PUBLIC_ALT and MBEDTLS_ECDH_COMPUTE_SHARED_ALT
 * (TLS 1.2 ECDHE, and PSA's key agreement through mbedtls_ecdh_calc_secret), and calls renamed
 * per file by the Makefile (CF_<file>): psa_crypto_ecp.c's mbedtls_ecp_mul (PSA's public keys),
 * ecdsa.c's mbedtls_ecp_mul_restartable (signing's k * G) and mbedtls_ecp_muladd_restartable
 * (verification's u1 * G + u2 * Q), pk_wrap.c's mbedtls_ecp_check_pub_priv (a key pair's check).
 * No mbedTLS source is patched.
 *
 * Inputs are checked by mbedTLS's own functions, in the order its generic path checks them, so an
 * invalid key or peer point fails with the same error code; anything outside the plain case (a
 * restartable context, a scalar outside [1, n-1] given to muladd) goes to mbedTLS unchanged.
 * ZSOCK_STOCK_ECC (the bench's native peer: stock mbedTLS as a user builds it) leaves P-256
 * to mbedTLS and X25519 to HACL*.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* curve ids and coordinates, as mbedTLS's modules read them */
#include "mbedtls/build_info.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
#include "zs_p256.h"

#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)
int zs_x25519_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                  const mbedtls_ecp_point *P);
#endif
#if defined(ZSOCK_PROFILE_HOST)
int zs_host_ecp_mul_base(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                         const mbedtls_ecp_point *P);
int zs_host_ecc_shared(const mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                       const mbedtls_mpi *d);
#endif

#if defined(ZSOCK_P256_FIXED)
/* R = the affine point of 64 bytes X || Y. */
static int point_read(mbedtls_ecp_point *R, const unsigned char b[64])
{
    int ret;
    MBEDTLS_MPI_CHK(mbedtls_mpi_read_binary(&R->X, b, 32));
    MBEDTLS_MPI_CHK(mbedtls_mpi_read_binary(&R->Y, b + 32, 32));
    MBEDTLS_MPI_CHK(mbedtls_mpi_lset(&R->Z, 1));
cleanup:
    return ret;
}

static int point_write(const mbedtls_ecp_point *P, unsigned char b[64])
{
    int ret = mbedtls_mpi_write_binary(&P->X, b, 32);
    return ret != 0 ? ret : mbedtls_mpi_write_binary(&P->Y, b + 32, 32);
}

/* R = m * P on P-256, checked as mbedtls_ecp_mul checks: the scalar, then the point. */
static int p256_mul(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                    const mbedtls_ecp_point *P)
{
    unsigned char k[32], pt[64], out[64];
    int ret;
    MBEDTLS_MPI_CHK(mbedtls_ecp_check_privkey(grp, m));
    MBEDTLS_MPI_CHK(mbedtls_ecp_check_pubkey(grp, P));
    MBEDTLS_MPI_CHK(mbedtls_mpi_write_binary(m, k, sizeof(k)));
    if (P == &grp->G || mbedtls_ecp_point_cmp(P, &grp->G) == 0) {
        zs_p256_mul_base(out, k);
    } else {
        MBEDTLS_MPI_CHK(point_write(P, pt));
        zs_p256_mul(out, k, pt);
    }
    MBEDTLS_MPI_CHK(point_read(R, out));
cleanup:
    mbedtls_platform_zeroize(k, sizeof(k));
    return ret;
}
#endif

/** R = m * P (mbedtls_ecp_mul, renamed in psa_crypto_ecp.c): 0 or mbedtls_ecp_mul's error.
 *  f_rng randomizes mbedTLS's generic ladder; the fixed-limb paths are constant time. */
int zs_ecp_mul(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
               const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecp_mul(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
               const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    if (grp == NULL || R == NULL || m == NULL || P == NULL) {
        return mbedtls_ecp_mul(grp, R, m, P, f_rng, p_rng);
    }
#if defined(MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED)
    if (grp->id == MBEDTLS_ECP_DP_CURVE25519) {
        return zs_x25519_mul(grp, R, m, P);
    }
#endif
#if defined(ZSOCK_PROFILE_HOST)
    if (zs_host_ecp_mul_base(grp, R, m, P) == 0) { /* P-256/P-384 with P = G */
        return 0;
    }
#endif
#if defined(ZSOCK_P256_FIXED)
    if (grp->id == MBEDTLS_ECP_DP_SECP256R1) {
        return p256_mul(grp, R, m, P);
    }
#endif
    return mbedtls_ecp_mul(grp, R, m, P, f_rng, p_rng);
}

/** ECDSA signing's R = k * G (ecdsa.c's mbedtls_ecp_mul_restartable, renamed): as zs_ecp_mul;
 *  a restartable operation stays mbedTLS's. */
int zs_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                           const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t),
                           void *p_rng, mbedtls_ecp_restart_ctx *rs_ctx);
int zs_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                           const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t),
                           void *p_rng, mbedtls_ecp_restart_ctx *rs_ctx)
{
    if (rs_ctx == NULL) {
        return zs_ecp_mul(grp, R, m, P, f_rng, p_rng);
    }
    return mbedtls_ecp_mul_restartable(grp, R, m, P, f_rng, p_rng, rs_ctx);
}

/** ECDSA verification's R = m * G + n * Q (ecdsa.c's mbedtls_ecp_muladd_restartable, renamed):
 *  on P-256 with both scalars in [1, n-1] (what verification gives but for a crafted signature),
 *  ours, after mbedTLS's checks of P then Q; anything else mbedTLS's, which handles 0, 1 and -1
 *  and returns its errors. A sum at infinity is set to zero, as mbedtls_ecp_is_zero reads it. */
int zs_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
                              const mbedtls_mpi *m, const mbedtls_ecp_point *P,
                              const mbedtls_mpi *n, const mbedtls_ecp_point *Q,
                              mbedtls_ecp_restart_ctx *rs_ctx);
int zs_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
                              const mbedtls_mpi *m, const mbedtls_ecp_point *P,
                              const mbedtls_mpi *n, const mbedtls_ecp_point *Q,
                              mbedtls_ecp_restart_ctx *rs_ctx)
{
#if defined(ZSOCK_P256_FIXED)
    if (rs_ctx == NULL && grp->id == MBEDTLS_ECP_DP_SECP256R1 &&
        mbedtls_ecp_check_privkey(grp, m) == 0 && mbedtls_ecp_check_privkey(grp, n) == 0 &&
        (P == &grp->G || mbedtls_ecp_point_cmp(P, &grp->G) == 0)) {
        unsigned char u1[32], u2[32], q[64], out[64];
        int ret;
        MBEDTLS_MPI_CHK(mbedtls_ecp_check_pubkey(grp, P));
        MBEDTLS_MPI_CHK(mbedtls_ecp_check_pubkey(grp, Q));
        MBEDTLS_MPI_CHK(mbedtls_mpi_write_binary(m, u1, 32));
        MBEDTLS_MPI_CHK(mbedtls_mpi_write_binary(n, u2, 32));
        MBEDTLS_MPI_CHK(point_write(Q, q));
        ret = zs_p256_muladd(out, u1, u2, q) != 0 ? mbedtls_ecp_set_zero(R) : point_read(R, out);
cleanup:
        return ret;
    }
#endif
    return mbedtls_ecp_muladd_restartable(grp, R, m, P, n, Q, rs_ctx);
}

/** A key pair's check (pk_wrap.c's mbedtls_ecp_check_pub_priv, renamed): mbedTLS's own steps
 *  and errors, with d * G by zs_ecp_mul. Run for every server context's key. */
int zs_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub, const mbedtls_ecp_keypair *prv,
                          int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub, const mbedtls_ecp_keypair *prv,
                          int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    if (pub->grp.id == MBEDTLS_ECP_DP_NONE || pub->grp.id != prv->grp.id ||
        mbedtls_ecp_point_cmp(&pub->Q, &prv->Q) != 0) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    mbedtls_ecp_point Q;
    mbedtls_ecp_group grp;
    mbedtls_ecp_point_init(&Q);
    mbedtls_ecp_group_init(&grp);
    int ret = mbedtls_ecp_group_copy(&grp, &prv->grp); /* mbedtls_ecp_mul takes it non-const */
    if (ret == 0) {
        ret = zs_ecp_mul(&grp, &Q, &prv->d, &grp.G, f_rng, p_rng);
    }
    if (ret == 0 && mbedtls_ecp_point_cmp(&Q, &prv->Q) != 0) {
        ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_group_free(&grp);
    return ret;
}

#if defined(MBEDTLS_ECDH_GEN_PUBLIC_ALT)
/** ECDH key generation (MBEDTLS_ECDH_GEN_PUBLIC_ALT): d random, Q = d * G, as ecdh.c's own:
 *  0 or mbedTLS's error. */
int mbedtls_ecdh_gen_public(mbedtls_ecp_group *grp, mbedtls_mpi *d, mbedtls_ecp_point *Q,
                            int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    int ret = mbedtls_ecp_gen_privkey(grp, d, f_rng, p_rng);
    return ret != 0 ? ret : zs_ecp_mul(grp, Q, d, &grp->G, f_rng, p_rng);
}
#endif

#if defined(MBEDTLS_ECDH_COMPUTE_SHARED_ALT)
/** The ECDH shared secret z = x(d * Q) (MBEDTLS_ECDH_COMPUTE_SHARED_ALT), for TLS 1.2 and PSA:
 *  0 or mbedTLS's error. An invalid key or point fails as in mbedtls_ecp_mul (the key first),
 *  a result at infinity with MBEDTLS_ERR_ECP_BAD_INPUT_DATA, as ecdh.c's own. */
int mbedtls_ecdh_compute_shared(mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                                const mbedtls_mpi *d, int (*f_rng)(void *, unsigned char *, size_t),
                                void *p_rng)
{
#if defined(ZSOCK_PROFILE_HOST)
    int ret = mbedtls_ecp_check_privkey(grp, d);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(grp, Q);
    }
    if (ret != 0 || zs_host_ecc_shared(grp, z, Q, d) == 0) {
        return ret;
    }
#endif
    mbedtls_ecp_point P;
    mbedtls_ecp_point_init(&P);
    int rc = zs_ecp_mul(grp, &P, d, Q, f_rng, p_rng);
    if (rc == 0) {
        rc = mbedtls_ecp_is_zero(&P) ? MBEDTLS_ERR_ECP_BAD_INPUT_DATA : mbedtls_mpi_copy(z, &P.X);
    }
    mbedtls_ecp_point_free(&P);
    return rc;
}
#endif
