/*
 * AES-GCM done by the host: MBEDTLS_GCM_ALT in the host profile (ZSOCK_PROFILE_HOST), where the
 * host's AES (node:crypto on Node, AES-NI underneath) is 5-10x the table-driven C in wasm. The
 * boards' profiles keep mbedTLS's own gcm.c (a device's AES accelerator is its own business).
 *
 * One import: zs_host_gcm(enc, key, keylen, iv, ivlen, ad, adlen, in, len, out, tag, taglen) ->
 * 0, or non-zero when the tag does not verify (decrypt) or the host failed. `in` and `out` may
 * be the same buffer. Only the one-shot API is offered: TLS records, tickets and PSA's one-shot
 * AEAD use it. The streaming calls (cipher/PSA multipart GCM, which zsock never makes) answer
 * MBEDTLS_ERR_GCM_BAD_INPUT, as gcm.h allows an ALT implementation to.
 */
#include "mbedtls/build_info.h"

#if defined(MBEDTLS_GCM_ALT)
#include <string.h>
#include "mbedtls/gcm.h"
#include "mbedtls/platform_util.h"

#if defined(__EMSCRIPTEN__)
__attribute__((import_module("env"), import_name("zs_host_gcm")))
#endif
int zs_host_gcm(int enc, const unsigned char *key, unsigned keylen, const unsigned char *iv,
                unsigned ivlen, const unsigned char *ad, unsigned adlen, const unsigned char *in,
                unsigned len, unsigned char *out, unsigned char *tag, unsigned taglen);

void mbedtls_gcm_init(mbedtls_gcm_context *ctx)
{
    if (ctx != NULL) {
        memset(ctx, 0, sizeof(*ctx));
    }
}

/** AES keys of 128, 192 or 256 bits: 0, else MBEDTLS_ERR_GCM_BAD_INPUT. */
int mbedtls_gcm_setkey(mbedtls_gcm_context *ctx, mbedtls_cipher_id_t cipher,
                       const unsigned char *key, unsigned int keybits)
{
    if (ctx == NULL || key == NULL || cipher != MBEDTLS_CIPHER_ID_AES ||
        (keybits != 128 && keybits != 192 && keybits != 256)) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    memcpy(ctx->key, key, keybits / 8);
    ctx->keybits = keybits;
    return 0;
}

/* The checks gcm.c makes on a one-shot call's lengths (tag 4..16 bytes, a non-empty IV). */
static int bad_lengths(const mbedtls_gcm_context *ctx, size_t iv_len, size_t tag_len)
{
    return ctx == NULL || ctx->keybits == 0 || iv_len == 0 || tag_len < 4 || tag_len > 16;
}

/** Encrypts (MBEDTLS_GCM_ENCRYPT) with the tag out: 0, or MBEDTLS_ERR_GCM_BAD_INPUT. Decryption
 *  goes through mbedtls_gcm_auth_decrypt (the host checks the tag itself). */
int mbedtls_gcm_crypt_and_tag(mbedtls_gcm_context *ctx, int mode, size_t length,
                              const unsigned char *iv, size_t iv_len, const unsigned char *add,
                              size_t add_len, const unsigned char *input, unsigned char *output,
                              size_t tag_len, unsigned char *tag)
{
    if (mode != MBEDTLS_GCM_ENCRYPT || bad_lengths(ctx, iv_len, tag_len)) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if (zs_host_gcm(1, ctx->key, ctx->keybits / 8, iv, (unsigned) iv_len, add, (unsigned) add_len,
                    input, (unsigned) length, output, tag, (unsigned) tag_len) != 0) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    return 0;
}

/** Decrypts and verifies: 0, MBEDTLS_ERR_GCM_AUTH_FAILED (output wiped), or BAD_INPUT. */
int mbedtls_gcm_auth_decrypt(mbedtls_gcm_context *ctx, size_t length, const unsigned char *iv,
                             size_t iv_len, const unsigned char *add, size_t add_len,
                             const unsigned char *tag, size_t tag_len, const unsigned char *input,
                             unsigned char *output)
{
    if (bad_lengths(ctx, iv_len, tag_len)) {
        return MBEDTLS_ERR_GCM_BAD_INPUT;
    }
    if (zs_host_gcm(0, ctx->key, ctx->keybits / 8, iv, (unsigned) iv_len, add, (unsigned) add_len,
                    input, (unsigned) length, output, (unsigned char *) tag, (unsigned) tag_len) != 0) {
        mbedtls_platform_zeroize(output, length);
        return MBEDTLS_ERR_GCM_AUTH_FAILED;
    }
    return 0;
}

int mbedtls_gcm_starts(mbedtls_gcm_context *ctx, int mode, const unsigned char *iv, size_t iv_len)
{
    (void) ctx; (void) mode; (void) iv; (void) iv_len;
    return MBEDTLS_ERR_GCM_BAD_INPUT;
}

int mbedtls_gcm_update_ad(mbedtls_gcm_context *ctx, const unsigned char *add, size_t add_len)
{
    (void) ctx; (void) add; (void) add_len;
    return MBEDTLS_ERR_GCM_BAD_INPUT;
}

int mbedtls_gcm_update(mbedtls_gcm_context *ctx, const unsigned char *input, size_t input_length,
                       unsigned char *output, size_t output_size, size_t *output_length)
{
    (void) ctx; (void) input; (void) input_length; (void) output; (void) output_size;
    if (output_length != NULL) {
        *output_length = 0;
    }
    return MBEDTLS_ERR_GCM_BAD_INPUT;
}

int mbedtls_gcm_finish(mbedtls_gcm_context *ctx, unsigned char *output, size_t output_size,
                       size_t *output_length, unsigned char *tag, size_t tag_len)
{
    (void) ctx; (void) output; (void) output_size; (void) tag; (void) tag_len;
    if (output_length != NULL) {
        *output_length = 0;
    }
    return MBEDTLS_ERR_GCM_BAD_INPUT;
}

void mbedtls_gcm_free(mbedtls_gcm_context *ctx)
{
    if (ctx != NULL) {
        mbedtls_platform_zeroize(ctx, sizeof(*ctx));
    }
}

#endif /* MBEDTLS_GCM_ALT */
