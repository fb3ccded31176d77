"""Soak benchmark: many clients against one server while its Claude Code processes and the server itself die.

    python bench/soak.py [--clients 50] [--seconds 120] [--seed 1615] [--json]

A real server (`python -m app serve`, auth, rate limits and audit on) runs in a child process on three
teams answered by the model stand-in. N clients, each with a key of its own, loop until the deadline over
a mix of: tells that return at once (202), tells that wait, streamed tells, SSE subscribers that listen
for a while, and cancels, each as a random caller (external or a team) to a random team. Some tells run a
tool that leaves a daemon-like child behind (`setsid sleep`). Meanwhile Claude Code processes are killed
at random, and once, midway, the server gets SIGKILL and is started again on the same stores.

Afterwards every accepted tell (one that got a requestId) is read back until it has a final record, the
server is stopped, and leftover processes are looked for by a marker in their environment. It prints:

- accepted, completed, failed / cancelled / stalled by reason;
- lost: accepted tells with no final record once the server has settled;
- hung: calls that got no answer within their deadline (a server that is down answers at once: refused);
- orphans: processes of the run still alive after the server stopped;
- the server's RSS after warm-up and at the end, for each of its two lives: warm-up is the first `--warmup`
  seconds (default 20) of the same load that life serves (the first life's from the start of the load, the second
  life's from its restart); the end is just before the SIGKILL for the first, after the settling for the second.
  Goal: the end within 10% of the warm-up.

With `--json` the last line is the same figures as JSON (the short soak test reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402

TEAMS = ("alpha", "beta", "gamma")
CALLERS = ("external", "alpha", "beta")
FINAL = {"completed", "failed", "cancelled", "stalled"}
CALL_DEADLINE_S = 90.0  # the longest any single call may take before it counts as hung
TELL_WAIT_MS = 20_000  # waiting tells return 202 after this long at most


@dataclass
class Tally:
    """What the clients saw."""

    accepted: dict[str, str] = field(default_factory=dict)  # requestId -> how it was sent
    answers: collections.Counter[str] = field(default_factory=collections.Counter)
    refused: int = 0  # the server was down (connection refused or dropped)
    hung: int = 0
    hung_calls: list[str] = field(default_factory=list)
    kills: int = 0


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _marked(marker: str) -> list[int]:
    """Live processes whose environment carries this run's marker."""
    needle = marker.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in environ and state != "Z":
            found.append(int(entry.name))
    return found


def _claude_children(server_pid: int, marker: str) -> list[int]:
    """The server's Claude Code processes (direct children with the marker)."""
    pids = []
    for pid in _marked(marker):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == server_pid:
            pids.append(pid)
    return pids


class Server:
    """`python -m app serve` in a child process, started and killed at will."""

    def __init__(self, config: Path, port: int, env: dict[str, str], log: Path) -> None:
        self.config, self.port, self.env, self.log_path = config, port, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--config", str(self.config)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the server did not start within 60 s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


async def _client(number: int, base: str, key: str, deadline: float, tally: Tally, seed: int) -> None:
    import httpx

    rng = random.Random(seed * 1000 + number)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=CALL_DEADLINE_S) as http:
        while time.monotonic() < deadline:
            team, caller = rng.choice(TEAMS), rng.choice(CALLERS)
            action = rng.choices(["quick", "wait", "stream", "listen", "cancel"], [4, 3, 2, 1, 1])[0]
            body: dict[str, Any] = {"toTeam": team, "message": _message(rng)}
            if caller != "external":
                body["fromTeam"] = caller
            try:
                async with asyncio.timeout(CALL_DEADLINE_S):
                    if action in ("quick", "wait"):
                        body["timeout"] = -1 if action == "quick" else TELL_WAIT_MS
                        answer = await http.post("/api/teams/tell", json=body)
                        tally.answers[f"tell {answer.status_code}"] += 1
                        if answer.status_code in (200, 202):
                            tally.accepted[answer.json()["requestId"]] = action
                    elif action == "stream":
                        await _stream(http, body, tally)
                    elif action == "listen":
                        await _listen(http, team, rng.uniform(1, 4), tally)
                    else:
                        params = {"fromTeam": caller} if caller != "external" else {}
                        answer = await http.post(f"/api/teams/{team}/cancel", json=params)
                        tally.answers[f"cancel {answer.status_code}"] += 1
            except (TimeoutError, httpx.TimeoutException):
                tally.hung += 1
                tally.hung_calls.append(f"{action} {caller}->{team}")
            except (httpx.TransportError, httpx.StreamError):
                tally.refused += 1
                await asyncio.sleep(0.5)
            await asyncio.sleep(rng.uniform(0.05, 0.4))


