"""Engine benchmark: Iris against driving claude-agent-sdk directly, in one run, on the model stand-in.

    python bench/engine.py [--tells 60] [--wakes 5]

Prints one table. Every row compares Iris with a baseline measured in the same process and run:
- tell latency p50/p95: `Engine.tell` vs the same message through `ClaudeSDKClient` on a warm process;
- wake vs SDK connect (and how many model requests each cost);
- Iris's own memory per idle awake session (Python heap, Claude Code excluded);
- 8 teams x 20 tells, all teams at once vs one tell at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient, ResultMessage  # noqa: E402
from claude_agent_sdk.types import PermissionResultAllow  # noqa: E402

from app.config import load_config  # noqa: E402
from app.engine import Engine  # noqa: E402
from app.standin import ModelStandIn  # noqa: E402
from bench.common import percentile  # noqa: E402

TEAMS = 8


async def allow(*_args: Any) -> PermissionResultAllow:
    """Allow every tool use, as a team with grantPermission: yes."""
    return PermissionResultAllow()


def sdk_options(folder: Path, standin: ModelStandIn, session_id: str) -> ClaudeAgentOptions:
    """The options Iris would use for a team, for the direct-SDK baseline."""
    return ClaudeAgentOptions(
        cwd=str(folder),
        env=standin.env(),
        system_prompt={"type": "preset", "preset": "claude_code"},
        setting_sources=["user", "project", "local"],
        include_partial_messages=True,
        can_use_tool=allow,
        session_id=session_id,
    )


async def sdk_tell(client: ClaudeSDKClient, text: str) -> str:
    """One turn through the SDK: send, read to the result."""
    await client.query(text)
    async for message in client.receive_response():
        if isinstance(message, ResultMessage):
            return message.result or ""
    raise RuntimeError("no result")


async def main(tells: int, wakes: int) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="iris-bench-"))
    os.environ["HOME"] = str(work / "home")
    os.environ["IRIS_HOME"] = str(work / "iris")
    (work / "home").mkdir()
    with ModelStandIn() as standin:
        teams = {}
        for i in range(TEAMS):
            folder = work / "projects" / f"t{i}"
            folder.mkdir(parents=True)
            teams[f"t{i}"] = {"path": str(folder), "env": standin.env()}
        (work / "sdk").mkdir()
        (work / "config.yaml").write_text(
            yaml.safe_dump({"settings": {"maxProcesses": TEAMS + wakes + 2}, "teams": teams})
        )
        engine = Engine(load_config(work / "config.yaml"))
        await engine.start()
        try:
            # tell latency, interleaved so both sides see the same machine load
            client = ClaudeSDKClient(sdk_options(work / "sdk", standin, str(uuid.uuid4())))
            await client.connect()
            await engine.wake("t0")
            for i in range(5):
                await sdk_tell(client, f"warm {i}")
                await engine.tell("t0", f"warm {i}")
            sdk_times, iris_times = [], []
            for i in range(tells):
                started = time.perf_counter()
                await sdk_tell(client, f"message {i}")
                sdk_times.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                result = await engine.tell("t0", f"message {i}")
                iris_times.append((time.perf_counter() - started) * 1000)
                assert result.status == "completed", result
            await client.disconnect()
            for label, q in (("p50", 0.5), ("p95", 0.95)):
                sdk_q, iris_q = percentile(sdk_times, q), percentile(iris_times, q)
                rows.append(
                    (f"tell latency {label} (ms)", f"{iris_q:.1f}", f"{sdk_q:.1f}", f"{iris_q - sdk_q:+.1f} ms")
                )

            # wake vs SDK connect: fresh sessions on both sides, no model turn
            before = len(standin.requests)
            sdk_connect, iris_wake = [], []
            for i in range(wakes + 1):  # the first round warms both sides up and is not counted
                caller = f"t{1 + i % (TEAMS - 1)}"

                async def connect() -> float:
                    client = ClaudeSDKClient(sdk_options(work / "sdk", standin, str(uuid.uuid4())))
                    started = time.perf_counter()
                    await client.connect()
                    elapsed = (time.perf_counter() - started) * 1000
                    await client.disconnect()
                    return elapsed

                async def wake(caller: str = caller) -> float:
                    started = time.perf_counter()
                    await engine.wake("t0", from_team=caller)
                    elapsed = (time.perf_counter() - started) * 1000
                    await engine.sleep("t0", from_team=caller)
                    return elapsed

                # alternate who goes first, so neither side always follows the other's teardown
                first, second = (connect, wake) if i % 2 else (wake, connect)
                a, b = await first(), await second()
                sdk_ms, iris_ms = (a, b) if first is connect else (b, a)
                if i:
                    sdk_connect.append(sdk_ms)
                    iris_wake.append(iris_ms)
            turns = len(standin.requests) - before
            sdk_median, iris_median = statistics.median(sdk_connect), statistics.median(iris_wake)
            rows.append(
                (
                    "wake vs connect, median (ms)",
                    f"{iris_median:.0f}",
                    f"{sdk_median:.0f}",
                    f"x{iris_median / sdk_median:.2f}",
                )
            )
            rows.append(("model requests during wakes", str(turns), "0", "same" if turns == 0 else "MORE"))

            # Iris's own memory per awake idle session
            tracemalloc.start()
            baseline = tracemalloc.take_snapshot()
            for i in range(1, TEAMS):
                await engine.wake(f"t{i}")
            await asyncio.sleep(0.5)
            grown = tracemalloc.take_snapshot().compare_to(baseline, "filename")
            tracemalloc.stop()
            per_session = sum(stat.size_diff for stat in grown) / (TEAMS - 1)
            rows.append(("Iris memory per idle session (KiB)", f"{per_session / 1024:.0f}", "-", "target < 1024"))

            # throughput: 8 teams x 20 tells
            for i in range(TEAMS):
                await engine.tell(f"t{i}", "warm")
            started = time.perf_counter()
            for i in range(TEAMS):
                for j in range(20):
                    await engine.tell(f"t{i}", f"seq {j}")
            sequential = TEAMS * 20 / (time.perf_counter() - started)

            async def chain(team: str) -> None:
                for j in range(20):
                    result = await engine.tell(team, f"par {j}")
                    assert result.status == "completed"

            started = time.perf_counter()
            await asyncio.gather(*(chain(f"t{i}") for i in range(TEAMS)))
            concurrent = TEAMS * 20 / (time.perf_counter() - started)
            rows.append(
                (
                    "8 teams x 20 tells (tells/s)",
                    f"{concurrent:.1f} concurrent",
                    f"{sequential:.1f} sequential",
                    f"x{concurrent / sequential:.2f}",
                )
            )
        finally:
            await engine.shutdown()
    return rows


def render(rows: list[tuple[str, str, str, str]]) -> str:
    """A plain-text table."""
    header = ("measure", "Iris", "baseline", "Iris vs baseline")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tells", type=int, default=60)
    parser.add_argument("--wakes", type=int, default=5)
    args = parser.parse_args()
    print(render(asyncio.run(main(args.tells, args.wakes))))
