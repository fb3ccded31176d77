"""The table of operations: what it refuses to load, what the spec linter checks of it, and a body decoded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from app.api.app import create_app
from app.api.operations import EVERY, Source, by_id, load
from app.api.routing import operation
from app.config import parse_config
from app.spec import SPEC_PATH
from tests.support.spec import lint_spec, spec_with


def fact_problems(path: Path) -> list[str]:
    """What the linter finds wrong with the operation facts of a spec."""
    lint = lint_spec()
    spec = lint.load(path)
    problems: list[str] = []
    lint.check_conventions(spec, problems)
    lint.check_websocket(spec, problems)
    return problems


def test_the_table_reads_where_each_operation_names_its_team() -> None:
    tell = by_id("tell").names
    assert (tell.team, tell.caller, tell.session) == (
        Source("body", "toTeam"),
        Source("body", "fromTeam"),
        Source("body", "sessionId"),
    )
    assert tell.body and not by_id("rebootSession").names.body
    assert by_id("wakeAll").names.team == EVERY and by_id("getMetrics").names.team == EVERY
    assert by_id("decidePermission").names.permission == Source("path", "permissionId")
    assert by_id("health").public and by_id("health").audit is None
    assert by_id("forkSession").success == frozenset({201})


@pytest.mark.parametrize(
    ("replacement", "error"),
    [
        (
            ("x-iris-team: {team: path.team, caller: query.fromTeam}", "x-iris-team: {team: path.teem}"),
            "rebootSession: x-iris-team.team: /api/teams/{team}/reboot has no parameter teem",
        ),
        (
            ("x-iris-team: {team: path.team, caller: query.fromTeam}", "x-iris-team: {pair: path.team}"),
            r"rebootSession: x-iris-team has unknown entries \['pair'\]",
        ),
        (
            ("x-iris-team: {team: path.team, caller: query.fromTeam}", "x-iris-team: {team: header.team}"),
            "rebootSession: x-iris-team.team: expected path.NAME, query.NAME or body.NAME, got 'header.team'",
        ),
        (("x-iris-permission: team:clear", "x-iris-permission: team:wipe"), "unknown permission 'team:wipe'"),
        (("    'tell:start': tell\n", "    'tell:start': told\n"), "'told' is not an AuditEventType"),
    ],
)
def test_the_table_refuses_malformed_facts(tmp_path: Path, replacement: tuple[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        load(spec_with(tmp_path, replacement))


def test_a_route_must_name_an_operation_of_the_contract() -> None:
    assert operation("tell") == {"operation": "tell", "permission": "team:tell"}
    assert operation("getMetrics", public=True) == {"operation": "getMetrics", "permission": "none"}
    with pytest.raises(KeyError):
        operation("tellEveryone")


def test_the_linter_checks_the_operation_facts(tmp_path: Path) -> None:
    assert fact_problems(SPEC_PATH) == []
    bad = spec_with(
        tmp_path,
        ("x-iris-audit: cancel\n", "x-iris-audit: cancelled\n"),
        ("      x-iris-audit: reboot\n", ""),
        ("x-iris-team: {team: path.team, caller: query.fromTeam}", "x-iris-team: {team: path.team, caller: body.x}"),
        ("x-iris-team: {request: path.requestId}", "x-iris-team: {request: query.requestId}"),
        ("    'tell:start': tell\n", "    'tell:start': tell\n    'cache:unsubscribe': tell\n"),
    )
    assert fact_problems(bad) == [
        "POST /api/teams/{team}/cancel: x-iris-audit 'cancelled' is not an AuditEventType",
        "DELETE /api/teams/{team}/reboot: needs x-iris-audit",
        "DELETE /api/teams/{team}/reboot: x-iris-team.caller: the request body has no field x",
        "GET /api/requests/{requestId}: x-iris-team.request: no query parameter requestId",
        "x-websocket.audit: 'cache:unsubscribe' has no permission in x-websocket.permissions",
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    """The app with authentication off (the guard still reads a tell's body: a tell is audited)."""
    folder = tmp_path_factory.mktemp("operations")
    (folder / "alpha").mkdir()
    config = parse_config(
        "teams: {alpha: {path: alpha}}\napi: {requireAuth: false}\n",
        str(folder / "config.yaml"),
        {"IRIS_HOME": str(folder)},
    )
    with TestClient(create_app(config)) as test_client:
        yield test_client


def test_the_body_is_decoded_once_per_request(client: TestClient[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard (the pair a tell names) and the handler (its payload) share one decode of the body."""
    body = b'{"toTeam": "nobody", "fromTeam": "external", "message": "decode me once"}'
    decoded: list[bytes] = []
    original = msgspec.json.decode

    def counting(data: Any, *args: Any, **kwargs: Any) -> Any:
        if data == body:
            decoded.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(msgspec.json, "decode", counting)
    answer = client.post("/api/teams/tell", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 404, answer.text  # the handler read the body: the team is unknown
    assert answer.json()["details"] == {"toTeam": "nobody", "configuredTeams": ["alpha"]}
    assert len(decoded) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b'{"toTeam": 5, "message": "x"}', "toTeam", "toTeam: expected `str`, got `int`"),
        (b'{"toTeam": "alpha", "message": "x"', "body", "body: not valid JSON"),
        (b"", "body", "A JSON request body is required"),
        (b"[" * 100_000 + b"]" * 100_000, "body", "body: JSON nested too deeply"),
        (b'{"toTeam": "alpha", "message": "x", "sessionId": "0"}', "sessionId", "sessionId: expected a UUID"),
    ],
)
def test_a_bad_body_is_still_the_handlers_400(client: TestClient[Any], body: bytes, field: str, message: str) -> None:
    answer = client.post("/api/teams/tell", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert error["error"] == "ValidationError" and error["details"]["field"] == field
    assert message in error["message"]
