"""`make bench`: seeds (or reuses) a benchmark database and prints one table for Rucher's main
pages, against the floor (an empty authenticated page through the same middleware stack).

    python -m tests.bench.runner [--size small|medium|large] [--rounds 30] [--duration 10]
                                 [--connections 8] [--workers 2] [--threads 4] [--no-load]
                                 [--pages KEY,…] [--profile KEY]

Database: SQLite in var/bench/<size>/ by default; with DATABASE_URL set, the same PostgreSQL
server but a database of its own, `rucher_bench_<size>` (never the one DATABASE_URL names). A
bench database whose seed matches the size is reused; otherwise it is rebuilt (it belongs to the
bench: nothing else lives there).

Per page:
- median and p95 server time, median CPU time and SQL queries: in-process, Django's test
  Client, the production settings and middleware (RUCHER_ENV=production), `--rounds` requests
  per page after 3 warm-ups, the pages taken round-robin;
- requests per second: a real server (`rucher serve`: gunicorn, production settings) on
  127.0.0.1 and a load generator on 127.0.0.1 (wrk when installed, else a small asyncio one),
  `--connections` keep-alive connections for `--duration` seconds per page;
- each page's ratio to the floor, for both;
- the Python function calls of one request (cProfile), steady on a busy machine;
- a second floor, the framework's: a bare Django view with one 20-row query and a minimal
  template, no layout (tests/bench/urls.py).
`--pages floor,home` measures some pages only; `--profile PAGE` prints a cProfile instead.
The posts and likes the benchmark creates are removed at the end through the services (the
database stays as seeded, its counters and points ledger consistent).
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]

SIZES: dict[str, dict[str, int]] = {
    "small": {
        "people": 300,
        "communities": 25,
        "posts": 5_000,
        "comments": 15_000,
        "likes": 25_000,
    },
    "medium": {
        "people": 10_000,
        "communities": 500,
        "posts": 100_000,
        "comments": 300_000,
        "likes": 500_000,
    },
    "large": {
        "people": 10_000,
        "communities": 500,
        "posts": 1_000_000,
        "comments": 3_000_000,
        "likes": 5_000_000,
    },
}
SEED = 1
FLOOR_URL = "/__bench__/floor/"
FRAMEWORK_URL = "/__bench__/framework/"


def _environment(size: str, port: int) -> dict[str, str]:
    """Production settings against the bench database; set before Django is imported."""
    env: dict[str, str] = {}
    base = os.environ.get("DATABASE_URL", "")
    if base:
        parsed = urlparse(base)
        name = os.environ.get("RUCHER_BENCH_DB", f"rucher_bench_{size}")
        env["DATABASE_URL"] = urlunparse(parsed._replace(path="/" + name))
        var = ROOT / "var" / "bench" / f"{size}-{parsed.scheme.split('+')[0]}"
    else:
        var = ROOT / "var" / "bench" / size
    var.mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        RUCHER_VAR_DIR=str(var),
        RUCHER_ENV="production",
        DEBUG="0",
        SECRET_KEY=os.environ.get("RUCHER_BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        RUCHER_BASE_URL=f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no TLS proxy in front of this server.
        SECURE_SSL_REDIRECT="0",
        EMAIL_URL=f"file://{var / 'mail'}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Row:
    key: str
    name: str
    method: str = "GET"
    path: str = ""
    median: float | None = None
    p95: float | None = None
    queries: int | None = None
    cpu: float | None = None
    calls: int | None = None
    rps: float | None = None
    note: str = ""
    errors: int = 0
    socket_errors: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# --- database ------------------------------------------------------------------------------------


def _wanted_plan(size: str) -> dict[str, int]:
    return {**SIZES[size], "seed": SEED}


def _seeded_plan() -> dict[str, Any] | None:
    from rucher.core.models import AuditEvent
    from rucher.seed.organisation import SEED_ACTION

    event = AuditEvent.objects.filter(action=SEED_ACTION).order_by("-id").first()
    return event.data if event else None


def _prepare_database(size: str) -> dict[str, Any]:
    """Migrates, then reuses the seed if it matches the size, else rebuilds and seeds."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from rucher.seed.organisation import SEED_FORMAT

    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        _create_pg_database(db, drop=False)
    call_command("migrate", verbosity=0, interactive=False)
    wanted = _wanted_plan(size)
    seeded = _seeded_plan()
    plan_keys = list(wanted)
    if (
        seeded
        and seeded.get("format") == SEED_FORMAT
        and {k: seeded["plan"].get(k) for k in plan_keys} == wanted
    ):
        print(f"Reusing the seeded {size} database ({connection.vendor}).", flush=True)
        return seeded
    from rucher.accounts.models import User

    if seeded or User.objects.exists():
        # The bench's own database (var/bench/…, or rucher_bench_<size>): nothing else lives
        # there, so it is rebuilt rather than appended to.
        print(f"The bench database holds another size: rebuilding it for {size}.", flush=True)
        connection.close()
        if connection.vendor == "postgresql":
            _create_pg_database(db, drop=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
    print(f"Seeding the {size} organisation ({connection.vendor})…", flush=True)
    call_command(
        "seed",
        *[f"--{k}={v}" for k, v in wanted.items()],
        stdout=sys.stdout,
    )
    seeded = _seeded_plan()
    assert seeded is not None
    return seeded


def _vacuum_written_tables() -> None:
    """PostgreSQL: VACUUM (ANALYZE) the tables the benchmark writes (its posts, likes and points
    are created, then removed): the dead rows of earlier runs would otherwise sit at the head of
    the newest-first indexes when autovacuum is off or behind (it is off on the project's
    machine), and slow the next run's stream and feed. Production's autovacuum keeps them clean."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    labels = (
        "content.Post",
        "content.PostCommunity",
        "content.PostLike",
        "content.Tag",
        "recognition.PointsEntry",
        "recognition.PersonScore",
        "recognition.PeriodScore",
        "notifications.Notification",
        "accounts.AccessToken",
    )
    tables = [apps.get_model(label)._meta.db_table for label in labels]
    tables.append(apps.get_model("content.Post").tags.through._meta.db_table)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(quote(t) for t in tables))


def _create_pg_database(db: dict[str, Any], *, drop: bool) -> None:
    import psycopg
    from psycopg import sql

    name = str(db["NAME"])
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- subjects ------------------------------------------------------------------------------------


@dataclass
class Subjects:
    viewer: Any
    session: str
    token: str
    community: Any
    thread: Any
    like_ids: list[int]
    started: Any
    leaderboard: bool
    calendar_path: str = ""


def _subjects(seeded: dict[str, Any]) -> Subjects:
    from django.db.models import Count
    from django.test import Client
    from django.urls import Resolver404, resolve
    from django.utils import timezone

    from rucher.accounts.models import User
    from rucher.accounts.services import token_create
    from rucher.communities.models import Community, Membership
    from rucher.content.models import Post, PostCommunity

    viewer = User.objects.get(username=seeded["viewer"])
    from rucher.search import services as search_services
    from rucher.search.models import SearchEntry

    if not SearchEntry.objects.exists():  # a bench database seeded before search existed
        print("Filling the search index…", file=sys.stderr)
        search_services.rebuild()
    mine = Membership.objects.filter(person=viewer, status=Membership.Status.MEMBER).values(
        "community"
    )
    community = (
        Community.objects.filter(pk__in=mine)
        .annotate(n=Count("placements"))
        .order_by("-n", "id")
        .first()
    )
    readable = PostCommunity.objects.filter(community__in=mine).values("post")
    thread = (
        Post.objects.filter(pk__in=readable, comment_count__gte=50, hidden_at__isnull=True)
        .order_by("comment_count", "id")
        .first()
    ) or Post.objects.filter(pk__in=readable).order_by("-comment_count", "id").first()
    like_ids = list(
        Post.objects.filter(pk__in=readable, hidden_at__isnull=True)
        .exclude(author=viewer)
        .exclude(likes__person=viewer)
        .order_by("-id")
        .values_list("pk", flat=True)[:50_000]
    )
    _bench_library(community, viewer)
    client = Client()
    client.force_login(viewer)
    _token, raw = token_create(person=viewer, name="bench")
    try:
        resolve("/leaderboard/")
        leaderboard = True
    except Resolver404:
        leaderboard = False
    # The agenda's subject: a person in 40 communities with 2,000 upcoming events (issue 17).
    from tests.bench.agenda_seed import seed_agenda

    _agenda_person, calendar_token = seed_agenda()
    return Subjects(
        calendar_path=f"/calendar/{calendar_token}.ics",
        viewer=viewer,
        session=client.cookies["sessionid"].value,
        token=raw,
        community=community,
        thread=thread,
        like_ids=like_ids,
        started=timezone.now(),
        leaderboard=leaderboard,
    )


BENCH_DOCUMENTS = 300


def _bench_library(community: Any, viewer: Any) -> None:
    """The seed writes no documents: the bench community gets a library of BENCH_DOCUMENTS
    rows (two versions each, a few folders) once, so that its Documents tab lists a full
    page. Rows only: the page never opens the files."""
    from django.utils import timezone

    from rucher.documents.models import Document, DocumentVersion, Folder

    if Document.objects.filter(community=community).count() >= BENCH_DOCUMENTS:
        return
    now = timezone.now()
    Folder.objects.bulk_create(
        [Folder(community=community, name=f"Dossier bench {n:02d}") for n in range(12)],
        ignore_conflicts=True,
    )
    documents = Document.objects.bulk_create(
        [
            Document(
                community=community,
                name=f"bench-{n:04d}.pdf",
                author=viewer,
                version_count=2,
                size=100_000 + n,
                content_type="application/pdf",
                updated_at=now,
            )
            for n in range(BENCH_DOCUMENTS)
        ],
        ignore_conflicts=True,
    )
    documents = list(Document.objects.filter(community=community, name__startswith="bench-"))
    DocumentVersion.objects.bulk_create(
        [
            DocumentVersion(
                document=d,
                number=number,
                file=f"documents/bench/{d.pk}-{number}.pdf",
                size=d.size,
                content_type="application/pdf",
                uploader=viewer,
            )
            for d in documents
            for number in (1, 2)
        ],
        ignore_conflicts=True,
    )
    latest = dict(
        DocumentVersion.objects.filter(document__in=documents, number=2).values_list(
            "document_id", "pk"
        )
    )
    for d in documents:
        if d.pk in latest:
            d.latest_id = latest[d.pk]
    Document.objects.bulk_update(documents, ["latest"])


def _rows(s: Subjects) -> list[Row]:
    return [
        Row("floor", "floor (empty page)", path=FLOOR_URL),
        Row("framework", "framework floor (Django, 20 rows)", path=FRAMEWORK_URL),
        Row("home", f"home feed ({_memberships(s.viewer)} communities)", path="/"),
        Row(
            "community",
            f"community stream ({s.community.member_count} members)",
            path=f"/c/{s.community.slug}/",
        ),
        Row(
            "thread", f"post with {s.thread.comment_count} comments", path=f"/posts/{s.thread.pk}/"
        ),
        Row("blog", "community blog", path=f"/c/{s.community.slug}/blog/"),
        Row("forum", "community forum, by last reply", path=f"/c/{s.community.slug}/forum/"),
        Row("ideas", "idea box, by votes", path=f"/c/{s.community.slug}/ideas/?sort=votes"),
        Row(
            "documents",
            f"documents tab ({BENCH_DOCUMENTS} documents, first page)",
            path=f"/c/{s.community.slug}/documents/",
        ),
        Row("questions", "questions, unanswered", path="/questions/?status=unanswered"),
        Row("directory", "people directory", path="/people/"),
        Row("community_directory", "community directory", path="/communities/"),
        # Search: a word in most posts (ranking many matches) and a topic in a few percent.
        Row("search_common", "search, a common word (équipe)", path="/search/?q=%C3%A9quipe"),
        Row(
            "search_rare",
            "search, a rarer word (cybersécurité)",
            path="/search/?q=cybers%C3%A9curit%C3%A9",
        ),
        Row(
            "leaderboard", "leaderboard", path="/leaderboard/", note="" if s.leaderboard else "n/a"
        ),
        Row("calendar", "iCal feed (40 comm., 2,000 events)", path=s.calendar_path),
        Row("create", "post creation (API)", method="POST", path="/api/v1/posts"),
        Row("like", "like (API)", method="POST", path="/"),
    ]


def _memberships(viewer: Any) -> int:
    from rucher.communities.models import Membership

    return Membership.objects.filter(person=viewer, status=Membership.Status.MEMBER).count()


def _post_body(n: int) -> str:
    return f"Benchmark post {n}: une phrase en français, and one in English. #benchrun"


# --- in-process timings ------------------------------------------------------------------------


def _caller(s: Subjects) -> Any:
    """`call(row)`: one request of the row's page, as the bench's home viewer."""
    from django.test import Client

    web = Client()
    web.cookies["sessionid"] = s.session
    api = Client(HTTP_AUTHORIZATION=f"Bearer {s.token}")
    anonymous = Client()
    counter = iter(range(10**9))
    likes = iter(s.like_ids)
    slug = s.community.slug

    def call(row: Row) -> Any:
        if row.key == "create":
            return api.post(
                "/api/v1/posts",
                {"communities": [slug], "body": _post_body(next(counter))},
                content_type="application/json",
            )
        if row.key == "like":
            return api.post(f"/api/v1/posts/{next(likes)}/like")
        if row.key == "calendar":
            return anonymous.get(row.path)
        return web.get(row.path)

    return call


def _calls(call: Any, row: Row) -> int:
    """Python function calls of one request (cProfile's count): unlike time, it hardly moves
    with the load of a shared machine, so it compares two versions of the code exactly."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call(row)
    profiler.disable()
    return int(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]


def _measure(rows: list[Row], s: Subjects, rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = _caller(s)
    measured = [row for row in rows if row.note != "n/a"]
    times: dict[str, list[float]] = {row.key: [] for row in measured}
    cpu: dict[str, list[float]] = {row.key: [] for row in measured}
    queries: dict[str, list[int]] = {row.key: [] for row in measured}
    # Round-robin over the pages (3 warm-up rounds first): a burst of activity from elsewhere
    # on the machine then slows every page alike instead of one, and the ratios hold better.
    for i in range(rounds + 3):
        for row in measured:
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                start_cpu = time.process_time()
                response = call(row)
                elapsed = (time.perf_counter() - start) * 1000
                used = (time.process_time() - start_cpu) * 1000
            if response.status_code not in (200, 201):
                raise SystemExit(
                    f"{row.name}: {row.method} answered {response.status_code}: "
                    f"{response.content[:300]!r}"
                )
            if i >= 3:
                times[row.key].append(elapsed)
                cpu[row.key].append(used)
                queries[row.key].append(len(ctx.captured_queries))
    for row in measured:
        row.calls = _calls(call, row)
        ordered = sorted(times[row.key])
        row.median = statistics.median(ordered)
        row.p95 = ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]
        row.cpu = statistics.median(cpu[row.key])
        row.queries = max(queries[row.key])
        if min(queries[row.key]) != row.queries:
            row.extra["queries_min"] = min(queries[row.key])
        print(
            f"  {row.name}: {row.median:.1f} ms median, {row.cpu:.1f} ms CPU, "
            f"{row.queries} queries, {row.calls:,} calls",
            flush=True,
        )


def _profile(rows: list[Row], s: Subjects, key: str, rounds: int) -> None:
    """`--profile KEY`: the page's requests under cProfile, the 40 costliest functions by own
    time and by cumulative time (3 warm-ups first; the profiler itself doubles the time)."""
    import cProfile
    import pstats

    row = next((r for r in rows if r.key == key), None)
    if row is None:
        raise SystemExit(f"--profile: no page {key!r}; pages: {', '.join(r.key for r in rows)}")
    call = _caller(s)
    for _ in range(3):
        call(row)
    # The garbage collector's pauses land in whatever function allocates at the time (often
    # Query.clone): time them apart so that they are not mistaken for that function's cost.
    import gc

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = []

    def _gc_timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    print(
        f"objects the collector tracks: {len(gc.get_objects()):,} "
        f"({gc.get_freeze_count():,} frozen)"
    )
    gc.callbacks.append(_gc_timer)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        call(row)
    profiler.disable()
    gc.callbacks.remove(_gc_timer)
    for generation, spent in pauses.items():
        print(
            f"gc generation {generation}: {len(spent) / rounds:.1f} collections and "
            f"{sum(spent) * 1000 / rounds:.2f} ms per request (under the profiler)"
        )
    out = ROOT / "var" / "bench" / f"profile-{key}.pstats"
    profiler.dump_stats(out)  # for snakeviz/pstats: the callers and callees of any function
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\n{row.name} (saved to {out}): {stats.total_calls / rounds:,.0f} calls per request")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)


# --- load ----------------------------------------------------------------------------------------


def _start_server(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> Any:
    command = [
        str(ROOT / ".venv" / "bin" / "rucher"),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    if not Path(command[0]).exists():
        command[0:1] = [sys.executable, "-m", "rucher.cli"]
    handle = log.open("w")
    process = subprocess.Popen(  # noqa: S603 (fixed command)
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"rucher serve stopped; see {log}")
        try:
            with urllib.request.urlopen(  # noqa: S310 (loopback)
                f"http://127.0.0.1:{port}/accounts/login/", timeout=2
            ) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"rucher serve did not answer on port {port} within 90 s; see {log}")


def _stop_server(process: Any) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def _check(port: int, row: Row, headers: dict[str, str]) -> None:
    """One request before the load: it must answer 200 or 201, not a redirect to the login."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path, body = _request_of(row, 0, [])
    conn.request(row.method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.status not in (200, 201):
        raise SystemExit(f"{row.name}: the server answered {response.status} to {path}")


def _request_of(row: Row, n: int, like_ids: list[int]) -> tuple[str, bytes | None]:
    if row.key == "create":
        return row.path, json.dumps(
            {"communities": [row.extra["slug"]], "body": _post_body(n)}
        ).encode()
    if row.key == "like":
        ids = like_ids or row.extra["like_ids"]
        return f"/api/v1/posts/{ids[n % len(ids)]}/like", b""
    return row.path, None


def _headers(row: Row, s: Subjects, port: int) -> dict[str, str]:
    # A new connection per request, as from many independent clients: gunicorn's threaded
    # workers keep the keep-alive connections they accepted, and the load generator's few
    # connections often all landed on one of the two workers (half the throughput, by chance).
    headers = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    if row.method == "POST":
        headers["Authorization"] = f"Bearer {s.token}"
        headers["Content-Type"] = "application/json"
    elif row.key != "calendar":  # calendar clients send no cookie: the token is in the URL
        headers["Cookie"] = f"sessionid={s.session}"
    return headers


def _wrk(
    port: int, row: Row, headers: dict[str, str], duration: int, connections: int
) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.lua"
        lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items() if k != "Host"]
        if row.key == "create":
            lines += [
                'wrk.method = "POST"',
                "local n = 0",
                "request = function()",
                "  n = n + 1",
                f'  local body = \'{{"communities": ["{row.extra["slug"]}"], "body": '
                + "\"Benchmark post under load ' .. n .. ' #benchrun\"}'",
                "  return wrk.format(nil, nil, nil, body)",
                "end",
            ]
        elif row.key == "like":
            ids = ",".join(str(i) for i in row.extra["like_ids"])
            lines += [
                'wrk.method = "POST"',
                f"local ids = {{{ids}}}",
                "local n = 0",
                "request = function()",
                "  n = n + 1",
                '  return wrk.format(nil, "/api/v1/posts/" .. ids[(n - 1) % #ids + 1] .. "/like")',
                "end",
            ]
        script.write_text("\n".join(lines) + "\n")
        result = subprocess.run(  # noqa: S603 (fixed command)
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{row.path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    rps = 0.0
    errors = socket_errors = 0
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            errors += int(line.split()[-1])
        elif line.startswith("Socket errors:"):
            parts = line.split(":", 1)[1].split(",")
            socket_errors += sum(int(part.split()[-1]) for part in parts)
    return rps, errors, socket_errors


async def _async_load(
    port: int, row: Row, headers: dict[str, str], duration: int, connections: int
) -> tuple[float, int]:
    """A minimal HTTP/1.1 load generator (used when wrk is not installed); it reconnects when the
    server closes the connection."""
    done = 0
    errors = 0
    counter = 0
    deadline = time.monotonic() + duration

    async def worker() -> None:
        nonlocal done, errors, counter
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < deadline:
                counter += 1
                path, body = _request_of(row, counter, [])
                head = [f"{row.method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
                if body is not None:
                    head.append(f"Content-Length: {len(body)}")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
                await writer.drain()
                status_line = await reader.readline()
                status = int(status_line.split()[1])
                length, chunked, close = 0, False, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    name = name.strip().lower()
                    if name == "content-length":
                        length = int(value)
                    elif name == "transfer-encoding" and "chunked" in value.lower():
                        chunked = True
                    elif name == "connection" and "close" in value.lower():
                        close = True
                if chunked:
                    while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
                        await reader.readexactly(size + 2)
                    await reader.readline()
                else:
                    await reader.readexactly(length)
                done += 1
                if status not in (200, 201):
                    errors += 1
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.monotonic() - start), errors


def _load(rows: list[Row], s: Subjects, env: dict[str, str], args: argparse.Namespace) -> str:
    port = int(env["RUCHER_BASE_URL"].rsplit(":", 1)[1])
    log = Path(env["RUCHER_VAR_DIR"]) / "server.log"
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    generator = "wrk" if use_wrk else "a Python asyncio client"
    if args.generator == "auto" and not use_wrk:
        generator += " (wrk is not installed: apt-get install wrk)"
    process = _start_server(env, port, args.workers, args.threads, log)
    try:
        for row in rows:
            if row.note == "n/a":
                continue
            row.extra["slug"] = s.community.slug
            # The first ids were liked by the in-process rounds: like others under load.
            row.extra["like_ids"] = s.like_ids[args.rounds + 3 :] or s.like_ids
            headers = _headers(row, s, port)
            _check(port, row, headers)
            if use_wrk:
                row.rps, row.errors, row.socket_errors = _wrk(
                    port, row, headers, args.duration, args.connections
                )
            else:
                row.rps, row.errors = asyncio.run(
                    _async_load(port, row, headers, args.duration, args.connections)
                )
            print(f"  {row.name}: {row.rps:.1f} requests/s", flush=True)
    finally:
        _stop_server(process)
    return generator


# --- cleanup and output --------------------------------------------------------------------------


def _cleanup(s: Subjects) -> tuple[int, int]:
    """Removes what the bench wrote, through the services (counters and ledger stay right)."""
    from rucher.accounts.models import AccessToken
    from rucher.actions import likes as like_actions
    from rucher.actions import posts as post_actions
    from rucher.content.models import Post, PostLike

    liked = list(
        PostLike.objects.filter(person=s.viewer, created_at__gte=s.started).select_related("post")
    )
    for like in liked:
        like_actions.post_unlike(person=s.viewer, post=like.post)
    created = list(
        Post.objects.filter(author=s.viewer, created_at__gte=s.started, tags__slug="benchrun")
    )
    for post in created:
        post_actions.post_remove(actor=s.viewer, post=post)
    AccessToken.objects.filter(person=s.viewer, name="bench").delete()
    return len(created), len(liked)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _table(rows: list[Row], title: list[str]) -> str:
    floor = rows[0]
    out = [*title, ""]
    out.append(
        f"{'page':<36}{'median ms':>10}{'p95 ms':>8}{'× floor':>8}{'cpu ms':>8}{'× floor':>8}"
        f"{'queries':>8}{'calls':>9}{'req/s':>7}{'× floor':>8}"
    )
    for row in rows:
        if row.note == "n/a":
            out.append(f"{row.name:<36}{'n/a (no such page yet)':>74}")
            continue
        ratio = row.median / floor.median if row.median and floor.median else None
        cpu_ratio = row.cpu / floor.cpu if row.cpu and floor.cpu else None
        load_ratio = floor.rps / row.rps if row.rps and floor.rps else None
        warn = ""
        if row.errors or row.socket_errors:
            warn = f"  ({row.errors} answers not 2xx, {row.socket_errors} socket errors)"
        queries = str(row.queries) if row.queries is not None else "-"
        if "queries_min" in row.extra:
            queries = f"{row.extra['queries_min']}-{queries}"
        out.append(
            f"{row.name:<36}{_fmt(row.median):>10}{_fmt(row.p95):>8}{_fmt(ratio):>8}"
            f"{_fmt(row.cpu):>8}{_fmt(cpu_ratio):>8}{queries:>8}{_fmt(row.calls, 0):>9}"
            f"{_fmt(row.rps, 0):>7}"
            f"{_fmt(load_ratio):>8}{warn}"
        )
    return "\n".join(out)


def _growth(size: str, vendor: str, rows: list[Row], results_dir: Path) -> str:
    """Medians at this size against the previous size's (medium → large), if it was run."""
    previous = {"large": "medium", "medium": "small"}.get(size)
    path = results_dir / f"results-{previous}-{vendor}.json"
    if not previous or not path.exists():
        return ""
    before = {r["key"]: r for r in json.loads(path.read_text())["rows"]}
    lines = [f"\nGrowth of the medians from {previous} to {size} (goal: at most 1.5×):"]
    for row in rows:
        old = before.get(row.key)
        if old and old.get("median") and row.median:
            lines.append(
                f"  {row.name:<36}{old['median']:>8.1f} → {row.median:>8.1f} ms"
                f"{row.median / old['median']:>7.2f}×"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", choices=list(SIZES), default=os.environ.get("BENCH_SIZE") or "small"
    )
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "30")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "8"))
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-load", action="store_true", help="in-process timings only")
    parser.add_argument(
        "--pages",
        help="comma-separated page keys to measure (floor, framework, home, …); default all",
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="profile one page (floor, framework, home, …) with cProfile instead of the table",
    )
    parser.add_argument(
        "--no-warm-up",
        action="store_true",
        help="measure in-process without rucher.core.warmup (the collector then walks every "
        "object the process loaded, as before issue 23)",
    )
    parser.add_argument(
        "--generator",
        choices=["auto", "wrk", "python"],
        default=os.environ.get("BENCH_GENERATOR", "auto"),
        help="load generator: wrk when installed (auto), or the built-in asyncio one",
    )
    args = parser.parse_args(argv)

    port = _free_port()
    env = _environment(args.size, port)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    seeded = _prepare_database(args.size)
    _vacuum_written_tables()
    call_command("collectstatic", interactive=False, verbosity=0)
    subjects = _subjects(seeded)
    rows = _rows(subjects)
    if args.pages:
        wanted = {"floor", *args.pages.split(",")}
        rows = [row for row in rows if row.key in wanted]
    if not args.no_warm_up:
        # As rucher/wsgi.py does in each production worker (gc.freeze() after loading).
        from rucher.core.warmup import warm_up

        warm_up()
    if args.profile:
        try:
            _profile(rows, subjects, args.profile, args.rounds)
        finally:
            _cleanup(subjects)
        return 0
    print(f"In-process timings ({args.rounds} rounds)…", flush=True)
    try:
        _measure(rows, subjects, args.rounds)
        generator = "none"
        if not args.no_load:
            print(f"Load: {args.connections} connections × {args.duration} s per page…", flush=True)
            generator = _load(rows, subjects, env, args)
    finally:
        created, liked = _cleanup(subjects)
        _vacuum_written_tables()
    plan = seeded["plan"]
    vendor = connection.vendor
    title = [
        f"Rucher bench, size {args.size}: {plan['people']:,} people, {plan['communities']:,} "
        f"communities, {plan['posts']:,} posts, {plan['comments']:,} comments, "
        f"{plan['likes']:,} likes (seed {plan['seed']}), on {vendor}, {os.cpu_count()} cores.",
        f"Server time: in-process test Client, production settings, median and p95 of "
        f"{args.rounds} requests. Load: rucher serve (gunicorn, {args.workers} workers × "
        f"{args.threads} threads) with {generator}, {args.connections} connections, "
        f"{args.duration} s per page, on the same machine.",
        "cpu ms: the median CPU time of the process per request (on PostgreSQL, without the "
        "database server's). calls: Python function calls of one request (cProfile; steady "
        "on a busy machine). × floor: the page's median (or CPU time) ÷ the floor's; under "
        "load, the floor's req/s ÷ the page's. The framework floor is a bare Django view (one "
        "20-row query, a minimal template, no layout) behind the same middleware.",
    ]
    table = _table(rows, title)
    print("\n" + table)
    results_dir = ROOT / "var" / "bench"
    print(_growth(args.size, vendor, rows, results_dir))
    (results_dir / f"results-{args.size}-{vendor}.json").write_text(
        json.dumps(
            {
                "size": args.size,
                "vendor": vendor,
                "plan": plan,
                "rows": [r.__dict__ | {"extra": {}} for r in rows],
                "table": table,
            },
            indent=2,
        )
    )
    print(
        f"(bench took {time.perf_counter() - started:.0f} s; removed its {created} posts and "
        f"{liked} likes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
