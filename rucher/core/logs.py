"""Logging of the background worker: one line per job at INFO ("<task> executed in 0.012s");
what Huey says around it (executing, periodic enqueues, its list of every task at start-up) only
at DEBUG (LOG_LEVEL=DEBUG)."""

import logging

# Huey's own messages (format strings, before arguments) that only DEBUG shows.
CHATTY = frozenset(
    {
        "Executing %s",
        "Enqueueing periodic task %s.",
        "Added task %s to schedule, eta %s",
        "Scheduler runs every %s second(s).",
        "Periodic tasks are %s.",
    }
)


class QuietJobs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        chatty = record.levelno == logging.INFO and (
            record.msg in CHATTY
            or str(record.msg).startswith("The following commands are available")
        )
        if not chatty:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
