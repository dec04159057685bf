/*
 * Our X25519 (wasm/zs_c25519.c) against mbedTLS's generic Curve25519 ladder as the oracle,
 * natively under AddressSanitizer + UBSan: the RFC 7748 vectors (section 5.2, with 1,000
 * iterations, and section 6.1); random scalars with the base point (the comb) and with random
 * u; u values that are not canonical, have the top bit set, or have small order; scalars whose
 * clamped bits are set or clear.
 * Usage: x25519 [CERTS_DIR] (unused). Exit 0 when all pass.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ecp.h"
#include "zs_c25519.h"

#include "no_host.h"

/* A seeded generator (splitmix64): the same cases every run. */
static uint64_t seed = 0x25519;
static void fill(uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = (uint8_t) (z ^ (z >> 31));
    }
}

static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void) ctx;
    fill(out, len);
    return 0;
}

static void unhex(uint8_t out[32], const char *s)
{
    for (int i = 0; i < 32; i++) {
        unsigned v;
        CHECK(sscanf(s + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t) v;
    }
}

static mbedtls_ecp_group grp;

/* X25519(k, u) by mbedTLS: the scalar clamped, u's top bit dropped and u reduced mod p, as
 * RFC 7748 decodes them. 0 when mbedTLS refuses u (a small-order point). */
static int oracle(uint8_t out[32], const uint8_t k[32], const uint8_t u[32])
{
    uint8_t e[32], v[32];
    mbedtls_mpi m;
    mbedtls_ecp_point P, R;
    int ret;
    memcpy(e, k, 32);
    e[0] &= 248, e[31] &= 127, e[31] |= 64;
    memcpy(v, u, 32);
    v[31] &= 127;
    mbedtls_mpi_init(&m);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&R);
    OK(mbedtls_mpi_read_binary_le(&m, e, 32));
    OK(mbedtls_mpi_read_binary_le(&P.X, v, 32));
    OK(mbedtls_mpi_mod_mpi(&P.X, &P.X, &grp.P));
    OK(mbedtls_mpi_lset(&P.Z, 1));
    ret = mbedtls_ecp_mul(&grp, &R, &m, &P, rng, NULL);
    if (ret == 0) {
        OK(mbedtls_mpi_write_binary_le(&R.X, out, 32));
    }
    mbedtls_mpi_free(&m);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_point_free(&R);
    return ret;
}

static const uint8_t NINE[32] = { 9 };

/* Ours against the oracle; for u = 9, the comb and the ladder both. */
static void cross(const uint8_t k[32], const uint8_t u[32])
{
    uint8_t ours[32], theirs[32];
    zs_c25519_ladder(ours, k, u);
    if (oracle(theirs, k, u) == 0) {
        CHECK(memcmp(ours, theirs, 32) == 0);
    }
    if (memcmp(u, NINE, 32) == 0) {
        zs_c25519_base(theirs, k);
        CHECK(memcmp(ours, theirs, 32) == 0);
    }
}

static void test_rfc7748(void)
{
    uint8_t k[32], u[32], want[32], out[32], t[32];
    unhex(k, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    unhex(u, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    unhex(want, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    zs_c25519_ladder(out, k, u);
    CHECK(memcmp(out, want, 32) == 0);
    unhex(k, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    unhex(u, "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
    unhex(want, "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    zs_c25519_ladder(out, k, u);
    CHECK(memcmp(out, want, 32) == 0);

    /* k, u = X25519(k, u), k; from k = u = 9 */
    memcpy(k, NINE, 32), memcpy(u, NINE, 32);
    for (int i = 1; i <= 1000; i++) {
        zs_c25519_ladder(t, k, u);
        memcpy(u, k, 32), memcpy(k, t, 32);
        if (i == 1) {
            unhex(want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
            CHECK(memcmp(k, want, 32) == 0);
        }
    }
    unhex(want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    CHECK(memcmp(k, want, 32) == 0);

    uint8_t a[32], b[32], apub[32], bpub[32], s1[32], s2[32];
    unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    zs_c25519_base(apub, a);
    zs_c25519_base(bpub, b);
    unhex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    CHECK(memcmp(apub, want, 32) == 0);
    unhex(want, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    CHECK(memcmp(bpub, want, 32) == 0);
    zs_c25519_ladder(s1, a, bpub);
    zs_c25519_ladder(s2, b, apub);
    unhex(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    CHECK(memcmp(s1, want, 32) == 0 && memcmp(s2, want, 32) == 0);
    printf("ok RFC 7748: sections 5.2 (1,000 iterations) and 6.1\n");
}

static void test_random(int n)
{
    uint8_t k[32], u[32];
    for (int i = 0; i < n; i++) {
        fill(k, 32);
        fill(u, 32);
        cross(k, NINE);
        cross(k, u);
        u[31] &= 127; /* also below 2^255 */
        cross(k, u);
    }
    printf("ok random: k * 9 (comb and ladder) and k * u against mbedTLS (%d each)\n", n);
}

static void test_edges(void)
{
    /* u: 0, 1, p - 1, p, p + 1, p + 9, 2^255 - 1, 2^256 - 1, and 9 with the top bit set */
    static const char *us[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0900000000000000000000000000000000000000000000000000000000000080",
    };
    uint8_t ks[4][32], u[32], out[32], ref[32];
    memset(ks[0], 0, 32);    /* clamps to 2^254 */
    memset(ks[1], 0xff, 32); /* clamps to 2^255 - 8 */
    fill(ks[2], 32);
    fill(ks[3], 32);
    ks[3][0] |= 7, ks[3][31] |= 128; /* bits that clamping clears */
    for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
        unhex(u, us[i]);
        for (int j = 0; j < 4; j++) {
            cross(ks[j], u);
            if (i <= 4 && i != 2) { /* 0, 1, p = 0 and p + 1 = 1: small order, all zeros */
                zs_c25519_ladder(out, ks[j], u);
                static const uint8_t zero[32];
                CHECK(memcmp(out, zero, 32) == 0);
            }
        }
    }
    /* u = p + 9 and 9 | 2^255 are 9: the same as the comb */
    for (int j = 0; j < 4; j++) {
        zs_c25519_base(ref, ks[j]);
        unhex(u, us[5]);
        zs_c25519_ladder(out, ks[j], u);
        CHECK(memcmp(out, ref, 32) == 0);
        unhex(u, us[8]);
        zs_c25519_ladder(out, ks[j], u);
        CHECK(memcmp(out, ref, 32) == 0);
    }
    printf("ok edges: small-order, non-canonical and top-bit u; clamped scalar bits\n");
}

int main(int argc, char **argv)
{
    (void) argv;
    mbedtls_ecp_group_init(&grp);
    OK(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519));
    printf("X25519 comb table: %u bytes\n", zs_c25519_table_bytes);
    test_rfc7748();
    test_edges();
    test_random(argc > 2 ? atoi(argv[2]) : 64);
    mbedtls_ecp_group_free(&grp);
    return 0;
}
