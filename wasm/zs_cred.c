/*
 * Parsed credentials shared by contexts (zs_cred, zs.h): a listener's certificate and key are
 * parsed and their pair checked once, not per accepted connection, and idle clients trusting
 * the same CAs hold one parsed chain between them.
 *
 * Shared keys are not read-only: mbedTLS's RSA private-key operations update the key's blinding
 * values in place, and its generic ECP code keeps a comb table in a key's group once computed.
 * That is safe because the host drives every context from one thread (JS), one call at a time;
 * a threaded host would need a lock around each context's driving calls.
 */
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "zs.h"

/* Live credentials, newest first (zs_shared.c: a handle is checked here before use). A few per
 * core: the host keeps a small cache. */
static zs_shared *live_creds;

/* Zeroed as mbedtls_x509_crt_init leaves it: a chain with no certificate, only ever read. */
static mbedtls_x509_crt no_ca;

mbedtls_x509_crt *zs_cred_no_ca(void)
{
    return &no_ca;
}

static int add_ca(zs_cred *k, const unsigned char *buf, size_t len);
static int add_own(zs_cred *k, const unsigned char *crt, size_t crt_len, const unsigned char *key,
                   size_t key_len);

/* A live credential its owner still holds, not yet given to a context: one that may be added to. */
static int cred_open(const zs_cred *k)
{
    return zs_shared_held(&live_creds, k) && !k->frozen;
}

/* Empty credentials with one reference for the caller; NULL when out of arena. */
ZS_API zs_cred *zs_cred_new(void)
{
    zs_cred *k = mbedtls_calloc(1, sizeof(*k));
    if (k == NULL) {
        return NULL;
    }
    mbedtls_x509_crt_init(&k->ca);
    for (int i = 0; i < ZS_MAX_OWN_CERTS; i++) {
        mbedtls_x509_crt_init(&k->own_crt[i]);
        mbedtls_pk_init(&k->own_key[i]);
    }
    zs_shared_add(&live_creds, &k->sh);
    return k;
}

/* Adds CA certificates (DER, or PEM with the terminating NUL counted in len).
 * MBEDTLS_ERR_SSL_BAD_INPUT_DATA for a handle that is not live, let go by its owner or already
 * given to a context; an X.509 error when a certificate does not parse (the chain is then
 * unusable: the caller frees the credentials). */
ZS_API int zs_cred_add_ca(zs_cred *k, const unsigned char *buf, size_t len)
{
    if (!cred_open(k)) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    return add_ca(k, buf, len);
}

static int add_ca(zs_cred *k, const unsigned char *buf, size_t len)
{
    if (buf == NULL || len == 0) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    int ret = mbedtls_x509_crt_parse(&k->ca, buf, len);
    if (ret == 0) {
        k->has_ca = 1;
    }
    return ret > 0 ? MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT : ret; /* >0: some certs failed */
}

/* Adds an own certificate chain and its private key (DER or NUL-terminated PEM), checked to be
 * a pair here, once. MBEDTLS_ERR_SSL_BAD_INPUT_DATA as zs_cred_add_ca, or when the credentials
 * hold ZS_MAX_OWN_CERTS pairs already; a parse or pair-check error leaves them as they were. */
ZS_API int zs_cred_add_own(zs_cred *k, const unsigned char *crt, size_t crt_len,
                           const unsigned char *key, size_t key_len)
{
    if (!cred_open(k)) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    return add_own(k, crt, crt_len, key, key_len);
}

static int add_own(zs_cred *k, const unsigned char *crt, size_t crt_len, const unsigned char *key,
                   size_t key_len)
{
    if (k->n_own >= ZS_MAX_OWN_CERTS || crt == NULL || crt_len == 0 || key == NULL || key_len == 0) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    int i = k->n_own;
    int ret = mbedtls_x509_crt_parse(&k->own_crt[i], crt, crt_len);
    if (ret > 0) {
        ret = MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
    }
    if (ret == 0) {
        ret = mbedtls_pk_parse_key(&k->own_key[i], key, key_len, NULL, 0, zs_rng, NULL);
    }
    if (ret == 0) {
        ret = mbedtls_pk_check_pair(&k->own_crt[i].pk, &k->own_key[i], zs_rng, NULL);
    }
    if (ret == 0) {
        k->n_own++;
    } else {
        mbedtls_x509_crt_free(&k->own_crt[i]);
        mbedtls_pk_free(&k->own_key[i]); /* wipes what was parsed of the key */
    }
    return ret;
}

