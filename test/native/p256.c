/*
 * Our P-256 (wasm/zs_p256*.c through the seams of wasm/zs_ecc.c) against mbedTLS's generic ECP
 * as the oracle, natively under AddressSanitizer + UBSan: random scalars and points for k * G,
 * k * P, u1 * G + u2 * Q, ECDH and ECDSA; edge scalars and points, each giving exactly the
 * generic path's result or error; RFC 5903 (ECDH) and RFC 6979 (ECDSA) vectors.
 * Usage: p256 [CERTS_DIR] (unused). Exit 0 when all pass.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "zs_p256.h"

/* The seams (wasm/zs_ecc.c); mbedTLS's own functions are the oracle. */
int zs_ecp_mul(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
               const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                              const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                              const mbedtls_ecp_point *Q, mbedtls_ecp_restart_ctx *rs_ctx);
int zs_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub, const mbedtls_ecp_keypair *prv,
                          int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);

#include "no_host.h"

/* A seeded generator (splitmix64): the same cases every run. */
static uint64_t seed = 0x5eed2026;
static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void) ctx;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = (unsigned char) (z ^ (z >> 31));
    }
    return 0;
}

static mbedtls_ecp_group grp;

/* Both points at infinity, or equal and affine. */
static int same_point(const mbedtls_ecp_point *a, const mbedtls_ecp_point *b)
{
    if (mbedtls_ecp_is_zero((mbedtls_ecp_point *) a) || mbedtls_ecp_is_zero((mbedtls_ecp_point *) b)) {
        return mbedtls_ecp_is_zero((mbedtls_ecp_point *) a) && mbedtls_ecp_is_zero((mbedtls_ecp_point *) b);
    }
    return mbedtls_ecp_point_cmp(a, b) == 0;
}

/* m * P by ours and by mbedTLS: the same error, and the same point when both succeed. */
static void cross_mul(const mbedtls_mpi *m, const mbedtls_ecp_point *P)
{
    mbedtls_ecp_point a, b;
    mbedtls_ecp_point_init(&a);
    mbedtls_ecp_point_init(&b);
    int ours = zs_ecp_mul(&grp, &a, m, P, rng, NULL);
    int theirs = mbedtls_ecp_mul(&grp, &b, m, P, rng, NULL);
    if (ours != theirs) {
        fprintf(stderr, "mul: ours -0x%04x, mbedTLS -0x%04x\n", -ours, -theirs);
    }
    CHECK(ours == theirs);
    CHECK(ours != 0 || same_point(&a, &b));
    mbedtls_ecp_point_free(&a);
    mbedtls_ecp_point_free(&b);
}

/* m * P + n * Q by ours and by mbedTLS: the same error, the same sum (or both at infinity). */
static void cross_muladd(const mbedtls_mpi *m, const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                         const mbedtls_ecp_point *Q)
{
    mbedtls_ecp_point a, b;
    mbedtls_ecp_point_init(&a);
    mbedtls_ecp_point_init(&b);
    int ours = zs_ecp_muladd_restartable(&grp, &a, m, P, n, Q, NULL);
    int theirs = mbedtls_ecp_muladd(&grp, &b, m, P, n, Q);
    CHECK(ours == theirs);
    CHECK(ours != 0 || same_point(&a, &b));
    mbedtls_ecp_point_free(&a);
    mbedtls_ecp_point_free(&b);
}

/* The ECDH shared secret by ours (the ALT): mbedTLS's generic answer, x(d * Q) or its error. */
static void cross_ecdh(const mbedtls_mpi *d, const mbedtls_ecp_point *Q)
{
    mbedtls_mpi z;
    mbedtls_ecp_point P;
    mbedtls_mpi_init(&z);
    mbedtls_ecp_point_init(&P);
    int ours = mbedtls_ecdh_compute_shared(&grp, &z, Q, d, rng, NULL);
    int theirs = mbedtls_ecp_mul(&grp, &P, d, Q, rng, NULL);
    CHECK(ours == theirs);
    CHECK(ours != 0 || mbedtls_mpi_cmp_mpi(&z, &P.X) == 0);
    mbedtls_mpi_free(&z);
    mbedtls_ecp_point_free(&P);
}

static void random_scalar(mbedtls_mpi *k)
{
    OK(mbedtls_ecp_gen_privkey(&grp, k, rng, NULL));
}

static void random_point(mbedtls_ecp_point *P)
{
    mbedtls_mpi k;
    mbedtls_mpi_init(&k);
    random_scalar(&k);
    OK(mbedtls_ecp_mul(&grp, P, &k, &grp.G, rng, NULL));
    mbedtls_mpi_free(&k);
}

