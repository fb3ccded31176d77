"""Auth overhead benchmark: `GET /api/status` with authentication, rate limiting and the audit log on, against
the same build with `api.requireAuth: false` and no rate limit (so nothing audited), in one run.

    python bench/auth.py [--requests 2000] [--block 50] [--auth-success first-per-key-per-minute]

Each side is the real app (`create_app`) of this working tree served by uvicorn in its own process on
127.0.0.1; this process is the only client: one keep-alive httpx client per side, requests sent in interleaved
blocks (auth, open, open, auth, ...) so that both sides see the same machine load. On a machine of two or more
cores both servers run on its last core and the client on the others, so that neither side gets a core of its
own by chance (the scheduler's placement otherwise moves the ratio by a few percent between runs). With auth on
every request has its key verified (`KeyCheck`: the key store is asked again whenever its file changed, so a revocation
counts on the next request), counted against the key's rate limit (maxRequests set far above the run), and
audited as `api.audit.authSuccess` says (`--auth-success`: the default, `first-per-key-per-minute`, or `all`,
an `auth_success` row queued per request, written in batches). Prints the machine's load when the run
started, requests/s, p50/p99 latency and each server's CPU time per request for each side, and the ratios
auth/open (target: p50 latency at most 1.10; the total-time and per-block-pair ratios are shown too, as the
machine's other load shows up in them more than in the median).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port, make_key, percentile, wait_until_healthy  # noqa: E402

SERVE = """
import os, sys, uvicorn
if sys.argv[3]:
    os.sched_setaffinity(0, {int(sys.argv[3])})
from app.api.app import create_app
from app.config import load_config
uvicorn.run(create_app(load_config(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            lifespan="on", access_log=False)
"""


def write_config(root: Path, name: str, api: dict[str, Any]) -> Path:
    (root / "projects" / "alpha").mkdir(parents=True, exist_ok=True)
    document = {
        "api": {
            "enabled": True,
            "keyStorePath": str(root / f"{name}-keys.db"),
            "auditLogPath": str(root / f"{name}-audit.db"),
            **api,
        },
        "database": {"path": str(root / f"{name}.db")},
        "teams": {"alpha": {"path": str(root / "projects" / "alpha")}},
    }
    file = root / f"{name}.yaml"
    file.write_text(yaml.safe_dump(document))
    return file


def pin_cores() -> int | None:
    """Pin this process (the client) to every core but the last, and return that core for both servers (None: one
    core, or no affinity)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None
    os.sched_setaffinity(0, set(cores[:-1]))
    return cores[-1]


def start(config: Path, home: Path, cpu: int | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IRIS_HOME": str(home), "HOME": str(home)}
    command = [sys.executable, "-c", SERVE, str(config), str(port), "" if cpu is None else str(cpu)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, proc, f"the server on {config} did not start")
    return proc, url


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far (`/proc/<pid>/stat`)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_block(client: httpx.Client, count: int, into: list[float]) -> float:
    started = time.perf_counter()
    for _ in range(count):
        t = time.perf_counter()
        response = client.get("/api/status")
        into.append(time.perf_counter() - t)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {response.text[:200]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per side")
    parser.add_argument("--block", type=int, default=50, help="requests per interleaved block")
    parser.add_argument(
        "--auth-success",
        choices=("all", "first-per-key-per-minute", "none"),
        default="first-per-key-per-minute",
        help="api.audit.authSuccess of the auth side (default: the server's default)",
    )
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="iris-bench-auth-") as tmp:
        root = Path(tmp)
        secured = write_config(
            root,
            "auth",
            {
                "requireAuth": True,
                "rateLimit": {"enabled": True, "maxRequests": 100_000_000},
                "audit": {"authSuccess": args.auth_success},
            },
        )
        open_ = write_config(root, "open", {"requireAuth": False, "rateLimit": {"enabled": False}})
        key = make_key(secured, "bench", "viewer")
        core = pin_cores()
        servers = [start(secured, root, core), start(open_, root, core)]
        try:
            latencies: dict[str, list[float]] = {"auth": [], "open": []}
            elapsed = {"auth": 0.0, "open": 0.0}
            pids = {"auth": servers[0][0].pid, "open": servers[1][0].pid}
            cpu = {"auth": 0.0, "open": 0.0}
            pairs: list[float] = []
            with (
                httpx.Client(base_url=servers[0][1], headers={"Authorization": f"Bearer {key}"}) as auth,
                httpx.Client(base_url=servers[1][1]) as plain,
            ):
                clients = {"auth": auth, "open": plain}
                for client in clients.values():  # warm-up (connections, caches), not counted
                    run_block(client, 50, [])
                done = 0
                while done < args.requests:
                    n = min(args.block, args.requests - done)
                    block: dict[str, float] = {}
                    for name in ("auth", "open") if (done // args.block) % 2 == 0 else ("open", "auth"):
                        before = cpu_seconds(pids[name])
                        block[name] = run_block(clients[name], n, latencies[name])
                        cpu[name] += cpu_seconds(pids[name]) - before
                        elapsed[name] += block[name]
                    pairs.append(block["auth"] / block["open"])
                    done += n
            print(
                f"GET /api/status, {args.requests} requests per side, blocks of {args.block}, interleaved; "
                f"authSuccess {args.auth_success}; load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
                f"({os.cpu_count()} cores)"
            )
            print(f"{'side':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}")
            for name in ("auth", "open"):
                rate = args.requests / elapsed[name]
                p50 = percentile(latencies[name], 0.5) * 1000
                p99 = percentile(latencies[name], 0.99) * 1000
                per_request = cpu[name] / args.requests * 1000
                print(f"{name:<6} {rate:>8.0f} {p50:>8.3f} {p99:>8.3f} {per_request:>11.3f}")
            time_ratio = elapsed["auth"] / elapsed["open"]
            p50_ratio = percentile(latencies["auth"], 0.5) / percentile(latencies["open"], 0.5)
            pair_ratio = percentile(pairs, 0.5)
            cpu_ratio = cpu["auth"] / cpu["open"] if cpu["open"] else float("nan")
            verdict = "ok" if p50_ratio <= 1.10 else "OVER 1.10"
            print(
                f"ratio auth/open: p50 latency {p50_ratio:.3f} ({verdict}); total time {time_ratio:.3f}; "
                f"median of {len(pairs)} block pairs {pair_ratio:.3f}; server CPU {cpu_ratio:.3f}"
            )
        finally:
            for proc, _ in servers:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
