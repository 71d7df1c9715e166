// SPDX-License-Identifier: LGPL-2.1-or-later
/* Words, quoting and key=value fields of protocol messages. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void qgpio_append(char **out, size_t *len, const char *fmt, ...)
{
    va_list ap;
    char *grown;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    grown = realloc(*out, *len + n + 1);
    if (!grown) {
        abort();
    }
    va_start(ap, fmt);
    vsnprintf(grown + *len, n + 1, fmt, ap);
    va_end(ap);
    *out = grown;
    *len += n;
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

void qgpio_quote(char **out, size_t *len, const char *s)
{
    if (!needs_quotes(s)) {
        qgpio_append(out, len, "%s", s);
        return;
    }
    qgpio_append(out, len, "\"");
    for (; *s; s++) {
        unsigned char c = *s;

        if (c == '"' || c == '\\') {
            qgpio_append(out, len, "\\%c", c);
        } else if (c == '\n') {
            qgpio_append(out, len, "\\n");
        } else if (c == '\t') {
            qgpio_append(out, len, "\\t");
        } else if (c < ' ' || c == 0x7f) {
            qgpio_append(out, len, "\\x%02x", c);
        } else {
            qgpio_append(out, len, "%c", c);
        }
    }
    qgpio_append(out, len, "\"");
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

int qgpio_msg_parse(const char *line, struct qgpio_msg *msg)
{
    size_t cap = 8;
    char *p, *q;

    msg->buf = strdup(line);
    msg->argc = 0;
    msg->argv = malloc(cap * sizeof(*msg->argv));
    if (!msg->buf || !msg->argv) {
        abort();
    }
    if (!strncmp(line, "err ", 4)) {
        return parse_error(msg);
    }
    p = q = msg->buf;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            break;
        }
        if (msg->argc == cap) {
            cap *= 2;
            msg->argv = realloc(msg->argv, cap * sizeof(*msg->argv));
            if (!msg->argv) {
                abort();
            }
        }
        msg->argv[msg->argc++] = q;
        if (!take_word(&p, &q)) {
            qgpio_msg_clear(msg);
            return qgpio_fail(EPROTO, "malformed message from server: %s",
                              line);
        }
        /* The terminator may overwrite the blank after the word. */
        if (*p) {
            p++;
        }
        *q++ = '\0';
    }
    if (!msg->argc) {
        qgpio_msg_clear(msg);
        return qgpio_fail(EPROTO, "empty message from server");
    }
    return 0;
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

void qgpio_msg_list_push(struct qgpio_msg_list *list, struct qgpio_msg *msg)
{
    if (list->len == list->cap && list->head) {
        /* Reuse the room of the messages already taken. */
        list->len -= list->head;
        memmove(list->msgs, list->msgs + list->head,
                list->len * sizeof(*list->msgs));
        list->head = 0;
    }
    if (list->len == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->msgs = realloc(list->msgs, list->cap * sizeof(*list->msgs));
        if (!list->msgs) {
            abort();
        }
    }
    list->msgs[list->len++] = *msg;
    *msg = (struct qgpio_msg){ 0 };
}

bool qgpio_msg_list_shift(struct qgpio_msg_list *list, struct qgpio_msg *msg)
{
    if (list->head == list->len) {
        return false;
    }
    *msg = list->msgs[list->head++];
    if (list->head == list->len) {
        list->head = list->len = 0;
    }
    return true;
}

void qgpio_msg_list_clear(struct qgpio_msg_list *list)
{
    for (size_t i = list->head; i < list->len; i++) {
        qgpio_msg_clear(&list->msgs[i]);
    }
    free(list->msgs);
    *list = (struct qgpio_msg_list){ 0 };
}
