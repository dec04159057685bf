/*
 * P-256 and P-384 done by the host: the host profile (ZSOCK_PROFILE_HOST), where node:crypto's
 * NIST curves are several times the C in wasm (docs/bench.md). Boards keep the C. X25519 stays on
 * our own fixed limbs (zs_c25519.c): node:crypto's, with KeyObjects made from JWK, is no faster
 * (about 38 and 84 µs for a key generation and a shared secret, against 48 and 79 µs in wasm),
 * and it would take the scalar through a JS string, which cannot be wiped.
 *
 * One import, zs_host_ecc(op, group, k, klen, p, plen, out, outcap) -> bytes written, or <= 0
 * when the host cannot serve it (then the C path runs, and gives mbedTLS's own answer):
 *  - ZS_ECC_BASE: out = k * G, an uncompressed SEC1 point.
 *  - ZS_ECC_SHARED: out = the x coordinate of k * P for the peer's point P (uncompressed SEC1).
 * Scalars are big-endian; `group` is the IANA NamedGroup. Every length is checked here before
 * the call and on the way back, and the host checks them again against its memory.
 *
 * wasm/zs_ecc.c asks here first, at each of its seams (ECDH key generation and shared secrets,
 * PSA's public keys, ECDSA signing's k * G, a key pair's check), and runs the C when the host
 * declines. Keys and points are checked by mbedTLS's own functions first, in the order
 * mbedtls_ecp_mul checks them, so an invalid peer point fails with the same error as on the C
 * path; the host never sees one.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* curve ids and coordinates, as mbedTLS's modules read them */
#include "mbedtls/build_info.h"

#if defined(ZSOCK_PROFILE_HOST)
#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

#define ZS_ECC_BASE 1
#define ZS_ECC_SHARED 2
#define MAX_BYTES 48 /* P-384 */

ZS_IMPORT(zs_host_ecc) int zs_host_ecc(int op, int group, const unsigned char *k, uint32_t klen,
                                       const unsigned char *p, uint32_t plen, unsigned char *out,
                                       uint32_t outcap);

/** The IANA NamedGroup of a NIST curve the host serves, else 0 (here and in zs_host_sig.c). */
int zs_host_group(const mbedtls_ecp_group *grp)
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
    int group = zs_host_group(grp), ret = -1;
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

/** z = x(d * Q) on a NIST curve by the host, for wasm/zs_ecc.c's shared secret (which has
 *  checked d and Q first): 0, or non-zero when the host did not serve it (then the C runs). */
int zs_host_ecc_shared(const mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                       const mbedtls_mpi *d);
int zs_host_ecc_shared(const mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                       const mbedtls_mpi *d)
{
    unsigned char k[MAX_BYTES], pt[1 + 2 * MAX_BYTES], x[MAX_BYTES];
    size_t n = (grp->pbits + 7) / 8, plen = 0;
    int group = zs_host_group(grp), ret = -1;
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

#endif /* ZSOCK_PROFILE_HOST */
