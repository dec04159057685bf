/*
 * The wasm core's smaller stand-ins (wasm/zs_sha1.c, wasm/zs_trim.c), natively under
 * AddressSanitizer: SHA-1 as one loop against FIPS 180's examples and a long message fed in odd
 * pieces; the strstr the PEM and certificate parsers get; the refused RSA encryption and RSA
 * parameter deduction; the written-out default ciphersuite list (MBEDTLS_SSL_CIPHERSUITES).
 * Usage: trim [CERTS_DIR] (unused). Prints one line per case; exit 0 when all pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/sha1.h"
#include "mbedtls/rsa.h"
#include "mbedtls/ssl_ciphersuites.h"

char *zs_strstr(const char *hay, const char *needle);
int zs_rsa_no_encrypt(mbedtls_rsa_context *ctx, int (*f_rng)(void *, unsigned char *, size_t),
                      void *p_rng, size_t ilen, const unsigned char *input, unsigned char *output);
int zs_rsa_no_decrypt(mbedtls_rsa_context *ctx, int (*f_rng)(void *, unsigned char *, size_t),
                      void *p_rng, size_t *olen, const unsigned char *input, unsigned char *output,
                      size_t output_max_len);
int zs_rsa_no_deduce_primes(mbedtls_mpi const *N, mbedtls_mpi const *E, mbedtls_mpi const *D,
                            mbedtls_mpi *P, mbedtls_mpi *Q);
int zs_rsa_no_deduce_d(mbedtls_mpi const *P, mbedtls_mpi const *Q, mbedtls_mpi const *E,
                       mbedtls_mpi *D);

#include "no_host.h"

static void hex(const unsigned char *d, char *out)
{
    for (int i = 0; i < 20; i++) {
        sprintf(out + 2 * i, "%02x", d[i]);
    }
}

/* SHA-1 of `len` bytes fed `step` bytes at a time, as hex. */
static void sha1_hex(const unsigned char *m, size_t len, size_t step, char *out)
{
    mbedtls_sha1_context ctx;
    unsigned char d[20];
    mbedtls_sha1_init(&ctx);
    CHECK(mbedtls_sha1_starts(&ctx) == 0);
    for (size_t off = 0; off < len; off += step) {
        CHECK(mbedtls_sha1_update(&ctx, m + off, len - off < step ? len - off : step) == 0);
    }
    CHECK(mbedtls_sha1_finish(&ctx, d) == 0);
    mbedtls_sha1_free(&ctx);
    hex(d, out);
}

static void test_sha1(void)
{
    char h[41];
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha1_hex((const unsigned char *) "abc", 3, 3, h);
    CHECK(strcmp(h, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0);
    sha1_hex((const unsigned char *) two, strlen(two), 5, h);
    CHECK(strcmp(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1") == 0);
    static unsigned char m[1000000];
    memset(m, 'a', sizeof(m));
    sha1_hex(m, sizeof(m), 997, h);
    CHECK(strcmp(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f") == 0);
    for (size_t i = 0; i < 100000; i++) {
        m[i] = (unsigned char) (i * 7 + 3);
    }
    sha1_hex(m, 100000, 63, h); /* the digest Python's hashlib gives */
    CHECK(strcmp(h, "386d00146341aa3dc6778b701e7eb165911587f5") == 0);
    printf("SHA-1 as one loop: FIPS 180 examples, a long message in odd pieces\n");
}

static void test_strstr(void)
{
    const char *pem = "junk\n-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
    CHECK(zs_strstr(pem, "-----BEGIN CERTIFICATE-----") == pem + 5);
    CHECK(zs_strstr(pem, "-----END CERTIFICATE-----") == strstr(pem, "-----END CERTIFICATE-----"));
    CHECK(zs_strstr(pem, "-----BEGIN PRIVATE KEY-----") == NULL);
    CHECK(zs_strstr("-----BEGIN", "-----BEGIN CERTIFICATE-----") == NULL); /* hay shorter */
    CHECK(zs_strstr("aaab", "aab") != NULL && strcmp(zs_strstr("aaab", "aab"), "aab") == 0);
    CHECK(zs_strstr("abc", "") != NULL && *zs_strstr("abc", "") == 'a');
    CHECK(zs_strstr("", "") != NULL);
    CHECK(zs_strstr("", "a") == NULL);
    printf("strstr: first match, none, needle longer than the rest, empty needle\n");
}

static void test_rsa_refused(void)
{
    unsigned char in[4] = { 0 }, out[4];
    size_t olen = 99;
    CHECK(zs_rsa_no_encrypt(NULL, NULL, NULL, sizeof(in), in, out) == MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    CHECK(zs_rsa_no_decrypt(NULL, NULL, NULL, &olen, in, out, sizeof(out)) ==
          MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    CHECK(olen == 0);
    mbedtls_mpi a, b;
    mbedtls_mpi_init(&a), mbedtls_mpi_init(&b);
    CHECK(zs_rsa_no_deduce_primes(&a, &a, &a, &a, &b) == MBEDTLS_ERR_MPI_BAD_INPUT_DATA);
    CHECK(zs_rsa_no_deduce_d(&a, &a, &a, &b) == MBEDTLS_ERR_MPI_BAD_INPUT_DATA);
    printf("RSA encryption, decryption and parameter deduction refused\n");
}

/* The list zsock_mbedtls_config.h writes out names every suite the configuration builds, once,
 * and nothing else: what mbedTLS's own filtering of its table gave. */
static void test_default_suites(void)
{
    static unsigned char listed[0x10000];
    size_t n = 0, built = 0;
    for (const int *p = mbedtls_ssl_list_ciphersuites(); *p != 0; p++, n++) {
        CHECK(*p > 0 && *p < 0x10000 && !listed[*p]);
        CHECK(mbedtls_ssl_ciphersuite_from_id(*p) != NULL);
        listed[*p] = 1;
    }
    for (int id = 1; id < 0x10000; id++) {
        if (mbedtls_ssl_ciphersuite_from_id(id) != NULL) {
            CHECK(listed[id]);
            built++;
        }
    }
    CHECK(n == built && n == 13);
    printf("default ciphersuite list: the %zu suites built, each once\n", n);
}

int main(void)
{
    test_sha1();
    test_strstr();
    test_rsa_refused();
    test_default_suites();
    printf("trim: all passed\n");
    return 0;
}
