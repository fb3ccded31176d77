"""The auth stores' own views of keys and audit entries are the contract's shapes, field for field."""

from __future__ import annotations

import datetime
from pathlib import Path

import msgspec
import yaml

from app.api.auth.mappers import api_key, audit_entry, created_api_key
from app.auth import keys
from app.auth.audit import AUDIT_EVENTS, AuditLog
from app.spec import SPEC_PATH

NOW = datetime.datetime(2025, 1, 16, 12, 0, tzinfo=datetime.UTC)


def test_the_names_are_the_contracts() -> None:
    schemas = yaml.safe_load(SPEC_PATH.read_text())["components"]["schemas"]
    assert list(keys.PERMISSIONS) == schemas["Permission"]["enum"]
    assert list(keys.ROLES) == schemas["KeyRole"]["enum"]
    assert list(keys.ENVS) == schemas["KeyEnv"]["enum"]
    assert list(AUDIT_EVENTS) == schemas["AuditEventType"]["enum"]
    for view, schema in ((keys.KeyView, "ApiKey"), (keys.CreatedKeyView, "CreatedApiKey")):
        fields = [f.encode_name for f in msgspec.structs.fields(view)]
        assert fields == list(schemas[schema]["properties"]), view


def test_a_key_shows_as_the_api_shows_it() -> None:
    record = keys.KeyRecord(
        "k_7Hq2mZ9xLp",
        "ci",
        None,
        ("team:tell", "status:read"),
        ("alpha", "beta"),
        "prod",
        NOW,
        expires_at=NOW + datetime.timedelta(days=1),
        last_used_at=NOW,
        usage_count=3,
    )
    shown = msgspec.to_builtins(record.view(NOW))
    assert shown == msgspec.to_builtins(api_key(record, NOW))
    assert shown["teams"] == ["alpha", "beta"] and shown["usageCount"] == 3 and shown["active"] is True
    assert msgspec.to_builtins(record.view(NOW + datetime.timedelta(days=2)))["active"] is False
    plain = keys.generate_key("prod")
    created = keys.CreatedKey(plain, record)
    assert msgspec.to_builtins(created.view()) == msgspec.to_builtins(created_api_key(created))
    assert msgspec.to_builtins(created.view())["key"] == plain and plain not in repr(created.view())


async def test_an_audit_entry_shows_as_the_api_shows_it(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.db")
    await log.open()
    try:
        log.record(
            "forbidden",
            key_id="k_7Hq2mZ9xLp",
            key_name="ci",
            client_address="127.0.0.1",
            method="POST",
            path="/api/teams/alpha/wake",
            status_code=403,
            error="This key lacks the permission team:wake",
            details={"permission": "team:wake"},
            team="alpha",
            from_team="external",
            at=NOW,
        )
        [entry] = (await log.query()).items
    finally:
        await log.close()
    shown = msgspec.to_builtins(entry.view())
    assert shown == msgspec.to_builtins(audit_entry(entry))
    assert "teams" not in shown and shown["statusCode"] == 403 and shown["keyId"] == "k_7Hq2mZ9xLp"
