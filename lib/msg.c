// SPDX-License-Identifier: LGPL-2.1-or-later
/* Words, quoting and key=value fields of protocol messages. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Words a message has room for before its word list grows. */
#define QGPIO_MSG_WORDS 16

int qgpio_append(char **out, size_t *len, const char *fmt, ...)
{
    va_list ap;
    char *grown;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return qgpio_fail(EINVAL, "cannot format '%s'", fmt);
    }
    grown = realloc(*out, *len + n + 1);
    if (!grown) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(grown + *len, n + 1, fmt, ap);
    va_end(ap);
    *out = grown;
    *len += n;
    return 0;
}

int qgpio_strdup(char **out, const char *s)
{
    *out = s ? strdup(s) : NULL;
    if (s && !*out) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    return 0;
}

static bool needs_quotes(const char *s)
{
    if (!*s) {
        return true;
    }
    for (; *s; s++) {
        unsigned char c = *s;

        if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

/* Append the quoted form of @c, without its quotes. */
static int quote_char(char **out, size_t *len, unsigned char c)
{
    if (c == '"' || c == '\\') {
        return qgpio_append(out, len, "\\%c", c);
    }
    if (c == '\n') {
        return qgpio_append(out, len, "\\n");
    }
    if (c == '\t') {
        return qgpio_append(out, len, "\\t");
    }
    if (c < ' ' || c == 0x7f) {
        return qgpio_append(out, len, "\\x%02x", c);
    }
    return qgpio_append(out, len, "%c", c);
}

int qgpio_quote(char **out, size_t *len, const char *s)
{
    size_t old_len = *len;

    if (!needs_quotes(s)) {
        return qgpio_append(out, len, "%s", s);
    }
    if (qgpio_append(out, len, "\"") < 0) {
        return -1;
    }
    for (; *s; s++) {
        if (quote_char(out, len, *s) < 0) {
            goto fail;
        }
    }
    if (qgpio_append(out, len, "\"") < 0) {
        goto fail;
    }
    return 0;

fail:
    /* The buffer may have moved, but what it held is as it was. */
    *len = old_len;
    (*out)[old_len] = '\0';
    return -1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Unquote the word starting at *@p into *@q; false if malformed. */
static bool take_word(char **p, char **q)
{
    while (**p && **p != ' ' && **p != '\t') {
        char c = *(*p)++;

        if (c != '"') {
            *(*q)++ = c;
            continue;
        }
        for (;;) {
            c = *(*p)++;
            if (c == '"') {
                break;
            }
            if (c == '\0') {
                return false;
            }
            if (c != '\\') {
                *(*q)++ = c;
                continue;
            }
            c = *(*p)++;
            switch (c) {
            case '"':
            case '\\':
                *(*q)++ = c;
                break;
            case 'n':
                *(*q)++ = '\n';
                break;
            case 't':
                *(*q)++ = '\t';
                break;
            case 'x': {
                int hi = hex_digit((*p)[0]), lo = hi < 0 ? -1 : hex_digit((*p)[1]);

                if (lo < 0 || (hi | lo) == 0) {
                    return false;
                }
                *(*q)++ = hi * 16 + lo;
                *p += 2;
                break;
            }
            default:
                return false;
            }
        }
    }
    return true;
}

/*
 * "err [@TAG] CODE MESSAGE": the message is free text, which may hold
 * quotes (a consumer's name, say), so it is one word, as it is.
 */
static int parse_error(struct qgpio_msg *msg)
{
    char *p = msg->buf;
    bool tagged;

    for (int word = 0; word < 3 && *p; word++) {
        msg->argv[msg->argc++] = p;
        tagged = *p == '@';
        p += strcspn(p, " \t");
        if (*p) {
            *p++ = '\0';
        }
        p += strspn(p, " \t");
        /* The words are err, @TAG if any, and CODE. */
        if (word == 1 && !tagged) {
            break;
        }
    }
    if (*p) {
        msg->argv[msg->argc++] = p;
    }
    return 0;
}

/* Make room for one more word; false with ENOMEM. */
static bool grow_argv(struct qgpio_msg *msg, size_t *cap)
{
    char **grown;

    if (msg->argc < *cap) {
        return true;
    }
    grown = realloc(msg->argv, *cap * 2 * sizeof(*msg->argv));
    if (!grown) {
        return false;
    }
    msg->argv = grown;
    *cap *= 2;
    return true;
}

/* Cut msg->buf into words, unquoting them in place. */
static int split_words(struct qgpio_msg *msg)
{
    size_t cap = QGPIO_MSG_WORDS;
    char *p, *q;

    p = q = msg->buf;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            break;
        }
        if (!grow_argv(msg, &cap)) {
            return qgpio_fail(ENOMEM, "out of memory");
        }
        msg->argv[msg->argc++] = q;
        if (!take_word(&p, &q)) {
            return qgpio_fail(EPROTO, "malformed message from server");
        }
        /* The terminator may overwrite the blank after the word. */
        if (*p) {
            p++;
        }
        *q++ = '\0';
    }
    if (!msg->argc) {
        return qgpio_fail(EPROTO, "empty message from server");
    }
    return 0;
}

int qgpio_msg_parse(const char *line, size_t len, struct qgpio_msg *msg)
{
    int ret;

    *msg = (struct qgpio_msg){ 0 };
    /* The server quotes every control character: a NUL is garbage. */
    if (memchr(line, '\0', len)) {
        return qgpio_fail(EPROTO, "NUL byte in a message from the server");
    }
    msg->buf = malloc(len + 1);
    msg->argv = malloc(QGPIO_MSG_WORDS * sizeof(*msg->argv));
    if (!msg->buf || !msg->argv) {
        qgpio_msg_clear(msg);
        return qgpio_fail(ENOMEM, "out of memory");
    }
    memcpy(msg->buf, line, len);
    msg->buf[len] = '\0';
    if (len >= 4 && !memcmp(line, "err ", 4)) {
        return parse_error(msg);
    }
    ret = split_words(msg);
    if (ret < 0) {
        int err = errno;

        qgpio_msg_clear(msg);
        if (err == EPROTO) {
            return qgpio_fail(EPROTO, "malformed message from server: "
                              "%.*s", (int)(len < 200 ? len : 200), line);
        }
        errno = err;
    }
    return ret;
}

void qgpio_msg_clear(struct qgpio_msg *msg)
{
    free(msg->buf);
    free(msg->argv);
    msg->buf = NULL;
    msg->argv = NULL;
    msg->argc = 0;
}

const char *qgpio_msg_get(const struct qgpio_msg *msg, const char *key)
{
    size_t klen = strlen(key);

    for (size_t i = 1; i < msg->argc; i++) {
        if (!strncmp(msg->argv[i], key, klen) && msg->argv[i][klen] == '=') {
            return msg->argv[i] + klen + 1;
        }
    }
    return NULL;
}

bool qgpio_msg_get_u64(const struct qgpio_msg *msg, const char *key,
                       uint64_t *value)
{
    const char *s = qgpio_msg_get(msg, key);
    char *end;

    if (!s || *s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    *value = strtoull(s, &end, 10);
    return !errno && !*end;
}

/* Double the ring's room, its messages moved to the front. */
static int list_grow(struct qgpio_msg_list *list)
{
    size_t size = list->size ? list->size * 2 : 16;
    struct qgpio_msg *msgs = malloc(size * sizeof(*msgs));

    if (!msgs) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < list->count; i++) {
        msgs[i] = *qgpio_msg_list_at(list, i);
    }
    free(list->msgs);
    list->msgs = msgs;
    list->size = size;
    list->head = 0;
    return 0;
}

int qgpio_msg_list_push(struct qgpio_msg_list *list, struct qgpio_msg *msg)
{
    if (list->count == list->size && list_grow(list) < 0) {
        return -1;
    }
    list->msgs[(list->head + list->count) % list->size] = *msg;
    list->count++;
    *msg = (struct qgpio_msg){ 0 };
    return 0;
}

bool qgpio_msg_list_shift(struct qgpio_msg_list *list, struct qgpio_msg *msg)
{
    if (!list->count) {
        return false;
    }
    *msg = list->msgs[list->head];
    list->head = (list->head + 1) % list->size;
    list->count--;
    return true;
}

void qgpio_msg_list_clear(struct qgpio_msg_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        qgpio_msg_clear(qgpio_msg_list_at(list, i));
    }
    free(list->msgs);
    *list = (struct qgpio_msg_list){ 0 };
}
