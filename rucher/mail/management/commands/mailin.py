"""`rucher mailin`: receives email (replies and posts by email) from the MTA.

- `rucher mailin [--bind HOST:PORT]` runs an LMTP server (default 127.0.0.1:8024) for Postfix to
  deliver to: one reply per recipient after DATA (250, or 5xx with the bounce text so that the
  MTA bounces, or 451 when the database is unavailable so that it retries).
- `rucher mailin --stdin [--sender S] [--recipient R]` reads one message for an MTA pipe and
  exits with a sysexits code: 0 done or dropped, 67/77 bounced (text on stderr), 75 retry.

Both call rucher.mail.inbound.handle_inbound; see docs/mail.md for the Postfix side.
"""

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from logging.handlers import SysLogHandler
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections

from rucher.mail.inbound import EX_TEMPFAIL, InboundResult, handle_inbound, max_bytes

logger = logging.getLogger("rucher.mail.inbound")

DEFAULT_BIND = "127.0.0.1:8024"
# One message for more people than this is not a reply nor a post: the MTA sends the rest again.
MAX_RECIPIENTS = 50
TEMPORARY = "451 4.3.0 Temporary failure: please try again later."


def deliver(raw: bytes, recipient: str, sender: str | None) -> InboundResult:
    """One recipient of one message, in a worker thread (Django's database work is sync).

    The thread's connection is closed after each message: mail is rare next to web requests,
    and a connection left open in an idle thread only goes stale."""
    close_old_connections()
    try:
        return handle_inbound(raw, recipients=[recipient], sender=sender)
    finally:
        connections.close_all()


class InboundHandler:
    """aiosmtpd handler: handle_inbound once per recipient, in a small pool of threads."""

    def __init__(self, *, workers: int = 2) -> None:
        self.executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mailin")

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        # Every address is accepted here: whether it exists (a secret community…) is only
        # answered after DATA, with the same words as for any other bounce.
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        loop = asyncio.get_running_loop()
        replies = []
        for recipient in envelope.rcpt_tos:
            try:
                result = await loop.run_in_executor(
                    self.executor, deliver, raw, recipient, envelope.mail_from or ""
                )
                replies.append(result.smtp_reply)
            except Exception:
                logger.exception("inbound email: delivery failed")
                replies.append(TEMPORARY)
        # LMTP: one reply per accepted recipient, in order (RFC 2033).
        return "\r\n".join(replies)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class LMTPController(Controller):
    def factory(self) -> SMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def lmtp_controller(host: str, port: int, *, workers: int = 2) -> LMTPController:
    """The server `rucher mailin --bind` runs (tests start it on a free port)."""
    # aiosmtpd logs every recipient at INFO: reply addresses carry secret tokens.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    return LMTPController(
        InboundHandler(workers=workers),
        hostname=host,
        port=port,
        server_hostname=settings.RUCHER_MAIL_DOMAIN,
        ident="Rucher mailin",
        data_size_limit=max_bytes(),
        enable_SMTPUTF8=True,
    )


@contextmanager
def _log_away_from_stderr() -> Iterator[None]:
    """An MTA pipe turns the command's output into the bounce text: only the human message
    may go there, so the log line goes to syslog (mail facility) when there is one."""
    log = logging.getLogger("rucher.mail.inbound")
    handler: logging.Handler = logging.NullHandler()
    if os.path.exists("/dev/log"):
        with suppress(OSError):
            handler = SysLogHandler(address="/dev/log", facility=SysLogHandler.LOG_MAIL)
    previous = log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.propagate = previous
        handler.close()


def parse_bind(value: str) -> tuple[str, int]:
    host, _colon, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind expects HOST:PORT (e.g. {DEFAULT_BIND}), not {value!r}.")
    return host, int(port)


class Command(BaseCommand):
    help = (
        "Receive email for replies and posts by email: an LMTP server for the MTA (--bind), "
        "or one message from standard input (--stdin, for an MTA pipe)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=DEFAULT_BIND,
            help=f"HOST:PORT of the LMTP server (default {DEFAULT_BIND}).",
        )
        parser.add_argument("--workers", type=int, default=2, help="Database threads (2).")
        parser.add_argument(
            "--stdin",
            action="store_true",
            help="Read one message from standard input and exit (sysexits code).",
        )
        parser.add_argument(
            "--sender", default=None, help="With --stdin: the envelope sender (MTA ${sender})."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=None,
            help="With --stdin: the envelope recipient (MTA ${recipient}); else the headers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stdin"]:
            self._stdin(sender=options["sender"], recipients=options["recipient"])
            return
        host, port = parse_bind(options["bind"])
        self._serve(host, port, workers=options["workers"])

    def _stdin(self, *, sender: str | None, recipients: list[str] | None) -> None:
        with _log_away_from_stderr():
            self._read_and_handle(sender=sender, recipients=recipients)

    def _read_and_handle(self, *, sender: str | None, recipients: list[str] | None) -> None:
        stream = getattr(sys.stdin, "buffer", None)
        try:
            if stream is not None:
                raw = stream.read(max_bytes() + 1)
            else:
                raw = sys.stdin.read(max_bytes() + 1).encode("utf-8", "surrogateescape")
        except OSError as exc:
            self.stderr.write(f"Could not read the message: {exc}")
            sys.exit(EX_TEMPFAIL)
        result = handle_inbound(raw, recipients=recipients, sender=sender)
        if result.outcome in ("bounced", "deferred"):
            self.stderr.write(result.message)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _serve(self, host: str, port: int, *, workers: int) -> None:
        controller = lmtp_controller(host, port, workers=workers)
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, lambda *_args: stop.set())
        try:
            controller.start()
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from exc
        self.stdout.write(f"Rucher mailin: LMTP on {host}:{port} (Ctrl-C to stop).")
        try:
            stop.wait()
        finally:
            controller.stop()
            controller.handler.close()
