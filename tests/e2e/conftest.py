"""Browser tests: pytest-playwright drives Debian's /usr/bin/chromium against pytest-django's
live_server (a real threaded HTTP server in this process, over the test database).

Playwright must never download a browser of its own (there is no way out to fetch one): CI
installs Debian's chromium package instead (.ci/run).
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Response, expect

from rucher.core.factories import PASSWORD

# Playwright's sync API keeps an event loop running in the main thread, and the test code touches
# the database from that thread: Django would otherwise refuse with SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine's network is closed: without these, chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Browsers ask for /favicon.ico on their own; the site does not declare an icon (yet).
IGNORED_MISSING = ("/favicon.ico",)
# Web-first assertions retry until this timeout; pages here answer in milliseconds.
expect.set_options(timeout=5_000)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright 0.10's own base_url fixture trips a pytest 9 deprecation warning.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )
    config.addinivalue_line(
        "markers", "french: the browser asks for French (locale fr-FR); see browser_context_args"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": browser_type_launch_args.get("headless", True),
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict, request: pytest.FixtureRequest) -> dict:
    """The browser asks for English, so that locators read the same whether or not the French
    catalogue is compiled; the language journey gives its person French as their choice.

    A module of French journeys opts in with `pytestmark = pytest.mark.french`: its browser asks
    for French (Accept-Language and navigator.language). Function-scoped, unlike pytest-playwright's
    own, so that it can read the test's markers. A module's other needs go in pytest-playwright's
    marker, e.g. `pytest.mark.browser_context_args(bypass_csp=True)`, applied on top of these."""
    locale = "fr-FR" if request.node.get_closest_marker("french") else "en-US"
    return {**browser_context_args, "locale": locale, "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _e2e_settings(settings, tmp_path: Path) -> None:
    # Uploaded photos go to a throw-away folder, not the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """The page, failing the test on any browser-side error: a JavaScript exception, a Content
    Security Policy violation, a stylesheet, script or image that does not load.

    Pages themselves may answer 4xx (a form with errors answers 400): tests check those."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Failed loads are reported below with their resource type; the rest is a real error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_response(response: Response) -> None:
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith(IGNORED_MISSING)
        ):
            kind = response.request.resource_type
            problems.append(f"{response.status} for {kind} {response.url}")

    def on_page_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", on_page_error)
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    yield page
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def login(page: Page, live_server) -> Callable[..., None]:
    """Logs in through the login form, as a person would."""

    def _login(username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        # The URL changes before the page's deferred scripts run: a journey that types at once
        # could type before a listener exists (the search box's suggestions, seen once in CI).
        page.wait_for_load_state("load")

    return _login


@pytest.fixture
def connexion(page: Page, live_server) -> Callable[..., None]:
    """Logs in through the French login form (a module marked `french`), after leaving any open
    session: a journey switches from one person to the next with it."""

    def _connexion(username: str, password: str = PASSWORD) -> None:
        page.context.clear_cookies()
        # The first page of a test session can take over ten seconds on a busy machine (Django
        # imports and compiles on first use in the live server): a longer wait for this one.
        page.goto(f"{live_server.url}/accounts/login/", timeout=60_000)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe", exact=True).fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.wait_for_load_state("load")  # as in `login`: the page's scripts are listening

    return _connexion
