"""Webhook deliveries end to end: a real receiver on 127.0.0.1 verifies each signature with `standardwebhooks`; a
failed attempt is retried once, a 410 drops the delivery, deliveries list their attempts and can be sent again."""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from app.engine.records import BudgetReached
from app.spec import SPEC_PATH
from app.standin import ModelStandIn
from tests.support.live import LiveServer, create_key, write_config
from tests.support.waiting import until_sync
from tests.webhooks.receiver import Receiver

RETRY = {"firstDelayMs": 300, "factor": 2.0, "maxDelayMs": 1000, "jitter": 0.0, "retryForMs": 60_000}
"""A fast schedule, so that the tests do not wait for the default's seconds."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def live(tmp_path: Path, standin: ModelStandIn) -> Iterator[LiveServer]:
    config = write_config(
        tmp_path,
        standin,
        api={"requireAuth": True, "webhooks": {"allowedHosts": ["127.0.0.1"], "retry": RETRY}},
    )
    with LiveServer(config, key=create_key(config)) as server:
        yield server


def register(client: httpx.Client, url: str, events: list[str], **extra: Any) -> dict[str, Any]:
    created = client.post("/api/webhooks", json={"url": url, "events": events, **extra})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert body["secret"].startswith("whsec_")
    return body


def deliveries(client: httpx.Client, webhook_id: str) -> list[dict[str, Any]]:
    page = client.get(f"/api/webhooks/{webhook_id}/deliveries")
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def test_a_failed_attempt_is_retried_once_and_every_attempt_is_signed(live: LiveServer, receiver: Receiver) -> None:
    receiver.script([500])
    with live.client() as client:
        hook = register(client, receiver.url, ["tell.completed"])
        told = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "hello"})
        assert told.status_code == 200 and told.json()["status"] == "completed", told.text
        request_id = told.json()["requestId"]
        until_sync(lambda: len(receiver.requests()) >= 2, 20, "the retry")
        time.sleep(1.5)  # longer than every later retry of this schedule would wait
        first, second = receiver.requests()  # exactly two: the retry arrived once
        assert (first.status, second.status) == (500, 200)
        for got in (first, second):
            body = got.verified(hook["secret"])
            assert body["type"] == "tell.completed"
            assert body["data"]["requestId"] == request_id and body["data"]["status"] == "completed"
            assert body["data"]["from"] == "external" and body["data"]["to"] == "alpha"
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        [delivery] = until_sync(
            lambda: (found := deliveries(client, hook["id"])) and found[0]["status"] == "delivered" and found,
            10,
            "the delivery to be recorded",
        )
        assert delivery["requestId"] == request_id and delivery["event"] == "tell.completed"
        assert delivery["messageId"] == first.headers["webhook-id"] and delivery["nextAttemptAt"] is None
        assert [a["statusCode"] for a in delivery["attempts"]] == [500, 200]
        assert delivery["attempts"][0]["error"] == "HTTP 500" and delivery["attempts"][1]["error"] is None
        # the secret is never shown again
        listed = client.get("/api/webhooks").json()["items"]
        assert [item["id"] for item in listed] == [hook["id"]]
        assert hook["secret"] not in client.get("/api/webhooks").text
        assert hook["secret"] not in client.get(f"/api/webhooks/{hook['id']}/deliveries").text


def test_a_410_drops_the_delivery(live: LiveServer, receiver: Receiver) -> None:
    receiver.script([410], then=200)
    with live.client() as client:
        hook = register(client, receiver.url, ["tell.completed"])
        assert client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "gone"}).status_code == 200
        until_sync(lambda: receiver.requests(), 20, "the first attempt")
        [delivery] = until_sync(
            lambda: (found := deliveries(client, hook["id"])) and found[0]["status"] != "pending" and found,
            10,
            "the delivery to end",
        )
        assert delivery["status"] == "dropped" and delivery["nextAttemptAt"] is None
        assert [a["statusCode"] for a in delivery["attempts"]] == [410]
        time.sleep(1.5)
        assert len(receiver.requests()) == 1  # not retried


def test_redeliver_sends_the_same_message_again(live: LiveServer, receiver: Receiver) -> None:
    with live.client() as client:
        hook = register(client, receiver.url, ["tell.completed", "tell.failed"])
        assert client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "again"}).status_code == 200
        [original] = until_sync(lambda: receiver.requests(), 20, "the delivery")
        [delivery] = until_sync(
            lambda: (found := deliveries(client, hook["id"])) and found[0]["status"] == "delivered" and found,
            10,
            "the delivery to be recorded",
        )
        again = client.post(f"/api/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver")
        assert again.status_code == 202, again.text
        assert again.json()["status"] == "pending" and again.json()["messageId"] == delivery["messageId"]
        _, resent = until_sync(lambda: len(receiver.requests()) >= 2 and receiver.requests(), 20, "the redelivery")
        assert resent.headers["webhook-id"] == original.headers["webhook-id"] and resent.body == original.body
        assert resent.verified(hook["secret"])["type"] == "tell.completed"
        unknown = client.post(f"/api/webhooks/{hook['id']}/deliveries/00000000-0000-4000-8000-000000000000/redeliver")
        assert unknown.status_code == 404 and unknown.json()["details"] == {
            "deliveryId": "00000000-0000-4000-8000-000000000000"
        }
        gone = client.delete(f"/api/webhooks/{hook['id']}")
        assert gone.status_code == 200 and gone.json()["id"] == hook["id"]
        assert client.get(f"/api/webhooks/{hook['id']}/deliveries").status_code == 404
        assert client.get("/api/webhooks").json()["items"] == []


def conforms(body: dict[str, Any], schema: str) -> None:
    """The body matches the contract's schema of that delivery."""
    document = yaml.safe_load(SPEC_PATH.read_text())
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": document["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(body)


