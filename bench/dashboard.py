"""Dashboard benchmark: the first page's gzipped JavaScript, and the fleet view under a burst of events in chromium.

    python bench/dashboard.py [--teams 50] [--sessions 200] [--awake 4] [--events 1000] [--rounds 2]

- bundle: the gzipped size (level 9) of every script `index.html` loads eagerly (its `<script src>` and
  `<link rel="modulepreload">`), read from the committed build `app/api/dashboard/static/`; chunks loaded later by
  `import()` are not counted. Goal: at most 250 KB.
- fleet: `python -m app serve` in a child process with `--teams` teams on the model stand-in and `--sessions`
  sessions in its database, all asleep but `--awake`, which a first tell wakes. Debian's chromium (Playwright,
  headless) opens the fleet page with `?bench=1`, where the dashboard marks each event it applies with the
  Performance API (a `measure` named `iris:apply`, from the event's arrival to the end of its rendering). A burst
  of about `--events` events is made by streamed tells on the awake sessions at once (`#slow:N:1` on the
  stand-in: N chunks each). Measured in the page: p50/p95 of `iris:apply`, long tasks (> 50 ms, `longtask`
  entries) and the largest gap between two animation frames during the burst.
- baseline: the same burst to a bare page that opens the same WebSocket, sends the same messages the dashboard
  sent (authentication and subscriptions, copied from its frames) and only parses each event (`JSON.parse`,
  timed the same way); the rows print the dashboard's figures as ratios to it. Rounds alternate which page goes
  first. Goal: apply p95 under 50 ms, and no frame gap far above the baseline's.

Prints the machine's load when the run started and at the end. The numbers are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gzip
import html.parser
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from playwright.sync_api import Page, WebSocket, sync_playwright  # noqa: E402

from bench.common import free_port, percentile, server_config, start_server  # noqa: E402

STATIC = ROOT / "app" / "api" / "dashboard" / "static"
BUNDLE_GOAL_KB = 250
APPLY_GOAL_MS = 50
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

WATCH = """
() => {
  const w = window;
  performance.clearMeasures("iris:apply");
  w.__bench = { longTasks: [], frames: [], parsed: [], kinds: [], start: performance.now(), running: true };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask" });
  let last = performance.now();
  const frame = (now) => {
    w.__bench.frames.push(now - last);
    last = now;
    if (w.__bench.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
"""
"""Starts recording long tasks and the gaps between animation frames into `window.__bench`."""

STOP = """
(name) => {
  const w = window;
  w.__bench.running = false;
  const since = w.__bench.start;
  const entries = name ? performance.getEntriesByName(name, "measure").filter((e) => e.startTime >= since) : [];
  const applied = name ? entries.map((e) => e.duration) : w.__bench.parsed;
  const kinds = name ? entries.map((e) => (e.detail && e.detail.event) || "") : w.__bench.kinds;
  return { applied, kinds, longTasks: w.__bench.longTasks, frames: w.__bench.frames };
}
"""
"""Stops recording; the burst's apply (or parse) durations, long tasks and frame gaps."""

BARE = """
({ url, frames }) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  window.__bareSocket = ws;
  ws.onopen = () => { for (const frame of frames) ws.send(frame); resolve(null); };
  ws.onerror = () => reject(new Error("the bare page's WebSocket failed"));
  ws.onmessage = (message) => {
    const start = performance.now();
    const event = JSON.parse(message.data);
    const took = performance.now() - start;
    if (window.__bench) { window.__bench.parsed.push(took); window.__bench.kinds.push(event.event); }
  };
})
"""
"""The bare page: the same WebSocket and messages as the dashboard's, and only `JSON.parse` per event."""


def load() -> str:
    """The machine's load average and core count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


# ----------------------------------------------------------------------------------------- the bundle


class _EagerScripts(html.parser.HTMLParser):
    """The scripts an HTML page loads before it runs: `<script src>` and `<link rel=modulepreload href>`."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.sources.append(str(values["src"]))
        elif tag == "link" and values.get("rel") == "modulepreload" and values.get("href"):
            self.sources.append(str(values["href"]))


def bundle(static: Path = STATIC) -> list[tuple[str, int, int]]:
    """(file, bytes, gzipped bytes) of each script the built index.html loads eagerly."""
    parser = _EagerScripts()
    parser.feed((static / "index.html").read_text())
    rows = []
    for source in dict.fromkeys(parser.sources):
        data = (static / source.removeprefix("./").lstrip("/")).read_bytes()
        rows.append((source, len(data), len(gzip.compress(data, compresslevel=9))))
    return rows


# ----------------------------------------------------------------------------------------- the server


def team_names(count: int) -> list[str]:
    """`count` team names: team-00, team-01, ..."""
    return [f"team-{n:02d}" for n in range(count)]


def pairs(teams: list[str], sessions: int) -> list[tuple[str, str]]:
    """`sessions` caller -> team pairs spread over the teams: external first, then the other teams as callers."""
    callers = ["external", *teams]
    found: list[tuple[str, str]] = []
    for caller in callers:
        for team in teams:
            if caller != team and len(found) < sessions:
                found.append((caller, team))
    return found


def seed_sessions(database: Path, asleep: list[tuple[str, str]]) -> None:
    """Stored sessions, asleep (no process), for the pairs `asleep`: what a fleet has after a while."""
    from app.db.models import SessionRecord
    from app.db.store import Store

    async def seed() -> None:
        store = Store(f"sqlite+aiosqlite:///{database}")
        await store.open()
        now = datetime.datetime.now(datetime.UTC)
        try:
            for n, (caller, team) in enumerate(asleep):
                await store.add_session(
                    SessionRecord(
                        id=uuid.uuid4(),
                        from_team=caller,
                        team=team,
                        primary_pair=f"{caller}→{team}",
                        created_at=now,
                        last_used_at=now,
                        message_count=2 * (n % 7),
                        process_state="stopped",
                        cost_usd=0.01 * (n % 5),
                        input_tokens=0,
                        output_tokens=0,
                    )
                )
        finally:
            await store.close()

    asyncio.run(seed())


def tell_all(url: str, key: str, awake: list[tuple[str, str]], message: str, each: int = 1) -> list[dict[str, Any]]:
    """`each` tells of the same message to every awake pair, all sent at once (they queue); their answers."""

    def one(pair: tuple[str, str]) -> dict[str, Any]:
        caller, team = pair
        body = {"toTeam": team, "message": message, **({} if caller == "external" else {"fromTeam": caller})}
        answer = httpx.post(f"{url}/api/teams/tell", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=300)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    with ThreadPoolExecutor(len(awake) * each) as pool:
        return list(pool.map(one, awake * each))


# ----------------------------------------------------------------------------------------- the browser


ROW_EVENTS = frozenset(
    {"tell:queued", "tell:started", "tell:complete", "tell:error", "process:spawned", "process:terminated"}
)
"""The events that change a session's row in the fleet (queue, state, pid, messages, cost); the rest of a burst
(chunks, raw messages) changes nothing there."""


def summary(samples: dict[str, Any]) -> dict[str, float]:
    """p50/p95 of the per-event durations (all, and those of ROW_EVENTS), the long tasks and the largest frame gap
    of one burst."""
    applied = samples["applied"] or [float("nan")]
    rows = [d for d, kind in zip(samples["applied"], samples["kinds"], strict=True) if kind in ROW_EVENTS]
    frames = samples["frames"][1:] or [float("nan")]
    return {
        "events": float(len(samples["applied"])),
        "p50": percentile(applied, 0.5),
        "p95": percentile(applied, 0.95),
        "row events": float(len(rows)),
        "row p95": percentile(rows or [float("nan")], 0.95),
        "row max": max(rows or [float("nan")]),
        "long tasks": float(len(samples["longTasks"])),
        "long total": sum(duration for _start, duration in samples["longTasks"]),
        "max gap": max(frames),
    }


def burst(
    page: Page, name: str | None, url: str, key: str, awake: list[tuple[str, str]], args: argparse.Namespace
) -> Any:
    """One burst of events while `page` records; what it recorded. `--tells` tells per awake session at once,
    each streamed in pieces, so that the burst mixes rows changing (queue, state, messages, cost) and chunks."""
    page.evaluate(WATCH)
    chunks = max(1, args.events // (len(awake) * args.tells) - 6)  # about 6 other events per tell
    filler = " ".join(["burst"] * (chunks // 5 + 1))  # the stand-in streams at most one piece per character
    tell_all(url, key, awake, f"#slow:{chunks}:1 {filler}", args.tells)
    page.wait_for_timeout(1000)  # the last events reach the page and render
    return page.evaluate(STOP, name)


def run(args: argparse.Namespace, url: str, key: str, teams: list[str], awake: list[tuple[str, str]]) -> list[Any]:
    """Open the dashboard and the bare page; alternate bursts between them; every burst's summary."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("bench/dashboard.py drives Debian's chromium: apt-get install chromium")
    results: list[tuple[str, dict[str, float]]] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        dashboard = browser.new_page(viewport={"width": 1280, "height": 900})
        frames: list[str] = []

        def socket(ws: WebSocket) -> None:
            ws.on("framesent", lambda payload: frames.append(payload if isinstance(payload, str) else payload.decode()))

        dashboard.on("websocket", socket)
        dashboard.goto(f"{url}/dashboard/?bench=1#key={key}")
        dashboard.get_by_role("heading", name="Fleet", level=1).wait_for()
        for team in teams:
            dashboard.get_by_role("region", name=team, exact=True).wait_for(state="attached")
        dashboard.wait_for_load_state("networkidle")
        shown = dashboard.locator("tr[data-session]").count()
        print(f"the fleet page shows {len(teams)} teams and {shown} session rows")
        bare = browser.new_page()
        bare.goto(f"{url}/api/health")
        bare.evaluate(BARE, {"url": url.replace("http", "ws", 1) + "/ws", "frames": frames})
        for round_ in range(args.rounds):
            order = [("bare", bare), ("dashboard", dashboard)]
            for label, page in order if round_ % 2 == 0 else order[::-1]:
                samples = burst(page, "iris:apply" if label == "dashboard" else None, url, key, awake, args)
                results.append((label, summary(samples)))
        browser.close()
    return results


def render(results: list[Any]) -> str:
    """The table: each figure of the dashboard (median over rounds), the bare page's, and their ratio."""
    lines = [f"{'fleet view':<16}{'dashboard':>12}{'bare page':>12}{'ratio':>9}"]
    for figure in ("events", "p50", "p95", "row events", "row p95", "row max", "long tasks", "long total", "max gap"):
        mine = statistics.median(r[figure] for label, r in results if label == "dashboard")
        base = statistics.median(r[figure] for label, r in results if label == "bare")
        unit = "" if figure in ("events", "row events", "long tasks") else " ms"
        ratio = f"{mine / base:.1f}x" if base else "-"
        lines.append(f"{figure + unit:<16}{mine:>12.2f}{base:>12.2f}{ratio:>9}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--awake", type=int, default=4, help="sessions with a live process (on the stand-in)")
    parser.add_argument("--events", type=int, default=1000, help="events in one burst (about)")
    parser.add_argument("--tells", type=int, default=8, help="tells per awake session in one burst (queued at once)")
    parser.add_argument("--rounds", type=int, default=2, help="bursts per page")
    parser.add_argument("--bundle-only", action="store_true", help="only measure the first page's JavaScript")
    args = parser.parse_args()
    started_load = load()

    rows = bundle()
    total = sum(gzipped for _name, _size, gzipped in rows)
    print(f"bench/dashboard.py; {started_load} at start")
    print("first page's JavaScript (eager scripts of index.html, gzip -9):")
    for name, size, gzipped in rows:
        print(f"  {name:<40}{size / 1024:>10.1f} KB{gzipped / 1024:>10.1f} KB gzipped")
    verdict = "ok" if total <= BUNDLE_GOAL_KB * 1024 else "over"
    print(f"  {'total':<40}{'':>13}{total / 1024:>10.1f} KB gzipped (goal <= {BUNDLE_GOAL_KB} KB: {verdict})")
    if args.bundle_only:
        return

    from app.standin import ModelStandIn

    with tempfile.TemporaryDirectory(prefix="iris-bench-dashboard-") as tmp, ModelStandIn() as standin:
        root = Path(tmp)
        (root / "home").mkdir()
        teams = team_names(args.teams)
        entries = {}
        for team in teams:
            folder = root / "projects" / team
            folder.mkdir(parents=True)
            entries[team] = {"path": str(folder), "env": {**standin.env(), "HOME": str(root / "home")}}
        port = free_port()
        config = server_config(root, port, entries, max_processes=args.awake + 2, shutdown_grace=2000)
        every = pairs(teams, args.sessions)
        awake, asleep = every[: args.awake], every[args.awake :]
        seed_sessions(root / "iris.db", asleep)
        server = start_server(config, root, port, "bench-dashboard")
        try:
            started = time.monotonic()
            tell_all(server.url, server.key, awake, "wake up")
            print(
                f"{len(teams)} teams, {len(every)} sessions"
                f" ({len(awake)} awake, woken in {time.monotonic() - started:.1f} s)"
            )
            results = run(args, server.url, server.key, teams, awake)
        finally:
            server.stop()
    print(
        f"a burst: {args.tells} streamed tells to each of {args.awake} sessions at once, about {args.events} events;"
        f" {args.rounds} rounds (the dashboard's row figures: {', '.join(sorted(ROW_EVENTS))})"
    )
    print(render(results))
    for figure in ("p95", "row p95"):
        values = ", ".join(f"{r[figure]:.1f} ms" for label, r in results if label == "dashboard")
        print(f"dashboard apply {figure} per round: {values} (goal < {APPLY_GOAL_MS} ms)")
    print(f"at the end: {load()}")


if __name__ == "__main__":
    main()
