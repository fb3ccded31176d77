"""`GET /metrics` on a real server: who may read it, and what it counts, parsed by prometheus-client's own parser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.config import IrisConfig
from app.standin import ModelStandIn
from tests.api.test_integration import until
from tests.support.live import LiveServer, create_key, write_config

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
ServerFactory = Callable[..., LiveServer]


def scrape(http: httpx.Client) -> Samples:
    """Every sample of `GET /metrics`, by name and labels."""
    response = http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version="), response.headers
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; KeyError when the server does not export that series."""
    return samples[(name, frozenset(labels.items()))]


def family(samples: Samples, name: str) -> dict[frozenset[tuple[str, str]], float]:
    """Every series of one sample name, by labels."""
    return {labels: v for (n, labels), v in samples.items() if n == name}


def refusal(response: httpx.Response, status: int, name: str) -> dict[str, Any]:
    """The error body, after checking it is the contract's shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()
    assert error["error"] == name and error["statusCode"] == status
    assert isinstance(error["message"], str) and isinstance(error["timestamp"], int)
    return error


@pytest.fixture
def servers(tmp_path: Path, standin: ModelStandIn) -> Iterator[ServerFactory]:
    """Start servers on configs of teams alpha and beta (authentication on unless `api` says otherwise)."""
    started: list[LiveServer] = []

    def start(name: str = "server", *, key: bool = True, **api: Any) -> LiveServer:
        config = write_config(tmp_path / name, standin, {"alpha": {}, "beta": {}}, api={"requireAuth": True, **api})
        live = LiveServer(config, create_key(config) if key else None).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


def keys(config: IrisConfig) -> dict[str, str]:
    """A viewer key, a key holding only metrics:read, and one also limited to team alpha."""
    return {
        "viewer": create_key(config, "viewer", role="viewer"),
        "metrics": create_key(config, "scraper", role=None, permissions=["metrics:read"]),
        "alpha-metrics": create_key(config, "alpha-scraper", role=None, permissions=["metrics:read"], teams=["alpha"]),
    }


def test_metrics_need_a_key_holding_metrics_read_for_every_team(servers: ServerFactory) -> None:
    live = servers()
    made = keys(live.config)
    with httpx.Client(base_url=live.url, timeout=30) as anonymous:
        missing = refusal(anonymous.get("/metrics"), 401, "UnauthorizedError")
        assert "key" in missing["message"]
    with live.client(key=made["viewer"]) as viewer:
        forbidden = refusal(viewer.get("/metrics"), 403, "ForbiddenError")
        assert forbidden["details"] == {"permission": "metrics:read"}
        assert "metrics:read" in forbidden["message"]
    with live.client(key=made["alpha-metrics"]) as scoped:
        outside = refusal(scoped.get("/metrics"), 403, "ForbiddenError")
        assert outside["details"] == {"team": "beta"}  # the metrics count every team
    with live.client(key=made["metrics"]) as scraper:
        samples = scrape(scraper)
        assert value(samples, "iris_tells_total", status="completed", team="alpha") == 0
        assert scraper.get("/api/status").status_code == 403  # metrics:read grants nothing else
    with live.client() as admin:
        scrape(admin)  # admin holds every permission
        audit = admin.get("/api/audit", params={"limit": 500}).json()["items"]
    metrics_rows = [(row["event"], row["keyName"], row["statusCode"]) for row in audit if row["path"] == "/metrics"]
    assert ("auth_failure", None, 401) in metrics_rows
    assert ("forbidden", "viewer", 403) in metrics_rows
    assert ("forbidden", "alpha-scraper", 403) in metrics_rows
    assert ("auth_success", "scraper", 200) in metrics_rows


def test_public_metrics_need_no_key_and_disabled_metrics_are_not_served(servers: ServerFactory) -> None:
    public = servers("public", key=False, metrics={"public": True})
    with httpx.Client(base_url=public.url, timeout=30) as anonymous:
        samples = scrape(anonymous)
        assert value(samples, "iris_processes", state="idle") == 0
        assert anonymous.get("/api/status").status_code == 401  # only the metrics are public
    disabled = servers("disabled", metrics={"enabled": False})
    with disabled.client() as admin:
        refusal(admin.get("/metrics"), 404, "NotFoundError")


def test_tells_are_counted_by_status_and_team_with_their_duration(servers: ServerFactory) -> None:
    live = servers()
    with live.client(timeout=120) as http:
        before = scrape(http)
        assert family(before, "iris_tell_duration_seconds_count") == {
            frozenset({("team", "alpha")}): 0,
            frozenset({("team", "beta")}): 0,
        }
        done = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "hello"})
        assert done.status_code == 200 and done.json()["status"] == "completed", done.text
        broken = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "#status:500"})
        assert broken.status_code == 200 and broken.json()["status"] == "failed", broken.text
        elsewhere = http.post("/api/teams/tell", json={"toTeam": "beta", "message": "hi"})
        assert elsewhere.status_code == 200 and elsewhere.json()["status"] == "completed", elsewhere.text
        after = scrape(http)
    assert family(after, "iris_tells_total") == {
        frozenset({("status", "completed"), ("team", "alpha")}): 1,
        frozenset({("status", "failed"), ("team", "alpha")}): 1,
        frozenset({("status", "cancelled"), ("team", "alpha")}): 0,
        frozenset({("status", "stalled"), ("team", "alpha")}): 0,
        frozenset({("status", "completed"), ("team", "beta")}): 1,
        frozenset({("status", "failed"), ("team", "beta")}): 0,
        frozenset({("status", "cancelled"), ("team", "beta")}): 0,
        frozenset({("status", "stalled"), ("team", "beta")}): 0,
    }
    assert value(after, "iris_tell_duration_seconds_count", team="alpha") == 2
    assert value(after, "iris_tell_duration_seconds_bucket", team="alpha", le="+Inf") == 2
    assert value(after, "iris_tell_duration_seconds_count", team="beta") == 1
    durations = (done.json()["duration"] + broken.json()["duration"]) / 1000
    assert value(after, "iris_tell_duration_seconds_sum", team="alpha") == pytest.approx(durations, abs=0.01)


def test_processes_queues_and_streams_are_read_when_scraped(servers: ServerFactory) -> None:
    live = servers()
    assert live.key is not None
    with live.client(timeout=120) as http:
        samples = scrape(http)
        assert family(samples, "iris_processes") == {
            frozenset({("state", s)}): 0 for s in ("spawning", "idle", "processing", "terminating")
        }
        assert family(samples, "iris_stream_subscribers") == {
            frozenset({("kind", k)}): 0 for k in ("websocket", "sse", "tell_stream")
        }
        woke = http.post("/api/teams/alpha/wake", json={})
        assert woke.status_code == 200, woke.text
        samples = scrape(http)
        assert value(samples, "iris_processes", state="idle") == 1
        assert sum(family(samples, "iris_processes").values()) == 1

        ws_url = live.url.replace("http://", "ws://") + "/ws"
        with (
            http.stream("GET", "/api/events", params={"system": "true"}) as sse,
            connect(ws_url, additional_headers={"Authorization": f"Bearer {live.key}"}),
            http.stream("POST", "/api/teams/tell/stream", json={"toTeam": "alpha", "message": "#slow:100:200 a"}) as s,
        ):
            assert sse.status_code == 200 and s.status_code == 200
            queued = http.post("/api/teams/tell", json={"toTeam": "alpha", "message": "next", "timeout": -1})
            assert queued.status_code == 202, queued.text
            samples = until(  # the slow tell runs for about 20 s; the second one waits behind it
                lambda: (found := scrape(http)) and value(found, "iris_processes", state="processing") == 1 and found,
                timeout=10,
                what="the streamed tell to run",
            )
            assert value(samples, "iris_queued_tells", team="alpha") == 1
            assert value(samples, "iris_queued_tells", team="beta") == 0
            assert family(samples, "iris_stream_subscribers") == {
                frozenset({("kind", "websocket")}): 1,
                frozenset({("kind", "sse")}): 1,
                frozenset({("kind", "tell_stream")}): 1,
            }
        until(
            lambda: sum(family(scrape(http), "iris_stream_subscribers").values()) == 0,
            timeout=10,
            what="closed streams to leave the gauge",
        )
        cancelled = http.post("/api/teams/alpha/cancel", json={"dropQueued": True})
        assert cancelled.status_code == 200, cancelled.text
        samples = scrape(http)
        assert value(samples, "iris_queued_tells", team="alpha") == 0
        assert value(samples, "iris_tells_total", status="cancelled", team="alpha") == 2


def test_rate_limited_requests_and_failed_authentications_are_counted(servers: ServerFactory) -> None:
    live = servers(rateLimit={"enabled": True, "maxRequests": 4, "windowMs": 600_000})  # 3 failures stay under it
    scraper = create_key(live.config, "scraper", role=None, permissions=["metrics:read"])
    with live.client(key=scraper) as http:
        first = scrape(http)
        assert value(first, "iris_rate_limited_total") == 0
        assert family(first, "iris_auth_failures_total") == {
            frozenset({("reason", r)}): 0 for r in ("expired", "malformed", "missing", "revoked", "unknown")
        }
        assert [http.get("/metrics").status_code for _ in range(3)] == [200, 200, 200]
        refusal(http.get("/metrics"), 429, "TooManyRequestsError")
    with httpx.Client(base_url=live.url, timeout=30) as anonymous:
        refusal(anonymous.get("/metrics"), 401, "UnauthorizedError")
        refusal(anonymous.get("/metrics", headers={"Authorization": "Bearer iris_sk_nope"}), 401, "UnauthorizedError")
    unknown = "iris_sk_" + "A" * 40
    ws_url = live.url.replace("http://", "ws://") + "/ws"
    with connect(ws_url, additional_headers={"Authorization": f"Bearer {unknown}"}) as ws:  # the WebSocket counts too
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    with live.client() as admin:
        samples = scrape(admin)
    assert value(samples, "iris_rate_limited_total") == 1
    assert value(samples, "iris_auth_failures_total", reason="missing") == 1
    assert value(samples, "iris_auth_failures_total", reason="malformed") == 1
    assert value(samples, "iris_auth_failures_total", reason="unknown") == 1
