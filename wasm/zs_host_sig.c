/*
 * Signatures by the host, in the host profile (ZSOCK_PROFILE_HOST): node:crypto verifies a
 * P-256 signature about 10x faster than the C in wasm, an RSA-2048 one about 8x, and signs with
 * a P-256 key in about 25 us against about 150 (docs/bench.md).
 *
 * node:crypto verifies a message, never a digest (it hashes again), while mbedTLS hands
 * mbedtls_ecdsa_read_signature and mbedtls_rsa_pkcs1_verify a digest. So the places that hash
 * content they then verify remember their last message beside its digest: TLS 1.3's
 * CertificateVerify (ssl_tls13_generic.c's psa_hash_compute), TLS 1.2's ServerKeyExchange
 * (ssl_tls12_client.c's mbedtls_ssl_get_key_exchange_md_tls1_2) and X.509's certificate
 * signatures (x509_crt.c's mbedtls_md). The Makefile renames those calls, and pk_wrap.c's
 * mbedtls_ecdsa_read_signature and mbedtls_rsa_pkcs1_verify (PKCS#1 v1.5), in those files only;
 * no mbedTLS source is patched. When the digest to verify is the remembered one, the host
 * verifies the message; when it says yes, the answer is 0. Any other case, and any "no" (a bad
 * signature, a key it cannot import, a non-canonical encoding), goes to mbedTLS's own function,
 * whose answer and error stand. The host can only turn a C "yes" into a faster "yes".
 * A server's ECDSA signature (TLS 1.3's CertificateVerify, TLS 1.2's ServerKeyExchange) is the
 * host's when it makes one for the remembered message: pk_wrap.c's mbedtls_ecdsa_write_signature
 * is renamed too. The host gets the private scalar and public point of the server's own key
 * (the application gave it as bytes already); its DER answer is checked for shape and length
 * here, and anything else runs mbedTLS's signing.
 *
 * Two imports, each 1 when the signature over msg (hash: 1 SHA-256, 2 SHA-384, 3 SHA-512)
 * verifies, else 0:
 *  - zs_host_ecdsa_verify(group, hash, msg, msg_len, point, point_len, sig, sig_len): a DER
 *    signature, an uncompressed point on the IANA group;
 *  - zs_host_rsa_verify(hash, msg, msg_len, n, n_len, e, e_len, sig): PKCS#1 v1.5, big-endian
 *    modulus and exponent, a signature of n_len bytes.
 * And one that signs: zs_host_ecdsa_sign(group, hash, msg, msg_len, d, d_len, point, point_len,
 * sig, sig_cap): the DER signature's length (at most sig_cap) written to sig, or 0 to decline.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* curve ids and coordinates, as mbedTLS's modules read them */
#include "mbedtls/build_info.h"

#if defined(ZSOCK_PROFILE_HOST)
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/md.h"
#include "mbedtls/rsa.h"
#include "psa/crypto.h"
#include "ssl_misc.h"
#include "zs.h"

#define MEMO_MAX 2048 /* a certificate's TBS part; larger ones are verified in C */

ZS_IMPORT(zs_host_ecdsa_verify) int zs_host_ecdsa_verify(int group, int hash,
                                                         const unsigned char *msg, uint32_t msg_len,
                                                         const unsigned char *point,
                                                         uint32_t point_len,
                                                         const unsigned char *sig, uint32_t sig_len);

ZS_IMPORT(zs_host_ecdsa_sign) int zs_host_ecdsa_sign(int group, int hash, const unsigned char *msg,
                                                     uint32_t msg_len, const unsigned char *d,
                                                     uint32_t d_len, const unsigned char *point,
                                                     uint32_t point_len, unsigned char *sig,
                                                     uint32_t sig_cap);

ZS_IMPORT(zs_host_rsa_verify) int zs_host_rsa_verify(int hash, const unsigned char *msg,
                                                     uint32_t msg_len, const unsigned char *n,
                                                     uint32_t n_len, const unsigned char *e,
                                                     uint32_t e_len, const unsigned char *sig);

/* The last message hashed by a renamed call, with its digest. Messages here are public
 * (signed content); the slot is cleared when used. */
static struct {
    int hash;
    size_t msg_len, digest_len;
    unsigned char digest[64];
    unsigned char msg[MEMO_MAX];
} memo;

/* Remembers the message `a` then `b` (b may be empty) with its digest. */
static void remember(int hash, const unsigned char *a, size_t a_len, const unsigned char *b,
                     size_t b_len, const unsigned char *digest, size_t digest_len)
{
    memo.hash = 0;
    if (hash == 0 || a_len > MEMO_MAX || b_len > MEMO_MAX - a_len || digest_len > sizeof(memo.digest)) {
        return;
    }
    memcpy(memo.msg, a, a_len);
    if (b_len != 0) {
        memcpy(memo.msg + a_len, b, b_len);
    }
    memcpy(memo.digest, digest, digest_len);
    memo.msg_len = a_len + b_len;
    memo.digest_len = digest_len;
    memo.hash = hash;
}

