"""Schemathesis against the app in-process: every operation but the streams, examples + coverage + fuzzing +
stateful phases, every check (as `--checks all`), a fixed seed, zero failures allowed.

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
import yaml
from litestar import Litestar
from schemathesis.checks import CHECKS, CheckContext
from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig
from schemathesis.python import asgi as schemathesis_asgi
from sqlalchemy import update

from app.api.app import create_app
from app.auth.keys import generate_key, hash_key
from app.auth.models import ApiKeyRow
from app.auth.store import KeyStore
from app.spec import SPEC_PATH
from app.standin import ModelStandIn
from tests.conftest import claude_processes
from tests.support.live import write_config

SEED = 1615
MAX_EXAMPLES = int(os.environ.get("IRIS_FUZZ_EXAMPLES", "6"))
MAX_STEPS = int(os.environ.get("IRIS_FUZZ_STEPS", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("IRIS_FUZZ_SCENARIOS", "4"))
KEY = generate_key("test")
"""An admin key: the fixture stores its hash in the app's key store before the app starts."""

CURSOR = "#/components/parameters/Cursor"
LISTINGS = sorted(
    operation["operationId"]
    for item in yaml.safe_load(SPEC_PATH.read_text())["paths"].values()
    for operation in item.values()
    if isinstance(operation, dict) and {"$ref": CURSOR} in operation.get("parameters", [])
)
"""The paged listings: the operations that take a `cursor`."""

ACCEPTED = PositiveDataAcceptanceConfig().expected_statuses
"""What the positive-data check takes for an accepted request (schemathesis's default)."""
NAMED_URLS = {"tell": "callbackUrl", "ask": "callbackUrl", "quickTell": "callbackUrl", "createWebhook": "url"}
"""The operations whose valid data may still name a URL the server refuses: a `callbackUrl` that is no registered
endpoint's, a webhook `url` whose host `api.webhooks.allowedHosts` does not allow (`url_refusals`)."""


def schemathesis_config() -> SchemathesisConfig:
    """Every phase and every check; on a listing, the documented 400 for a cursor it never gave out also counts as
    accepting valid data (`cursor_refusals` holds that 400 to exactly that case)."""
    config = SchemathesisConfig.from_dict(
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
            "operations": [
                {
                    "include-operation-id": LISTINGS,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
                },
                {
                    "include-operation-id": sorted(NAMED_URLS),
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
                },
            ],
        }
    )
    config.projects.default.checks.update(included_check_names=["all"])
    return config


schema = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config()).exclude(tag="streams")
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


GIVEN_OUT: dict[str, set[str]] = {name: set() for name in LISTINGS}
"""The cursors each listing gave out during the run (its pages' `nextCursor`)."""


@schemathesis.check
def cursor_refusals(ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """A listing refuses valid data only as documented: 400 `ValidationError` naming `cursor`, for a cursor of the
    right form that this listing never gave out. Its own `nextCursor`s it always takes."""
    listing = case.operation.definition.raw.get("operationId")
    if listing not in GIVEN_OUT or response.request.method != "GET":  # (not the other methods' probes)
        return None
    if 200 <= response.status_code < 300:
        given = response.json().get("nextCursor")
        if given is not None:
            GIVEN_OUT[listing].add(given)
        return None
    if response.status_code != 400 or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    body = response.json()
    cursor = (case.query or {}).get("cursor")
    assert cursor is not None, f"valid data without a cursor refused: {body}"
    assert body.get("error") == "ValidationError" and (body.get("details") or {}).get("field") == "cursor", (
        f"valid data refused for something else than its cursor: {body}"
    )
    assert cursor not in GIVEN_OUT[listing], f"{listing} refused a cursor it gave out: {cursor}"
    return None


@schemathesis.check
def url_refusals(ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """Valid data is refused for a URL only as documented: 400 `ValidationError` naming `callbackUrl` (a tell's,
    given) or `url` (a webhook's)."""
    operation = case.operation.definition.raw.get("operationId")
    field = NAMED_URLS.get(str(operation))
    if field is None or response.status_code != 400 or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    body = response.json()
    assert isinstance(case.body, dict) and field in case.body, f"valid data without {field} refused: {body}"
    assert body.get("error") == "ValidationError" and (body.get("details") or {}).get("field") == field, (
        f"valid data refused for something else than its {field}: {body}"
    )
    return None


def bind(case: schemathesis.Case, app: Litestar) -> None:
    """Send the auth checks' probes (the same request without or with a wrong key) to the app in-process too."""
    case.operation.app = app
    case.operation.schema.app = app


def test_every_check_runs() -> None:
    """Every registered check is on for every operation and phase, this module's own included."""
    names = {check.__name__ for check in CHECKS.get_all() if not isinstance(check, type)}
    assert {"positive_data_acceptance", "negative_data_rejection", "cursor_refusals", "url_refusals"} <= names
    for operation in schema.get_all_operations():
        for phase in ("examples", "coverage", "fuzzing", "stateful"):
            config = schema.config.checks_config_for(operation=operation.ok(), phase=phase)
            assert [name for name in sorted(names) if not config.get_by_name(name=name).enabled] == []


@schema.parametrize()
def test_every_operation(case: schemathesis.Case, asgi_app: Litestar) -> None:
    bind(case, asgi_app)
    case.call_and_validate(app=asgi_app)


def test_listings_take_the_cursors_they_give(asgi_app: Litestar) -> None:
    """Each listing's `nextCursor` has the `Cursor` form and brings the next page, every answer checked against
    the contract; with three teams and `limit=1`, the two team listings page three times."""
    pages: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        listing = operation.definition.raw["operationId"]
        if listing not in LISTINGS or any(p.location == "path" for p in operation.iter_parameters()):
            continue  # (the path ones need a real session: the integration tests page those)
        cursor, pages[listing] = None, 0
        while pages[listing] < 3:
            query = {"limit": 1} if cursor is None else {"limit": 1, "cursor": cursor}
            case = operation.Case(query=query, headers={"Authorization": f"Bearer {KEY}"})
            bind(case, asgi_app)
            response = case.call_and_validate(app=asgi_app)
            assert response.status_code == 200, response.text
            pages[listing] += 1
            cursor = response.json()["nextCursor"]
            if cursor is None:
                break
    assert pages["teamStatus"] == pages["listTeams"] == 3, pages


def test_stateful_links(asgi_app: Litestar) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
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
