"""Oversized request heads: uvicorn's own httptools protocol against Iris's (`app.api.server.IrisHttpProtocol`,
header limits from `api.maxHeaderBytes` / `api.maxHeaders`), in one run.

    python bench/headers.py [--mib 100] [--headers 10000]

Each side is the real app (`create_app`, authentication on) served by uvicorn in its own process on 127.0.0.1.
Against each, this process sends one request whose single header value is `--mib` MiB, and one with
`--headers` small headers, while a second connection asks `GET /api/health` every 20 ms. It prints, per side:
the status answered (none: the server read everything and waited for more), bytes the server took before
closing, the server's peak RSS growth (VmHWM) and the slowest health answer during the send (how long the event
loop was blocked).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402

SERVE = """
import sys, uvicorn
from app.api.app import create_app
from app.config import load_config
http = "app.api.server:IrisHttpProtocol" if sys.argv[3] == "iris" else "httptools"
uvicorn.run(create_app(load_config(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="error",
            lifespan="on", access_log=False, http=http)
"""


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def send(port: int, head: bytes, body_chunks: int, chunk: bytes) -> tuple[str, int]:
    """Send `head` then `body_chunks` times `chunk` (still the head), then read the answer: (status, bytes sent)."""
    answer: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:

        def read() -> None:
            with contextlib.suppress(OSError):
                answer.append(sock.recv(4096))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        sent = 0
        with contextlib.suppress(OSError):
            sock.sendall(head)
            sent += len(head)
            for _ in range(body_chunks):
                sock.sendall(chunk)
                sent += len(chunk)
            sock.sendall(b"\r\n\r\n")
        reader.join(60)
    first = answer[0].split(b"\r\n", 1)[0].decode("latin-1") if answer and answer[0] else "no answer"
    return first.removeprefix("HTTP/1.1 "), sent


def measure(port: int, pid: int, head: bytes, chunks: int, chunk: bytes) -> dict[str, str]:
    slowest = [0.0]
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            while not stop.is_set():
                started = time.perf_counter()
                with contextlib.suppress(httpx.HTTPError):
                    client.get("/api/health")
                slowest[0] = max(slowest[0], time.perf_counter() - started)
                time.sleep(0.02)

    before = kib(pid, "VmHWM")
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    status, sent = send(port, head, chunks, chunk)
    time.sleep(0.5)
    stop.set()
    prober.join(120)
    return {
        "status": status,
        "sent (MiB)": f"{sent / 2**20:.1f}",
        "peak RSS growth (MB)": f"{(kib(pid, 'VmHWM') - before) / 1000:.0f}",
        "slowest /api/health (ms)": f"{slowest[0] * 1000:.0f}",
    }


def side(root: Path, protocol: str, mib: int, headers: int) -> dict[str, dict[str, str]]:
    port = free_port()
    config = root / "config.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IRIS_HOME": str(root / protocol)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(config), str(port), protocol], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the {protocol} server did not start") from None
                time.sleep(0.1)
        head = b"GET /api/teams HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
        chunk = b"a" * 65536
        big = measure(port, server.pid, head, mib * 16, chunk)
        many_head = b"GET /api/teams HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        many = b"".join(f"X-{i}: 1\r\n".encode() for i in range(headers))
        count = measure(port, server.pid, many_head + many[:-2], 0, b"")
        return {f"one {mib} MiB header": big, f"{headers} headers": count}
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--headers", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iris-bench-headers-") as tmp:
        root = Path(tmp)
        (root / "alpha").mkdir()
        (root / "config.yaml").write_text(
            yaml.safe_dump({"api": {"enabled": True, "requireAuth": True}, "teams": {"alpha": {"path": "alpha"}}})
        )
        results = {name: side(root, name, args.mib, args.headers) for name in ("httptools", "iris")}
    cases = list(results["iris"])
    measures = list(results["iris"][cases[0]])
    print(f"{'case / measure':44} | {'uvicorn httptools':>20} | {'Iris protocol':>20}")
    for case in cases:
        for measure_name in measures:
            label = f"{case}: {measure_name}"
            before, after = results["httptools"][case][measure_name], results["iris"][case][measure_name]
            print(f"{label:44} | {before:>20} | {after:>20}")


if __name__ == "__main__":
    main()
