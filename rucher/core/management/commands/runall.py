"""`rucher runall`: the web server, the background worker and the inbound mail server (LMTP)
together, for `make run`."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, the background worker and `mailin` until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--mailin",
            default="127.0.0.1:8024",
            help="Where the LMTP server for inbound email listens; 'off' to not start it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rucher = [sys.executable, "-m", "rucher.cli"]
        procs = [
            subprocess.Popen([*rucher, "worker"]),  # noqa: S603
            subprocess.Popen([*rucher, "serve", "--bind", options["bind"]]),  # noqa: S603
        ]
        mailin = options["mailin"]
        if mailin != "off":
            procs.append(subprocess.Popen([*rucher, "mailin", "--bind", mailin]))  # noqa: S603
        parts = "web server, worker" + (f", LMTP on {mailin}" if mailin != "off" else "")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rucher is running on http://{options['bind']}/ ({parts}). Press Ctrl+C to stop."
            )
        )
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        codes = [p.returncode for p in procs]
        if any(code not in (0, -signal.SIGTERM, None) for code in codes):
            os._exit(1)
