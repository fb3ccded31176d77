"""MCP benchmark: `send_message` over `/mcp` against the same tell over REST, and alpha → beta through Claude Code's
own tool call against two sequential REST tells, in one run.

    python bench/mcp_vs_rest.py [--tells 60] [--block 10] [--chains 10]

One Iris server (`python -m app serve`, Iris's HTTP protocol, authentication and the audit log on, the rate limit
set far above the run) in a child process, its teams alpha and beta answered by the model stand-in in this
process. The clients run here: one keep-alive httpx client for REST, one official MCP client session (streamable
HTTP) for `/mcp`, both with the same admin key, both telling alpha (`external → alpha`, the same session and
Claude Code process) with `timeout: 0`, in interleaved blocks (REST, MCP, MCP, REST, ...) so both see the same
machine load.

- send_message vs tell: p50 and p95 per side and the p50 ratio MCP/REST (target: at most 1.2).
- alpha → beta: a REST tell to alpha whose text is the stand-in's `#iris:send_message {...}` directive, so
  alpha's model answers with a `tool_use` of `mcp__iris__send_message` to beta, Claude Code calls Iris's tool,
  Iris tells beta (`alpha → beta`), and beta's answer goes back to alpha's model as the tool result; against a
  REST tell to alpha followed by a REST tell to beta. Prints both medians and the overhead in ms (the tool path
  has two model turns in alpha, and one in beta).

The machine's load average is printed before and after (2 shared cores: ratios are what to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import httpx2  # noqa: E402
from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp_types import TextContent  # noqa: E402

from app.standin import ModelStandIn  # noqa: E402
from bench.common import free_port, percentile, server_config, start_server  # noqa: E402


def tool_directive(message: str) -> str:
    """The stand-in's directive for a `tool_use` of Iris's `send_message` telling beta `message` (see
    `app/standin.py`); alpha's model is then answered `tool said: <the tool's text>`."""
    return "#iris:send_message " + json.dumps({"toTeam": "beta", "message": message, "timeout": 0})


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def write_config(root: Path, standin: ModelStandIn, port: int) -> Path:
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    teams = {}
    for team in ("alpha", "beta"):
        folder = root / "projects" / team
        folder.mkdir(parents=True, exist_ok=True)
        # ENABLE_TOOL_SEARCH=false: Claude Code lists the MCP tools to the model directly (the stand-in calls by name)
        env = {**standin.env(), "HOME": str(home), "ENABLE_TOOL_SEARCH": "false"}
        teams[team] = {"path": str(folder), "env": env}
    return server_config(root, port, teams, max_processes=6, shutdown_grace=2000)


def text_of(result: Any) -> str:
    return " ".join(part.text for part in result.content if isinstance(part, TextContent))


async def run(url: str, key: str, tells: int, block: int, chains: int) -> list[str]:
    lines: list[str] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as rest,
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=None)) as http,
        streamable_http_client(f"{url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as mcp,
    ):
        await mcp.initialize()

        async def rest_tell(team: str, message: str) -> dict[str, Any]:
            response = await rest.post("/api/teams/tell", json={"toTeam": team, "message": message, "timeout": 0})
            if response.status_code != 200 or response.json().get("status") != "completed":
                raise RuntimeError(f"REST tell: {response.status_code} {response.text[:300]}")
            body: dict[str, Any] = response.json()
            return body

        async def mcp_tell(team: str, message: str) -> dict[str, Any]:
            result = await mcp.call_tool("send_message", {"toTeam": team, "message": message, "timeout": 0})
            answer = result.structured_content
            if result.is_error or not isinstance(answer, dict) or answer.get("status") != "completed":
                raise RuntimeError(f"send_message: {text_of(result)[:300]}")
            return answer

        for i in range(3):  # warm-up: alpha's and beta's processes started, connections open; not counted
            for team in ("alpha", "beta"):
                await rest_tell(team, f"warm {i}")
                await mcp_tell(team, f"warm {i}")

        times: dict[str, list[float]] = {"rest": [], "mcp": []}
        sides: dict[str, Callable[[int], Awaitable[Any]]] = {
            "rest": lambda n: rest_tell("alpha", f"message {n}"),
            "mcp": lambda n: mcp_tell("alpha", f"message {n}"),
        }
        done = 0
        while done < tells:
            order = ("rest", "mcp") if (done // block) % 2 == 0 else ("mcp", "rest")
            for side in order:
                for n in range(done, min(done + block, tells)):
                    started = time.perf_counter()
                    await sides[side](n)
                    times[side].append((time.perf_counter() - started) * 1000)
            done += block
        rest_p50, mcp_p50 = percentile(times["rest"], 0.5), percentile(times["mcp"], 0.5)
        ratio = mcp_p50 / rest_p50
        lines.append(f"send_message over /mcp vs tell over REST, {tells} tells each to alpha, blocks of {block}")
        lines.append(f"{'side':<18} {'p50 ms':>8} {'p95 ms':>8}")
        for side, label in (("rest", "REST tell"), ("mcp", "MCP send_message")):
            lines.append(f"{label:<18} {percentile(times[side], 0.5):>8.1f} {percentile(times[side], 0.95):>8.1f}")
        lines.append(f"p50 ratio MCP/REST {ratio:.3f} ({'ok' if ratio <= 1.2 else 'OVER 1.2'})")

        lines.append("")
        lines.extend(await chain(rest_tell, chains))
    return lines


async def chain(rest_tell: Callable[[str, str], Awaitable[dict[str, Any]]], chains: int) -> list[str]:
    """alpha → beta through Claude Code's tool call, against two sequential REST tells."""
    probe = str((await rest_tell("alpha", tool_directive("probe"))).get("response"))
    if not probe.startswith("tool said:") or "probe" not in probe:
        return [f"alpha -> beta through Claude Code: not measured (alpha answered {probe[:160]!r})"]
    through: list[float] = []
    sequential: list[float] = []

    async def two(n: int) -> None:
        await rest_tell("alpha", f"first {n}")
        await rest_tell("beta", f"second {n}")

    async def via_tool(n: int) -> None:
        answer = str((await rest_tell("alpha", tool_directive(f"chained {n}"))).get("response"))
        if not answer.startswith("tool said:") or f"chained {n}" not in answer:
            raise RuntimeError(f"alpha's answer lacks beta's: {answer[:300]}")

    for n in range(chains):
        sides = ((two, sequential), (via_tool, through))
        for call, into in sides if n % 2 == 0 else sides[::-1]:
            started = time.perf_counter()
            await call(n)
            into.append((time.perf_counter() - started) * 1000)
    tool_p50, rest_p50 = percentile(through, 0.5), percentile(sequential, 0.5)
    return [
        f"alpha -> beta through Claude Code's tool call vs two sequential REST tells, {chains} each",
        f"through the tool p50 {tool_p50:.1f} ms, two REST tells p50 {rest_p50:.1f} ms, "
        f"overhead {tool_p50 - rest_p50:+.1f} ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tells", type=int, default=60, help="tells per side (REST, MCP)")
    parser.add_argument("--block", type=int, default=10, help="tells per interleaved block")
    parser.add_argument("--chains", type=int, default=10, help="alpha -> beta chains per side")
    args = parser.parse_args()
    print(f"before: {load()}")
    with tempfile.TemporaryDirectory(prefix="iris-bench-mcp-") as tmp, ModelStandIn() as standin:
        root = Path(tmp)
        port = free_port()
        config = write_config(root, standin, port)
        server = start_server(config, root, port, "bench-mcp", env={"HOME": str(root / "home")})
        try:
            lines = asyncio.run(run(server.url, server.key, args.tells, args.block, args.chains))
        finally:
            server.stop()
    print("\n".join(lines))
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