def test_every_kind_of_event_matches_its_schema(live: LiveServer, receiver: Receiver) -> None:
    events = ["tell.completed", "tell.failed", "process.terminated", "budget.reached"]
    with live.client() as client:
        hook = register(client, receiver.url, events)
        told = client.post("/api/teams/tell", json={"toTeam": "alpha", "message": "hello"})
        assert told.status_code == 200, told.text
        assert client.post("/api/teams/alpha/sleep", json={}).status_code == 200
        reached = BudgetReached(
            budget="team",
            team="alpha",
            request_id=uuid.UUID(told.json()["requestId"]),
            limit_usd=1.0,
            spent_usd=1.25,
            period="day",
            resets_at=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC),
            timestamp=datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC),
        )
        live.call(lambda: live.engine.events.publish(reached))
        until_sync(lambda: len(receiver.requests()) >= 3, 20, "three deliveries")
        bodies = {body["type"]: body for body in (got.verified(hook["secret"]) for got in receiver.requests())}
        assert set(bodies) == {"tell.completed", "process.terminated", "budget.reached"}
        conforms(bodies["tell.completed"], "WebhookTellEvent")
        conforms(bodies["process.terminated"], "WebhookProcessEvent")
        conforms(bodies["budget.reached"], "WebhookBudgetEvent")
        assert bodies["process.terminated"]["data"]["sessionId"] == told.json()["sessionId"]
        assert bodies["budget.reached"]["data"]["spentUsd"] == 1.25


def test_a_tool_use_waiting_for_a_decision_is_delivered(tmp_path: Path, standin: ModelStandIn) -> None:
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {"grantPermission": "ask"}},
        settings={"permissionTimeout": 60_000},
        api={"webhooks": {"allowedHosts": ["127.0.0.1"], "retry": RETRY}},
    )
    with LiveServer(config) as live, Receiver() as receiver, live.client() as client:
        hook = register(client, receiver.url, ["permission.requested", "tell.completed"], callbacksOnly=True)
        told = client.post(
            "/api/teams/quick-tell",
            json={"toTeam": "alpha", "message": "#bash:echo hi", "callbackUrl": receiver.url},
        )
        assert told.status_code == 202, told.text
        [asked] = until_sync(lambda: receiver.requests(), 30, "the permission request")
        body = asked.verified(hook["secret"])
        conforms(body, "WebhookPermissionEvent")
        data = body["data"]
        assert data["tool"] == "Bash" and data["requestId"] == told.json()["requestId"] and data["to"] == "alpha"
        decided = client.post(f"/api/permissions/{data['permissionId']}", json={"decision": "approve"})
        assert decided.status_code == 200, decided.text
        until_sync(lambda: len(receiver.requests()) >= 2, 30, "the tell's end")
        assert receiver.requests()[1].verified(hook["secret"])["type"] == "tell.completed"
