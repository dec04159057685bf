/*
 * zsock's mbedTLS 3.6 configuration: what the SOL_TLS options need and nothing else.
 *
 * Selected with -DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h". A profile is chosen with
 * -DZSOCK_PROFILE_EMBEDDED (small records, smaller ECC tables) or -DZSOCK_PROFILE_HOST (the full
 * profile with AES-GCM and ECDH done by the host); the full profile is the default.
 * Every knob that a board may want to change is a ZSOCK_* macro with a default below, Kconfig style.
 */
#ifndef ZSOCK_MBEDTLS_CONFIG_H
#define ZSOCK_MBEDTLS_CONFIG_H

/* ---- Record buffers (bytes of plaintext per record, each direction) ---------------------- */
#ifndef ZSOCK_TLS_IN_CONTENT_LEN
#ifdef ZSOCK_PROFILE_EMBEDDED
#define ZSOCK_TLS_IN_CONTENT_LEN 4096
#else
#define ZSOCK_TLS_IN_CONTENT_LEN 16384
#endif
#endif
#ifndef ZSOCK_TLS_OUT_CONTENT_LEN
#ifdef ZSOCK_PROFILE_EMBEDDED
#define ZSOCK_TLS_OUT_CONTENT_LEN 2048
#else
#define ZSOCK_TLS_OUT_CONTENT_LEN 16384
#endif
#endif
#define MBEDTLS_SSL_IN_CONTENT_LEN  ZSOCK_TLS_IN_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN ZSOCK_TLS_OUT_CONTENT_LEN
/* Bytes each record buffer keeps while a TLS connection is idle (wasm/zs_bufs.c): they take
 * their full size back before mbedTLS reads or writes a record. 0 keeps them full. On by
 * default where memory is the process's (host, full profiles: idle connections leave arena
 * pages untouched); off in the embedded profile, whose fixed arena is sized for every context
 * at full size: there shrinking saves nothing, and a regrowth that a fragmented arena cannot
 * serve would fail an established connection with ENOMEM. */
#ifndef ZSOCK_TLS_IDLE_BUF_LEN
#ifdef ZSOCK_PROFILE_EMBEDDED
#define ZSOCK_TLS_IDLE_BUF_LEN 0
#else
#define ZSOCK_TLS_IDLE_BUF_LEN 16
#endif
#endif
#if ZSOCK_TLS_IDLE_BUF_LEN > 0
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH
#endif

/* ---- Platform: no OS. Memory from one arena; time and entropy from the host ------------- */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
/* mbedtls_calloc/free: the arena's allocator (wasm/zs_arena.c), set at zs_init */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG /* mbedtls_psa_external_get_random() -> host import */
#if defined(__wasm__)
/* 64-bit bignum limbs in wasm. mbedTLS picks 32-bit limbs for wasm32; with 64-bit ones (its
 * portable C path: four i64.mul per limb product, the same multiplies as with 32-bit limbs but
 * half the loop iterations, loads, stores and carries) handshakes take about 0.75x the time under
 * V8 and RSA verification about 0.3x (docs/bench.md). __uint128_t would be slower: __multi3 calls. */
#define MBEDTLS_HAVE_INT64
#else
#define MBEDTLS_HAVE_ASM
#endif
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
/* Wall clock: the time the caller last passed in (zs_clock), as 64-bit seconds: emscripten's
 * time_t is 32 bits and would misjudge certificates after 2038. */
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO long long
#define MBEDTLS_PLATFORM_TIME_MACRO zs_time
long long zs_time(long long *t);
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_PLATFORM_GMTIME_R_ALT   /* pure C, no libc time zone code */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- Symmetric crypto and hashes ---------------------------------------------------------- */
#define MBEDTLS_AES_C
#ifdef ZSOCK_NATIVE_AESNI
#define MBEDTLS_AESNI_C                 /* the bench's second native peer (x86-64 only) */
#endif
#define MBEDTLS_GCM_C
#ifdef ZSOCK_PROFILE_HOST
#define MBEDTLS_GCM_ALT                 /* AES-GCM by the host (wasm/zs_gcm_host.c, one import) */
#endif
#ifndef ZSOCK_PROFILE_EMBEDDED
#define MBEDTLS_GCM_LARGE_TABLE
#endif
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
/* AES encrypts only: GCM and the ticket keys run the block cipher forwards, and no CBC, ECB
 * or key-wrap mode is built. Drops AES decryption and its key schedule. */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
/* Rolled-up SHA-2 loops: about -4 KB at no measurable cost (hashing is a few % of a handshake). */
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_SHA1_C                  /* still signs many deployed CA roots */
#define MBEDTLS_SHA1_PROCESS_ALT        /* one loop, not 80 unrolled rounds (wasm/zs_sha1.c) */
#define MBEDTLS_HKDF_C

