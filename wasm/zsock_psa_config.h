/*
 * zsock's PSA Crypto configuration (MBEDTLS_PSA_CRYPTO_CONFIG_FILE): only what mbedTLS 3.6's TLS
 * asks of PSA in our build. Without MBEDTLS_USE_PSA_CRYPTO, TLS 1.2, the record layer, the
 * tickets, the certificates and the signatures run on the legacy modules; PSA serves TLS 1.3's
 * key schedule and key exchange only:
 *   - hashes (transcript, HKDF): the legacy hashes' PSA twins come by themselves
 *     (config_adjust_psa_superset_legacy.h);
 *   - HMAC and HKDF extract/expand (ssl_tls13_keys.c: secrets, Finished, PSK binders);
 *   - ECDH with ephemeral keys generated, imported and exported on our three groups.
 * No RSA, ECDSA, AEAD, cipher or TLS 1.2 PRF in PSA: nothing calls them, and leaving them out
 * drops their dispatch code from the core.
 */
#ifndef ZSOCK_PSA_CONFIG_H
#define ZSOCK_PSA_CONFIG_H

#define PSA_WANT_ALG_SHA_256                    1
#define PSA_WANT_ALG_SHA_384                    1
#define PSA_WANT_ALG_HMAC                       1
#define PSA_WANT_KEY_TYPE_HMAC                  1
#define PSA_WANT_ALG_HKDF_EXTRACT               1
#define PSA_WANT_ALG_HKDF_EXPAND                1

#define PSA_WANT_ALG_ECDH                       1
#define PSA_WANT_ECC_SECP_R1_256                1
#define PSA_WANT_ECC_SECP_R1_384                1
#define PSA_WANT_ECC_MONTGOMERY_255             1
#define PSA_WANT_KEY_TYPE_ECC_PUBLIC_KEY        1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_BASIC    1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_IMPORT   1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_EXPORT   1
#define PSA_WANT_KEY_TYPE_ECC_KEY_PAIR_GENERATE 1

#endif /* ZSOCK_PSA_CONFIG_H */
