"""The app against the contract: the table of operations is the spec's, and the routes serve its operations (method,
path, permission, default status)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from app.api.app import create_app
from app.api.operations import by_id, operations, table
from app.api.routing import OPERATION, PERMISSION, PUBLIC
from app.auth.keys import validate_name
from app.config import parse_config
from app.errors import ValidationError
from app.spec import SPEC_PATH

Key = tuple[str, str]

REPOSITORY_SPEC = Path(__file__).resolve().parents[2] / "openapi" / "iris.yaml"

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
PATH_ITEM_FIELDS = {"summary", "description", "parameters", "servers"}
"""The fields of an OpenAPI path item that are not operations."""


def spec_operations() -> dict[Key, dict[str, Any]]:
    """Every operation of openapi/iris.yaml, read here without the app: its id, permission, audit event, the
    names `x-iris-team` declares and its documented status codes."""
    document = yaml.safe_load(SPEC_PATH.read_text())
    found = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                found[(method.upper(), path)] = {
                    "operation": op["operationId"],
                    "permission": op["x-iris-permission"],
                    "audit": op.get("x-iris-audit"),
                    "team": op.get("x-iris-team") or {},
                    "statuses": frozenset(int(code) for code in op["responses"]),
                }
    return found


def table_operations() -> dict[Key, dict[str, Any]]:
    """The same, as the table of operations the app reads has them."""
    found = {}
    for op in operations():
        names = {key: str(getattr(op.names, key)) for key in TEAM_NAMES if getattr(op.names, key) is not None}
        found[(op.method, op.path)] = {
            "operation": op.operation_id,
            "permission": op.permission,
            "audit": op.audit,
            "team": names,
            "statuses": op.statuses,
        }
    return found


OUTSIDE_API = frozenset({"/metrics"})
"""Operations of the contract served outside /api (Prometheus scrapes `/metrics` by default)."""
TEAM_NAMES = ("team", "caller", "session", "request", "permission")


def app_operations(app: Litestar) -> dict[Key, dict[str, Any]]:
    """Every operation the app serves under /api (and `OUTSIDE_API`), as its routes declare them."""
    found = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not (route.path.startswith("/api") or route.path in OUTSIDE_API):
            continue
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method in ("OPTIONS", "HEAD") and OPERATION not in handler.opt:
                    continue  # the framework's automatic OPTIONS (CORS preflight)
                assert OPERATION in handler.opt, f"{method} {path} declares no operation in its opt"
                found[(method, path)] = {
                    "operation": handler.opt[OPERATION],
                    "permission": handler.opt[PERMISSION],
                    "success": handler.status_code,
                    "parameters": set(route.path_parameters),
                }
    return found


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    folder = tmp_path_factory.mktemp("contract")
    (folder / "alpha").mkdir()
    config = parse_config("teams: {alpha: {path: alpha}}\n", str(folder / "config.yaml"), {"IRIS_HOME": str(folder)})
    return create_app(config)


def test_the_table_is_the_spec() -> None:
    """The table of operations holds what openapi/iris.yaml says, operation by operation."""
    assert table_operations() == spec_operations()
    document = yaml.safe_load(SPEC_PATH.read_text())
    websocket = document["x-websocket"]
    assert {name: (m.permission, m.audit) for name, m in table().messages.items()} == {
        name: (permission, websocket.get("audit", {}).get(name))
        for name, permission in websocket["permissions"].items()
    }
    events = document["paths"]["/api/events"]["get"]["x-iris-subscription-permissions"]
    assert dict(table().subscriptions) == events
    assert operations() == tuple(table().operations.values()) and by_id("tell").audit == "tell"


def test_served_operations_equal_the_spec(app: Litestar) -> None:
    spec = spec_operations()
    served = app_operations(app)
    fields = {key for item in yaml.safe_load(SPEC_PATH.read_text())["paths"].values() for key in item}
    assert fields - HTTP_METHODS <= PATH_ITEM_FIELDS, "a path item holds an operation spec_operations does not read"
    assert len({op["operation"] for op in spec.values()}) == len(spec), "two operations share an operationId"
    assert sorted(set(served) - set(spec)) == [], "the app serves operations the spec does not have"
    assert sorted(set(spec) - set(served)) == [], "the spec has operations the app does not serve"
    for key, op in spec.items():
        mine = served[key]
        assert mine["operation"] == op["operation"], key
        success = sorted(code for code in op["statuses"] if 200 <= code < 300)
        assert mine["success"] in success, f"{key}: default status {mine['success']} is not a documented 2xx {success}"
        for name, where in op["team"].items():
            if where.startswith("path."):
                assert where.removeprefix("path.") in mine["parameters"], f"{key}: x-iris-team.{name} {where}"


def test_sse_and_websocket_need_the_same_permissions() -> None:
    """SSE and /ws share one check per room and per streamed tell: the contract must give them one permission."""
    assert by_id("tellStream").permission == table().messages["tell:start"].permission
    assert by_id("tellStream").audit == table().messages["tell:start"].audit
    assert by_id("events").permission == table().subscriptions["session"]
    channels = {
        "cache:subscribe": "session",
        "process:subscribe": "team",
        "system:subscribe": "system",
        "logs:subscribe": "logs",
    }
    for name, channel in channels.items():  # /ws and SSE join rooms through the same checks
        assert table().messages[name].permission == table().subscriptions[channel], name
    assert table().subscriptions["logs"] == by_id("getLogs").permission  # log events: whoever may read the logs


def test_every_route_declares_the_specs_permission(app: Litestar) -> None:
    spec = spec_operations()
    served = app_operations(app)
    table = {f"{method} {path}": op["permission"] for (method, path), op in sorted(served.items())}
    assert table == {f"{method} {path}": spec[(method, path)]["permission"] for method, path in sorted(served)}
    assert table["GET /api/health"] == PUBLIC
    assert all(permission != PUBLIC for key, permission in table.items() if key != "GET /api/health")


def test_only_the_docs_and_the_dashboard_live_outside_api(app: Litestar) -> None:
    outside = sorted({route.path for route in app.routes if not route.path.startswith("/api")})
    assert all(
        path.startswith(("/schema", "/dashboard")) or path in ("/ws", "/mcp") or path in OUTSIDE_API for path in outside
    ), outside
    assert {"/dashboard", "/dashboard/config.json"} <= set(outside)  # the page, outside the contract like the docs


def test_the_contract_checked_here_is_the_one_served(app: Litestar) -> None:
    """What the app serves as its contract is the repository's openapi/iris.yaml, which these tests read."""
    with TestClient(app) as client:
        served = client.get("/schema/openapi.yaml")
    assert served.status_code == 200, served.text
    assert served.content == REPOSITORY_SPEC.read_bytes() == SPEC_PATH.read_bytes()


@pytest.mark.parametrize(
    "name",
    [" ", "   ", "a", " a ", "x-y.z@w_v", "a" * 64, "a" * 65, "", "bad/name", "iris_sk_prod_abc", "my IRIS_SK_1"],
)
def test_the_contract_allows_the_key_names_the_server_takes(name: str) -> None:
    """`CreateKeyRequest.name` in the spec admits exactly the names the key store accepts."""
    schema = yaml.safe_load(SPEC_PATH.read_text())["components"]["schemas"]["CreateKeyRequest"]["properties"]["name"]
    try:
        validate_name(name)
    except ValidationError:
        taken = False
    else:
        taken = True
    assert Draft202012Validator(schema).is_valid(name) == taken