void zs_cred_release(zs_cred *k)
{
    if (!zs_shared_release(&live_creds, &k->sh)) {
        return;
    }
    mbedtls_x509_crt_free(&k->ca);
    for (int i = 0; i < ZS_MAX_OWN_CERTS; i++) {
        mbedtls_x509_crt_free(&k->own_crt[i]);
        mbedtls_pk_free(&k->own_key[i]); /* wipes the private key */
    }
    mbedtls_platform_zeroize(k, sizeof(*k));
    mbedtls_free(k);
}

/* The owner lets the credentials go: contexts configured with them keep them until freed.
 * -1 for a handle that is not live or whose owner let go already, 0 otherwise. */
ZS_API int zs_cred_free(zs_cred *k)
{
    if (!zs_shared_held(&live_creds, k)) {
        return -1;
    }
    k->sh.owned = 0;
    zs_cred_release(k);
    return 0;
}

/* The references to live credentials (the owner's and its contexts'); 0 for a bad handle. */
ZS_API uint32_t zs_cred_refs(const zs_cred *k)
{
    return zs_shared_live(&live_creds, k) ? k->sh.refs : 0;
}

/* Points the context at the credentials (their CA chain, if any, replaces the context's; their
 * pairs are offered as its own certificates) and takes a reference until zs_free. Before
 * zs_setup. MBEDTLS_ERR_SSL_BAD_INPUT_DATA for credentials not live or let go by their owner (new
 * contexts get the owner's new ones), or a context given credentials already. */
ZS_API int zs_conf_cred(zs_ctx *c, zs_cred *k)
{
    if (!zs_shared_held(&live_creds, k) || k->private_ || c->cred != NULL || c->is_setup) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    k->sh.refs++;
    k->frozen = 1;
    c->cred = k;
    if (k->has_ca) {
        mbedtls_ssl_conf_ca_chain(&c->conf, &k->ca, NULL);
    }
    int64_t u0;
    zs_acct_begin(&u0);
    int ret = 0;
    for (int i = 0; i < k->n_own && ret == 0; i++) {
        ret = mbedtls_ssl_conf_own_cert(&c->conf, &k->own_crt[i], &k->own_key[i]);
    }
    zs_acct_end(c, u0);
    return ret;
}

/* ---- a context's own credentials (zs_conf_ca / zs_conf_own_cert) -------------------------- */

/* The context's own set, made on first use and held by it alone (no owner: no handle to it is
 * ever given out), or NULL when the context has shared credentials or the arena is full. */
static zs_cred *own_set(zs_ctx *c)
{
    if (c->cred == NULL) {
        zs_cred *k = zs_cred_new();
        if (k == NULL) {
            return NULL;
        }
        k->sh.owned = 0; /* its one reference is the context's */
        k->private_ = 1;
        zs_shared_unlink(&live_creds, &k->sh); /* no handle to it is given out */
        c->cred = k;
    }
    return c->cred->private_ ? c->cred : NULL;
}

/* Adds CA certificates to the context's own chain (DER, or PEM with the terminating NUL counted
 * in len). MBEDTLS_ERR_SSL_BAD_INPUT_DATA after zs_conf_cred; ALLOC_FAILED when out of arena. */
ZS_API int zs_conf_ca(zs_ctx *c, const unsigned char *buf, size_t len)
{
    int64_t u0;
    zs_acct_begin(&u0);
    int had = c->cred != NULL;
    zs_cred *k = own_set(c);
    int ret = k == NULL ? (had ? MBEDTLS_ERR_SSL_BAD_INPUT_DATA : MBEDTLS_ERR_SSL_ALLOC_FAILED)
                        : add_ca(k, buf, len);
    if (ret == 0) {
        mbedtls_ssl_conf_ca_chain(&c->conf, &k->ca, NULL);
    }
    zs_acct_end(c, u0);
    return ret;
}

/* Adds an own certificate chain and its private key (DER or NUL-terminated PEM) to the
 * context's own set, checked to be a pair. Errors as zs_conf_ca and zs_cred_add_own. */
ZS_API int zs_conf_own_cert(zs_ctx *c, const unsigned char *crt, size_t crt_len,
                            const unsigned char *key, size_t key_len)
{
    int64_t u0;
    zs_acct_begin(&u0);
    int had = c->cred != NULL;
    zs_cred *k = own_set(c);
    int ret = k == NULL ? (had ? MBEDTLS_ERR_SSL_BAD_INPUT_DATA : MBEDTLS_ERR_SSL_ALLOC_FAILED)
                        : add_own(k, crt, crt_len, key, key_len);
    if (ret == 0) {
        int i = k->n_own - 1;
        ret = mbedtls_ssl_conf_own_cert(&c->conf, &k->own_crt[i], &k->own_key[i]);
    }
    zs_acct_end(c, u0);
    return ret;
}
