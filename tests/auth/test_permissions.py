"""The permission table against the contract, and the checks."""

from __future__ import annotations

import datetime

import pytest
import yaml

from app.api.errors import status_of
from app.api.operations import by_id, by_route, load, message, operations, table
from app.auth.keys import AUTHENTICATED, PERMISSIONS, ROLES, KeyRecord
from app.auth.permissions import (
    caller_in_scope,
    check,
    check_caller,
    check_key_access,
    check_new_key,
    filter_teams,
    in_scope,
    key_within,
    pair_in_scope,
    sees_paths,
)
from app.errors import ForbiddenError, UnauthorizedError
from app.spec import SPEC_PATH

NOW = datetime.datetime(2025, 1, 16, tzinfo=datetime.UTC)
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def key(role: str | None = None, permissions: tuple[str, ...] = (), teams: tuple[str, ...] | None = None) -> KeyRecord:
    """A key record with a role's or the given permissions."""
    return KeyRecord("k_test000000", "t", role, ROLES[role] if role else permissions, teams, None, NOW)


@pytest.fixture(scope="module")
def spec() -> dict[str, object]:
    return dict(yaml.safe_load(SPEC_PATH.read_text()))


def test_table_covers_every_operation_of_the_contract_and_nothing_else(spec: dict[str, object]) -> None:
    expected = {}
    for route, item in spec["paths"].items():  # type: ignore[attr-defined]
        for method in METHODS:
            if method in item:
                op = item[method]
                permission = op["x-iris-permission"]
                expected[op["operationId"]] = (method.upper(), route, None if permission == "none" else permission)
    actual = {op.operation_id: (op.method, op.path, None if op.public else op.permission) for op in operations()}
    assert actual == expected
    assert len(actual) == 37
    assert {p for _, _, p in actual.values()} - {None} <= {*PERMISSIONS, AUTHENTICATED}
    assert [op_id for op_id, (_, _, p) in actual.items() if p is None] == ["health"]
    assert [op_id for op_id, (_, _, p) in actual.items() if p == AUTHENTICATED] == ["currentKey"]
    assert by_id("listKeys").permission == "admin" and by_id("auditLog").permission == "admin"


def test_websocket_and_sse_subscriptions(spec: dict[str, object]) -> None:
    websocket = {name: found.permission for name, found in table().messages.items()}
    assert websocket == {
        "cache:subscribe": "cache:read",
        "process:subscribe": "status:read",
        "system:subscribe": "status:read",
        "logs:subscribe": "debug:read",
        "tell:start": "team:tell",
    }
    assert websocket == spec["x-websocket"]["permissions"]  # type: ignore[index]
    assert message("cache:unsubscribe") is None and message("auth") is None and message("logs:unsubscribe") is None
    assert dict(table().subscriptions) == {
        "session": "cache:read",
        "team": "status:read",
        "system": "status:read",
        "logs": "debug:read",
    }


def test_routes_by_method_and_path_template() -> None:
    assert by_route("post", "/api/teams/{team:str}/cancel").operation_id == "cancelTell"
    assert by_route("DELETE", "/api/teams/{team}/reboot/").permission == "team:clear"
    assert by_route("GET", "/api/cache/{sessionId:uuid}").permission == "cache:read"
    assert by_route("DELETE", "/api/cache/{sessionId}").permission == "cache:write"
    with pytest.raises(KeyError):
        by_route("PUT", "/api/teams")
    with pytest.raises(KeyError):
        by_id("nope")


def test_the_table_is_loaded_once() -> None:
    assert table() is table() and operations() == operations()


def test_check_names_the_missing_permission() -> None:
    with pytest.raises(ForbiddenError) as error:
        check(key("viewer"), "team:tell")
    assert status_of(error.value) == 403
    assert error.value.message == "This key lacks the permission team:tell"
    assert error.value.details == {"permission": "team:tell"}
    check(key("viewer"), "cache:read")
    check(key("viewer"), None)  # public


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_admin_holds_every_permission(permission: str) -> None:
    check(key("admin"), permission, team="any")


def test_roles_against_the_table() -> None:
    def allowed(role: str) -> set[str]:
        result = set()
        for op in operations():
            try:
                check(key(role), None if op.public else op.permission)
                result.add(op.operation_id)
            except ForbiddenError:
                pass
        return result

    assert allowed("viewer") >= {"teamStatus", "listTeams", "readCache", "sessionReport", "health", "events"}
    assert not allowed("viewer") & {"tell", "wakeTeam", "getLogs", "listKeys"}
    assert allowed("operator") - allowed("viewer") == {
        "tell",
        "ask",
        "quickTell",
        "tellStream",
        "wakeTeam",
        "launchTeam",
        "wakeAll",
        "decidePermission",
    }
    assert allowed("developer") - allowed("operator") == {"sleepTeam", "rebootSession", "deleteSession", "getLogs"}
    assert allowed("admin") == set(table().operations)


