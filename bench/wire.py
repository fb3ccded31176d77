"""Wire benchmark: the same tells through the bare SDK, Iris over REST and Iris over MCP, in one run.

    python bench/wire.py [--tells 60] [--wakes 20] [--sessions 20]

One Iris server (`python -m app serve`, authentication, rate limits and the audit log on, the rate limit set far
above the run) in a child process on a temporary config and IRIS_HOME; the model stand-in in another; the clients
in this one. The baseline is `ClaudeSDKClient` with the options Iris gives a team's process
(`app.engine.process.build_options`, its MCP server of Iris's tools included), on a warm process of its own.

- tell latency: the same message three ways per round (bare SDK, `POST /api/teams/tell`, `send_message` over
  `/mcp` with the official MCP client), the order rotating every round; p50 and p95 of each, Iris minus SDK
  (goals: REST p50 <= SDK p50 + 5 ms, p95 <= SDK p95 + 8 ms);
- server CPU per tell: utime + stime of the server process (`/proc/<pid>/stat`) over each measured REST and MCP
  tell, against Claude Code's CPU per turn (the SDK's own process over its measured turns) (goal <= 8 ms);
- wake + first tell (a fresh session: the pair is rebooted first, untimed) against SDK connect + first turn (a
  fresh session id), alternating who goes first; model requests during the wakes (must be 0) (goal <= x1.05);
- the server's RSS (VmRSS) per idle awake session: `--sessions` pairs woken, the growth divided by their number
  (goal < 1 MiB).

Prints one table with the machine's load when the run started (about 3 minutes on a quiet 2-core machine).
`--profile` runs py-spy on the server over the measured tells (GIL samples, raw collapsed stacks to
`--profile-out`).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import httpx2  # noqa: E402
from claude_agent_sdk import ClaudeSDKClient, ResultMessage  # noqa: E402
from claude_agent_sdk.types import PermissionResultAllow  # noqa: E402
from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from app.api.mcp.dispatch import tools  # noqa: E402
from app.config import load_config  # noqa: E402
from app.engine.process import IrisTool, ToolAnswer, ToolContext, build_options  # noqa: E402
from app.standin import ModelStandIn  # noqa: E402
from bench.common import free_port, percentile, server_config, start_server  # noqa: E402

TELL_TEAM = "alpha"
WAKE_TEAM = "beta"
MEMORY_TEAMS = ("m0", "m1", "m2", "m3")
CALLERS = ("external", TELL_TEAM, WAKE_TEAM, *MEMORY_TEAMS)
CLOCK_TICK_S = 1 / os.sysconf("SC_CLK_TCK")
Row = tuple[str, str, str, str]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * CLOCK_TICK_S


def rss_kib(pid: int) -> int:
    """The resident set of a process (VmRSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> set[int]:
    """The direct children of a process."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def load() -> str:
    """The machine's load average and core count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


async def allow(*_args: Any) -> PermissionResultAllow:
    """Allow every tool use."""
    return PermissionResultAllow()


class StandIn:
    """The model stand-in in a process of its own, so that neither side shares a CPU-bound thread with it."""

    def __init__(self) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=self._serve, args=(child,), daemon=True)
        self._process.start()
        self._env: dict[str, str] = self._conn.recv()

    @staticmethod
    def _serve(conn: Connection) -> None:
        """In the child: serve until told to stop; answer how many requests it has had."""
        with ModelStandIn() as standin:
            conn.send(standin.env())
            while conn.recv() == "count":
                conn.send(len(standin.requests))

    def env(self) -> dict[str, str]:
        """The environment that points Claude Code at the stand-in."""
        return dict(self._env)

    def count(self) -> int:
        """Model requests so far."""
        self._conn.send("count")
        return int(self._conn.recv())

    def stop(self) -> None:
        """Stop the stand-in's process."""
        self._conn.send("stop")
        self._process.join(timeout=10)


def write_config(root: Path, standin: StandIn, port: int, sessions: int) -> Path:
    """A config with the tell team, the wake team and the memory teams, auth, rate limit and audit on."""
    teams = {}
    for team in (TELL_TEAM, WAKE_TEAM, *MEMORY_TEAMS, "sdk"):
        folder = root / "projects" / team
        folder.mkdir(parents=True, exist_ok=True)
        teams[team] = {"path": str(folder), "env": standin.env()}
    return server_config(root, port, teams, max_processes=sessions + 6, shutdown_grace=1000)


