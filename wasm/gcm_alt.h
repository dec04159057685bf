/*
 * MBEDTLS_GCM_ALT's context for the host profile (wasm/zs_gcm_host.c): AES-GCM done by the host.
 * mbedTLS includes this file by name when the configuration sets MBEDTLS_GCM_ALT.
 */
#ifndef ZS_GCM_ALT_H
#define ZS_GCM_ALT_H

/* The key stays here and goes to the host with each record; zeroized by mbedtls_gcm_free. */
typedef struct mbedtls_gcm_context {
    unsigned char key[32];
    unsigned int keybits;
} mbedtls_gcm_context;

#endif /* ZS_GCM_ALT_H */
