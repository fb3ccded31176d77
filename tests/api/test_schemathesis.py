"""Schemathesis against the app in-process: every operation but the streams, examples + coverage + fuzzing +
stateful phases, a fixed seed, zero failures allowed.

The teams carry the names the contract's examples use (backend, frontend, docs), so the examples phase really
tells, wakes and forks, with Claude Code running on the model stand-in. `IRIS_FUZZ_EXAMPLES` and
`IRIS_FUZZ_STEPS` raise the volume (`just fuzz`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from litestar import Litestar
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi as schemathesis_asgi
from sqlalchemy import update

from app.api.app import create_app
from app.api.docs.controllers import SPEC_PATH
from app.auth.keys import generate_key, hash_key
from app.auth.models import ApiKeyRow
from app.auth.store import KeyStore
from tests.api.conftest import write_config
from tests.api.test_contract import NOT_YET_SERVED
from tests.conftest import claude_processes
from tests.support.standin import ModelStandIn

SEED = 1615
MAX_EXAMPLES = int(os.environ.get("IRIS_FUZZ_EXAMPLES", "6"))
MAX_STEPS = int(os.environ.get("IRIS_FUZZ_STEPS", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("IRIS_FUZZ_SCENARIOS", "4"))
KEY = generate_key("test")
"""An admin key: the fixture stores its hash in the app's key store before the app starts."""

UNSERVED_PATHS = sorted({path for _, path in NOT_YET_SERVED})


def schemathesis_config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {KEY}"},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": MAX_STEPS},
            },
        }
    )


schema = (
    schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config())
    .exclude(tag="streams")
    .exclude(path=UNSERVED_PATHS)
)
"""The contract itself (the docs tests prove the app serves exactly this document)."""


async def store_key(path: str, plain: str) -> None:
    """Store `plain` as an admin key (the store draws its own keys; this one must be the one schemathesis sends)."""
    async with KeyStore(path) as store:
        created = await store.create("schemathesis", role="admin", env="test")
    async with KeyStore(path) as store, store.engine.begin() as db:
        await db.execute(update(ApiKeyRow).where(ApiKeyRow.id == created.record.id).values(key_hash=hash_key(plain)))


@pytest.fixture(scope="module")
def asgi_app(tmp_path_factory: pytest.TempPathFactory, standin: ModelStandIn) -> Iterator[Litestar]:
    """The app, called in-process by schemathesis; its lifespan (the engine) starts on the first request."""
    config = write_config(
        tmp_path_factory.mktemp("schemathesis"),
        standin,
        {"backend": {}, "frontend": {}, "docs": {}},
        settings={"responseTimeout": 30000, "permissionTimeout": 2000},
        api={"requireAuth": True, "rateLimit": {"enabled": True, "maxRequests": 1_000_000}},
    )
    asyncio.run(store_key(config.api.key_store_path, KEY))
    yield create_app(config)
    schemathesis_asgi.shutdown_lifespans()  # (schemathesis also ends the lifespan after each test)
    assert claude_processes() == [], "Claude Code processes outlived the app"


def only_our_cursors(case: schemathesis.Case) -> None:
    """Leave generated cursors out of positive cases.

    A cursor is opaque and valid only when this server gave it out (a previous page's `nextCursor`); any other
    string is answered 400 `ValidationError` by design, which the positive-data check would count as a
    rejected valid request. Negative cases keep their cursors; real cursors are followed in the integration
    tests.
    """
    if case.query and "cursor" in case.query and case.meta is not None and case.meta.generation.mode.is_positive:
        case.query = {name: value for name, value in case.query.items() if name != "cursor"}


def bind(case: schemathesis.Case, app: Litestar) -> None:
    """Send the auth checks' probes (the same request without or with a wrong key) to the app in-process too."""
    case.operation.app = app
    case.operation.schema.app = app


@schema.parametrize()
def test_every_operation(case: schemathesis.Case, asgi_app: Litestar) -> None:
    only_our_cursors(case)
    bind(case, asgi_app)
    case.call_and_validate(app=asgi_app)


def test_stateful_links(asgi_app: Litestar) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            only_our_cursors(case)
            bind(case, asgi_app)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {**super().get_call_kwargs(case), "app": asgi_app}

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=MAX_STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