static void test_random(void)
{
    mbedtls_mpi k, u;
    mbedtls_ecp_point P;
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&u);
    mbedtls_ecp_point_init(&P);
    for (int i = 0; i < 64; i++) {
        random_scalar(&k);
        random_scalar(&u);
        random_point(&P);
        cross_mul(&k, &grp.G);
        cross_mul(&k, &P);
        cross_muladd(&k, &grp.G, &u, &P);
        cross_ecdh(&k, &P);
    }
    mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&u);
    mbedtls_ecp_point_free(&P);
    printf("ok random: k * G, k * P, u1 * G + u2 * Q, ECDH against mbedTLS (64 each)\n");
}

#define EDGES 14

/* Scalars 0, 1, 2, 3, 15, 16, 17, -1, n-1, n, n+1, 2^256 - 1, 2^255, n-2. */
static void edge_scalars(mbedtls_mpi s[EDGES])
{
    const int small[] = {0, 1, 2, 3, 15, 16, 17, -1};
    for (int i = 0; i < EDGES; i++) {
        mbedtls_mpi_init(&s[i]);
    }
    for (int i = 0; i < 8; i++) {
        OK(mbedtls_mpi_lset(&s[i], small[i]));
    }
    OK(mbedtls_mpi_sub_int(&s[8], &grp.N, 1));
    OK(mbedtls_mpi_copy(&s[9], &grp.N));
    OK(mbedtls_mpi_add_int(&s[10], &grp.N, 1));
    OK(mbedtls_mpi_lset(&s[11], 1));
    OK(mbedtls_mpi_shift_l(&s[11], 256));
    OK(mbedtls_mpi_sub_int(&s[11], &s[11], 1)); /* all ones */
    OK(mbedtls_mpi_lset(&s[12], 1));
    OK(mbedtls_mpi_shift_l(&s[12], 255));
    OK(mbedtls_mpi_sub_int(&s[13], &grp.N, 2));
}

/* The edge scalars with G, -G and a random point, alone and in every muladd pair; then sums at
 * infinity (u2 = n - u1) and doublings (u2 = u1) in muladd. */
static void test_edges(void)
{
    mbedtls_mpi s[EDGES], k, m;
    mbedtls_ecp_point negG, P;
    mbedtls_mpi_init(&k), mbedtls_mpi_init(&m);
    mbedtls_ecp_point_init(&negG), mbedtls_ecp_point_init(&P);
    edge_scalars(s);
    OK(mbedtls_ecp_copy(&negG, &grp.G));
    OK(mbedtls_mpi_sub_mpi(&negG.Y, &grp.P, &negG.Y));
    random_point(&P);
    const mbedtls_ecp_point *pts[] = {&grp.G, &negG, &P};
    for (int i = 0; i < EDGES; i++) {
        for (int j = 0; j < 3; j++) {
            cross_mul(&s[i], pts[j]);
            cross_ecdh(&s[i], pts[j]);
            for (int l = 0; l < EDGES; l++) {
                cross_muladd(&s[i], &grp.G, &s[l], pts[j]);
            }
        }
        mbedtls_mpi_free(&s[i]);
    }
    for (int i = 0; i < 16; i++) {
        random_scalar(&k);
        OK(mbedtls_mpi_sub_mpi(&m, &grp.N, &k));
        cross_muladd(&k, &grp.G, &m, &grp.G);
        cross_muladd(&k, &grp.G, &k, &grp.G);
        cross_muladd(&k, &grp.G, &m, &negG);
    }
    mbedtls_mpi_free(&k), mbedtls_mpi_free(&m);
    mbedtls_ecp_point_free(&negG), mbedtls_ecp_point_free(&P);
    printf("ok edges: scalars 0, 1, 2, n-1, n, n+1, 2^256-1, -1 with G, -G, P; sums at infinity\n");
}

/* Invalid points: off the curve, coordinates >= p, not affine, infinity; with valid and
 * invalid scalars (the scalar's error comes first), the same errors as mbedTLS's. */
static void test_invalid(void)
{
    mbedtls_mpi k, zero;
    mbedtls_ecp_point bad[5];
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&zero);
    random_scalar(&k);
    for (int i = 0; i < 5; i++) {
        mbedtls_ecp_point_init(&bad[i]);
        random_point(&bad[i]);
    }
    OK(mbedtls_mpi_add_int(&bad[0].Y, &bad[0].Y, 1));          /* off the curve */
    OK(mbedtls_mpi_add_mpi(&bad[1].X, &bad[1].X, &grp.P));     /* X + p: the same x mod p */
    OK(mbedtls_mpi_add_mpi(&bad[2].Y, &bad[2].Y, &grp.P));     /* Y + p */
    OK(mbedtls_mpi_lset(&bad[3].Z, 2));                        /* not affine */
    OK(mbedtls_ecp_set_zero(&bad[4]));                         /* infinity */
    for (int i = 0; i < 5; i++) {
        cross_mul(&k, &bad[i]);
        cross_mul(&zero, &bad[i]);
        cross_ecdh(&k, &bad[i]);
        cross_ecdh(&zero, &bad[i]);
        cross_muladd(&k, &grp.G, &k, &bad[i]);
        cross_muladd(&k, &bad[i], &k, &grp.G);
        cross_muladd(&zero, &grp.G, &k, &bad[i]);
        mbedtls_ecp_point_free(&bad[i]);
    }
    mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&zero);
    printf("ok invalid points: mbedTLS's errors, in its order\n");
}

