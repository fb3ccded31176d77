"""The tests' app in this process with the SELECTs its store runs counted: an admin key and one scoped to alpha."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from app.api.app import create_app
from app.auth.store import KeyStore
from app.engine import Engine
from tests.conftest import ConfigFactory

__all__ = ["Counted", "counted_app"]


@dataclass
class Counted:
    """An app in this process with its engine, a client of it, the SELECTs its store has run, and the headers of an
    admin key and of an admin key scoped to alpha."""

    client: httpx.AsyncClient
    engine: Engine
    selects: list[str]
    admin: dict[str, str]
    scoped: dict[str, str]


Served = TypeVar("Served", bound=Counted)


@asynccontextmanager
async def counted_app(make_config: ConfigFactory, teams: Sequence[str], kind: type[Served]) -> AsyncIterator[Served]:
    """`teams` on the stand-in, authentication on, served in this process as a `kind` while the block runs."""
    config = make_config(
        teams=teams,
        settings={"idleTimeout": 600_000},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    async with KeyStore(config.api.key_store_path) as keys:
        admin = (await keys.create("admin", role="admin")).key
        scoped = (await keys.create("scoped", role="admin", teams=["alpha"])).key
    app = create_app(config)
    async with AsyncTestClient(app, timeout=120) as client:
        engine: Engine = app.state.engine
        selects: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append(statement)

        event.listen(engine.store.engine.sync_engine, "before_cursor_execute", count)
        yield kind(client, engine, selects, {"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {scoped}"})
