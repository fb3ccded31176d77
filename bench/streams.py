"""Stream benchmark: one streamed tell fanned out to 1, 10, 100 and 500 SSE subscribers.

    python bench/streams.py [--sizes 1,10,100,500] [--chunks 200] [--gap-ms 2] [--procs 4] [--loop auto]

The Iris app (`create_app`, memory channels) runs on uvicorn in this process, with Iris's HTTP protocol and
the event loop `python -m app serve` gets (uvloop when installed), its team answered by the model stand-in
in a process of its own (as the model is elsewhere in production, not in the server's interpreter);
authentication and the rate limit are off (every subscriber comes from one address). The subscribers run in
`--procs` separate processes (N/procs connections each, so neither the server's interpreter nor one client
loop is what limits them), each a plain asyncio connection to `GET /api/events?session=...`. For every N,
one tell (`#slow:CHUNKS:GAP`) is sent and every subscriber reads the session's events until `tell:complete`.

- client-side delivery latency: from the moment the engine published an event (a sink on its EventHub) to
  the moment a subscriber read its `id:` line (both CLOCK_MONOTONIC, comparable across processes); p50 and
  p99 over every event of every subscriber.
- server-side, from the server's `/metrics` read before and after the tell: `iris_stream_delivery_seconds`
  (publication to the end of each subscriber's socket write of the event) and `iris_stream_fanout_seconds`
  (publication to the last subscriber's write); p50 and p99 interpolated within the histogram's buckets.
- events/s: events delivered to all subscribers together, per second, from the tell's first event to the
  last subscriber's `tell:complete`.

Prints the machine's load when the run started and a table with each value and its ratio to N=1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
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


async def _readers(port: int, count: int) -> None:
    """`count` loopback connections that read everything sent to them until it closes (the floor's receivers)."""

    async def read() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while await reader.read(262144):
            pass
        writer.close()

    await asyncio.gather(*(read() for _ in range(count)))


def floor(size: int, procs: int, frame: bytes, rounds: int, gap_ms: int) -> tuple[float, float]:
    """The same machine's floor for a fan-out to `size` readers: one thread writing `frame` to each of `size`
    idle loopback connections (read in `procs` other processes, as the subscribers are) with plain `send`
    calls, `rounds` times `gap_ms` apart; p50 and p99 of a round's duration in ms."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    port = listener.getsockname()[1]
    readers = [
        subprocess.Popen([sys.executable, __file__, "--readers", str(port), str(share)])
        for share in _spread(size, procs)
    ]
    connections = [listener.accept()[0] for _ in range(size)]
    for connection in connections:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        for connection in connections:
            connection.send(frame)
        durations.append((time.perf_counter() - started) * 1000)
        time.sleep(gap_ms / 1000)
    for connection in connections:
        connection.close()
    listener.close()
    for reader in readers:
        reader.wait(timeout=60)
    return percentile(durations, 0.5), percentile(durations, 0.99)


def _spread(size: int, procs: int) -> list[int]:
    """`size` subscribers over at most `procs` processes, as evenly as they go."""
    count = max(1, min(size, procs))
    return [size // count + (1 if i < size % count else 0) for i in range(count)]


# ------------------------------------------------------------------------------- the server-side histograms


def _histograms(text: str) -> dict[str, list[tuple[float, float]]]:
    """The cumulative buckets of the delivery histograms in a `/metrics` exposition."""
    found: dict[str, list[tuple[float, float]]] = {}
    for line in text.splitlines():
        for name in ("iris_stream_delivery_seconds", "iris_stream_fanout_seconds"):
            if line.startswith(name + "_bucket{"):
                bound = line.split('le="', 1)[1].split('"', 1)[0]
                found.setdefault(name, []).append((float(bound), float(line.rsplit(" ", 1)[1])))
    return found


def _quantile(before: list[tuple[float, float]], after: list[tuple[float, float]], fraction: float) -> float:
    """The `fraction` quantile (seconds) of what was observed between two readings, interpolated in its bucket
    (as Prometheus's `histogram_quantile`); NaN when nothing was."""
    counts = [(bound, now - then) for (bound, now), (_, then) in zip(after, before, strict=True)]
    total = counts[-1][1]
    if total <= 0:
        return float("nan")
    rank = fraction * total
    lower, below = 0.0, 0.0
    for bound, cumulative in counts:
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = bound, cumulative
    return lower


# ------------------------------------------------------------------------------------------------ the server


def _standin_main() -> None:
    """The model stand-in, until stdin closes (its own process: it never takes the server's interpreter)."""
    from app.standin import ModelStandIn

    with ModelStandIn() as standin:
        print(json.dumps(standin.env()), flush=True)
        sys.stdin.read()


@contextlib.contextmanager
def _standin() -> Iterator[dict[str, str]]:
    """A model stand-in in a process of its own; yields the environment that points Claude Code at it."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--standin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def _serve(config_path: Path, loop_kind: str) -> tuple[Any, int, Any, str]:
    import socket

    import uvicorn

    from app.api.app import create_app
    from app.api.server import IrisHttpProtocol
    from app.api.streams import StreamsPlugin
    from app.config import load_config

    app = create_app(load_config(config_path))
    layer = app.plugins.get(StreamsPlugin).layer
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, http=IrisHttpProtocol, loop=loop_kind, log_level="warning", backlog=2048, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    factory = config.get_loop_factory()  # what `loop` names (`auto`: uvloop when installed, as `python -m app serve`)
    loop = factory() if factory is not None else asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))

    threading.Thread(target=run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, port, layer, type(loop).__module__.split(".")[0]


def run(sizes: list[int], chunks: int, gap_ms: int, procs: int, loop_kind: str) -> tuple[list[dict[str, float]], str]:
    import httpx
    import yaml

    work = Path(tempfile.mkdtemp(prefix="iris-bench-streams-"))
    os.environ["HOME"] = str(work / "home")
    os.environ["IRIS_HOME"] = str(work / "iris")
    (work / "home").mkdir()
    (work / "alpha").mkdir()
    rows = []
    with _standin() as env:
        config = {
            "settings": {"healthCheckInterval": 3_600_000},
            # every subscriber comes from this one address: room for the largest size
            "api": {
                "enabled": True,
                "requireAuth": False,
                "maxStreamsPerKey": max(sizes) + 10,
                "rateLimit": {"enabled": False},  # the subscribers share one address: a limit would refuse most
            },
            "teams": {"alpha": {"path": str(work / "alpha"), "env": env}},
        }
        (work / "config.yaml").write_text(yaml.safe_dump(config))
        server, port, layer, loop_name = _serve(work / "config.yaml", loop_kind)
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
                    clients = [
                        subprocess.Popen(
                            [sys.executable, __file__, "--client", str(port), session, str(share)],
                            stdout=subprocess.PIPE,
                            text=True,
                        )
                        for share in _spread(size, procs)
                    ]
                    for client in clients:
                        assert client.stdout is not None
                        if client.stdout.readline().strip() != "ready":
                            raise RuntimeError("the subscribers did not connect")
                    published.clear()
                    before = _histograms(http.get("/metrics").text)
                    response = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": message})
                    assert response.status_code == 200, response.text
                    results = []
                    for client in clients:
                        assert client.stdout is not None
                        results.extend(json.loads(client.stdout.readline()))
                        client.wait(timeout=60)
                    time.sleep(0.2)  # the last writes' observations are made after the clients have read them
                    after = _histograms(http.get("/metrics").text)
                    latencies = [
                        received - published[seq] for got in results for seq, received in got if seq in published
                    ]
                    start = min(published.values())
                    end = max(received for got in results for _, received in got)
                    delivered = sum(len(got) for got in results)
                    delivery, fanout = "iris_stream_delivery_seconds", "iris_stream_fanout_seconds"
                    rows.append(
                        {
                            "n": size,
                            "events": delivered / size,
                            "p50": percentile(latencies, 0.5) * 1000,
                            "p99": percentile(latencies, 0.99) * 1000,
                            "s50": _quantile(before[delivery], after[delivery], 0.5) * 1000,
                            "s99": _quantile(before[delivery], after[delivery], 0.99) * 1000,
                            "f50": _quantile(before[fanout], after[fanout], 0.5) * 1000,
                            "f99": _quantile(before[fanout], after[fanout], 0.99) * 1000,
                            "rate": delivered / (end - start),
                            "dropped": layer.dropped,
                        }
                    )
                    frame = chunk_frame(session)
                    rows[-1]["b50"], rows[-1]["b99"] = floor(size, procs, frame, chunks, gap_ms)
        finally:
            server.should_exit = True
            time.sleep(3)
    return rows, loop_name


_COLUMNS = (
    ("p50", "client p50"),
    ("p99", "client p99"),
    ("s50", "server p50"),
    ("s99", "server p99"),
    ("f50", "last p50"),
    ("f99", "last p99"),
    ("b50", "floor p50"),
    ("b99", "floor p99"),
)


def chunk_frame(session: str) -> bytes:
    """A `tell:chunk` SSE frame of the size the streamed tell's are (what the floor writes)."""
    data = {"sessionId": session, "requestId": session, "chunk": "fan-out ", "seq": 100}
    return f"event: tell:chunk\nid: {session}:100\ndata: {json.dumps(data)}\n\n".encode()


def table(rows: list[dict[str, float]]) -> str:
    """Milliseconds per size, then each one's ratio to the first size's (events/s too)."""
    base = rows[0]
    head = f"{'N':>5} {'ev/sub':>6} " + " ".join(f"{label:>10}" for _, label in _COLUMNS) + f" {'events/s':>9}"
    lines = [
        "latency in ms (client: to the subscriber's read; server: to the end of its socket write;",
        "last: to the last subscriber's write), then each as a ratio to N=" + str(int(base["n"])),
        head,
    ]
    for row in rows:
        lines.append(
            f"{int(row['n']):>5} {row['events']:>6.0f} "
            + " ".join(f"{row[key]:>10.2f}" for key, _ in _COLUMNS)
            + f" {row['rate']:>9.0f}"
        )
    for row in rows:
        lines.append(
            f"{'x' + str(int(row['n'])):>5} {'':>6} "
            + " ".join(f"{row[key] / base[key]:>10.1f}" for key, _ in _COLUMNS)
            + f" {row['rate'] / base['rate']:>9.1f}"
        )
    lines.append(
        "the last write against the floor (the same bytes sent to as many idle connections in one plain loop):"
    )
    lines.append(
        "  "
        + "  ".join(
            f"N={int(row['n'])}: p50 x{row['f50'] / row['b50']:.1f}, p99 x{row['f99'] / row['b99']:.1f}" for row in rows
        )
    )
    if any(row["dropped"] for row in rows):
        lines.append(f"subscribers dropped for falling behind: {int(rows[-1]['dropped'])}")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--standin":
        _standin_main()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--readers":
        asyncio.run(_readers(int(sys.argv[2]), int(sys.argv[3])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        port, session, count = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        asyncio.run(_clients(port, session, count))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100,500", help="subscriber counts, comma-separated")
    parser.add_argument("--chunks", type=int, default=200, help="text chunks in the streamed tell")
    parser.add_argument("--gap-ms", type=int, default=2, help="milliseconds between chunks")
    parser.add_argument("--procs", type=int, default=4, help="client processes the subscribers are spread over")
    parser.add_argument("--loop", default="auto", choices=("auto", "asyncio", "uvloop"), help="the server's loop")
    args = parser.parse_args()
    load = os.getloadavg()
    rows, loop_name = run(
        [int(size) for size in args.sizes.split(",")], args.chunks, args.gap_ms, args.procs, args.loop
    )
    print(
        f"one streamed tell (#slow:{args.chunks}:{args.gap_ms}) fanned out over SSE to subscribers in up to "
        f"{args.procs} processes; server loop {loop_name}; {os.cpu_count()} CPUs; "
        f"load at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
