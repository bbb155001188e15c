"""`rucher runall`: the web server, the background worker and the inbound mail server (LMTP)
together, for `make run`.

Each child runs in its own session, so Ctrl+C in the terminal reaches this command only; on
SIGINT or SIGTERM it stops every child (and their own children, gunicorn's workers) and waits for
them, so nothing is left holding the ports. When the web server answers, it prints where to go
— last, after the children's start-up lines."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# How long children get to stop after SIGTERM before they (and their process group) are killed.
STOP_GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 60


class Stop(Exception):
    """Raised by the signal handler to leave the waiting loop."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signum)


def _listening(bind: str) -> bool:
    host, _sep, port = bind.rpartition(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host or "127.0.0.1", int(port))) == 0


def _web_answers(bind: str) -> bool:
    """One request, waited for (probes that time out would queue and be logged later)."""
    try:
        urllib.request.urlopen(  # noqa: S310 (our own server)
            f"http://{bind}/accounts/login/", timeout=READY_TIMEOUT_SECONDS
        )
    except urllib.error.HTTPError:
        return True  # an answer, even an error page: the server is up
    except OSError:
        return False
    return True


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signum)


def stop_children(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each child's process group, a grace period, then SIGKILL; waits for all."""
    for proc in procs:
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    for proc in procs:
        # Whatever is left in the group (a gunicorn worker whose master was killed…) goes too.
        _signal_group(proc, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait()


class Command(BaseCommand):
    help = "Run the web server, the background worker and `mailin` until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--mailin",
            default="127.0.0.1:8024",
            help="Where the LMTP server for inbound email listens; 'off' to not start it.",
        )
        parser.add_argument(
            "--login-hint",
            action="store_true",
            help="Print the demo accounts to log in with once the server answers (make run).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rucher = [sys.executable, "-m", "rucher.cli"]
        bind, mailin = options["bind"], options["mailin"]
        commands = [[*rucher, "worker"], [*rucher, "serve", "--bind", bind]]
        if mailin != "off":
            commands.append([*rucher, "mailin", "--bind", mailin])
        previous = {
            signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        procs: list[subprocess.Popen[bytes]] = []
        try:
            for command in commands:
                procs.append(subprocess.Popen(command, start_new_session=True))  # noqa: S603
            self._announce_when_ready(procs, bind, mailin, hint=options["login_hint"])
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except Stop:
            self.stdout.write("Stopping Rucher…")
        finally:
            # Stopping must not be interrupted by a second Ctrl+C.
            for signum in previous:
                signal.signal(signum, signal.SIG_IGN)
            stop_children(procs)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        codes = [p.returncode for p in procs]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGKILL, None) for code in codes):
            sys.exit(1)

    def _announce_when_ready(
        self, procs: list[subprocess.Popen[bytes]], bind: str, mailin: str, *, hint: bool
    ) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not _listening(bind):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                return
            time.sleep(0.3)
        if not _web_answers(bind):
            return
        parts = "web server, worker" + (f", LMTP on {mailin}" if mailin != "off" else "")
        self.stdout.write(self.style.SUCCESS(f"Rucher is running on http://{bind}/ ({parts})."))
        if hint:
            # By name: the demo accounts belong to a higher layer than this command.
            call_command("demo", login_only=True, base_url=f"http://{bind}", stdout=self.stdout)
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()
