/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A gpiodev server in a thread of the test, on a unix socket, that plays
 * just enough of the protocol to open a chip and request its lines, and
 * misbehaves as asked: no QEMU needed.
 */

#ifndef QGPIO_TEST_FAKE_SERVER_H
#define QGPIO_TEST_FAKE_SERVER_H

#include <stddef.h>

enum fake_mode {
    /* Answers "chip" with a line that never ends. */
    FAKE_ENDLESS_REPLY,
    /* Answers "get" and then starts an event line that never ends. */
    FAKE_ENDLESS_EVENT,
    /*
     * Sends "event overflow lost=7" and then the edges first to last
     * (offset 0, seqno 1 to last) before its reply to "get": a client
     * must read them all to reach the reply.
     */
    FAKE_FLOOD_BEFORE_REPLY,
    /* The same edges, without the notice, after its reply to "get". */
    FAKE_FLOOD_AFTER_REPLY,
    /* Refuses every client as a full server does, instead of greeting. */
    FAKE_FULL,
};

/* The lost count of the notice FAKE_FLOOD_BEFORE_REPLY sends first. */
#define FAKE_OVERFLOW_LOST 7

struct fake_server;

/* Listen; @edges is the number of edges a flood sends. */
struct fake_server *fake_server_start(enum fake_mode mode, size_t edges);
const char *fake_server_path(const struct fake_server *s);
/*
 * Stop the server (an endless line stops once its reader has gone or
 * stopped reading for a while) and return how many bytes of endless
 * line it managed to write.
 */
size_t fake_server_stop(struct fake_server *s);

#endif