/* ---- Public key -------------------------------------------------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
/* ZSOCK_X25519_FIXED (set by the Makefile, which then compiles 3rdparty/everest's glue and
 * wasm/zs_x25519.c): X25519 on fixed limbs instead of the generic bignum ladder, through
 * mbedTLS's own switch for shared secrets (Everest's); public keys via zs_x25519.c. Ours
 * (wasm/zs_c25519.c: about 2.3x HACL*'s speed in wasm, key generation 3x more), or HACL* itself
 * with ZSOCK_STOCK_ECC. Key generation's comb: ZSOCK_X25519_COMB_TABLES tables of 16 points,
 * 1,920 bytes each (1, 2 or 4). */
#ifdef ZSOCK_X25519_FIXED
#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED
#ifndef ZSOCK_X25519_COMB_TABLES
#define ZSOCK_X25519_COMB_TABLES 1
#endif
#endif
/* P-256 on our fixed 32-bit limbs with a precomputed generator table (wasm/zs_p256.c), about
 * 3x mbedTLS's generic code per operation in wasm. ZSOCK_STOCK_ECC keeps mbedTLS's (the bench's
 * native peer: mbedTLS as a user builds it). The generator's comb: ZSOCK_P256_COMB_TABLES tables
 * of 15 points, 960 bytes each (1, 2, 4 or 8; more tables, fewer doublings). One in every
 * profile, for the full core's 200,000-byte budget: 2 made P-256 handshakes about 5% faster for
 * 1 KB more, 4 about 3% more for 1.9 KB more (docs/bench.md, "The fourth trim"). */
#ifndef ZSOCK_STOCK_ECC
#define ZSOCK_P256_FIXED
#ifndef ZSOCK_P256_COMB_TABLES
#define ZSOCK_P256_COMB_TABLES 1
#endif
#endif
/* ECDH key generation and shared secrets through wasm/zs_ecc.c: the host first (host profile,
 * wasm/zs_host_ecc.c), then our P-256, then mbedTLS's generic code. */
#if defined(ZSOCK_PROFILE_HOST) || defined(ZSOCK_P256_FIXED)
#define MBEDTLS_ECDH_GEN_PUBLIC_ALT
#define MBEDTLS_ECDH_COMPUTE_SHARED_ALT
#endif
#ifdef ZSOCK_PROFILE_EMBEDDED
#define MBEDTLS_ECP_WINDOW_SIZE 2
#endif
/* mbedTLS's own generator tables (P-256's and P-384's, 6 KB in wasm): with our P-256 they would
 * serve P-384 alone, whose key generation and signing then run on the generic comb without them. */
#if defined(ZSOCK_PROFILE_EMBEDDED) || defined(ZSOCK_P256_FIXED)
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#endif
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21               /* RSA-PSS: TLS 1.3 with RSA certificates */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
/* No mbedtls_x509_*_info() text and no OID descriptions: the shim hands out certificates as DER
 * and verification results as flags, and names nothing. */
#define MBEDTLS_X509_REMOVE_INFO

/* ---- PSA (TLS 1.3 runs on it) ------------------------------------------------------------ */
#define MBEDTLS_PSA_CRYPTO_C
/* PSA gets only what TLS 1.3's key schedule and key exchange use (zsock_psa_config.h), not
 * the PSA twin of every legacy module. */
#define MBEDTLS_PSA_CRYPTO_CONFIG
#define MBEDTLS_PSA_CRYPTO_CONFIG_FILE "zsock_psa_config.h"
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC   /* key slots grow with connections, from the arena */

/* ---- TLS / DTLS -------------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_PROTO_DTLS
#define MBEDTLS_SSL_DTLS_HELLO_VERIFY
#define MBEDTLS_SSL_DTLS_ANTI_REPLAY
#define MBEDTLS_SSL_DTLS_CONNECTION_ID
#define MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE
#define MBEDTLS_SSL_COOKIE_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_RECORD_SIZE_LIMIT
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_CACHE_C
/* No MBEDTLS_SSL_ENCRYPT_THEN_MAC (RFC 7366): it changes only CBC suites, and none is built;
 * without it the ClientHello leaves out an extension that no AEAD suite uses (-0.25 KB). */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_RENEGOTIATION       /* SIOCTTLSCTL RESET_CIPHER on TLS 1.2 */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
/* The default ciphersuite list: every suite this configuration builds, in the order mbedTLS's
 * preference table gives them. Written out, mbedTLS uses it as it is instead of keeping its
 * table of every suite it knows (about 190) and filtering it at first use: -0.8 KB. It must
 * name exactly the suites built (test/native/trim.c checks). */
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384, \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384, MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256

#endif /* ZSOCK_MBEDTLS_CONFIG_H */
