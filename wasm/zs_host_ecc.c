/*
 * P-256 and P-384 done by the host: the host profile (ZSOCK_PROFILE_HOST), where node:crypto's
 * NIST curves are several times the C in wasm (docs/bench.md). Boards keep the C. X25519 stays on
 * HACL* (zs_x25519.c): node:crypto's X25519 costs as much, its KeyObjects being slow to make.
 *
 * One import, zs_host_ecc(op, group, k, klen, p, plen, out, outcap) -> bytes written, or <= 0
 * when the host cannot serve it (then the C path runs, and gives mbedTLS's own answer):
 *  - ZS_ECC_BASE: out = k * G, an uncompressed SEC1 point.
 *  - ZS_ECC_SHARED: out = the x coordinate of k * P for the peer's point P (uncompressed SEC1).
 * Scalars are big-endian; `group` is the IANA NamedGroup. Every length is checked here before
 * the call and on the way back, and the host checks them again against its memory.
 *
 * The seams are mbedTLS's own: MBEDTLS_ECDH_GEN_PUBLIC_ALT and MBEDTLS_ECDH_COMPUTE_SHARED_ALT
 * (TLS 1.2 ECDHE, and PSA's key agreement: psa_crypto_ecp.c calls mbedtls_ecdh_calc_secret),
 * zs_ecp_mul (PSA's public keys: psa_crypto_ecp.c's mbedtls_ecp_mul(d, G), renamed by the
 * Makefile, see zs_x25519.c), and two more calls with a fixed base, renamed the same way:
 * ECDSA signing's k * G (ecdsa.c) and the key-pair check of a server's key (pk_wrap.c). Keys and points are checked by mbedTLS's own functions first, in the
 * order mbedtls_ecp_mul checks them, so an invalid peer point fails with the same error as on
 * the C path; the host never sees one.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* curve ids and coordinates, as mbedTLS's modules read them */
#include "mbedtls/build_info.h"

#if defined(ZSOCK_PROFILE_HOST)
#include "mbedtls/ecdh.h"
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

#define ZS_ECC_BASE 1
#define ZS_ECC_SHARED 2
#define MAX_BYTES 48 /* P-384 */

ZS_IMPORT(zs_host_ecc) int zs_host_ecc(int op, int group, const unsigned char *k, uint32_t klen,
                                       const unsigned char *p, uint32_t plen, unsigned char *out,
                                       uint32_t outcap);

/* The IANA NamedGroup of a NIST curve the host serves, else 0. */
static int nist_group(const mbedtls_ecp_group *grp)
{
    switch (grp->id) {
        case MBEDTLS_ECP_DP_SECP256R1: return 23;
        case MBEDTLS_ECP_DP_SECP384R1: return 24;
        default: return 0;
    }
}

/* R = d * G on a NIST curve by the host: 0, or non-zero when the host did not serve it. */
static int host_base(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *d)
{
    unsigned char k[MAX_BYTES], pt[1 + 2 * MAX_BYTES];
    size_t n = (grp->pbits + 7) / 8;
    int group = nist_group(grp), ret = -1;
    if (group == 0 || n > MAX_BYTES || mbedtls_mpi_write_binary(d, k, n) != 0) {
        goto done;
    }
    if (zs_host_ecc(ZS_ECC_BASE, group, k, (uint32_t) n, NULL, 0, pt, sizeof(pt)) != (int) (1 + 2 * n) ||
        mbedtls_ecp_point_read_binary(grp, R, pt, 1 + 2 * n) != 0 ||
        mbedtls_ecp_check_pubkey(grp, R) != 0) {
        goto done;
    }
    ret = 0;
done:
    mbedtls_platform_zeroize(k, sizeof(k));
    return ret;
}

/* z = x(d * Q) on a NIST curve by the host: 0, or non-zero when the host did not serve it. */
static int host_shared(const mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                       const mbedtls_mpi *d)
{
    unsigned char k[MAX_BYTES], pt[1 + 2 * MAX_BYTES], x[MAX_BYTES];
    size_t n = (grp->pbits + 7) / 8, plen = 0;
    int group = nist_group(grp), ret = -1;
    if (group == 0 || n > MAX_BYTES || mbedtls_mpi_write_binary(d, k, n) != 0 ||
        mbedtls_ecp_point_write_binary(grp, Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &plen, pt, sizeof(pt)) != 0 ||
        plen != 1 + 2 * n) {
        goto done;
    }
    if (zs_host_ecc(ZS_ECC_SHARED, group, k, (uint32_t) n, pt, (uint32_t) plen, x, sizeof(x)) != (int) n ||
        mbedtls_mpi_read_binary(z, x, n) != 0) {
        goto done;
    }
    ret = 0;
done:
    mbedtls_platform_zeroize(k, sizeof(k));
    mbedtls_platform_zeroize(x, sizeof(x));
    return ret;
}

