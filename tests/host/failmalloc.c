// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failmalloc: an LD_PRELOAD shim whose allocator fails on demand.
 *
 * Once a thread calls failmalloc_arm(N), the Nth call it makes from then
 * on to malloc(), calloc(), realloc(), strdup() or strndup() fails with
 * ENOMEM; every other call, before and after, goes to the C library.
 * Other threads are never touched, so a test's helper threads and the C
 * library's own are left alone.  A test finds the control functions with
 * dlsym(RTLD_DEFAULT, "failmalloc_arm") and so on, and knows from their
 * absence that it runs without the shim.
 *
 * Under valgrind, the shim's malloc() is replaced by valgrind's unless
 * valgrind runs with --soname-synonyms=somalloc=nouserintercepts; the
 * shim hands its calls to __libc_malloc() and friends, which valgrind
 * does replace, so that its checks still see every block.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* glibc's allocator, under the names that interposing leaves alone. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

/* Calls left before the one that fails; 0: disarmed. */
static __thread unsigned long countdown;
/* Calls counted since arming, the failing one included. */
static __thread unsigned long counted;
static __thread bool fired;
/* While held, calls are not counted: the test's own allocations. */
static __thread bool held;

EXPORT void failmalloc_arm(unsigned long n)
{
    countdown = n;
    counted = 0;
    fired = false;
    held = false;
}

EXPORT void failmalloc_disarm(void)
{
    countdown = 0;
}

EXPORT void failmalloc_hold(bool hold)
{
    held = hold;
}

EXPORT bool failmalloc_fired(void)
{
    return fired;
}

EXPORT unsigned long failmalloc_count(void)
{
    return counted;
}

/* Count one call; true if it is the one that must fail. */
static bool must_fail(void)
{
    if (!countdown || held) {
        return false;
    }
    counted++;
    if (--countdown) {
        return false;
    }
    fired = true;
    errno = ENOMEM;
    return true;
}

EXPORT void *malloc(size_t size)
{
    return must_fail() ? NULL : __libc_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
    return must_fail() ? NULL : __libc_calloc(n, size);
}

/* A failing realloc() leaves the block as it was, as the real one does. */
EXPORT void *realloc(void *ptr, size_t size)
{
    return must_fail() ? NULL : __libc_realloc(ptr, size);
}

/* The C library's own strdup() would not come through malloc() above. */
EXPORT char *strndup(const char *s, size_t max)
{
    size_t len = strnlen(s, max);
    char *copy;

    if (must_fail()) {
        return NULL;
    }
    copy = __libc_malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

EXPORT char *strdup(const char *s)
{
    return strndup(s, strlen(s));
}