def test_team_scope() -> None:
    scoped = key("operator", teams=("alpha",))
    check(scoped, "team:tell", team="alpha")
    with pytest.raises(ForbiddenError) as error:
        check(scoped, "team:tell", team="beta")
    assert error.value.details == {"team": "beta"}
    with pytest.raises(ForbiddenError) as missing:  # the permission is reported before the scope
        check(scoped, "team:sleep", team="beta")
    assert missing.value.details == {"permission": "team:sleep"}
    assert in_scope(scoped, "alpha") and not in_scope(scoped, "beta") and in_scope(None, "beta")
    assert filter_teams(scoped, ["beta", "alpha"]) == ["alpha"]
    assert filter_teams(key("viewer"), ["beta", "alpha"]) == ["beta", "alpha"]


def test_callers_and_pairs_within_the_scope() -> None:
    scoped = key("operator", teams=("alpha",))
    assert caller_in_scope(scoped, "external") and caller_in_scope(scoped, None) and caller_in_scope(scoped, "alpha")
    assert not caller_in_scope(scoped, "beta") and caller_in_scope(key("viewer"), "beta")
    assert pair_in_scope(scoped, "alpha", "external") and not pair_in_scope(scoped, "alpha", "beta")
    assert not pair_in_scope(scoped, "beta", "external") and pair_in_scope(None, "beta", "gamma")
    check_caller(scoped, "alpha")
    with pytest.raises(ForbiddenError) as error:
        check_caller(scoped, "beta")
    assert error.value.details == {"fromTeam": "beta"}


def test_a_key_creates_no_key_wider_than_itself() -> None:
    narrow = key(permissions=("status:read", "team:tell"), teams=("alpha", "beta"))
    check_new_key(narrow, ["status:read"], ["alpha"])
    check_new_key(narrow, ["team:tell", "status:read"], ["beta", "alpha"])
    for permissions, teams, field, value in (
        (["status:read", "debug:read"], ["alpha"], "permission", "debug:read"),
        (["admin"], ["alpha"], "permission", "admin"),
        (["status:read"], ["alpha", "gamma"], "allowed", ["alpha", "beta"]),
        (["status:read"], None, "allowed", ["alpha", "beta"]),  # no team scope: every team
    ):
        with pytest.raises(ForbiddenError) as error:
            check_new_key(narrow, permissions, teams)
        assert error.value.details is not None and error.value.details[field] == value
    admin = key("admin", teams=("alpha",))
    check_new_key(admin, ["admin"], ["alpha"])  # admin holds every permission, within its teams
    with pytest.raises(ForbiddenError, match="every team"):
        check_new_key(admin, ["status:read"], None)
    check_new_key(key("admin"), ["admin"], None)  # only an unscoped key makes an unscoped one
    check_new_key(None, ["admin"], None)


def test_keys_within_a_scope() -> None:
    scoped = key("admin", teams=("alpha", "beta"))
    assert key_within(scoped, key("viewer", teams=("alpha",))) and key_within(scoped, scoped)
    assert not key_within(scoped, key("viewer")) and not key_within(scoped, key("viewer", teams=("alpha", "gamma")))
    assert key_within(key("admin"), key("viewer")) and key_within(None, key("viewer"))
    with pytest.raises(ForbiddenError) as error:
        check_key_access(scoped, key("viewer"))
    assert error.value.details == {"keyId": "k_test000000", "field": "teams"}


def test_folders_need_debug_read() -> None:
    assert sees_paths(key("developer")) and sees_paths(key("admin", teams=("alpha",))) and sees_paths(None)
    assert not sees_paths(key("viewer")) and not sees_paths(key("operator"))


def test_no_key() -> None:
    with pytest.raises(UnauthorizedError):
        check(None, "status:read")
    check(None, "admin", team="x", require_auth=False)  # authentication is off
    check(None, None)  # public


def test_a_spec_without_permissions_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "bad.yaml"
    bad.write_text("openapi: 3.1.0\npaths:\n  /x:\n    get:\n      operationId: x\n")
    with pytest.raises(ValueError, match="x-iris-permission"):
        load(bad)
    bad.write_text("openapi: 3.1.0\npaths:\n  /x:\n    get:\n      operationId: x\n      x-iris-permission: root\n")
    with pytest.raises(ValueError, match="unknown permission"):
        load(bad)
