"""Stream benchmark: one streamed tell fanned out to 1, 10, 100 and 500 SSE subscribers.

    python bench/streams.py [--sizes 1,10,100,500] [--chunks 200] [--gap-ms 2]

The Iris app (`create_app`, memory channels) runs on uvicorn in this process, its team answered by the model
stand-in; the subscribers run in a separate process (so they do not share the server's interpreter), each a
plain asyncio connection to `GET /api/events?session=...`. For every N, one tell (`#slow:CHUNKS:GAP`) is
sent and every subscriber reads the session's events until `tell:complete`.

- delivery latency: from the moment the engine published an event (a sink on its EventHub) to the moment a
  subscriber read its `id:` line (both CLOCK_MONOTONIC, comparable across the two processes); p50 and p99
  over every event of every subscriber.
- events/s: events delivered to all subscribers together, per second, from the tell's first event to the
  last subscriber's `tell:complete`.

Prints a table with each value and its ratio to N=1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402

# ----------------------------------------------------------------------------------------- the subscribers


async def _subscriber(port: int, session: str, ready: asyncio.Event, counter: list[int], total: int) -> list[Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET /api/events?session={session} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.decode(errors="replace"))
    counter[0] += 1
    if counter[0] == total:
        ready.set()
    got: list[Any] = []
    clock = time.perf_counter
    tail = b""
    while True:
        block = await reader.read(262144)
        if not block:
            break
        received = clock()
        text = tail + block
        cut = text.rfind(b"\n")
        tail = text[cut + 1 :]
        lines = text[: cut + 1]
        start = lines.find(b"id: ")
        while start >= 0:
            end = lines.index(b"\n", start)
            got.append((int(lines[start:end].rsplit(b":", 1)[1]), received))
            start = lines.find(b"id: ", end)
        if b"event: tell:complete" in lines:
            break
    writer.close()
    return got


async def _clients(port: int, session: str, count: int) -> None:
    ready = asyncio.Event()
    counter = [0]
    tasks = [asyncio.create_task(_subscriber(port, session, ready, counter, count)) for _ in range(count)]
    await asyncio.wait_for(ready.wait(), 60)
    print("ready", flush=True)
    results = await asyncio.wait_for(asyncio.gather(*tasks), 300)
    print(json.dumps(results), flush=True)


# ------------------------------------------------------------------------------------------------ the server


def _serve(config_path: Path) -> tuple[Any, int, Any]:
    import socket

    import uvicorn

    from app.api.app import create_app
    from app.api.streams import StreamsPlugin
    from app.config import load_config

    app = create_app(load_config(config_path))
    layer = app.plugins.get(StreamsPlugin).layer
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", backlog=2048, timeout_graceful_shutdown=2))
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))

    threading.Thread(target=run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, port, layer


def run(sizes: list[int], chunks: int, gap_ms: int) -> list[dict[str, float]]:
    import httpx
    import yaml

    from app.standin import ModelStandIn

    work = Path(tempfile.mkdtemp(prefix="iris-bench-streams-"))
    os.environ["HOME"] = str(work / "home")
    os.environ["IRIS_HOME"] = str(work / "iris")
    (work / "home").mkdir()
    (work / "alpha").mkdir()
    rows = []
    with ModelStandIn() as standin:
        config = {
            "settings": {"healthCheckInterval": 3_600_000},
            # every subscriber comes from this one address: room for the largest size
            "api": {
                "enabled": True,
                "requireAuth": False,
                "maxStreamsPerKey": max(sizes) + 10,
                "rateLimit": {"enabled": False},  # the subscribers share one address: a limit would refuse most
            },
            "teams": {"alpha": {"path": str(work / "alpha"), "env": standin.env()}},
        }
        (work / "config.yaml").write_text(yaml.safe_dump(config))
        server, port, layer = _serve(work / "config.yaml")
        published: dict[int, float] = {}

        def sink(event: Any) -> None:
            if event.seq is not None:
                published[event.seq] = time.perf_counter()

        try:
            layer.engine.events.sinks.insert(0, sink)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                session = http.post("/api/teams/alpha/wake", json={}).json()["sessionId"]
                message = f"#slow:{chunks}:{gap_ms} " + "fan-out " * max(1, chunks // 7)
                http.post("/api/teams/tell", json={"toTeam": "alpha", "message": message})  # warm up
                for size in sizes:
                    client = subprocess.Popen(
                        [sys.executable, __file__, "--client", str(port), session, str(size)],
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    assert client.stdout is not None
                    if client.stdout.readline().strip() != "ready":
                        raise RuntimeError("the subscribers did not connect")
                    published.clear()
                    response = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": message})
                    assert response.status_code == 200, response.text
                    results = json.loads(client.stdout.readline())
                    client.wait(timeout=60)
                    latencies = [
                        received - published[seq] for got in results for seq, received in got if seq in published
                    ]
                    start = min(published.values())
                    end = max(received for got in results for _, received in got)
                    delivered = sum(len(got) for got in results)
                    rows.append(
                        {
                            "n": size,
                            "events": delivered / size,
                            "p50": percentile(latencies, 0.5) * 1000,
                            "p99": percentile(latencies, 0.99) * 1000,
                            "rate": delivered / (end - start),
                            "dropped": layer.dropped,
                        }
                    )
        finally:
            server.should_exit = True
            time.sleep(3)
    return rows


def table(rows: list[dict[str, float]]) -> str:
    base = rows[0]
    lines = [
        f"{'N':>5} {'events/sub':>10} {'p50 ms':>8} {'p99 ms':>8} {'events/s':>10} "
        f"{'p50 ×N=1':>9} {'p99 ×N=1':>9} {'ev/s ×N=1':>10}",
    ]
    for row in rows:
        lines.append(
            f"{int(row['n']):>5} {row['events']:>10.0f} {row['p50']:>8.2f} {row['p99']:>8.2f} {row['rate']:>10.0f} "
            f"{row['p50'] / base['p50']:>9.1f} {row['p99'] / base['p99']:>9.1f} {row['rate'] / base['rate']:>10.1f}"
        )
    if any(row["dropped"] for row in rows):
        lines.append(f"subscribers dropped for falling behind: {int(rows[-1]['dropped'])}")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        port, session, count = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        asyncio.run(_clients(port, session, count))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,500", help="subscriber counts, comma-separated")
    parser.add_argument("--chunks", type=int, default=200, help="text chunks in the streamed tell")
    parser.add_argument("--gap-ms", type=int, default=2, help="milliseconds between chunks")
    args = parser.parse_args()
    rows = run([int(size) for size in args.sizes.split(",")], args.chunks, args.gap_ms)
    print(f"one streamed tell (#slow:{args.chunks}:{args.gap_ms}) fanned out over SSE; {os.cpu_count()} CPUs")
    print(table(rows))


if __name__ == "__main__":
    main()
