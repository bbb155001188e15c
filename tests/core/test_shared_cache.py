"""The embedded default shares its cache between processes: two `rucher serve` processes on one
SQLite database agree at once on the current charter and on login throttling.

Real processes (gunicorn through `manage.py serve`), real HTTP: a per-process memory cache let
each process answer from its own copy for minutes.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import django
django.setup()
from rucher.accounts import services
from rucher.accounts.models import User
person = User.objects.create_user(username="ines", email="ines@example.org", password="pw-Ines-123")
charter = services.charter_publish(author=None, text_fr="Charte v1", text_en="Charter v1")
services.charter_accept(person=person, charter=charter)
_, raw = services.token_create(person=person, name="cache test")
print(raw)
"""

PUBLISH_V2 = """
import django
django.setup()
from rucher.accounts import services
services.charter_publish(author=None, text_fr="Charte v2", text_en="Charter v2")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, proc: subprocess.Popen) -> None:
    # Start-up time, not a behaviour under test: poll until the server accepts connections.
    for _ in range(600):
        if proc.poll() is not None:
            raise AssertionError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server on port {port} did not start")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    var = tmp_path_factory.mktemp("shared-cache-var")
    env = {
        key: value
        for key, value in os.environ.items()
        # The embedded default, as `make run` starts it (development mode, SQLite, no Redis).
        if key not in {"DATABASE_URL", "REDIS_URL", "RUCHER_TESTING", "RUCHER_ENV", "DEBUG"}
        and not key.startswith("PYTEST")
    }
    env.update(
        RUCHER_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="rucher.settings",
        PYTHONPATH=str(ROOT),
        RUCHER_LOGIN_MAX_FAILURES="5",
    )
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    token = subprocess.run([sys.executable, "-c", SETUP], **run).stdout.strip().splitlines()[-1]
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_until_up(port, proc)
        yield {
            "urls": [f"http://127.0.0.1:{port}" for port in ports],
            "token": token,
            "run": run,
        }
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _charter_accepted(base: str, token: str) -> bool:
    response = requests.get(
        f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["charter_accepted"]


def _login(base: str, username: str, password: str) -> int:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": match.group(1), "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code


@pytest.mark.xdist_group("shared-cache")
def test_it_sees_a_new_charter_in_every_process_at_once(two_servers):
    urls, token = two_servers["urls"], two_servers["token"]
    # Both processes read (and cache) version 1 as accepted.
    for _ in range(3):
        assert [_charter_accepted(url, token) for url in urls] == [True, True]
    subprocess.run([sys.executable, "-c", PUBLISH_V2], **two_servers["run"])
    # Version 2 is not accepted yet: every process knows it on the next call.
    assert [_charter_accepted(url, token) for url in urls for _ in range(3)] == [False] * 6


@pytest.mark.xdist_group("shared-cache")
def test_it_counts_login_failures_across_processes(two_servers):
    urls = two_servers["urls"]
    # Five failures spread over the two processes lock the account on both.
    statuses = [_login(urls[i % 2], "ines", "wrong-password") for i in range(5)]
    assert statuses == [400] * 5
    assert [_login(url, "ines", "wrong-password") for url in urls] == [429, 429]
    # Even the right password waits for the lock to end, whichever process answers.
    assert [_login(url, "ines", "pw-Ines-123") for url in urls] == [429, 429]
