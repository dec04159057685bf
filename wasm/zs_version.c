/*
 * Version tolerance on a TLS server (RFC 8446 4.2.1, RFC 5246 Appendix E). A ClientHello with
 * client_version 0x0304 or above and no supported_versions extension is a TLS 1.2 client that
 * knows of later versions: the server must negotiate TLS 1.2. mbedTLS 3.6 rejects it with
 * protocol_version (70) in both of its ClientHello parsers (ssl_tls13_server.c
 * ssl_tls13_parse_client_hello: legacy_version must be 0x0303; ssl_tls12_server.c
 * ssl_parse_client_hello: the version must be TLS 1.2).
 *
 * Without patching mbedTLS: when the first record of a stream server is a whole ClientHello of
 * that kind, the copy in mbedTLS's input buffer gets client_version 0x0303 before either parser
 * sees it, and the handshake's update_checksum hook is wrapped once so that the transcript hashes
 * the bytes the client sent (its Finished covers them). All of it happens inside one
 * zs_handshake call (the record is parsed in the step that reads it); zs_version_forget ends it.
 */
#include "ssl_misc.h"
#include "zs.h"

void zs_version_tolerance(zs_ctx *c, const unsigned char *buf, size_t n);
void zs_version_forget(zs_ctx *c);

typedef int (*zs_checksum_fn)(mbedtls_ssl_context *, const unsigned char *, size_t);

/* The one rewrite in flight: wasm and the native core are single-threaded. */
static struct {
    mbedtls_ssl_context *ssl;
    zs_checksum_fn orig;
    unsigned char version[2];
} pending;

static uint32_t be16(const unsigned char *p)
{
    return ((uint32_t) p[0] << 8) | p[1];
}

/* Whether a ClientHello body (after the 4-byte handshake header) is well formed up to its
 * extensions and has no supported_versions (43); 0 when it has one or is malformed (mbedTLS
 * then decides, as it would have). */
static int hello_without_supported_versions(const unsigned char *p, uint32_t len)
{
    uint32_t at = 2 + 32;
    if (len < at + 1) {
        return 0;
    }
    at += 1 + p[at];                                     /* session id */
    if (len < at + 2) {
        return 0;
    }
    at += 2 + be16(p + at);                              /* cipher suites */
    if (len < at + 1) {
        return 0;
    }
    at += 1 + p[at];                                     /* compression methods */
    if (len == at) {
        return 1;                                        /* no extensions at all */
    }
    if (len < at + 2 || len != at + 2 + be16(p + at)) {
        return 0;
    }
    for (at += 2; at + 4 <= len; at += 4 + be16(p + at + 2)) {
        if (be16(p + at) == 43) {
            return 0;
        }
    }
    return at == len;
}

/* The wrapped update_checksum: hashes the ClientHello with the client's own version bytes,
 * and puts the original hook back for every later message. */
static int checksum_with_client_version(mbedtls_ssl_context *ssl, const unsigned char *buf,
                                        size_t len)
{
    zs_checksum_fn orig = pending.orig;
    ssl->handshake->update_checksum = orig;
    if (pending.ssl != ssl || buf != ssl->in_msg || len < 6 || buf[0] != MBEDTLS_SSL_HS_CLIENT_HELLO) {
        return orig(ssl, buf, len);
    }
    pending.ssl = NULL;
    ssl->in_msg[4] = pending.version[0];
    ssl->in_msg[5] = pending.version[1];
    int ret = orig(ssl, buf, len);
    ssl->in_msg[4] = 3;
    ssl->in_msg[5] = 3;
    return ret;
}

/* Called by the BIO after it copied n bytes to buf in mbedTLS's input buffer: once a stream
 * server's first record is complete, applies the rewrite described above if it is due. */
void zs_version_tolerance(zs_ctx *c, const unsigned char *buf, size_t n)
{
    mbedtls_ssl_context *ssl = &c->ssl;
    if (c->dgram || !c->in_steps || ssl->conf->endpoint != MBEDTLS_SSL_IS_SERVER ||
        ssl->state != MBEDTLS_SSL_CLIENT_HELLO || ssl->handshake == NULL ||
        ssl->renego_status != MBEDTLS_SSL_INITIAL_HANDSHAKE || pending.ssl != NULL ||
        ssl->in_hdr == NULL || buf < ssl->in_hdr || buf >= ssl->in_hdr + MBEDTLS_SSL_IN_BUFFER_LEN) {
        return;
    }
    unsigned char *hdr = ssl->in_hdr;
    size_t have = (size_t) (buf - hdr) + n;
    if (have < 5 + 4 + 2 || hdr[0] != MBEDTLS_SSL_MSG_HANDSHAKE || have != 5 + be16(hdr + 3)) {
        return;
    }
    unsigned char *msg = hdr + 5;
    uint32_t hs_len = ((uint32_t) msg[1] << 16) | be16(msg + 2);
    if (msg[0] != MBEDTLS_SSL_HS_CLIENT_HELLO || 4 + hs_len > have - 5 ||
        be16(msg + 4) < 0x0304 || !hello_without_supported_versions(msg + 4, hs_len)) {
        return;
    }
    pending.ssl = ssl;
    pending.orig = ssl->handshake->update_checksum;
    pending.version[0] = msg[4];
    pending.version[1] = msg[5];
    msg[4] = 3;
    msg[5] = 3;
    ssl->handshake->update_checksum = checksum_with_client_version;
}

/* Ends a zs_handshake call: a rewrite whose ClientHello was never hashed (the handshake failed
 * first) leaves no hook and no state behind. */
void zs_version_forget(zs_ctx *c)
{
    if (pending.ssl != &c->ssl) {
        return;
    }
    pending.ssl = NULL;
    if (c->ssl.handshake != NULL && c->ssl.handshake->update_checksum == checksum_with_client_version) {
        c->ssl.handshake->update_checksum = pending.orig;
    }
}
