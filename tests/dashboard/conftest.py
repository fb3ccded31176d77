"""Fixtures of the dashboard's browser tests: one chromium per run, one live Iris server, keys, a page per test.

The browser is Debian's `chromium` driven by Playwright (its own browser download is not reachable everywhere):
one per test session (so one per pytest-xdist worker), a fresh context per test. The server is the real app on
the shared harness (`tests.support.live`) with authentication on, three teams on the model stand-in (`beta`
holds every tool use for a decision) and the dashboard served both at its path and on a port of its own; the
tests of a package share it, so each test works on its own team/caller pair or its own keys.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from app.auth.store import KeyStore
from app.standin import ModelStandIn
from tests.support.live import ROOT, LiveServer, free_port, write_config

T = TypeVar("T")

DASHBOARD = ROOT / "dashboard"
"""The dashboard's sources (its own package.json; axe-core comes with its node_modules)."""
SCREENSHOTS = Path(os.environ.get("IRIS_SCREENSHOTS") or ROOT / ".screenshots")
"""Where the tests save a picture of each page: `.screenshots/` (not committed), or IRIS_SCREENSHOTS (`./dev
screenshots` points it at docs/screenshots/, the README's pictures)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEAMS = ("alpha", "beta", "gamma")
"""The server's teams; beta asks for a decision on every tool use."""

expect.set_options(timeout=20_000)  # a shared two-core machine: a page may take a while to answer


def chromium_path() -> str:
    """Debian's chromium, or a test failure saying how to install it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("the dashboard tests drive Debian's chromium: apt-get install chromium")
    return path


def npm_ci(folder: Path) -> None:
    """`npm ci` in folder when node_modules is missing or older than package-lock.json (one pytest-xdist worker
    at a time: the others wait for it and find it done)."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"
    if not lock.exists():
        pytest.fail(f"{lock.relative_to(ROOT)} is missing")
    with open(Path(tempfile.gettempdir()) / "iris-dashboard-npm-ci.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
            return
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm (Node 20+) is needed for the dashboard's accessibility checks (axe-core)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a loop in another thread (Playwright's sync API holds this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# ----------------------------------------------------------------------------- the browser


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, once for these tests: its sync API keeps an event loop running in the main thread while
    it is started, so it must stop before the rest of the suite (whose fixtures call `asyncio.run`) goes on."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless chromium for every test of the dashboard."""
    browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe-core's browser build, from the dashboard's node_modules."""
    npm_ci(DASHBOARD)
    return (DASHBOARD / "node_modules" / "axe-core" / "axe.min.js").read_text()


@dataclass
class Pages:
    """Opens pages, each in a fresh browser context, and watches what they do (the console and failed requests are
    printed: pytest shows them when the test fails); closes them after the test."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Uncaught exceptions of any page (the test fails at teardown when there are some)."""

    def open(self, **options: Any) -> Page:
        """A page in a new context (`browser.new_context` options: viewport, color_scheme, ...)."""
        context = self.browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
        context.set_default_timeout(30_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: print(f"console {message.type} at {page.url}: {message.text}"))
        page.on("requestfailed", lambda request: print(f"request failed: {request.url} {request.failure}"))
        return page

    def close(self) -> None:
        """Close every context opened."""
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    """Pages for one test, each in its own browser context (no storage shared between tests)."""
    opened = Pages(browser)
    yield opened
    opened.close()
    assert opened.errors == [], "uncaught errors in the page"


@pytest.fixture
def page(pages: Pages) -> Page:
    """One page, 1280 x 900, light."""
    return pages.open()


# ----------------------------------------------------------------------------- the server


@dataclass
class Keys:
    admin: str
    viewer: str
    """A viewer key (status:read, cache:read) limited to team alpha."""


@dataclass
class Dashboard:
    """The live server and the two addresses of its dashboard."""

    server: LiveServer
    keys: Keys
    root: Path
    """The server's folder: the teams' project folders are `root/projects/<team>`."""
    own_port: int

    @property
    def url(self) -> str:
        """The dashboard served by the API server itself (same origin)."""
        return f"{self.server.url}/dashboard/"

    @property
    def own_url(self) -> str:
        """The dashboard on its own port (`dashboard.port`), calling the API across origins."""
        return f"http://127.0.0.1:{self.own_port}/"

    def new_key(self, name: str, **options: Any) -> tuple[str, str]:
        """A new key (default: the admin role) in the running server's store: (its id, the key)."""

        async def make() -> tuple[str, str]:
            async with KeyStore(self.server.config.api.key_store_path) as store:
                created = await store.create(name, **({"role": "admin"} | options))
                return created.record.id, created.key

        return run_apart(make())

    def api(self, key: str | None = None) -> httpx.Client:
        """An HTTP client of the API with `key` (default: the admin key)."""
        return self.server.client(key=key or self.keys.admin)

    def latest_tell(self, team: str, caller: str = "external") -> dict[str, Any]:
        """The newest tell record of the pair caller -> team, as the API reports it."""
        with self.api() as api:
            answer = api.get(f"/api/teams/{team}/report", params={"fromTeam": caller, "limit": 1})
        assert answer.status_code == 200, answer.text
        item: dict[str, Any] = answer.json()["items"][0]
        return item


@pytest.fixture(scope="package")
def dashboard(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[Dashboard]:
    """One real Iris server for the package's tests: alpha, beta (grantPermission: ask) and gamma on the stand-in."""
    root = tmp_path_factory.mktemp("dashboard")
    own_port = free_port()
    config = write_config(
        root,
        standin,
        {"alpha": {}, "beta": {"grantPermission": "ask"}, "gamma": {}},
        settings={"maxProcesses": 6},
        api={
            "requireAuth": True,
            "cors": {"enabled": True, "origins": [f"http://127.0.0.1:{own_port}"]},
            "audit": {"authSuccess": "none"},
        },
        dashboard={"enabled": True, "port": own_port, "host": "127.0.0.1"},
    )
    server = LiveServer(config)
    with server:
        store = server.config.api.key_store_path

        async def provision() -> Keys:
            async with KeyStore(store) as keys:
                admin = await keys.create("dash-admin", role="admin")
                viewer = await keys.create("dash-viewer", role="viewer", teams=["alpha"])
            return Keys(admin.key, viewer.key)

        yield Dashboard(server, run_apart(provision()), root, own_port)


# ----------------------------------------------------------------------------- steps the tests share


def sign_in(page: Page, url: str, key: str) -> None:
    """Open the dashboard at `url`, sign in with `key` and wait for the fleet page."""
    page.goto(url)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Fleet", level=1)).to_be_visible()


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (axe comes in by an init script,
    `page.add_init_script(axe_source)`: the page's CSP refuses a script tag)."""
    found: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def wait_for(page: Page, expression: str, timeout: float = 60.0) -> None:
    """Wait until a JavaScript expression is true in the page (polled from here: the page's CSP forbids the
    `eval` that `page.wait_for_function` uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def screenshot(page: Page, name: str) -> None:
    """Save the whole page as <name>.png in SCREENSHOTS."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled", caret="hide")


@pytest.fixture(scope="package")
def history(dashboard: Dashboard) -> None:
    """A finished tell external -> alpha, so that the fleet has a session row and the conversation an entry."""
    with dashboard.api() as api:
        answer = api.post("/api/teams/tell", json={"toTeam": "alpha", "message": "What does this project do?"})
    assert answer.status_code == 200 and answer.json()["status"] == "completed", answer.text
