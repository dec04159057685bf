/*
 * Stateless DTLS cookies for a server (RFC 6347 §4.2.1): a ClientHello from an address with no
 * session is answered with a HelloVerifyRequest computed from the listener's cookie key, and no
 * state is kept; only a ClientHello that returns a valid cookie earns a session. So spoofed
 * ClientHellos cost one HMAC each and hold nothing.
 */
#include <string.h>

#include "mbedtls/ssl_cookie.h"
#include "zs.h"

#define REC_HDR 13  /* type, version, epoch, sequence number, length */
#define HS_HDR 12   /* msg_type, length, message_seq, fragment_offset, fragment_length */
#define CT_HANDSHAKE 22
#define HT_CLIENT_HELLO 1
#define HT_HELLO_VERIFY_REQUEST 3
#define MAX_COOKIE 255

static uint32_t be24(const unsigned char *p)
{
    return ((uint32_t) p[0] << 16) | ((uint32_t) p[1] << 8) | p[2];
}

/*
 * A ClientHello datagram from a peer with no session: `dg` (len bytes) is its first record.
 * 0: a whole, unfragmented ClientHello with a valid cookie (make a session and feed it the
 * datagram); > 0: that many bytes of HelloVerifyRequest written to `out` (send them, keep
 * nothing); -1: not a ClientHello worth answering (drop it); -2: a bad handle or window.
 */
ZS_API int zs_dtls_cookie(zs_srv *s, const unsigned char *dg, uint32_t len, const unsigned char *cli_id,
                          uint32_t id_len, unsigned char *out, uint32_t cap)
{
    if (!zs_srv_live(s) || dg == NULL || cli_id == NULL || out == NULL || id_len == 0) {
        return -2;
    }
    if (len < REC_HDR + HS_HDR + 2 + 32 + 1 + 1 || dg[0] != CT_HANDSHAKE || dg[1] != 0xfe) {
        return -1;
    }
    uint32_t rec_len = ((uint32_t) dg[11] << 8) | dg[12];
    const unsigned char *hs = dg + REC_HDR;
    if (rec_len > len - REC_HDR || rec_len < HS_HDR || dg[3] != 0 || dg[4] != 0 /* epoch 0 */) {
        return -1;
    }
    uint32_t body_len = be24(hs + 1);
    if (hs[0] != HT_CLIENT_HELLO || be24(hs + 6) != 0 || be24(hs + 9) != body_len ||
        body_len > rec_len - HS_HDR) {
        return -1; /* fragmented or truncated: not answered without state */
    }
    const unsigned char *b = hs + HS_HDR, *end = b + body_len;
    if (end - b < 2 + 32 + 1) {
        return -1;
    }
    const unsigned char *p = b + 2 + 32;                  /* client_version, random */
    if (*p > 32 || end - p < 1 + *p + 1) {
        return -1;
    }
    p += 1 + *p;                                           /* session_id */
    uint32_t cookie_len = *p++;
    if ((uint32_t) (end - p) < cookie_len) {
        return -1;
    }
    if (cookie_len > 0 && mbedtls_ssl_cookie_check(&s->cookies, p, cookie_len, cli_id, id_len) == 0) {
        return 0;
    }
    /* HelloVerifyRequest: the ClientHello's record sequence number and message_seq (§4.2.1),
     * server_version DTLS 1.0 as the RFC recommends, and a fresh cookie. */
    if (cap < REC_HDR + HS_HDR + 3 + MAX_COOKIE) {
        return -2;
    }
    unsigned char *c = out + REC_HDR + HS_HDR + 3, *cend = out + cap;
    if (mbedtls_ssl_cookie_write(&s->cookies, &c, cend, cli_id, id_len) != 0) {
        return -1;
    }
    uint32_t clen = (uint32_t) (c - (out + REC_HDR + HS_HDR + 3));
    uint32_t hlen = 3 + clen;
    out[0] = CT_HANDSHAKE;
    out[1] = 0xfe;
    out[2] = 0xff;
    memcpy(out + 3, dg + 3, 8);                            /* epoch 0 and the sequence number */
    out[11] = (unsigned char) ((HS_HDR + hlen) >> 8);
    out[12] = (unsigned char) (HS_HDR + hlen);
    unsigned char *h = out + REC_HDR;
    h[0] = HT_HELLO_VERIFY_REQUEST;
    h[1] = 0;
    h[2] = (unsigned char) (hlen >> 8);
    h[3] = (unsigned char) hlen;
    h[4] = hs[4];                                          /* message_seq */
    h[5] = hs[5];
    memset(h + 6, 0, 3);                                   /* fragment_offset */
    h[9] = 0;
    h[10] = (unsigned char) (hlen >> 8);
    h[11] = (unsigned char) hlen;
    h[12] = 0xfe;
    h[13] = 0xff;
    h[14] = (unsigned char) clen;
    return (int) (REC_HDR + HS_HDR + hlen);
}