/** psa_hash_compute for ssl_tls13_generic.c: the same, and the message remembered. */
psa_status_t zs_memo_hash_compute(psa_algorithm_t alg, const uint8_t *input, size_t input_length,
                                  uint8_t *hash, size_t hash_size, size_t *hash_length);
psa_status_t zs_memo_hash_compute(psa_algorithm_t alg, const uint8_t *input, size_t input_length,
                                  uint8_t *hash, size_t hash_size, size_t *hash_length)
{
    psa_status_t st = psa_hash_compute(alg, input, input_length, hash, hash_size, hash_length);
    if (st == PSA_SUCCESS) {
        int id = alg == PSA_ALG_SHA_256 ? 1 : alg == PSA_ALG_SHA_384 ? 2 : alg == PSA_ALG_SHA_512 ? 3 : 0;
        remember(id, input, input_length, NULL, 0, hash, *hash_length);
    }
    return st;
}

static int hash_id(mbedtls_md_type_t t)
{
    return t == MBEDTLS_MD_SHA256 ? 1 : t == MBEDTLS_MD_SHA384 ? 2 : t == MBEDTLS_MD_SHA512 ? 3 : 0;
}

/** mbedtls_md for x509_crt.c: the same, and the message remembered. */
int zs_memo_md(const mbedtls_md_info_t *md_info, const unsigned char *input, size_t ilen,
               unsigned char *output);
