/*
 * For native programs that link the shim but never start a handshake (test/native/p256.c,
 * trim.c, bench/native/p256_ops.c): the host's imports, which the shim's other files expect,
 * refusing; and a check that ends the program at the first failure.
 */
#ifndef ZS_NO_HOST_H
#define ZS_NO_HOST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int zs_host_random(unsigned char *out, size_t len);
int zs_host_verify(int id, int depth, const unsigned char *der, size_t der_len, uint32_t *flags);

int zs_host_random(unsigned char *out, size_t len)
{
    (void) out, (void) len;
    return -1;
}

int zs_host_verify(int id, int depth, const unsigned char *der, size_t der_len, uint32_t *flags)
{
    (void) id, (void) depth, (void) der, (void) der_len, (void) flags;
    return -1;
}

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)
#define OK(call) CHECK((call) == 0)

#endif
