"""The outbox on a real SQLite file: a page of deliveries shows each one's status and attempts as of one moment,
even when an attempt is recorded while the page is being read."""

from __future__ import annotations

import datetime
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.db.outbox import AttemptRecord, DeliveryRecord, Outbox, WebhookRecord
from app.db.store import Store

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


async def test_a_page_is_read_as_of_one_moment(tmp_path: Path) -> None:
    database = tmp_path / "iris.db"
    store = Store(f"sqlite+aiosqlite:///{database}")
    await store.open()
    outbox = Outbox(store)
    try:
        hook = WebhookRecord(id=uuid.uuid4(), url="http://127.0.0.1:9/", events=["tell.completed"], secret="whsec_x")
        hook.created_at = NOW
        await outbox.add_endpoint(hook)
        delivery = DeliveryRecord(
            id=uuid.uuid4(),
            webhook_id=hook.id,
            message_id="msg_1",
            event="tell.completed",
            body="{}",
            status="pending",
            created_at=NOW,
            next_attempt_at=NOW,
            attempt_count=0,
        )
        await outbox.enqueue([delivery])
        attempt = AttemptRecord(id=uuid.uuid4(), delivery_id=delivery.id, at=NOW, status_code=404, duration_ms=3)
        await outbox.attempted(delivery.id, attempt, status="failed", next_attempt_at=None)

        # Take the recorded attempt back out, to record it again (on another connection) mid-read.
        other = sqlite3.connect(database, isolation_level=None)
        [saved] = other.execute("SELECT * FROM iris_webhook_attempt").fetchall()
        other.execute("DELETE FROM iris_webhook_attempt")
        other.execute("UPDATE iris_webhook_delivery SET status = 'pending', attempt_count = 0")
        recorded: list[str] = []

        def record_the_attempt(*args: Any) -> None:
            statement: str = args[2]
            if recorded or "iris_webhook_delivery" not in statement:
                return
            recorded.append(statement)
            other.execute("BEGIN")
            other.execute(f"INSERT INTO iris_webhook_attempt VALUES ({', '.join('?' * len(saved))})", saved)
            other.execute("UPDATE iris_webhook_delivery SET status = 'failed', attempt_count = 1")
            other.execute("COMMIT")

        event.listen(store.engine.sync_engine, "after_cursor_execute", record_the_attempt)
        page = await outbox.deliveries(hook.id, limit=10)
        event.remove(store.engine.sync_engine, "after_cursor_execute", record_the_attempt)
        assert recorded, "the attempt was recorded during the read"
        [(seen, attempts)] = page.items
        assert (seen.status, seen.attempt_count, len(attempts)) in {("pending", 0, 0), ("failed", 1, 1)}

        [(after, attempts_after)] = (await outbox.deliveries(hook.id, limit=10)).items
        assert (after.status, [a.status_code for a in attempts_after]) == ("failed", [404])
        other.close()
    finally:
        await store.close()
