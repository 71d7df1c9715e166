#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gpiodev sockets over TLS, with certificates made by GnuTLS's certtool
and QEMU's tls-creds-x509 and authz-simple objects; the clients are
Python's ssl module (OpenSSL) and the qemu_gpio package.

- Server mode, peers verified and authorized: the authorized client
  drives a line the guest (qtest) reads; a plain-text client, a client
  without a certificate and one whose name is not authorized get no
  greeting, and QEMU carries on.
- The qemu_gpio client (sync and asyncio) and the qemu-gpio tool (the C
  library, GnuTLS) over TLS, verifying QEMU.
- Client mode: QEMU connects to a TLS server and verifies it.
- A TCP listener on a non-loopback address without TLS is warned about.
Prints TAP.
"""

import asyncio
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile

from harness import (AST2600_GPIO, AST2600_GPIO_BASE, GPIO_DATA, TIMEOUT,
                     LineReader, Qemu, Tap, die_with_parent, listen_tcp)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "python"))

import qemu_gpio  # noqa: E402
import qemu_gpio.aio  # noqa: E402

tap = Tap()
QEMU = os.path.join(os.environ["QEMU_GPIODEV_BUILD"], "qemu-system-arm")
TOOL = os.path.join(os.environ["QEMU_GPIO_HOST_BUILD"], "tools", "qemu-gpio")


def certtool(*args):
    subprocess.run(["certtool", "-q", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_cert(d, name, ca, template):
    with open(os.path.join(d, f"{name}.info"), "w") as f:
        f.write(template)
    key = os.path.join(d, f"{name}-key.pem")
    cert = os.path.join(d, f"{name}-cert.pem")
    certtool("--generate-privkey", "--outfile", key)
    if ca is None:
        certtool("--generate-self-signed", "--load-privkey", key,
                 "--template", f.name, "--outfile", cert)
    else:
        certtool("--generate-certificate", "--load-privkey", key,
                 "--load-ca-certificate", ca[1], "--load-ca-privkey", ca[0],
                 "--template", f.name, "--outfile", cert)
    return key, cert


class Pki:
    """A CA, a server certificate for 127.0.0.1, and client ones."""

    def __init__(self, d):
        self.dir = d
        ca = make_cert(d, "ca", None, "cn = gpiodev test CA\nca\n"
                       "cert_signing_key\nexpiration_days = 2\n")
        self.ca = ca[1]
        self.server = make_cert(d, "server", ca, "cn = localhost\n"
                                "ip_address = 127.0.0.1\n"
                                "dns_name = localhost\ntls_www_server\n"
                                "encryption_key\nsigning_key\n"
                                "expiration_days = 2\n")
        # One name each: the authz check compares the whole name.
        self.rig = make_cert(d, "rig", ca, "cn = rig\n"
                             "tls_www_client\nencryption_key\nsigning_key\n"
                             "expiration_days = 2\n")
        self.intruder = make_cert(d, "intruder", ca, "cn = intruder\n"
                                  "tls_www_client\nencryption_key\n"
                                  "signing_key\nexpiration_days = 2\n")
        # QEMU's layout: ca-cert.pem, and server-* or client-*.
        self.qemu_server = os.path.join(d, "qemu-server")
        self.qemu_client = os.path.join(d, "qemu-client")
        for sub, role, pair in ((self.qemu_server, "server", self.server),
                                (self.qemu_client, "client", self.rig)):
            os.mkdir(sub)
            os.symlink(self.ca, os.path.join(sub, "ca-cert.pem"))
            os.symlink(pair[0], os.path.join(sub, f"{role}-key.pem"))
            os.symlink(pair[1], os.path.join(sub, f"{role}-cert.pem"))

    def client_context(self, pair=None):
        ctx = ssl.create_default_context(cafile=self.ca)
        if pair:
            ctx.load_cert_chain(pair[1], pair[0])
        return ctx


def tls_line(sock):
    """One line from a TLS socket (whose timeout bounds the wait)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise EOFError("tls client: connection closed")
        data += chunk
    return data[:-1].decode()