class Bare:
    """The baseline: `ClaudeSDKClient` with the options Iris gives a team's process (for the team `sdk`, which the
    server does not use), its MCP server of Iris's tools included (listed to the model, never called here)."""

    def __init__(self, config: Path) -> None:
        self.config = load_config(config)
        self.team = self.config.teams["sdk"]

    def client(self) -> ClaudeSDKClient:
        """A client on a fresh session."""

        def nothing(_name: str, _input: dict[str, Any]) -> None:
            """Iris's own screening of a tool use: nothing to screen here."""
            return None

        async def unused(_tool: IrisTool, _arguments: dict[str, Any]) -> ToolAnswer:
            """The tool runner (the model stand-in never calls a tool here)."""
            return ToolAnswer("not called in this benchmark", is_error=True)

        async def answer(_context: ToolContext, _arguments: dict[str, Any]) -> ToolAnswer:
            """A tool's handler (never called here)."""
            return ToolAnswer("not called in this benchmark", is_error=True)

        options = build_options(
            self.team,
            session_id=str(uuid.uuid4()),
            resume=None,
            fork=False,
            check_tool=nothing,
            decide_tool=allow,  # type: ignore[arg-type]
            stderr=lambda _line: None,
            iris_tools=[IrisTool(t.name, t.description, t.input_schema, answer) for t in tools()],
            run_tool=unused,
            tool_timeout_ms=self.config.tool_timeout(),
        )
        return ClaudeSDKClient(options)

    @staticmethod
    async def turn(client: ClaudeSDKClient, text: str) -> str:
        """One turn: send, read to the result."""
        await client.query(text)
        async for message in client.receive_response():
            if isinstance(message, ResultMessage):
                return message.result or ""
        raise RuntimeError("no result")


