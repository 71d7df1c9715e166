// SPDX-License-Identifier: GPL-2.0-or-later
/* See fixture.h.  Sockets are bound here and passed to QEMU as fds. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define QTEST_TIMEOUT_MS 20000

static void die(const char *what)
{
    fprintf(stderr, "fixture: %s: %s\n", what, strerror(errno));
    exit(99);
}

static int listen_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 16) < 0) {
        die(path);
    }
    return fd;
}

void fixture_start(struct fixture *f)
{
    const char *build = getenv("QEMU_GPIODEV_BUILD");
    char qemu[512], qtest_path[100], g0[256], g1[256], qt[128], mon[128];
    int fd0, fd1, qfd, mfd;

    memset(f, 0, sizeof(*f));
    if (!build) {
        fprintf(stderr, "fixture: QEMU_GPIODEV_BUILD is not set\n");
        exit(99);
    }
    snprintf(f->dir, sizeof(f->dir), "/tmp/qgpio-test-XXXXXX");
    if (!mkdtemp(f->dir)) {
        die("mkdtemp");
    }
    snprintf(f->gpio0, sizeof(f->gpio0), "%s/gpio0.sock", f->dir);
    snprintf(f->gpio1, sizeof(f->gpio1), "%s/gpio1.sock", f->dir);
    snprintf(qtest_path, sizeof(qtest_path), "%s/qtest.sock", f->dir);
    snprintf(f->qmp, sizeof(f->qmp), "%s/qmp.sock", f->dir);
    mfd = listen_unix(f->qmp);
    fd0 = listen_unix(f->gpio0);
    fd1 = listen_unix(f->gpio1);
    qfd = listen_unix(qtest_path);
    snprintf(qemu, sizeof(qemu), "%s/qemu-system-arm", build);
    /* The benchmark connects more clients than max-clients' default. */
    snprintf(g0, sizeof(g0), "socket,id=gpio0,device=/machine/soc/gpio,"
             "addr.type=fd,addr.str=%d,max-clients=128", fd0);
    snprintf(g1, sizeof(g1), "socket,id=gpio1,device=gpio_1_8v,"
             "addr.type=fd,addr.str=%d", fd1);
    snprintf(qt, sizeof(qt), "socket,id=qt,fd=%d,server=on,wait=off", qfd);
    snprintf(mon, sizeof(mon), "socket,id=mon,fd=%d,server=on,wait=off",
             mfd);

    f->qemu = fork();
    if (f->qemu < 0) {
        die("fork");
    }
    if (f->qemu == 0) {
        /* QEMU must not outlive a test that crashes. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl(qemu, qemu, "-M", "ast2600-evb", "-display", "none",
              "-monitor", "none", "-serial", "none", "-accel", "qtest",
              "-qtest-log", "/dev/null", "-chardev", qt, "-qtest",
              "chardev:qt", "-chardev", mon, "-mon", "chardev=mon,mode=control",
              "-gpiodev", g0, "-gpiodev", g1, (char *)NULL);
        _exit(127);
    }
    close(fd0);
    close(fd1);
    close(qfd);
    close(mfd);

    f->qtest_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    {
        struct sockaddr_un addr = { .sun_family = AF_UNIX };

        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", qtest_path);
        if (connect(f->qtest_fd, (struct sockaddr *)&addr,
                    sizeof(addr)) < 0) {
            die("connect qtest");
        }
    }
    setenv("QEMU_GPIO_DIR", f->dir, 1);
}

void fixture_kill_qemu(struct fixture *f)
{
    if (f->qemu > 0) {
        kill(f->qemu, SIGKILL);
        waitpid(f->qemu, NULL, 0);
        f->qemu = 0;
    }
}

void fixture_stop(struct fixture *f)
{
    char path[160];

    fixture_kill_qemu(f);
    if (f->qtest_fd > 0) {
        close(f->qtest_fd);
    }
    free(f->qtest_in);
    unlink(f->gpio0);
    unlink(f->gpio1);
    unlink(f->qmp);
    snprintf(path, sizeof(path), "%s/qtest.sock", f->dir);
    unlink(path);
    rmdir(f->dir);
}

static char *qtest_line(struct fixture *f)
{
    for (;;) {
        char *nl = f->qtest_len ? memchr(f->qtest_in, '\n', f->qtest_len)
                                : NULL;
        struct pollfd pfd = { .fd = f->qtest_fd, .events = POLLIN };
        char buf[4096];
        ssize_t n;

        if (nl) {
            size_t len = nl - f->qtest_in;
            char *line = strndup(f->qtest_in, len);

            memmove(f->qtest_in, nl + 1, f->qtest_len - len - 1);
            f->qtest_len -= len + 1;
            return line;
        }
        if (poll(&pfd, 1, QTEST_TIMEOUT_MS) != 1) {
            fprintf(stderr, "fixture: qtest did not answer\n");
            exit(99);
        }
        n = read(f->qtest_fd, buf, sizeof(buf));
        if (n <= 0) {
            fprintf(stderr, "fixture: qtest connection closed\n");
            exit(99);
        }
        f->qtest_in = realloc(f->qtest_in, f->qtest_len + n);
        memcpy(f->qtest_in + f->qtest_len, buf, n);
        f->qtest_len += n;
    }
}

static char *qtest_cmd(struct fixture *f, const char *cmd)
{
    size_t len = strlen(cmd);

    if (write(f->qtest_fd, cmd, len) != (ssize_t)len) {
        die("qtest write");
    }
    for (;;) {
        char *line = qtest_line(f);

        if (!strncmp(line, "IRQ", 3)) {
            free(line);
            continue;
        }
        if (strncmp(line, "OK", 2)) {
            fprintf(stderr, "fixture: qtest '%s' -> '%s'\n", cmd, line);
            exit(99);
        }
        return line;
    }
}

void guest_writel(struct fixture *f, uint32_t addr, uint32_t value)
{
    char cmd[64];

    snprintf(cmd, sizeof(cmd), "writel 0x%x 0x%x\n", addr, value);
    free(qtest_cmd(f, cmd));
}

uint32_t guest_readl(struct fixture *f, uint32_t addr)
{
    char cmd[64];
    char *reply;
    uint32_t value;

    snprintf(cmd, sizeof(cmd), "readl 0x%x\n", addr);
    reply = qtest_cmd(f, cmd);
    value = strtoul(reply + 3, NULL, 16);
    free(reply);
    return value;
}

void guest_set_bit(struct fixture *f, uint32_t reg, unsigned bit, bool on)
{
    uint32_t addr = AST2600_GPIO_BASE + reg;
    uint32_t v = guest_readl(f, addr);

    guest_writel(f, addr, on ? v | (1u << bit) : v & ~(1u << bit));
}