int zs_memo_md(const mbedtls_md_info_t *md_info, const unsigned char *input, size_t ilen,
               unsigned char *output)
{
    int ret = mbedtls_md(md_info, input, ilen, output);
    if (ret == 0) {
        remember(hash_id(mbedtls_md_get_type(md_info)), input, ilen, NULL, 0, output,
                 mbedtls_md_get_size(md_info));
    }
    return ret;
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
/** mbedtls_ssl_get_key_exchange_md_tls1_2 for ssl_tls12_client.c and ssl_tls12_server.c: the
 *  same, and the signed ServerKeyExchange content (both randoms, then the parameters) remembered. */
int zs_memo_ske_md(mbedtls_ssl_context *ssl, unsigned char *hash, size_t *hashlen,
                   unsigned char *data, size_t data_len, mbedtls_md_type_t md_alg);
int zs_memo_ske_md(mbedtls_ssl_context *ssl, unsigned char *hash, size_t *hashlen,
                   unsigned char *data, size_t data_len, mbedtls_md_type_t md_alg)
{
    int ret = mbedtls_ssl_get_key_exchange_md_tls1_2(ssl, hash, hashlen, data, data_len, md_alg);
    memo.hash = 0;
    if (ret == 0) {
        remember(hash_id(md_alg), ssl->handshake->randbytes, sizeof(ssl->handshake->randbytes),
                 data, data_len, hash, *hashlen);
    }
    return ret;
}
#endif

/* Whether the remembered message is the one whose digest is `hash` (then forgotten: it is used
 * once, whatever the host answers). */
static int recall(const unsigned char *hash, size_t hlen)
{
    int hit = memo.hash != 0 && memo.digest_len == hlen && memcmp(memo.digest, hash, hlen) == 0;
    if (hit) {
        memo.hash = 0;
    }
    return hit;
}

/* The IANA group of a key on a curve the host serves (else 0), and its public point. */
static int host_key(const mbedtls_ecdsa_context *ctx, unsigned char pt[1 + 2 * 48], size_t *plen)
{
    int group = zs_host_group(&ctx->grp);
    *plen = 0;
    return group != 0 && mbedtls_ecp_point_write_binary(&ctx->grp, &ctx->Q, MBEDTLS_ECP_PF_UNCOMPRESSED,
                                                        plen, pt, 1 + 2 * 48) == 0 ? group : 0;
}

/* 1 when the host verified sig over the remembered message whose digest is `hash`. */
static int host_verified(const mbedtls_ecdsa_context *ctx, const unsigned char *hash, size_t hlen,
                         const unsigned char *sig, size_t slen)
{
    unsigned char pt[1 + 2 * 48];
    size_t plen;
    int group = host_key(ctx, pt, &plen), hash_used = memo.hash;
    return group != 0 && slen <= 256 && recall(hash, hlen) &&
           zs_host_ecdsa_verify(group, hash_used, memo.msg, (uint32_t) memo.msg_len, pt,
                                (uint32_t) plen, sig, (uint32_t) slen) == 1;
}

/* Whether sig[0..len) is one DER SEQUENCE of two positive INTEGERs of at most n + 1 bytes, as
 * an ECDSA signature on a curve of n-byte scalars is. */
static int der_signature(const unsigned char *sig, size_t len, size_t n)
{
    unsigned char *p = (unsigned char *) sig;
    const unsigned char *end = sig + len;
    size_t k;
    if (mbedtls_asn1_get_tag(&p, end, &k, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + k != end) {
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        if (mbedtls_asn1_get_tag(&p, end, &k, MBEDTLS_ASN1_INTEGER) != 0 || k == 0 || k > n + 1 ||
            (p[0] & 0x80) != 0) {
            return 0;
        }
        p += k;
    }
    return p == end;
}

/* 1 when the host signed the remembered message whose digest is `hash` with ctx's key. */
static int host_signed(const mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                       const unsigned char *hash, size_t hlen, unsigned char *sig, size_t sig_size,
                       size_t *slen)
{
    unsigned char pt[1 + 2 * 48], d[48];
    size_t plen, n = (ctx->grp.pbits + 7) / 8;
    int group = host_key(ctx, pt, &plen), hash_used = memo.hash, len = 0;
    if (group != 0 && n <= sizeof(d) && hash_id(md_alg) == hash_used && recall(hash, hlen) &&
        mbedtls_mpi_write_binary(&ctx->d, d, n) == 0) {
        len = zs_host_ecdsa_sign(group, hash_used, memo.msg, (uint32_t) memo.msg_len, d, (uint32_t) n,
                                 pt, (uint32_t) plen, sig, sig_size > 256 ? 256 : (uint32_t) sig_size);
    }
    mbedtls_platform_zeroize(d, sizeof(d));
    if (len <= 0 || (size_t) len > sig_size || !der_signature(sig, (size_t) len, n)) {
        return 0;
    }
    *slen = (size_t) len;
    return 1;
}

/** mbedtls_ecdsa_write_signature for pk_wrap.c: the host's signature when it made one, else
 *  mbedTLS's (its answer and error). */
int zs_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                             const unsigned char *hash, size_t hlen, unsigned char *sig,
                             size_t sig_size, size_t *slen,
                             int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int zs_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                             const unsigned char *hash, size_t hlen, unsigned char *sig,
                             size_t sig_size, size_t *slen,
                             int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    if (ctx != NULL && hash != NULL && sig != NULL && slen != NULL &&
        host_signed(ctx, md_alg, hash, hlen, sig, sig_size, slen)) {
        return 0;
    }
    return mbedtls_ecdsa_write_signature(ctx, md_alg, hash, hlen, sig, sig_size, slen, f_rng, p_rng);
}

/** mbedtls_ecdsa_read_signature for pk_wrap.c: 0 when the host verified the signature, else
 *  mbedTLS's own answer (0 or its error). */
int zs_ecdsa_read_signature(mbedtls_ecdsa_context *ctx, const unsigned char *hash, size_t hlen,
                            const unsigned char *sig, size_t slen);
int zs_ecdsa_read_signature(mbedtls_ecdsa_context *ctx, const unsigned char *hash, size_t hlen,
                            const unsigned char *sig, size_t slen)
{
    if (ctx != NULL && hash != NULL && sig != NULL && host_verified(ctx, hash, hlen, sig, slen)) {
        return 0;
    }
    return mbedtls_ecdsa_read_signature(ctx, hash, hlen, sig, slen);
}

/** mbedtls_rsa_pkcs1_verify for pk_wrap.c: 0 when the host verified a PKCS#1 v1.5 signature
 *  (`sig` holds the key's length in bytes, as pk_wrap.c checked) over the remembered message of
 *  the same hash, else mbedTLS's own answer. */
int zs_rsa_pkcs1_verify(mbedtls_rsa_context *ctx, mbedtls_md_type_t md_alg, unsigned int hashlen,
                        const unsigned char *hash, const unsigned char *sig);
int zs_rsa_pkcs1_verify(mbedtls_rsa_context *ctx, mbedtls_md_type_t md_alg, unsigned int hashlen,
                        const unsigned char *hash, const unsigned char *sig)
{
    unsigned char n[512], e[4];
    size_t n_len = ctx != NULL ? mbedtls_rsa_get_len(ctx) : 0;
    int hash_used = memo.hash;
    if (ctx != NULL && hash != NULL && sig != NULL && n_len <= sizeof(n) &&
        mbedtls_rsa_get_padding_mode(ctx) == MBEDTLS_RSA_PKCS_V15 && hash_id(md_alg) == hash_used &&
        recall(hash, hashlen) &&
        mbedtls_rsa_export_raw(ctx, n, n_len, NULL, 0, NULL, 0, NULL, 0, e, sizeof(e)) == 0 &&
        zs_host_rsa_verify(hash_used, memo.msg, (uint32_t) memo.msg_len, n, (uint32_t) n_len, e,
                           sizeof(e), sig) == 1) {
        return 0;
    }
    return mbedtls_rsa_pkcs1_verify(ctx, md_alg, hashlen, hash, sig);
}

#endif /* ZSOCK_PROFILE_HOST */
