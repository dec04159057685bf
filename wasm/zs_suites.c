/*
 * A client's PSK policy: a PSK registered for a client does not make it offer key exchanges
 * without forward secrecy. TLS 1.2 plain PSK suites (TLS_PSK_WITH_*) and TLS 1.3 psk_ke are
 * offered only when the ciphersuite list names a plain PSK suite; otherwise the client offers
 * ECDHE-PSK and TLS 1.3 psk_dhe_ke (with the certificate-based suites, as before).
 */
#include "ssl_misc.h"
#include "mbedtls/platform.h"
#include "zs.h"

int zs_suites_client_psk(zs_ctx *c);
void zs_suites_chosen(zs_ctx *c);

static int is_plain_psk(int id)
{
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    return info != NULL && info->key_exchange == MBEDTLS_KEY_EXCHANGE_PSK;
}

/* The TLS 1.3 key-exchange modes a PSK client offers, from its ciphersuite list. */
static void set_tls13_modes(zs_ctx *c, const int *suites)
{
    int modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL |
                MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;
    for (; suites != NULL && *suites != 0; suites++) {
        if (is_plain_psk(*suites)) {
            modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
            break;
        }
    }
    mbedtls_ssl_conf_tls13_key_exchange_modes(&c->conf, modes);
}

/* Called when a client is given a PSK: without a ciphersuite list of its own, it gets mbedTLS's
 * default list, in its order, less the plain PSK suites. 0, or ALLOC_FAILED. */
int zs_suites_client_psk(zs_ctx *c)
{
    if (c->conf.endpoint != MBEDTLS_SSL_IS_CLIENT) {
        return 0;
    }
    if (c->suites == NULL) {
        const int *all = mbedtls_ssl_list_ciphersuites();
        size_t n = 0;
        while (all[n] != 0) {
            n++;
        }
        int *own = mbedtls_calloc(n + 1, sizeof(int));
        if (own == NULL) {
            return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!is_plain_psk(all[i])) {
                own[k++] = all[i];
            }
        }
        c->suites = own;
        mbedtls_ssl_conf_ciphersuites(&c->conf, c->suites);
    }
    set_tls13_modes(c, c->suites);
    return 0;
}

/* Called after the ciphersuite list changed: a list that names a plain PSK suite asks for
 * plain PSK, in TLS 1.3 too. */
void zs_suites_chosen(zs_ctx *c)
{
    if (c->conf.endpoint == MBEDTLS_SSL_IS_CLIENT) {
        set_tls13_modes(c, c->suites);
    }
}
