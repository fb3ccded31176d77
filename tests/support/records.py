"""Rows for tests that start from the store: a session of external → alpha with one tell record."""

from __future__ import annotations

from app.clock import utcnow
from app.db.models import SessionRecord, TellRecord
from app.db.store import Store


async def stored_tell(store: Store, *, status: str = "queued", message: str = "m") -> TellRecord:
    """A new session with one tell record in `status`, both written to `store`."""
    session = SessionRecord(from_team="external", team="alpha", created_at=utcnow())
    await store.add_session(session)
    tell = TellRecord(
        session_id=session.id,
        from_team="external",
        team="alpha",
        message=message,
        status=status,
        queued_at=utcnow(),
        command=False,
    )
    await store.add_tell(tell)
    return tell