static void read_hex(mbedtls_mpi *x, const char *hex)
{
    OK(mbedtls_mpi_read_string(x, 16, hex));
}

/* RFC 5903, section 8.1: the 256-bit random ECP group's ECDH. */
static void test_rfc5903(void)
{
    mbedtls_mpi i, r, z;
    mbedtls_ecp_point gi, gr, Q;
    mbedtls_mpi_init(&i), mbedtls_mpi_init(&r), mbedtls_mpi_init(&z);
    mbedtls_ecp_point_init(&gi), mbedtls_ecp_point_init(&gr), mbedtls_ecp_point_init(&Q);
    read_hex(&i, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    read_hex(&gi.X, "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180");
    read_hex(&gi.Y, "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
    read_hex(&r, "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53");
    read_hex(&gr.X, "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63");
    read_hex(&gr.Y, "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
    OK(mbedtls_mpi_lset(&gi.Z, 1));
    OK(mbedtls_mpi_lset(&gr.Z, 1));
    OK(zs_ecp_mul(&grp, &Q, &i, &grp.G, NULL, NULL));
    OK(mbedtls_ecp_point_cmp(&Q, &gi));
    OK(zs_ecp_mul(&grp, &Q, &r, &grp.G, NULL, NULL));
    OK(mbedtls_ecp_point_cmp(&Q, &gr));
    read_hex(&r, "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
    OK(mbedtls_ecdh_compute_shared(&grp, &z, &gr, &i, NULL, NULL));
    OK(mbedtls_mpi_cmp_mpi(&z, &r));
    mbedtls_mpi_free(&i), mbedtls_mpi_free(&r), mbedtls_mpi_free(&z);
    mbedtls_ecp_point_free(&gi), mbedtls_ecp_point_free(&gr), mbedtls_ecp_point_free(&Q);
    printf("ok RFC 5903 ECDH vector\n");
}

/* The generic verification, from the same formula ecdsa.c uses: the oracle for ours. */
static int oracle_verify(const unsigned char *h, size_t hlen, const mbedtls_ecp_point *Q,
                         const mbedtls_mpi *r, const mbedtls_mpi *s)
{
    mbedtls_mpi e, w, u1, u2;
    mbedtls_ecp_point R;
    int ok = 0;
    mbedtls_mpi_init(&e), mbedtls_mpi_init(&w), mbedtls_mpi_init(&u1), mbedtls_mpi_init(&u2);
    mbedtls_ecp_point_init(&R);
    if (mbedtls_mpi_cmp_int(r, 1) >= 0 && mbedtls_mpi_cmp_mpi(r, &grp.N) < 0 &&
        mbedtls_mpi_cmp_int(s, 1) >= 0 && mbedtls_mpi_cmp_mpi(s, &grp.N) < 0) {
        OK(mbedtls_mpi_read_binary(&e, h, hlen));
        OK(mbedtls_mpi_inv_mod(&w, s, &grp.N));
        OK(mbedtls_mpi_mul_mpi(&u1, &e, &w));
        OK(mbedtls_mpi_mod_mpi(&u1, &u1, &grp.N));
        OK(mbedtls_mpi_mul_mpi(&u2, r, &w));
        OK(mbedtls_mpi_mod_mpi(&u2, &u2, &grp.N));
        OK(mbedtls_ecp_muladd(&grp, &R, &u1, &grp.G, &u2, Q));
        if (!mbedtls_ecp_is_zero(&R)) {
            OK(mbedtls_mpi_mod_mpi(&R.X, &R.X, &grp.N));
            ok = mbedtls_mpi_cmp_mpi(&R.X, r) == 0;
        }
    }
    mbedtls_mpi_free(&e), mbedtls_mpi_free(&w), mbedtls_mpi_free(&u1), mbedtls_mpi_free(&u2);
    mbedtls_ecp_point_free(&R);
    return ok;
}

/* ECDSA: RFC 6979's P-256 key and its SHA-256 signature of "sample" verify; random signatures
 * by ours verify by ours and by the oracle; altered ones fail in both. */
static void test_ecdsa(void)
{
    static const unsigned char sample[32] = {
        0xAF, 0x2B, 0xDB, 0xE1, 0xAA, 0x9B, 0x6E, 0xC1, 0xE2, 0xAD, 0xE1, 0xD6, 0x94, 0xF4, 0x1F, 0xC7,
        0x1A, 0x83, 0x1D, 0x02, 0x68, 0xE9, 0x89, 0x15, 0x62, 0x11, 0x3D, 0x8A, 0x62, 0xAD, 0xD1, 0xBF};
    mbedtls_mpi d, r, s;
    mbedtls_ecp_point Q;
    unsigned char h[32];
    mbedtls_mpi_init(&d), mbedtls_mpi_init(&r), mbedtls_mpi_init(&s);
    mbedtls_ecp_point_init(&Q);
    read_hex(&d, "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    read_hex(&r, "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716");
    read_hex(&s, "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    OK(zs_ecp_mul(&grp, &Q, &d, &grp.G, NULL, NULL));
    OK(mbedtls_ecdsa_verify(&grp, sample, 32, &Q, &r, &s));
    OK(mbedtls_mpi_add_int(&s, &s, 1));
    CHECK(mbedtls_ecdsa_verify(&grp, sample, 32, &Q, &r, &s) == MBEDTLS_ERR_ECP_VERIFY_FAILED);
    for (int i = 0; i < 32; i++) {
        random_scalar(&d);
        OK(zs_ecp_mul(&grp, &Q, &d, &grp.G, NULL, NULL));
        rng(NULL, h, sizeof(h));
        OK(mbedtls_ecdsa_sign(&grp, &r, &s, &d, h, sizeof(h), rng, NULL));
        OK(mbedtls_ecdsa_verify(&grp, h, sizeof(h), &Q, &r, &s));
        CHECK(oracle_verify(h, sizeof(h), &Q, &r, &s));
        h[i] ^= 1;
        CHECK(mbedtls_ecdsa_verify(&grp, h, sizeof(h), &Q, &r, &s) == MBEDTLS_ERR_ECP_VERIFY_FAILED);
        CHECK(!oracle_verify(h, sizeof(h), &Q, &r, &s));
    }
    mbedtls_mpi_free(&d), mbedtls_mpi_free(&r), mbedtls_mpi_free(&s);
    mbedtls_ecp_point_free(&Q);
    printf("ok ECDSA: RFC 6979 vector; 32 signatures cross-verified; altered ones fail\n");
}

/* ECDH key generation (the ALT) and a key pair's check, as mbedTLS's. */
static void test_keys(void)
{
    mbedtls_ecp_keypair a, b;
    mbedtls_ecp_point Q;
    mbedtls_ecp_keypair_init(&a), mbedtls_ecp_keypair_init(&b);
    mbedtls_ecp_point_init(&Q);
    OK(mbedtls_ecp_group_load(&a.grp, MBEDTLS_ECP_DP_SECP256R1));
    OK(mbedtls_ecp_group_load(&b.grp, MBEDTLS_ECP_DP_SECP256R1));
    for (int i = 0; i < 16; i++) {
        OK(mbedtls_ecdh_gen_public(&a.grp, &a.d, &a.Q, rng, NULL));
        OK(mbedtls_ecp_mul(&grp, &Q, &a.d, &grp.G, rng, NULL));
        OK(mbedtls_ecp_point_cmp(&Q, &a.Q));
        OK(zs_ecp_check_pub_priv(&a, &a, rng, NULL));
        OK(mbedtls_ecp_check_pub_priv(&a, &a, rng, NULL));
        OK(mbedtls_ecdh_gen_public(&b.grp, &b.d, &b.Q, rng, NULL));
        OK(mbedtls_ecp_copy(&b.Q, &a.Q)); /* b: a's public key, another private key */
        CHECK(zs_ecp_check_pub_priv(&a, &b, rng, NULL) == mbedtls_ecp_check_pub_priv(&a, &b, rng, NULL));
        CHECK(zs_ecp_check_pub_priv(&a, &b, rng, NULL) == MBEDTLS_ERR_ECP_BAD_INPUT_DATA);
    }
    mbedtls_ecp_keypair_free(&a), mbedtls_ecp_keypair_free(&b);
    mbedtls_ecp_point_free(&Q);
    printf("ok ECDH key generation and key-pair checks\n");
}

int main(void)
{
    mbedtls_ecp_group_init(&grp);
    OK(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1));
    printf("P-256 generator table: %u bytes\n", zs_p256_table_bytes);
    test_rfc5903();
    test_random();
    test_edges();
    test_invalid();
    test_ecdsa();
    test_keys();
    mbedtls_ecp_group_free(&grp);
    return 0;
}
