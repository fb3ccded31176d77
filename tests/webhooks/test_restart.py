"""A pending webhook delivery survives a crash: the server is killed with SIGKILL between two attempts and the
delivery still arrives, signed, from the next server on the same store."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.standin import ModelStandIn
from tests.support.live import free_port, write_config
from tests.support.waiting import until_sync
from tests.test_restart import Server, running
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running_receiver:
        yield running_receiver


@pytest.fixture
def server(tmp_path: Path, standin: ModelStandIn) -> Iterator[Server]:
    """`python -m app serve` on alpha, retrying a failed delivery after 3 s (time to kill it in between)."""
    retry = {"firstDelayMs": 3000, "jitter": 0.0, "retryForMs": 120_000}
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {}},
        settings={"shutdownGrace": 500, "cancelGrace": 1000, "spawnTimeout": 30000},
        api={"port": free_port(), "webhooks": {"allowedHosts": ["127.0.0.1"], "retry": retry}},
    )
    live = Server(config, tmp_path / "iris", tmp_path / "server.log")
    yield live
    if live.process is not None and live.process.poll() is None:
        live.process.kill()
        live.process.wait(30)
    for pid, start in live.watched.items():
        if running(pid, start):
            os.kill(pid, signal.SIGKILL)


def attempts(server: Server, webhook_id: str) -> list[dict[str, Any]]:
    page = httpx.get(f"{server.url}/api/webhooks/{webhook_id}/deliveries", timeout=30)
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def test_a_pending_delivery_arrives_after_a_crash(server: Server, receiver: Receiver) -> None:
    receiver.script([500])
    server.start()
    created = httpx.post(
        f"{server.url}/api/webhooks", json={"url": receiver.url, "events": ["tell.completed"]}, timeout=30
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    request_id = server.tell("deliver me")
    until_sync(
        lambda: (found := attempts(server, hook["id"])) and len(found[0]["attempts"]) == 1,
        30,
        "the first attempt to be recorded",
    )
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    [first] = receiver.requests()
    assert first.status == 500
    time.sleep(3.5)  # the retry is due while no server runs
    assert len(receiver.requests()) == 1
    server.start()
    until_sync(lambda: len(receiver.requests()) >= 2, 30, "the retry after the restart")
    [delivery] = until_sync(
        lambda: (found := attempts(server, hook["id"])) and found[0]["status"] == "delivered" and found,
        30,
        "the delivery to be recorded",
    )
    _, second = receiver.requests()
    assert second.status == 200 and second.headers["webhook-id"] == first.headers["webhook-id"]
    body = second.verified(hook["secret"])
    assert body["type"] == "tell.completed" and body["data"]["requestId"] == request_id
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 200]
    assert server.stop(signal.SIGTERM) == 0
    assert len(receiver.requests()) == 2