def read_greeting(ctx, port):
    """What a TLS client with @ctx is told first: the greeting, or the
    error that ended the connection."""
    try:
        with socket.create_connection(("127.0.0.1", port), TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                data = s.recv(4096)
                return data.decode().split("\n")[0] if data else "EOF"
    except (ssl.SSLError, OSError) as e:
        return f"error: {type(e).__name__}"


def tool(*args, env=None):
    """qemu-gpio's exit status, stdout and stderr (stripped)."""
    p = subprocess.run([TOOL, *args], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def test_server(pki, tmp):
    lsock = listen_tcp()
    port = lsock.getsockname()[1]
    opts = ",tls-creds=tls0,tls-authz=authz0"
    extra = ["-object", f"tls-creds-x509,id=tls0,endpoint=server,"
             f"dir={pki.qemu_server},verify-peer=on",
             "-object", "authz-simple,id=authz0,identity=CN=rig"]
    qemu = Qemu(QEMU, tmp, {"g0": (AST2600_GPIO, lsock, opts)}, extra)
    try:
        ctx = pki.client_context(pki.rig)
        with socket.create_connection(("127.0.0.1", port), TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                greeting = tls_line(s)
                tap.check(greeting.startswith("hello proto=1 "),
                          "TLS: the authorized client is greeted", greeting)
                s.sendall(b"set gpioD0=1\n")
                tap.eq(tls_line(s), "ok", "and drives gpioD0")
                tap.eq((qemu.qtest.readl(AST2600_GPIO_BASE + GPIO_DATA) >>
                        24) & 1, 1, "which the guest reads")

        refused = {
            "a client whose name is not authorized":
                read_greeting(pki.client_context(pki.intruder), port),
            "a client without a certificate":
                read_greeting(pki.client_context(), port),
        }
        for what, got in refused.items():
            tap.check(not got.startswith("hello"),
                      f"TLS: {what} gets no greeting", got)
        with socket.create_connection(("127.0.0.1", port), TIMEOUT) as raw:
            raw.sendall(b"ping\n")
            data = raw.recv(4096)
            tap.check(not data.startswith(b"hello"),
                      "TLS: a plain-text client gets no greeting", data)

        # The Python client, verifying QEMU's certificate.
        with qemu_gpio.Chip(f"tcp:127.0.0.1:{port}", tls=ctx) as chip:
            tap.eq(chip.get_info().num_lines, 208,
                   "qemu_gpio.Chip over TLS: the chip's 208 lines")
            with chip.request_lines({"gpioD1": qemu_gpio.LineSettings(
                    direction=qemu_gpio.Direction.OUTPUT,
                    output_value=qemu_gpio.Value.ACTIVE)}):
                tap.eq((qemu.qtest.readl(AST2600_GPIO_BASE + GPIO_DATA) >>
                        25) & 1, 1, "and a line request drives gpioD1")

        async def aio_chip():
            chip = await qemu_gpio.aio.open_chip(f"tcp:127.0.0.1:{port}",
                                                 tls=ctx)
            try:
                return (await chip.get_line_info("gpioD0")).value
            finally:
                await chip.close()
        tap.eq(asyncio.run(aio_chip()), qemu_gpio.Value.ACTIVE,
               "qemu_gpio.aio over TLS reads gpioD0")

        # The C library, through the qemu-gpio tool's options and its
        # environment variables.
        chip = f"tcp:127.0.0.1:{port}"
        got = tool("--tls-ca", pki.ca, "--tls-cert", pki.rig[1],
                   "--tls-key", pki.rig[0], "get", "-c", chip, "gpioD0")
        tap.eq(got, (0, '"gpioD0"=active', ""),
               "qemu-gpio --tls-ca/--tls-cert/--tls-key get over TLS")
        got = tool("info", "-c", chip, "gpioD1",
                   env={"QEMU_GPIO_TLS_CA": pki.ca,
                        "QEMU_GPIO_TLS_CERT": pki.rig[1],
                        "QEMU_GPIO_TLS_KEY": pki.rig[0]})
        tap.check(got[0] == 0 and '"gpioD1"' in got[1],
                  "qemu-gpio info with $QEMU_GPIO_TLS_*", got)
        got = tool("--tls-ca", pki.rig[1], "--tls-cert", pki.rig[1],
                   "--tls-key", pki.rig[0], "get", "-c", chip, "gpioD0")
        tap.check(got[0] == 1 and "cannot be trusted" in got[2],
                  "qemu-gpio refuses a server it cannot verify", got)
        got = tool("--tls-ca", pki.ca, "get", "-c", chip, "gpioD0")
        tap.check(got[0] == 1 and "the server refused the connection" in
                  got[2], "qemu-gpio without a certificate is not authorized",
                  got)

        wrong_ca = ssl.create_default_context(cafile=pki.rig[1])
        wrong_ca.load_cert_chain(pki.rig[1], pki.rig[0])
        try:
            qemu_gpio.Chip(f"tcp:127.0.0.1:{port}", tls=wrong_ca)
            tap.check(False, "a client that cannot verify QEMU refuses it")
        except ssl.SSLCertVerificationError:
            tap.check(True, "a client that cannot verify QEMU refuses it")
        tap.check(qemu.proc.poll() is None, "QEMU carries on after all that")
    finally:
        qemu.stop()


def test_client_mode(pki, tmp):
    """QEMU connects out over TLS to a server it verifies."""
    srv = listen_tcp()
    port = srv.getsockname()[1]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH,
                                     cafile=pki.ca)
    ctx.load_cert_chain(pki.server[1], pki.server[0])
    ctx.verify_mode = ssl.CERT_REQUIRED
    extra = ["-object", f"tls-creds-x509,id=cli,endpoint=client,"
             f"dir={pki.qemu_client}",
             "-gpiodev", f"socket,id=out,device=gpio,server=off,"
             f"addr.type=inet,addr.host=127.0.0.1,addr.port={port},"
             "tls-creds=cli"]
    qemu = Qemu(QEMU, tmp, {}, extra)
    try:
        srv.settimeout(TIMEOUT)
        conn, _ = srv.accept()
        with ctx.wrap_socket(conn, server_side=True) as s:
            greeting = tls_line(s)
            tap.check(greeting.startswith("hello proto=1 "),
                      "client mode over TLS: QEMU connects and greets",
                      greeting)
            peer = s.getpeercert()
            tap.check(("commonName", "rig") in
                      [kv for rdn in peer["subject"] for kv in rdn],
                      "with its client certificate", peer)
    finally:
        qemu.stop()
        srv.close()


def test_exposed_warning():
    """A TCP listener that other hosts can reach, without TLS."""
    args = [QEMU, "-M", "ast2600-evb", "-display", "none", "-monitor",
            "none", "-serial", "none", "-S", "-gpiodev",
            "socket,id=wide,device=gpio,addr.type=inet,addr.host=0.0.0.0,"
            "addr.port=0"]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL,
                            start_new_session=True,
                            preexec_fn=die_with_parent)
    try:
        err = LineReader(proc.stderr.fileno(), "qemu stderr")
        # (A sanitizer build may say something of its own first.)
        line = err.line()
        while "gpiodev" not in line:
            line = err.line()
        tap.check("gpiodev 'wide' listens on 0.0.0.0:0 without TLS" in line,
                  "no TLS on 0.0.0.0: QEMU warns at startup", line)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main():
    with tempfile.TemporaryDirectory(prefix="gpiodev-tls-") as tmp:
        pki = Pki(tmp)
        for test in (lambda: test_server(pki, tmp),
                     lambda: test_client_mode(pki, tmp),
                     test_exposed_warning):
            try:
                test()
            except Exception as e:  # every failure is a TAP failure
                tap.check(False, f"error: {type(e).__name__}: {e}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