def _message(rng: random.Random) -> str:
    kind = rng.choices(["echo", "slow", "tool", "daemon"], [5, 3, 1, 1])[0]
    text = f"soak {uuid.uuid4().hex[:8]}"
    if kind == "slow":
        return f"#slow:{rng.randint(3, 12)}:{rng.randint(50, 300)} {text}"
    if kind == "tool":
        return f"#bash:echo {text}"
    if kind == "daemon":
        return "#bash:setsid sleep 600 >/dev/null 2>&1 < /dev/null & echo started"
    return text


async def _stream(http: Any, body: dict[str, Any], tally: Tally) -> None:
    async with http.stream("POST", "/api/teams/tell/stream", json=body) as answer:
        tally.answers[f"stream {answer.status_code}"] += 1
        if answer.status_code != 200:
            await answer.aread()
            return
        event = None
        async for line in answer.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "tell:accepted":
                tally.accepted[json.loads(line[6:])["data"]["requestId"]] = "stream"
            elif event in ("tell:complete", "tell:error") and line == "":
                return


async def _listen(http: Any, team: str, seconds: float, tally: Tally) -> None:
    async with http.stream("GET", "/api/events", params={"team": team}) as answer:
        tally.answers[f"listen {answer.status_code}"] += 1
        if answer.status_code != 200:
            await answer.aread()
            return
        with_deadline = time.monotonic() + seconds
        async for _line in answer.aiter_lines():
            if time.monotonic() > with_deadline:
                return


async def _chaos(server: Server, marker: str, deadline: float, tally: Tally, rng: random.Random) -> None:
    """Kill one Claude Code process of the server every few seconds."""
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.uniform(2, 5))
        children = _claude_children(server.pid, marker)
        if children:
            victim = rng.choice(children)
            try:
                os.kill(victim, signal.SIGKILL)
                tally.kills += 1
            except ProcessLookupError:
                pass


async def _sample_rss(server: Server, started: float, samples: list[tuple[float, int]]) -> None:
    """Every 5 s: seconds since the load began, and the server's RSS (KiB; 0 while it is down)."""
    while True:
        with contextlib.suppress(OSError, AssertionError):
            samples.append((round(time.monotonic() - started, 1), _rss_kib(server.pid)))
        await asyncio.sleep(5)


async def _settle(base: str, key: str, tally: Tally, seconds: float) -> dict[str, dict[str, Any]]:
    """Read back every accepted tell until each has a final record or time is up."""
    import httpx

    records: dict[str, dict[str, Any]] = {}
    pending = set(tally.accepted)
    end = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        while pending and time.monotonic() < end:
            for request_id in list(pending):
                answer = await http.get(f"/api/requests/{request_id}")
                if answer.status_code == 200:
                    records[request_id] = answer.json()
                    if answer.json()["status"] in FINAL:
                        pending.discard(request_id)
            if pending:
                await asyncio.sleep(1)
    return records


def _reason_kind(record: dict[str, Any]) -> str:
    reason = record.get("reason") or ""
    return reason.split(":", 1)[0].strip() or "-"