/** TLS 1.2 ECDHE key generation (MBEDTLS_ECDH_GEN_PUBLIC_ALT): d random, Q = d * G. Returns 0 or
 *  mbedTLS's error, as ecdh.c's own. */
int mbedtls_ecdh_gen_public(mbedtls_ecp_group *grp, mbedtls_mpi *d, mbedtls_ecp_point *Q,
                            int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    int ret = mbedtls_ecp_gen_privkey(grp, d, f_rng, p_rng);
    if (ret != 0 || host_base(grp, Q, d) == 0) {
        return ret;
    }
    return mbedtls_ecp_mul(grp, Q, d, &grp->G, f_rng, p_rng);
}

/** The ECDH shared secret z = x(d * Q) (MBEDTLS_ECDH_COMPUTE_SHARED_ALT), for TLS 1.2 and PSA.
 *  Returns 0 or mbedTLS's error: an invalid key or point fails here as in mbedtls_ecp_mul, and
 *  a result at infinity with MBEDTLS_ERR_ECP_BAD_INPUT_DATA, as ecdh.c's own. */
int mbedtls_ecdh_compute_shared(mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                                const mbedtls_mpi *d, int (*f_rng)(void *, unsigned char *, size_t),
                                void *p_rng)
{
    int ret = mbedtls_ecp_check_privkey(grp, d);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(grp, Q);
    }
    if (ret != 0 || host_shared(grp, z, Q, d) == 0) {
        return ret;
    }
    mbedtls_ecp_point P;
    mbedtls_ecp_point_init(&P);
    ret = mbedtls_ecp_mul(grp, &P, d, Q, f_rng, p_rng);
    if (ret == 0) {
        ret = mbedtls_ecp_is_zero(&P) ? MBEDTLS_ERR_ECP_BAD_INPUT_DATA : mbedtls_mpi_copy(z, &P.X);
    }
    mbedtls_ecp_point_free(&P);
    return ret;
}

/** R = m * G on a NIST curve by the host, for zs_ecp_mul: 0, or non-zero to run mbedTLS's. The
 *  private key is checked first (mbedtls_ecp_mul's first check). */
int zs_host_ecp_mul_base(const mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                         const mbedtls_ecp_point *P)
{
    if (P != &grp->G || mbedtls_ecp_check_privkey(grp, m) != 0) {
        return -1;
    }
    return host_base(grp, R, m);
}

/** ECDSA's R = k * G (ecdsa.c's mbedtls_ecp_mul_restartable, renamed by the Makefile): the
 *  host's for the NIST curves, else mbedTLS's. */
int zs_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                           const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t),
                           void *p_rng, mbedtls_ecp_restart_ctx *rs_ctx);
int zs_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                           const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t),
                           void *p_rng, mbedtls_ecp_restart_ctx *rs_ctx)
{
    if (rs_ctx == NULL && zs_host_ecp_mul_base(grp, R, m, P) == 0) {
        return 0;
    }
    return mbedtls_ecp_mul_restartable(grp, R, m, P, f_rng, p_rng, rs_ctx);
}

/** mbedtls_pk_check_pair's EC check (pk_wrap.c's mbedtls_ecp_check_pub_priv, renamed by the
 *  Makefile), run for every server context's key: d * G by the host. A pair the host does not
 *  confirm goes to mbedTLS's own check, which gives the answer and its error. */
int zs_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub, const mbedtls_ecp_keypair *prv,
                          int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub, const mbedtls_ecp_keypair *prv,
                          int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    mbedtls_ecp_point Q;
    mbedtls_ecp_point_init(&Q);
    int same = pub->grp.id != MBEDTLS_ECP_DP_NONE && pub->grp.id == prv->grp.id &&
               mbedtls_ecp_point_cmp(&pub->Q, &prv->Q) == 0 &&
               zs_host_ecp_mul_base(&prv->grp, &Q, &prv->d, &prv->grp.G) == 0 &&
               mbedtls_ecp_point_cmp(&Q, &prv->Q) == 0;
    mbedtls_ecp_point_free(&Q);
    return same ? 0 : mbedtls_ecp_check_pub_priv(pub, prv, f_rng, p_rng);
}


#endif /* ZSOCK_PROFILE_HOST */
