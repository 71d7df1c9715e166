/*
 * gpiodev line protocol fuzz target
 *
 * Two clients of a real gpiodev socket backend send requests to the
 * AST2600's 3.3 V GPIO controller, through the protocol's framing,
 * parser and request execution, while the guest side writes the
 * controller's registers.  The input is a sequence of records:
 *
 *   0b0LLLLLLC  client C sends the next L + 1 bytes, which it then
 *               executes as far as they make complete requests
 *   0b1xxxxxxR  then a byte N and 4 bytes V: the guest writes V
 *               (little-endian) to the controller's register at offset
 *               4 * N, plus 0x400 if R is 1
 *
 * The lines of a client that asks to quit are released and the client
 * starts over, as a reconnecting one would.  Each input ends with both
 * clients gone, after which no line may be held, and with the
 * controller reset if the guest wrote to it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "gpiodev/gpiodev.h"
#include "gpiodev/gpiodev-protocol.h"
#include "tests/qtest/libqtest.h"
#include "fuzz.h"

#define GPIODEV_FUZZ_CONTROLLER "/machine/soc/gpio"
#define GPIODEV_FUZZ_MMIO 0x1e780000ULL

typedef struct GpiodevFuzzClient {
    GpiodevClient client;
    GpioRequestReader reader;
    bool open;
} GpiodevFuzzClient;

static char *gpiodev_fuzz_dir;
static char *gpiodev_fuzz_socket;
static Gpiodev *gpiodev_fuzz_backend;
static GpioEdgePrefixes gpiodev_fuzz_prefixes;
/*
 * What the clients were sent, checked then dropped: replies, and events
 * (which may come while a reply is being written).
 */
static GString *gpiodev_fuzz_out;
static GString *gpiodev_fuzz_events;

/* Every reply and event is whole lines of text. */
static void gpiodev_fuzz_check_text(GString *text)
{
    g_assert(text->len == 0 || text->str[text->len - 1] == '\n');
    g_assert(strlen(text->str) == text->len);
    g_string_truncate(text, 0);
}

static void gpiodev_fuzz_event(GpiodevClient *client,
                               const GpiodevEvent *event)
{
    size_t max = gpio_event_max_len(&gpiodev_fuzz_prefixes, event);

    gpio_format_event(gpiodev_fuzz_events, &gpiodev_fuzz_prefixes, event);
    g_assert(gpiodev_fuzz_events->len <= max);
    gpiodev_fuzz_check_text(gpiodev_fuzz_events);
}

static void gpiodev_fuzz_detach(GpiodevClient *client)
{
    gpiodev_client_cleanup(client);
}

static const GpiodevClientOps gpiodev_fuzz_ops = {
    .event = gpiodev_fuzz_event,
    .detach = gpiodev_fuzz_detach,
};

static void gpiodev_fuzz_open(GpiodevFuzzClient *c)
{
    gpiodev_client_init(&c->client, gpiodev_fuzz_backend->core,
                        &gpiodev_fuzz_ops, gpiodev_fuzz_backend, "fuzz");
    gpio_request_reader_init(&c->reader);
    gpio_format_greeting(gpiodev_fuzz_out);
    c->open = true;
}

static void gpiodev_fuzz_close(GpiodevFuzzClient *c)
{
    gpiodev_client_cleanup(&c->client);
    gpio_request_reader_cleanup(&c->reader);
    c->open = false;
}

static void gpiodev_fuzz_send(GpiodevFuzzClient *c, const uint8_t *data,
                              size_t len)
{
    bool quit = false;

    if (!c->open) {
        gpiodev_fuzz_open(c);
    }
    gpio_request_reader_push(&c->reader, (const char *)data, len);
    while (!quit && gpio_request_reader_run(&c->reader, &c->client,
                                            gpiodev_fuzz_out, &quit)) {
        gpiodev_fuzz_check_text(gpiodev_fuzz_out);
    }
    gpiodev_fuzz_check_text(gpiodev_fuzz_out);
    if (quit) {
        gpiodev_fuzz_close(c);
    }
}

static void gpiodev_fuzz(QTestState *s, const unsigned char *data,
                         size_t size)
{
    GpiodevFuzzClient clients[2] = { 0 };
    GpiodevCore *core = gpiodev_fuzz_backend->core;
    bool guest_wrote = false;

    while (size) {
        uint8_t op = *data++;
        size--;

        if (op & 0x80) {
            uint64_t reg = (op & 1) * 0x400;

            if (size < 5) {
                break;
            }
            reg += data[0] * 4;
            qtest_writel(s, GPIODEV_FUZZ_MMIO + reg, ldl_le_p(data + 1));
            guest_wrote = true;
            data += 5;
            size -= 5;
        } else {
            size_t len = MIN((size_t)(op >> 1) + 1, size);

            gpiodev_fuzz_send(&clients[op & 1], data, len);
            data += len;
            size -= len;
        }
    }

    for (int i = 0; i < ARRAY_SIZE(clients); i++) {
        if (clients[i].open) {
            gpiodev_fuzz_close(&clients[i]);
        }
    }
    /* A client that is gone holds nothing. */
    for (unsigned i = 0; i < core->nlines; i++) {
        g_assert(!gpiodev_core_line_consumer(core, i));
    }
    if (guest_wrote) {
        device_cold_reset(DEVICE(core->controller));
    }
    flush_events(s);
}

static void gpiodev_fuzz_cleanup(void)
{
    unlink(gpiodev_fuzz_socket);
    rmdir(gpiodev_fuzz_dir);
}

static void gpiodev_fuzz_pre_vm_init(void)
{
    gpiodev_fuzz_dir = g_dir_make_tmp("gpiodev-fuzz-XXXXXX", NULL);
    g_assert(gpiodev_fuzz_dir);
    gpiodev_fuzz_socket = g_build_filename(gpiodev_fuzz_dir, "fuzz.sock",
                                           NULL);
    atexit(gpiodev_fuzz_cleanup);
}

static GString *gpiodev_fuzz_cmdline(FuzzTarget *t)
{
    GString *cmdline = g_string_new(NULL);

    g_string_printf(cmdline, TARGET_NAME " -machine ast2600-evb,accel=qtest"
                    " -display none -gpiodev socket,id=fuzz,"
                    "device=" GPIODEV_FUZZ_CONTROLLER ",addr.type=unix,"
                    "addr.path=%s",
                    gpiodev_fuzz_socket);
    return cmdline;
}

static void gpiodev_fuzz_pre_fuzz(QTestState *s)
{
    gpiodev_fuzz_backend = gpiodev_find("fuzz");
    g_assert(gpiodev_fuzz_backend);
    gpio_edge_prefixes_init(&gpiodev_fuzz_prefixes,
                            gpiodev_fuzz_backend->core);
    gpiodev_fuzz_out = g_string_new(NULL);
    gpiodev_fuzz_events = g_string_new(NULL);
}

static void register_gpiodev_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget){
        .name = "gpiodev-protocol",
        .description = "Fuzz the gpiodev line protocol: two clients' "
                       "requests and the guest's register writes on the "
                       "AST2600's GPIO controller",
        .get_init_cmdline = gpiodev_fuzz_cmdline,
        .pre_vm_init = gpiodev_fuzz_pre_vm_init,
        .pre_fuzz = gpiodev_fuzz_pre_fuzz,
        .fuzz = gpiodev_fuzz,
    });
}

fuzz_target_init(register_gpiodev_fuzz_targets);