async def _soak(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from app.auth.store import KeyStore
    from app.standin import ModelStandIn

    rng = random.Random(args.seed)
    marker = f"IRIS_SOAK_RUN={uuid.uuid4().hex}"
    name, value = marker.split("=", 1)
    port = free_port()
    home = work / "home"
    home.mkdir()
    with ModelStandIn() as standin:
        teams = {}
        for team in TEAMS:
            (work / team).mkdir()
            teams[team] = {"path": str(work / team), "env": {**standin.env(), name: value}, "grantPermission": "yes"}
        config = {
            "settings": {
                "maxProcesses": 5,
                "maxQueuedTells": 64,
                "responseTimeout": 30_000,
                "shutdownGrace": 1000,
                "healthCheckInterval": 5_000,
            },
            "api": {
                "enabled": True,
                "port": port,
                "rateLimit": {"enabled": True, "windowMs": 60_000, "maxRequests": 100_000},
                "keyStorePath": str(work / "keys.db"),
                "auditLogPath": str(work / "audit.db"),
            },
            "database": {"path": str(work / "iris.db")},
            "teams": teams,
        }
        import yaml

        (work / "config.yaml").write_text(yaml.safe_dump(config))
        async with KeyStore(str(work / "keys.db")) as store:
            keys = [(await store.create(f"soak-{n}", role="admin")).key for n in range(args.clients + 1)]
        env = {**os.environ, "HOME": str(home), "IRIS_HOME": str(work / "iris"), "PYTHONPATH": str(ROOT)}
        server = Server(work / "config.yaml", port, env, work / "server.log")
        server.start()
        base = f"http://127.0.0.1:{port}"
        import httpx

        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {keys[-1]}"}) as http:
            for team in TEAMS:  # warm up: one tell per team
                warm = await http.post("/api/teams/tell", json={"toTeam": team, "message": "warm up"}, timeout=60)
                warm.raise_for_status()

        tally = Tally()
        started = time.monotonic()
        deadline = started + args.seconds
        clients = [
            asyncio.create_task(_client(n, base, keys[n], deadline, tally, args.seed)) for n in range(args.clients)
        ]
        chaos = asyncio.create_task(_chaos(server, marker, deadline, tally, rng))
        samples: list[tuple[float, int]] = []
        sampler = asyncio.create_task(_sample_rss(server, started, samples))
        warmup = min(args.warmup, args.seconds / 6)
        await asyncio.sleep(warmup)
        rss_first = [_rss_kib(server.pid)]
        await asyncio.sleep(max(0.0, started + args.seconds / 2 - time.monotonic()))
        rss_first.append(_rss_kib(server.pid))
        server.kill()
        server.start()
        await asyncio.sleep(warmup)
        rss_second = [_rss_kib(server.pid)]
        await asyncio.gather(*clients, chaos)
        records = await _settle(base, keys[-1], tally, args.settle)
        rss_second.append(_rss_kib(server.pid))
        sampler.cancel()
        code = server.stop()
        await asyncio.sleep(1)
        orphans = _marked(marker)
        for pid in orphans:  # leave the machine clean whatever the result
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    outcomes: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    lost = []
    for request_id in tally.accepted:
        record = records.get(request_id)
        if record is None or record["status"] not in FINAL:
            lost.append(request_id)
            continue
        status = record["status"]
        outcome = status if status == "completed" else f"{status} ({_reason_kind(record)})"
        outcomes[outcome] += 1
        if status != "completed":
            examples.setdefault(outcome, (record.get("reason") or "")[:160])
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "accepted": len(tally.accepted),
        "completed": outcomes.get("completed", 0),
        "outcomes": dict(sorted(outcomes.items())),
        "reasons": examples,
        "answers": dict(sorted(tally.answers.items())),
        "lost": len(lost),
        "lostIds": lost[:10],
        "hung": tally.hung,
        "hungCalls": tally.hung_calls[:10],
        "refused": tally.refused,
        "processesKilled": tally.kills,
        "serverRestarts": 1,
        "orphans": len(orphans),
        "warmupSeconds": warmup,
        "rssFirstKiB": rss_first,
        "rssSecondKiB": rss_second,
        "rssSamples": samples,
        "serverExit": code,
        "load": os.getloadavg()[0],
    }


def table(result: dict[str, Any], load: float) -> str:
    lines = [
        f"soak: {result['clients']} clients for {result['seconds']} s, {os.cpu_count()} CPUs, "
        f"load {load:.2f} at start; {result['processesKilled']} Claude Code processes killed, "
        f"{result['serverRestarts']} server SIGKILL + restart",
        f"{'measure':<34} | value",
        f"{'accepted tells':<34} | {result['accepted']}",
    ]
    for outcome, count in result["outcomes"].items():
        lines.append(f"{'  ' + outcome:<34} | {count}")
    lines += [
        f"{'lost (accepted, no final record)':<34} | {result['lost']}",
        f"{'hung callers':<34} | {result['hung']}",
        f"{'refused while the server was down':<34} | {result['refused']}",
        f"{'orphans left':<34} | {result['orphans']}",
        f"{'server RSS, warm-up -> end (MiB)':<34} | "
        + "; ".join(
            f"{life} {warm / 1024:.0f} -> {end / 1024:.0f} (x{end / max(1, warm):.2f})"
            for life, (warm, end) in (("first life", result["rssFirstKiB"]), ("second", result["rssSecondKiB"]))
        )
        + f"; warm-up: the first {result['warmupSeconds']:.0f} s of load of each life, goal x1.10 at most",
        f"{'server RSS every 5 s (MiB)':<34} | " + " ".join(f"{kib / 1024:.0f}" for _t, kib in result["rssSamples"]),
        f"{'answers':<34} | " + ", ".join(f"{k}: {v}" for k, v in result["answers"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--settle", type=float, default=120, help="seconds to wait for accepted tells to end")
    parser.add_argument("--seed", type=int, default=1615)
    parser.add_argument("--warmup", type=float, default=20, help="seconds of load before each warm-up RSS reading")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON on the last line")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="iris-soak-") as folder:
        result = asyncio.run(_soak(args, Path(folder)))
    print(table(result, load))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
