/*
 * Smaller stand-ins for library code the wasm core links but does not need in full, each put in
 * by a rename in the one mbedTLS file that calls it (the Makefile's WCF_<file>, wasm builds
 * only; no mbedTLS source is patched). Measured in docs/bench.md (Sizes).
 */
#include <string.h>
#include "mbedtls/rsa.h"
#include "zs.h"

/* strstr for pem.c and x509_crt.c, which look for "-----BEGIN ...-----" lines in a credential
 * the application gives (never in what a peer sends). musl's two-way search is 1.5 KB; this
 * one is O(len(hay) * len(needle)) with needles under 40 bytes. */
char *zs_strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++) {
        if (strncmp(hay, needle, n) == 0) {
            return (char *) hay;
        }
    }
    return n == 0 ? (char *) hay : NULL;
}

/* RSA encryption and decryption (pk_wrap.c's rsa_encrypt_wrap and rsa_decrypt_wrap, behind
 * mbedtls_pk_encrypt/decrypt): only the RSA and RSA-PSK key exchanges call them, and neither is
 * built (wasm/zsock_mbedtls_config.h), so an RSA key signs and verifies only. Both refuse. */
int zs_rsa_no_encrypt(mbedtls_rsa_context *ctx, int (*f_rng)(void *, unsigned char *, size_t),
                      void *p_rng, size_t ilen, const unsigned char *input, unsigned char *output)
{
    (void) ctx, (void) f_rng, (void) p_rng, (void) ilen, (void) input, (void) output;
    return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
}

int zs_rsa_no_decrypt(mbedtls_rsa_context *ctx, int (*f_rng)(void *, unsigned char *, size_t),
                      void *p_rng, size_t *olen, const unsigned char *input, unsigned char *output,
                      size_t output_max_len)
{
    (void) ctx, (void) f_rng, (void) p_rng, (void) input, (void) output, (void) output_max_len;
    *olen = 0;
    return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
}

/* RSA's parameter deduction (rsa.c's mbedtls_rsa_complete): the primes from N, E and D, or D
 * from the primes. The PKCS#1 and PKCS#8 keys pkparse.c reads carry N, E, D, P and Q, so only a
 * key whose primes or private exponent are zero gets there: it is refused as invalid instead of
 * repaired. About 2.4 KB of factoring and inversion code. */
int zs_rsa_no_deduce_primes(mbedtls_mpi const *N, mbedtls_mpi const *E, mbedtls_mpi const *D,
                            mbedtls_mpi *P, mbedtls_mpi *Q)
{
    (void) N, (void) E, (void) D, (void) P, (void) Q;
    return MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}

int zs_rsa_no_deduce_d(mbedtls_mpi const *P, mbedtls_mpi const *Q, mbedtls_mpi const *E,
                       mbedtls_mpi *D)
{
    (void) P, (void) Q, (void) E, (void) D;
    return MBEDTLS_ERR_MPI_BAD_INPUT_DATA;
}
