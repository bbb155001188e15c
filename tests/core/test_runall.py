"""`rucher runall` (make run): SIGTERM or Ctrl+C (SIGINT) stops every child — the web server
and its workers, the background worker, the LMTP server — and frees their ports; and the
worker's log says one line per job."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rucher.core.logs import QuietJobs

ROOT = Path(__file__).resolve().parents[2]
# Generous: four Django processes start on a shared, busy machine.
START_TIMEOUT = 120
STOP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_child_and_frees_the_ports(tmp_path, signum):
    web, lmtp = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("RUCHER_TESTING", "DATABASE_URL")}
    env |= {"RUCHER_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "WEB_CONCURRENCY": "1"}
    runall = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "rucher.cli", "runall", "--bind", f"127.0.0.1:{web}"]
        + ["--mailin", f"127.0.0.1:{lmtp}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: _listening(web) and _listening(lmtp), START_TIMEOUT)
        children = _descendants(runall.pid)
        # The worker, gunicorn and its worker, mailin (at least).
        assert len(children) >= 4, children
        runall.send_signal(signum)
        runall.wait(timeout=STOP_TIMEOUT)
        assert _wait_for(lambda: not any(_alive(pid) for pid in children), STOP_TIMEOUT)
        assert _port_is_free(web) and _port_is_free(lmtp)
    finally:
        if runall.poll() is None:
            os.killpg(runall.pid, signal.SIGKILL)
            runall.wait()


def _record(msg: str, *args: object, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("huey.api", level, __file__, 1, msg, args, None)


@pytest.fixture
def huey_logger():
    logger = logging.getLogger("huey")
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_the_worker_logs_one_line_per_job_at_info(huey_logger):
    quiet = QuietJobs()
    huey_logger.setLevel(logging.INFO)
    assert quiet.filter(_record("%s executed in %0.3fs", "rucher.task", 0.01))
    assert not quiet.filter(_record("Executing %s", "rucher.task"))
    assert not quiet.filter(_record("Enqueueing periodic task %s.", "rucher.task"))
    assert not quiet.filter(_record("The following commands are available:\n+ a\n+ b"))
    assert quiet.filter(_record("Task %s not run, %s.", "x", "y", level=logging.WARNING))
    huey_logger.setLevel(logging.DEBUG)
    shown = _record("Executing %s", "rucher.task")
    assert quiet.filter(shown) and shown.levelname == "DEBUG"
