"""A one-line progress bar on a terminal stream (no dependency): rewritten at most five times a
second, with the rate and the time left; on a stream that is not a terminal, one line per 10 %."""

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    WIDTH = 24

    def __init__(
        self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool = True
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()
        self._shown = 0.0
        self._tenth = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._tty:
            if now - self._shown >= 0.2 or self.done >= self.total:
                self._shown = now
                self.stream.write("\r" + self._line(now))
                self.stream.flush()
        else:
            tenth = min(self.done * 10 // self.total, 10)
            if tenth != self._tenth:
                self._tenth = tenth
                self.stream.write(self._line(now) + "\n")
                self.stream.flush()

    def _line(self, now: float) -> str:
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "#" * filled + "." * (self.WIDTH - filled)
        return (
            f"{self.label} [{bar}] {share:4.0%} {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s, {_clock(elapsed)} elapsed, {_clock(left)} left "
        )

    def close(self) -> None:
        if self.enabled and self._tty:
            self.stream.write("\n")
            self.stream.flush()