async def run(url: str, key: str, server: int, config: Path, standin: StandIn, args: argparse.Namespace) -> list[Row]:
    """Every measure against the running server, as table rows."""
    rows: list[Row] = []
    headers = {"Authorization": f"Bearer {key}"}
    bare = Bare(config)
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as rest,
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=None)) as http,
        streamable_http_client(f"{url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as mcp,
    ):
        await mcp.initialize()

        async def rest_tell(team: str, message: str) -> None:
            response = await rest.post("/api/teams/tell", json={"toTeam": team, "message": message, "timeout": 0})
            if response.status_code != 200 or response.json().get("status") != "completed":
                raise RuntimeError(f"REST tell: {response.status_code} {response.text[:300]}")

        async def mcp_tell(team: str, message: str) -> None:
            result = await mcp.call_tool("send_message", {"toTeam": team, "message": message, "timeout": 0})
            answer = result.structured_content
            if result.is_error or not isinstance(answer, dict) or answer.get("status") != "completed":
                raise RuntimeError(f"send_message: {result.content!r:.300}")

        async def post(path: str, body: dict[str, Any] | None = None) -> None:
            response = await rest.post(path, json=body or {})
            if response.status_code != 200:
                raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")

        sdk = bare.client()
        await sdk.connect()
        try:
            sdk_pid = sdk._transport._process.pid  # type: ignore[union-attr]  # the SDK's own Claude Code
            for i in range(5):  # warm-up, not counted: processes started, connections open, code paths run once
                await bare.turn(sdk, f"warm {i}")
                await rest_tell(TELL_TEAM, f"warm {i}")
                await mcp_tell(TELL_TEAM, f"warm {i}")
            iris_claude = max(children(server))  # the tell team's Claude Code (the only child so far)
            times: dict[str, list[float]] = {"sdk": [], "rest": [], "mcp": []}
            cpu: dict[str, float] = {"sdk": 0.0, "rest": 0.0, "mcp": 0.0, "iris-claude": 0.0}

            async def one_sdk(n: int) -> None:
                await bare.turn(sdk, f"message {n}")

            sides: dict[str, tuple[Callable[[int], Awaitable[None]], int]] = {
                "sdk": (one_sdk, sdk_pid),
                "rest": (lambda n: rest_tell(TELL_TEAM, f"message {n}"), server),
                "mcp": (lambda n: mcp_tell(TELL_TEAM, f"message {n}"), server),
            }
            order = ["sdk", "rest", "mcp"]
            spy = start_profile(server, args)
            for n in range(args.tells):
                for side in order[n % 3 :] + order[: n % 3]:
                    call, pid = sides[side]
                    claude_before = cpu_seconds(iris_claude)
                    cpu_before, started = cpu_seconds(pid), time.perf_counter()
                    await call(n)
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu[side] += cpu_seconds(pid) - cpu_before
                    times[side].append(elapsed)
                    if side != "sdk":
                        cpu["iris-claude"] += cpu_seconds(iris_claude) - claude_before
            stop_profile(spy)
        finally:
            await sdk.disconnect()
        for label, q in (("p50", 0.5), ("p95", 0.95)):
            base = percentile(times["sdk"], q)
            for side, name in (("rest", "REST"), ("mcp", "MCP")):
                value = percentile(times[side], q)
                rows.append(
                    (f"tell {label} (ms), Iris {name}", f"{value:.1f}", f"{base:.1f} SDK", f"{value - base:+.1f} ms")
                )
        claude_turn = cpu["sdk"] / args.tells * 1000
        for side, name in (("rest", "REST"), ("mcp", "MCP")):
            server_tell = cpu[side] / args.tells * 1000
            rows.append(
                (
                    f"server CPU per tell (ms), {name}",
                    f"{server_tell:.1f}",
                    f"{claude_turn:.1f} Claude Code",
                    f"x{server_tell / claude_turn:.2f}" if claude_turn else "-",
                )
            )
        iris_turn = cpu["iris-claude"] / (2 * args.tells) * 1000
        rows.append(("Claude Code CPU per turn (ms), in Iris", f"{iris_turn:.1f}", f"{claude_turn:.1f} SDK", "-"))

        # wake + first tell on a fresh session vs SDK connect + first turn on a fresh session id
        wake_times: list[float] = []
        connect_times: list[float] = []
        wake_only: list[float] = []
        connect_only: list[float] = []
        wake_requests = 0

        async def connect_turn(n: int) -> None:
            client = bare.client()
            started = time.perf_counter()
            await client.connect()
            connect_only.append((time.perf_counter() - started) * 1000)
            await bare.turn(client, f"first {n}")
            connect_times.append((time.perf_counter() - started) * 1000)
            await client.disconnect()

        async def wake_tell(n: int) -> None:
            nonlocal wake_requests
            response = await rest.delete(f"/api/teams/{WAKE_TEAM}/reboot")  # a fresh session, its process asleep
            if response.status_code != 200:
                raise RuntimeError(f"reboot: {response.status_code} {response.text[:300]}")
            started = time.perf_counter()
            before = standin.count()
            await post(f"/api/teams/{WAKE_TEAM}/wake")
            wake_only.append((time.perf_counter() - started) * 1000)
            wake_requests += standin.count() - before
            await rest_tell(WAKE_TEAM, f"first {n}")
            wake_times.append((time.perf_counter() - started) * 1000)

        for n in range(args.wakes + 1 if args.wakes else 0):  # the first pair warms both sides up and is not counted
            first, second = (connect_turn, wake_tell) if n % 2 else (wake_tell, connect_turn)
            await first(n)
            await second(n)
            if n == 0:
                for samples in (wake_times, connect_times, wake_only, connect_only):
                    samples.clear()
                wake_requests = 0
        if args.wakes:
            wake_p50, connect_p50 = percentile(wake_times, 0.5), percentile(connect_times, 0.5)
            rows.append(
                (
                    f"wake + first tell, p50 of {args.wakes} (ms)",
                    f"{wake_p50:.0f}",
                    f"{connect_p50:.0f} SDK connect + turn",
                    f"x{wake_p50 / connect_p50:.2f}",
                )
            )
            wake_alone, connect_alone = percentile(wake_only, 0.5), percentile(connect_only, 0.5)
            rows.append(
                (
                    "  of which the wake alone, p50 (ms)",
                    f"{wake_alone:.0f}",
                    f"{connect_alone:.0f} SDK connect",
                    f"x{wake_alone / connect_alone:.2f}",
                )
            )
            rows.append(
                ("model requests during wakes", str(wake_requests), "0", "ok" if wake_requests == 0 else "MORE")
            )
            await post(f"/api/teams/{WAKE_TEAM}/sleep")
        if not args.sessions:
            return rows

        # the server's RSS per idle awake session
        pairs = [(team, caller) for team in MEMORY_TEAMS for caller in CALLERS if caller != team]
        pairs = (pairs * (args.sessions // len(pairs) + 1))[: args.sessions]
        if len(set(pairs)) < len(pairs):
            raise SystemExit(f"at most {len(set(pairs))} sessions")
        await asyncio.sleep(1)
        before_kib = rss_kib(server)
        for team, caller in pairs:
            await post(f"/api/teams/{team}/wake", {} if caller == "external" else {"fromTeam": caller})
        await asyncio.sleep(1)
        per_session = (rss_kib(server) - before_kib) / len(pairs)
        rows.append(
            (
                f"server RSS per idle session, {len(pairs)} woken (KiB)",
                f"{per_session:.0f}",
                "1024 goal",
                f"x{per_session / 1024:.2f}",
            )
        )
    return rows


def start_profile(server: int, args: argparse.Namespace) -> subprocess.Popen[bytes] | None:
    """py-spy recording the server (GIL samples, collapsed stacks) when `--profile` asks for it."""
    if not args.profile:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        sys.exit("--profile needs py-spy: pip install -e '.[profile]'")
    command = [py_spy, "record", "--pid", str(server), "--format", "raw", "--rate", "250", "--gil"]
    spy = subprocess.Popen([*command, "--output", str(args.profile_out.resolve())], stdout=subprocess.DEVNULL)
    time.sleep(1)  # py-spy attaches
    return spy


def stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
    """Stop py-spy; it writes its file on SIGINT."""
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


LAYERS = (
    (
        "database (SQLAlchemy, aiosqlite, app/db)",
        ("sqlalchemy/", "aiosqlite/", "advanced_alchemy/", "sqlite3", "app/db/"),
    ),
    ("auth, rate limit, audit", ("app/auth/", "app/api/auth/")),
    ("logging", ("logging/",)),
    ("events and streams", ("app/engine/events.py", "app/engine/publish.py", "app/api/streams/", "litestar/channels/")),
    ("SDK and process I/O", ("claude_agent_sdk/", "anyio/streams/", "asyncio/subprocess", "app/engine/process.py")),
    ("MCP", ("mcp/", "mcp_types/", "pydantic")),
    ("engine", ("app/engine/",)),
    ("Litestar, uvicorn, HTTP", ("litestar/", "uvicorn/", "httptools", "app/api/", "app/app.py", "msgspec")),
)


def layers(profile: Path) -> str:
    """py-spy's raw stacks as shares by layer: each sample goes to the innermost frame of a known layer."""
    counts: dict[str, int] = {}
    total = 0
    for line in profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        layer = next(
            (name for frame in reversed(frames) for name, marks in LAYERS if any(m in frame for m in marks)),
            "other (event loop, selectors)",
        )
        counts[layer] = counts.get(layer, 0) + int(count)
        total += int(count)
    shares = sorted(counts.items(), key=lambda item: -item[1])
    return f"server profile, {total} GIL samples: " + ", ".join(f"{n} {c / total:.0%}" for n, c in shares)


def render(rows: list[Row]) -> str:
    """A plain-text table."""
    header = ("measure", "Iris", "baseline", "Iris vs baseline")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tells", type=int, default=60, help="measured tells per side (SDK, REST, MCP)")
    parser.add_argument("--wakes", type=int, default=20, help="wake + first tell samples per side")
    parser.add_argument("--sessions", type=int, default=20, help="idle sessions woken for the RSS figure")
    parser.add_argument("--profile", action="store_true", help="py-spy the server over the measured tells")
    parser.add_argument("--profile-out", type=Path, default=Path("wire-profile.txt"))
    args = parser.parse_args()
    started_load = load()
    standin = StandIn()
    with tempfile.TemporaryDirectory(prefix="iris-bench-wire-") as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        os.environ["HOME"] = str(root / "home")  # the SDK's Claude Code and the server's share a fresh HOME
        port = free_port()
        config = write_config(root, standin, port, args.sessions)
        server = start_server(config, root, port, "bench-wire")
        try:
            rows = asyncio.run(run(server.url, server.key, server.process.pid, config, standin, args))
        finally:
            server.stop()
            standin.stop()
    print(
        f"bench/wire.py --tells {args.tells} --wakes {args.wakes} --sessions {args.sessions}; {started_load} at start"
    )
    print(render(rows))
    if args.profile:
        print(layers(args.profile_out))
    print(f"at the end: {load()}")


if __name__ == "__main__":
    main()
