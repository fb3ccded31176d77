"""Key format, entropy, hashing, roles and redaction."""

from __future__ import annotations

import collections
import datetime
import hashlib

import pytest

from app.api.auth.mappers import api_key, created_api_key
from app.api.models import KeyEnv, KeyRole, Permission
from app.auth import keys
from app.errors import ValidationError

NOW = datetime.datetime(2025, 1, 16, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("env", [None, "dev", "test", "prod"])
def test_generated_keys_have_the_contract_format(env: str | None) -> None:
    key = keys.generate_key(env)
    parsed = keys.parse_key(key)
    assert parsed is not None and parsed.env == env and len(parsed.secret) == 40
    assert key.startswith("iris_sk_" + (f"{env}_" if env else ""))
    assert set(parsed.secret) <= set(keys.BASE62)
    assert 48 <= len(key) <= 53


def test_keys_are_random_and_use_the_whole_alphabet() -> None:
    secrets_ = [keys.parse_key(keys.generate_key()).secret for _ in range(500)]  # type: ignore[union-attr]
    assert len(set(secrets_)) == 500
    counts = collections.Counter("".join(secrets_))
    assert set(counts) == set(keys.BASE62)  # 20,000 draws over 62 symbols: every one appears
    expected = 20_000 / 62
    assert all(expected * 0.6 < n < expected * 1.4 for n in counts.values())


def test_unknown_env_is_refused() -> None:
    with pytest.raises(ValidationError):
        keys.generate_key("staging")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "iris_sk_",
        "iris_sk_prod_" + "a" * 39,
        "iris_sk_prod_" + "a" * 41,
        "iris_sk_stage_" + "a" * 40,
        "iris_pk_prod_" + "a" * 40,
        "iris_sk_prod_" + "a" * 39 + "-",
        " iris_sk_" + "a" * 40,
        "IRIS_SK_" + "a" * 40,
    ],
)
def test_malformed_keys_are_not_keys(text: str) -> None:
    assert keys.parse_key(text) is None and not keys.is_key(text)


def test_hash_is_sha256_hex_and_comparison_is_constant_time() -> None:
    key = keys.generate_key("prod")
    digest = keys.hash_key(key)
    assert digest == hashlib.sha256(key.encode()).hexdigest() and len(digest) == 64
    assert keys.hashes_equal(digest, keys.hash_key(key))
    assert not keys.hashes_equal(digest, keys.hash_key(keys.generate_key("prod")))


def test_key_ids_are_short_public_ids() -> None:
    ids = {keys.new_key_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(keys.KEY_ID_PATTERN.fullmatch(i) and len(i) == 12 for i in ids)


def test_permissions_and_roles_match_the_contract() -> None:
    assert set(keys.PERMISSIONS) == {p.value for p in Permission}
    assert set(keys.ROLES) == {r.value for r in KeyRole}
    assert set(keys.ENVS) == {e.value for e in KeyEnv}
    assert keys.ROLES["viewer"] == ("status:read", "cache:read")
    assert set(keys.ROLES["operator"]) == {"status:read", "cache:read", "team:tell", "team:wake"}
    assert set(keys.ROLES["developer"]) == set(keys.ROLES["operator"]) | {"team:sleep", "team:clear", "debug:read"}
    assert keys.ROLES["admin"] == ("admin",)


def test_normalize_permissions() -> None:
    assert keys.normalize_permissions(["cache:read", "team:tell", "cache:read"]) == ("team:tell", "cache:read")
    with pytest.raises(ValidationError) as error:
        keys.normalize_permissions(["team:tell", "team:fly"])
    assert error.value.details == {"field": "permissions", "permission": "team:fly"}
    with pytest.raises(ValidationError):
        keys.normalize_permissions([])


def test_admin_grants_everything_and_scope_limits_teams() -> None:
    admin = keys.KeyRecord("k_1", "a", "admin", ("admin",), None, None, NOW)
    viewer = keys.KeyRecord("k_2", "v", "viewer", keys.ROLES["viewer"], ("alpha",), "dev", NOW)
    assert all(admin.has(p) for p in keys.PERMISSIONS)
    assert viewer.has("cache:read") and not viewer.has("team:tell") and not viewer.has("admin")
    assert admin.allows_team("anything") and viewer.allows_team("alpha") and not viewer.allows_team("beta")


def test_record_status_and_contract_shape() -> None:
    record = keys.KeyRecord(
        "k_1", "ci", "viewer", keys.ROLES["viewer"], None, "prod", NOW, expires_at=NOW + datetime.timedelta(days=1)
    )
    assert record.status(NOW) == "active"
    assert record.status(NOW + datetime.timedelta(days=1)) == "expired"
    revoked = keys.KeyRecord("k_1", "ci", None, ("admin",), None, None, NOW, revoked_at=NOW)
    assert revoked.status(NOW) == "revoked" and not revoked.active(NOW)
    api = api_key(record, NOW)
    assert api.active and api.role == KeyRole.viewer and api.env == KeyEnv.prod


@pytest.mark.parametrize("name", ["", " ", "a" * 65, "bad/name", "x\ny", "iris_sk_prod_abc"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        keys.validate_name(name)


def test_bearer_token() -> None:
    key = keys.generate_key()
    assert keys.bearer_token(f"Bearer {key}") == key
    assert keys.bearer_token(f"bearer   {key} ") == key
    assert keys.bearer_token(f"Basic {key}") is None
    assert keys.bearer_token("Bearer") is None
    assert keys.bearer_token(None) is None


def test_redact_removes_keys_and_bearer_credentials() -> None:
    key = keys.generate_key("prod")
    secret = key[-40:]
    text = f"bad key {key}; Authorization: Bearer {key}; token=Bearer abc.def; short iris_sk_dev_x1"
    cleaned = keys.redact(text)
    assert secret not in cleaned and "abc.def" not in cleaned and "x1" not in cleaned
    value = keys.redact_value({key: [key, {"deep": f"Bearer {key}"}], "n": 1, "ok": None})
    assert secret not in repr(value) and value["n"] == 1 and value["ok"] is None


def test_redacting_twice_changes_nothing_more() -> None:
    key = keys.generate_key("prod")
    once = keys.redact(f"bad key {key}; Authorization: Bearer {key}; short iris_sk_")
    assert once == "bad key iris_sk_[REDACTED]; Authorization: Bearer [REDACTED]; short iris_sk_[REDACTED]"
    assert keys.redact(once) == once
    assert not keys.holds_key(once)


def test_created_key_repr_hides_the_key() -> None:
    key = keys.generate_key()
    created = keys.CreatedKey(key, keys.KeyRecord("k_1", "a", None, ("admin",), None, None, NOW))
    assert key not in repr(created) and key not in str(created)
    assert created_api_key(created).key == key
