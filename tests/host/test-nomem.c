// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libqemu-gpio when memory runs out, against a real QEMU.  Prints TAP.
 *
 * A realistic sequence of calls (open a chip, read its info and a line's,
 * watch a line, request lines with edges, drive and read them, read edge
 * and info events, reconfigure, release, close) is run again and again,
 * the failmalloc shim failing allocation k of the library in run k, until
 * a run completes without reaching allocation k.  In each run, the call
 * that meets the failure must fail with ENOMEM; called again, with memory
 * back, it must succeed, and so must the rest of the sequence: what the
 * failure left behind is valid and consistent.  Everything is freed at
 * the end of each run, which valgrind checks.
 *
 * The shim must be preloaded.  When it is not, the test runs itself
 * again with LD_PRELOAD set; under valgrind it runs valgrind again, with
 * --soname-synonyms=somalloc=nouserintercepts (without which valgrind
 * replaces the shim's malloc() with its own) and the options of
 * tests/run-all.sh.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include "fixture.h"
#include "qemu-gpio.h"

#define REEXEC_ENV "QGPIO_TEST_NOMEM_REEXEC"
/* The lines: gpioB0 for edges, gpioD4 driven and watched. */
#define EDGE_LINE 8
#define OUT_LINE 28
/* A consumer that must be quoted, with escapes. */
#define NOMEM_CONSUMER "nomem \"test\""
/* Generous bounds: reached, the test stops. */
#define MAX_RUNS 5000
#define MAX_FAILURES 10

/* The shim's controls. */
static void (*fm_arm)(unsigned long n);
static void (*fm_disarm)(void);
static void (*fm_hold)(bool hold);
static bool (*fm_fired)(void);

static struct fixture fx;
static int test_count, failures;

static void report(bool ok, const char *fmt, ...)
{
    va_list ap;

    fm_hold(true);
    printf("%s %d - ", ok ? "ok" : "not ok", ++test_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failures += !ok;
    fm_hold(false);
}

/* Everything one run holds. */
struct run {
    struct qgpio_chip *chip;
    struct qgpio_line_settings *in, *out, *copy;
    struct qgpio_line_config *lc, *lc2;
    struct qgpio_request_config *rc;
    struct qgpio_line_request *req;
    struct qgpio_edge_event_buffer *buf;
    unsigned int edges;
};

enum outcome {
    DONE,
    /* The call failed: errno says why. */
    FAILED,
    /* The call succeeded with a wrong result. */
    WRONG,
};

static enum outcome done_if(bool ok)
{
    return ok ? DONE : FAILED;
}

/* The guest's part, which must not count as the library's allocations. */
static void guest_bit(uint32_t reg, unsigned bit, bool on)
{
    fm_hold(true);
    guest_set_bit(&fx, reg, bit, on);
    fm_hold(false);
}

static enum outcome open_chip(struct run *r)
{
    r->chip = qgpio_chip_open("gpio0");
    return done_if(r->chip);
}

static enum outcome chip_info(struct run *r)
{
    struct qgpio_chip_info *info = qgpio_chip_get_info(r->chip);
    bool right;

    if (!info) {
        return FAILED;
    }
    right = !strcmp(qgpio_chip_info_get_name(info), "gpio0") &&
            qgpio_chip_info_get_num_lines(info) == 208;
    qgpio_chip_info_free(info);
    return right ? DONE : WRONG;
}

static enum outcome line_info(struct run *r)
{
    struct qgpio_line_info *li = qgpio_chip_get_line_info(r->chip,
                                                          EDGE_LINE);
    struct qgpio_line_info *copy;
    bool right;

    if (!li) {
        return FAILED;
    }
    copy = qgpio_line_info_copy(li);
    right = copy && !strcmp(qgpio_line_info_get_name(copy), "gpioB0");
    qgpio_line_info_free(li);
    qgpio_line_info_free(copy);
    return !copy ? FAILED : right ? DONE : WRONG;
}

static enum outcome offset_from_name(struct run *r)
{
    int offset = qgpio_chip_get_line_offset_from_name(r->chip, "gpioD0");

    return offset < 0 ? FAILED : offset == 24 ? DONE : WRONG;
}

static enum outcome watch(struct run *r)
{
    struct qgpio_line_info *li = qgpio_chip_watch_line_info(r->chip,
                                                            OUT_LINE);

    qgpio_line_info_free(li);
    return done_if(li);
}

static enum outcome new_settings(struct run *r)
{
    r->in = qgpio_line_settings_new();
    if (!r->in) {
        return FAILED;
    }
    qgpio_line_settings_set_direction(r->in, QGPIO_LINE_DIRECTION_INPUT);
    qgpio_line_settings_set_edge_detection(r->in, QGPIO_LINE_EDGE_BOTH);
    return DONE;
}

static enum outcome copy_settings(struct run *r)
{
    r->copy = qgpio_line_settings_copy(r->in);
    if (!r->copy) {
        return FAILED;
    }
    qgpio_line_settings_set_direction(r->copy, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_settings_set_edge_detection(r->copy, QGPIO_LINE_EDGE_NONE);
    qgpio_line_settings_set_output_value(r->copy, QGPIO_LINE_VALUE_ACTIVE);
    r->out = r->copy;
    r->copy = NULL;
    return DONE;
}

static enum outcome new_line_config(struct run *r)
{
    r->lc = qgpio_line_config_new();
    return done_if(r->lc);
}

static enum outcome add_settings(struct run *r)
{
    unsigned int edge = EDGE_LINE, out = OUT_LINE;

    if (qgpio_line_config_add_line_settings(r->lc, &edge, 1, r->in) < 0 ||
        qgpio_line_config_add_line_settings(r->lc, &out, 1, r->out) < 0) {
        return FAILED;
    }
    return qgpio_line_config_get_num_configured_offsets(r->lc) == 2 ? DONE
                                                                    : WRONG;
}

static enum outcome get_settings(struct run *r)
{
    struct qgpio_line_settings *s =
        qgpio_line_config_get_line_settings(r->lc, OUT_LINE);
    bool right;

    if (!s) {
        return FAILED;
    }
    right = qgpio_line_settings_get_direction(s) ==
            QGPIO_LINE_DIRECTION_OUTPUT;
    qgpio_line_settings_free(s);
    return right ? DONE : WRONG;
}

static enum outcome request_config(struct run *r)
{
    if (!r->rc) {
        r->rc = qgpio_request_config_new();
        if (!r->rc) {
            return FAILED;
        }
    }
    if (qgpio_request_config_set_consumer(r->rc, NOMEM_CONSUMER) < 0) {
        return FAILED;
    }
    qgpio_request_config_set_event_buffer_size(r->rc, 64);
    return strcmp(qgpio_request_config_get_consumer(r->rc), NOMEM_CONSUMER) ?
           WRONG : DONE;
}

static enum outcome event_buffer(struct run *r)
{
    r->buf = qgpio_edge_event_buffer_new(8);
    return done_if(r->buf);
}

static enum outcome request_lines(struct run *r)
{
    r->req = qgpio_chip_request_lines(r->chip, r->rc, r->lc);
    return done_if(r->req);
}

/* The info event for the watched line that the request caused. */
static enum outcome info_event(struct run *r)
{
    struct qgpio_info_event *ev;
    bool right;
    int ret = qgpio_chip_wait_info_event(r->chip, 2000000000LL);

    if (ret <= 0) {
        return ret < 0 ? FAILED : WRONG;
    }
    ev = qgpio_chip_read_info_event(r->chip);
    if (!ev) {
        return FAILED;
    }
    right = qgpio_line_info_get_offset(qgpio_info_event_get_line_info(ev)) ==
            OUT_LINE;
    qgpio_info_event_free(ev);
    return right ? DONE : WRONG;
}

static enum outcome set_value(struct run *r)
{
    return done_if(qgpio_line_request_set_value(r->req, OUT_LINE,
                                                QGPIO_LINE_VALUE_INACTIVE)
                   == 0);
}

static enum outcome get_values(struct run *r)
{
    enum qgpio_line_value values[2];

    if (qgpio_line_request_get_values(r->req, values) < 0) {
        return FAILED;
    }
    return values[1] == QGPIO_LINE_VALUE_INACTIVE ? DONE : WRONG;
}

static enum outcome set_values(struct run *r)
{
    unsigned int offset = OUT_LINE;
    enum qgpio_line_value value = QGPIO_LINE_VALUE_ACTIVE;

    if (qgpio_line_request_set_values_subset(r->req, 1, &offset,
                                             &value) < 0) {
        return FAILED;
    }
    return qgpio_line_request_get_value(r->req, OUT_LINE) ==
           QGPIO_LINE_VALUE_ACTIVE ? DONE : FAILED;
}

/* The guest raises and lowers the edge line: two edges to read. */
static enum outcome guest_toggles(struct run *r)
{
    guest_bit(GPIO_DIRECTION, EDGE_LINE, true);
    guest_bit(GPIO_DATA, EDGE_LINE, true);
    guest_bit(GPIO_DATA, EDGE_LINE, false);
    r->edges = 0;
    return DONE;
}

static enum outcome read_edges(struct run *r)
{
    while (r->edges + qgpio_line_request_get_lost_events(r->req) < 2) {
        int ret = qgpio_line_request_wait_edge_events(r->req, 2000000000LL);
        struct qgpio_edge_event *copy;

        if (ret <= 0) {
            return ret < 0 ? FAILED : WRONG;
        }
        ret = qgpio_line_request_read_edge_events(r->req, r->buf, 8);
        if (ret < 0) {
            return FAILED;
        }
        if (ret == 0 || qgpio_edge_event_get_line_offset(
                qgpio_edge_event_buffer_get_event(r->buf, 0)) != EDGE_LINE) {
            return WRONG;
        }
        /* Read: a copy that fails must not make them be read again. */
        r->edges += ret;
        copy = qgpio_edge_event_copy(qgpio_edge_event_buffer_get_event(r->buf,
                                                                        0));
        if (!copy) {
            return FAILED;
        }
        qgpio_edge_event_free(copy);
    }
    return DONE;
}

/* Both lines inputs now, rising edges only on the edge line. */
static enum outcome reconfigure(struct run *r)
{
    unsigned int edge = EDGE_LINE, out = OUT_LINE;

    if (!r->lc2) {
        r->lc2 = qgpio_line_config_new();
        if (!r->lc2) {
            return FAILED;
        }
    }
    qgpio_line_settings_set_edge_detection(r->in, QGPIO_LINE_EDGE_RISING);
    if (qgpio_line_config_add_line_settings(r->lc2, &edge, 1, r->in) < 0 ||
        qgpio_line_config_add_line_settings(r->lc2, &out, 1, NULL) < 0 ||
        qgpio_line_request_reconfigure_lines(r->req, r->lc2) < 0) {
        return FAILED;
    }
    return DONE;
}

static enum outcome reconfigured(struct run *r)
{
    struct qgpio_line_info *li = qgpio_chip_get_line_info(r->chip, OUT_LINE);
    bool right;

    if (!li) {
        return FAILED;
    }
    right = !qgpio_line_info_is_used(li);
    qgpio_line_info_free(li);
    return right ? DONE : WRONG;
}

static enum outcome unwatch(struct run *r)
{
    return done_if(qgpio_chip_unwatch_line_info(r->chip, OUT_LINE) == 0);
}

static enum outcome release(struct run *r)
{
    qgpio_line_request_release(r->req);
    r->req = NULL;
    return DONE;
}

static enum outcome close_chip(struct run *r)
{
    qgpio_chip_close(r->chip);
    r->chip = NULL;
    return DONE;
}

static const struct step {
    const char *name;
    enum outcome (*call)(struct run *r);
    /* It returns nothing: a failure inside it cannot be reported. */
    bool is_void;
} steps[] = {
    { "qgpio_chip_open", open_chip, false },
    { "qgpio_chip_get_info", chip_info, false },
    { "qgpio_chip_get_line_info and qgpio_line_info_copy", line_info, false },
    { "qgpio_chip_get_line_offset_from_name", offset_from_name, false },
    { "qgpio_chip_watch_line_info", watch, false },
    { "qgpio_line_settings_new", new_settings, false },
    { "qgpio_line_settings_copy", copy_settings, false },
    { "qgpio_line_config_new", new_line_config, false },
    { "qgpio_line_config_add_line_settings", add_settings, false },
    { "qgpio_line_config_get_line_settings", get_settings, false },
    { "qgpio_request_config_new and set_consumer", request_config, false },
    { "qgpio_edge_event_buffer_new", event_buffer, false },
    { "qgpio_chip_request_lines", request_lines, false },
    { "qgpio_chip_read_info_event", info_event, false },
    { "qgpio_line_request_set_value", set_value, false },
    { "qgpio_line_request_get_values", get_values, false },
    { "qgpio_line_request_set_values_subset", set_values, false },
    { "the guest toggles a line", guest_toggles, false },
    { "qgpio_line_request_read_edge_events and qgpio_edge_event_copy",
      read_edges, false },
    { "qgpio_line_request_reconfigure_lines", reconfigure, false },
    { "qgpio_chip_get_line_info after reconfiguring", reconfigured, false },
    { "qgpio_chip_unwatch_line_info", unwatch, false },
    { "qgpio_line_request_release", release, true },
    { "qgpio_chip_close", close_chip, true },
};

static void free_run(struct run *r)
{
    qgpio_line_request_release(r->req);
    qgpio_chip_close(r->chip);
    qgpio_line_settings_free(r->in);
    qgpio_line_settings_free(r->out);
    qgpio_line_settings_free(r->copy);
    qgpio_line_config_free(r->lc);
    qgpio_line_config_free(r->lc2);
    qgpio_request_config_free(r->rc);
    qgpio_edge_event_buffer_free(r->buf);
    *r = (struct run){ 0 };
}

/* The guest's lines as a run starts: inputs, low. */
static void reset_guest(void)
{
    guest_bit(GPIO_DATA, EDGE_LINE, false);
    guest_bit(GPIO_DIRECTION, EDGE_LINE, false);
}

/*
 * Run the sequence with allocation @k failing (0: none).  Returns
 * whether the failure was met; a problem is reported as "not ok".
 */
static bool run_sequence(unsigned long k)
{
    struct run r = { 0 };
    bool met = false;

    reset_guest();
    /* Allocation 0 is none: disarmed, with nothing fired. */
    fm_arm(k);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        const struct step *s = &steps[i];
        enum outcome out;
        int err;

        errno = 0;
        out = s->call(&r);
        err = errno;
        if (met || !fm_fired()) {
            if (out != DONE) {
                report(false, "run %lu: %s %s (errno %d: %s)", k, s->name,
                       out == WRONG ? "gave a wrong result" : "failed",
                       err, qgpio_strerror());
                break;
            }
            continue;
        }
        /* This call met the failure. */
        met = true;
        fm_disarm();
        if (s->is_void) {
            report(true, "run %lu: %s survives allocation %lu failing", k,
                   s->name, k);
            continue;
        }
        report(out == FAILED && err == ENOMEM,
               "run %lu: %s fails with ENOMEM when allocation %lu fails "
               "(outcome %d, errno %d: %s)", k, s->name, k, out, err,
               qgpio_strerror());
        out = s->call(&r);
        if (out != DONE) {
            report(false, "run %lu: %s again, with memory back, %s "
                   "(errno %d: %s)", k, s->name,
                   out == WRONG ? "gives a wrong result" : "fails", errno,
                   qgpio_strerror());
            break;
        }
    }
    fm_disarm();
    free_run(&r);
    reset_guest();
    return met;
}

/* Find the shim's controls; false if it is not there. */
static bool find_shim(void)
{
    fm_arm = (void (*)(unsigned long))dlsym(RTLD_DEFAULT, "failmalloc_arm");
    fm_disarm = (void (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_disarm");
    fm_hold = (void (*)(bool))dlsym(RTLD_DEFAULT, "failmalloc_hold");
    fm_fired = (bool (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_fired");
    return fm_arm && fm_disarm && fm_hold && fm_fired;
}

/* Whether the shim's malloc() is the one called. */
static bool shim_works(void)
{
    void *(*volatile alloc)(size_t) = malloc;
    void *p;

    fm_arm(1);
    p = alloc(16);
    fm_disarm();
    free(p);
    return p == NULL;
}

/* Run this test again with the shim preloaded, under valgrind if it was. */
static void reexec_with_shim(char **argv)
{
    static char *const valgrind[] = {
        "valgrind", "--soname-synonyms=somalloc=nouserintercepts", "-q",
        "--leak-check=full", "--errors-for-leak-kinds=definite",
        "--error-exitcode=3",
    };
    size_t nv = sizeof(valgrind) / sizeof(valgrind[0]);
    char *args[16], self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    size_t n = 0;

    if (len < 0) {
        printf("Bail out! cannot find this program: %s\n", strerror(errno));
        exit(1);
    }
    /* Read now: under valgrind, the new process's own is valgrind. */
    self[len] = '\0';
    if (getenv(REEXEC_ENV)) {
        printf("Bail out! the failmalloc shim (%s) does not work here\n",
               FAILMALLOC_PATH);
        exit(1);
    }
    setenv(REEXEC_ENV, "1", 1);
    setenv("LD_PRELOAD", FAILMALLOC_PATH, 1);
    if (RUNNING_ON_VALGRIND) {
        printf("# running again under valgrind with "
               "--soname-synonyms=somalloc=nouserintercepts\n");
        fflush(stdout);
        for (size_t i = 0; i < nv; i++) {
            args[n++] = valgrind[i];
        }
    }
    args[n++] = self;
    for (int i = 1; argv[i] && n < 15; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;
    execvp(args[0], args);
    printf("Bail out! cannot run %s: %s\n", args[0], strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    unsigned long k;

    (void)argc;
    if (!find_shim() || !shim_works()) {
        reexec_with_shim(argv);
    }
    /* stdio's buffer, allocated before any run. */
    printf("# allocation failures in libqemu-gpio, against QEMU\n");
    fflush(stdout);
    fm_hold(true);
    fixture_start(&fx);
    fm_hold(false);

    report(!run_sequence(0) && !failures,
           "the sequence runs with no failure injected");
    for (k = 1; k <= MAX_RUNS && failures < MAX_FAILURES; k++) {
        if (!run_sequence(k)) {
            break;
        }
    }
    report(k <= MAX_RUNS && !failures,
           "allocations 1 to %lu each failed in turn; run %lu completes "
           "without meeting a failure", k - 1, k);

    fm_hold(true);
    fixture_stop(&fx);
    printf("1..%d\n", test_count);
    return failures ? 1 : 0;
}
