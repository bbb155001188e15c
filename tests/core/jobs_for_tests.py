"""Tasks used by the job tests: importable by path, as django.tasks requires."""

from django.tasks import task

RECORDED: list[str] = []
ATTEMPTS = {"flaky": 0, "broken": 0}


@task
def record(value: str) -> None:
    RECORDED.append(value)


@task
def flaky(fail_times: int) -> str:
    """Fails the first `fail_times` runs, then succeeds."""
    ATTEMPTS["flaky"] += 1
    if ATTEMPTS["flaky"] <= fail_times:
        raise RuntimeError("transient failure")
    return "done"


@task
def broken() -> None:
    ATTEMPTS["broken"] += 1
    raise RuntimeError("always fails")


def reset() -> None:
    RECORDED.clear()
    ATTEMPTS.update(flaky=0, broken=0)
