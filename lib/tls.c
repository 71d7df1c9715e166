// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TLS for connections to tcp:HOST:PORT chips, with GnuTLS: the server's
 * certificate is checked against the CA certificates of
 * $QEMU_GPIO_TLS_CA and against HOST, and the client presents
 * $QEMU_GPIO_TLS_CERT (key in $QEMU_GPIO_TLS_KEY) if given, for a QEMU
 * that authorizes clients by their certificate (tls-authz).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct qgpio_tls {
    gnutls_certificate_credentials_t creds;
    gnutls_session_t session;
};

static const char *env_path(const char *name)
{
    const char *value = getenv(name);

    return value && *value ? value : NULL;
}

bool qgpio_tls_wanted(void)
{
    return env_path("QEMU_GPIO_TLS_CA") != NULL;
}

static void tls_free(struct qgpio_tls *tls)
{
    if (tls->session) {
        gnutls_deinit(tls->session);
    }
    if (tls->creds) {
        gnutls_certificate_free_credentials(tls->creds);
    }
    free(tls);
}

static int tls_load_creds(struct qgpio_tls *tls)
{
    const char *ca = env_path("QEMU_GPIO_TLS_CA");
    const char *cert = env_path("QEMU_GPIO_TLS_CERT");
    const char *key = env_path("QEMU_GPIO_TLS_KEY");
    int ret;

    if (gnutls_certificate_allocate_credentials(&tls->creds) < 0) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    ret = gnutls_certificate_set_x509_trust_file(tls->creds, ca,
                                                 GNUTLS_X509_FMT_PEM);
    if (ret <= 0) {
        return qgpio_fail(EINVAL, "no CA certificate in '%s' "
                          "(QEMU_GPIO_TLS_CA): %s", ca,
                          ret ? gnutls_strerror(ret) : "none found");
    }
    if (!cert != !key) {
        return qgpio_fail(EINVAL, "a client certificate needs both "
                          "QEMU_GPIO_TLS_CERT and QEMU_GPIO_TLS_KEY");
    }
    if (cert) {
        ret = gnutls_certificate_set_x509_key_file(tls->creds, cert, key,
                                                   GNUTLS_X509_FMT_PEM);
        if (ret < 0) {
            return qgpio_fail(EINVAL, "cannot load the client certificate "
                              "'%s' and key '%s': %s", cert, key,
                              gnutls_strerror(ret));
        }
    }
    return 0;
}

static int tls_setup_session(struct qgpio_tls *tls, int fd, const char *host)
{
    unsigned char addr[16];
    int ret;

    ret = gnutls_init(&tls->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
    if (ret < 0) {
        tls->session = NULL;
        return qgpio_fail(ENOMEM, "TLS: %s", gnutls_strerror(ret));
    }
    if (gnutls_set_default_priority(tls->session) < 0 ||
        gnutls_credentials_set(tls->session, GNUTLS_CRD_CERTIFICATE,
                               tls->creds) < 0) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    /* Server names go in SNI; addresses do not (RFC 6066). */
    if (inet_pton(AF_INET, host, addr) != 1 &&
        inet_pton(AF_INET6, host, addr) != 1 &&
        gnutls_server_name_set(tls->session, GNUTLS_NAME_DNS, host,
                               strlen(host)) < 0) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    gnutls_session_set_verify_cert(tls->session, host, 0);
    gnutls_transport_set_int(tls->session, fd);
    return 0;
}

/* Why the server's certificate was refused, in words. */
static int tls_verify_failure(struct qgpio_tls *tls, const char *host)
{
    unsigned int status = gnutls_session_get_verify_cert_status(tls->session);
    gnutls_certificate_type_t type =
        gnutls_certificate_type_get(tls->session);
    gnutls_datum_t text = { 0 };
    int err;

    gnutls_certificate_verification_status_print(status, type, &text, 0);
    err = qgpio_fail(EACCES, "the certificate of %s cannot be trusted: %s",
                     host, text.data ? (const char *)text.data : "?");
    gnutls_free(text.data);
    return err;
}

/* Run the handshake on a non-blocking socket, until @deadline_ms. */
static int tls_handshake(struct qgpio_tls *tls, int fd, const char *host,
                         int64_t deadline_ms)
{
    for (;;) {
        int ret = gnutls_handshake(tls->session);
        struct pollfd pfd = { .fd = fd };
        int64_t left;

        if (ret == GNUTLS_E_SUCCESS) {
            return 0;
        }
        if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            return tls_verify_failure(tls, host);
        }
        if (gnutls_error_is_fatal(ret)) {
            return qgpio_fail(ECONNREFUSED, "TLS handshake with %s failed: "
                              "%s", host, gnutls_strerror(ret));
        }
        left = deadline_ms - qgpio_now_ns() / 1000000;
        if (left <= 0) {
            return qgpio_fail(ETIMEDOUT, "TLS handshake with %s timed out",
                              host);
        }
        pfd.events = gnutls_record_get_direction(tls->session) ? POLLOUT
                                                                : POLLIN;
        poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
    }
}

int qgpio_tls_start(struct qgpio_conn *conn, const char *host,
                    int64_t deadline_ms)
{
    struct qgpio_tls *tls = calloc(1, sizeof(*tls));

    if (!tls) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    if (tls_load_creds(tls) < 0 ||
        tls_setup_session(tls, conn->fd, host) < 0 ||
        tls_handshake(tls, conn->fd, host, deadline_ms) < 0) {
        int err = errno;

        tls_free(tls);
        errno = err;
        return -1;
    }
    conn->tls = tls;
    return 0;
}

/* GnuTLS's result as read(2)'s and write(2)'s, errno set. */
static ssize_t tls_result(ssize_t ret)
{
    if (ret >= 0) {
        return ret;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
        errno = EAGAIN;
    } else if (ret == GNUTLS_E_PREMATURE_TERMINATION) {
        /* The peer closed the socket without a TLS goodbye: EOF. */
        return 0;
    } else {
        errno = ECONNRESET;
    }
    return -1;
}

ssize_t qgpio_tls_recv(struct qgpio_conn *conn, void *buf, size_t len)
{
    return tls_result(gnutls_record_recv(conn->tls->session, buf, len));
}

ssize_t qgpio_tls_send(struct qgpio_conn *conn, const void *buf, size_t len)
{
    return tls_result(gnutls_record_send(conn->tls->session, buf, len));
}

bool qgpio_tls_pending(struct qgpio_conn *conn)
{
    return conn->tls && gnutls_record_check_pending(conn->tls->session) > 0;
}

void qgpio_tls_end(struct qgpio_conn *conn)
{
    if (conn->tls) {
        tls_free(conn->tls);
        conn->tls = NULL;
    }
}
