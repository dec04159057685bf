/*
 * P-256 per operation: ours (wasm/zs_ecc.c's seams) beside mbedTLS's generic ECP in the same
 * binary, alternating, by the wall clock (wasm has no CPU clock). `make bench-p256` builds it
 * from a core's objects for wasm (run by node) and natively (gcc).
 * Usage: p256_ops [ROUNDS]. Prints microseconds per operation and mbedTLS / ours.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mbedtls/ecdh.h"
#include "mbedtls/ecp.h"

int zs_ecp_mul(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
               const mbedtls_ecp_point *P, int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                              const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                              const mbedtls_ecp_point *Q, mbedtls_ecp_restart_ctx *rs_ctx);
#include "../../test/native/no_host.h"

static uint64_t seed = 1;
static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void) ctx;
    for (size_t i = 0; i < len; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = (unsigned char) (seed >> 56);
    }
    return 0;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

#define OPS 4
static const char *NAMES[OPS] = {"k*G (keygen, sign)", "k*P (ECDH shared)", "u1*G+u2*Q (verify)", "x(k*P) via ECDH ALT"};

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    mbedtls_ecp_group grp;
    mbedtls_mpi k, u, z;
    mbedtls_ecp_point P, R;
    double t[2][OPS] = {{0}};
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&k), mbedtls_mpi_init(&u), mbedtls_mpi_init(&z);
    mbedtls_ecp_point_init(&P), mbedtls_ecp_point_init(&R);
    mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    mbedtls_ecp_gen_privkey(&grp, &k, rng, NULL);
    mbedtls_ecp_mul(&grp, &P, &k, &grp.G, rng, NULL);
    for (int r = 0; r < rounds; r++) {
        for (int who = 0; who < 2; who++) {
            double t0 = now_us();
            mbedtls_ecp_gen_privkey(&grp, &k, rng, NULL);
            mbedtls_ecp_gen_privkey(&grp, &u, rng, NULL);
            if (who) zs_ecp_mul(&grp, &R, &k, &grp.G, rng, NULL); else mbedtls_ecp_mul(&grp, &R, &k, &grp.G, rng, NULL);
            double t1 = now_us();
            if (who) zs_ecp_mul(&grp, &R, &k, &P, rng, NULL); else mbedtls_ecp_mul(&grp, &R, &k, &P, rng, NULL);
            double t2 = now_us();
            if (who) zs_ecp_muladd_restartable(&grp, &R, &k, &grp.G, &u, &P, NULL); else mbedtls_ecp_muladd(&grp, &R, &k, &grp.G, &u, &P);
            double t3 = now_us();
            if (who) mbedtls_ecdh_compute_shared(&grp, &z, &P, &k, rng, NULL); else mbedtls_ecp_mul(&grp, &R, &k, &P, rng, NULL);
            double t4 = now_us();
            t[who][0] += t1 - t0, t[who][1] += t2 - t1, t[who][2] += t3 - t2, t[who][3] += t4 - t3;
        }
    }
    printf("%-22s %12s %12s %8s\n", "operation", "mbedTLS us", "ours us", "ratio");
    for (int i = 0; i < OPS; i++) {
        printf("%-22s %12.1f %12.1f %8.2f\n", NAMES[i], t[0][i] / rounds, t[1][i] / rounds, t[0][i] / t[1][i]);
    }
    return 0;
}
