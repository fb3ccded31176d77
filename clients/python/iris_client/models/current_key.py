from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.key_env import KeyEnv
from ..models.key_role import KeyRole
from ..models.permission import Permission

T = TypeVar("T", bound="CurrentKey")


@_attrs_define
class CurrentKey:
    """The key making the request and what it may do (`GET /api/keys/me`).
    With `api.requireAuth: false`, `authenticated` is false, the fields
    of a key are null, `permissions` lists every permission but `admin`
    and `teams` is null.

        Attributes:
            authenticated (bool): Whether a key was checked (false only with `api.requireAuth` false).
            id (None | str):
            name (None | str):
            role (KeyRole | None): The preset it was created with (null for explicit permissions, or without a key).
            permissions (list[Permission]): What it may do (`admin` holds every permission).
            teams (list[str] | None): Team scope (null - every team).
            env (KeyEnv | None):
            created_at (datetime.datetime | None):
            expires_at (datetime.datetime | None): When it stops working (null - never).
            last_used_at (datetime.datetime | None):
            usage_count (int):
    """

    authenticated: bool
    id: None | str
    name: None | str
    role: KeyRole | None
    permissions: list[Permission]
    teams: list[str] | None
    env: KeyEnv | None
    created_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    usage_count: int

    def to_dict(self) -> dict[str, Any]:
        authenticated = self.authenticated

        id: None | str
        id = self.id

        name: None | str
        name = self.name

        role: None | str
        if isinstance(self.role, KeyRole):
            role = self.role.value
        else:
            role = self.role

        permissions = []
        for permissions_item_data in self.permissions:
            permissions_item = permissions_item_data.value
            permissions.append(permissions_item)

        teams: list[str] | None
        if isinstance(self.teams, list):
            teams = self.teams

        else:
            teams = self.teams

        env: None | str
        if isinstance(self.env, KeyEnv):
            env = self.env.value
        else:
            env = self.env

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        usage_count = self.usage_count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "authenticated": authenticated,
                "id": id,
                "name": name,
                "role": role,
                "permissions": permissions,
                "teams": teams,
                "env": env,
                "createdAt": created_at,
                "expiresAt": expires_at,
                "lastUsedAt": last_used_at,
                "usageCount": usage_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        authenticated = d.pop("authenticated")

        def _parse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        id = _parse_id(d.pop("id"))

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_role(data: object) -> KeyRole | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_0 = KeyRole(data)

                return role_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeyRole | None, data)

        role = _parse_role(d.pop("role"))

        permissions = []
        _permissions = d.pop("permissions")
        for permissions_item_data in _permissions:
            permissions_item = Permission(permissions_item_data)

            permissions.append(permissions_item)

        def _parse_teams(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                teams_type_0 = cast(list[str], data)

                return teams_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        teams = _parse_teams(d.pop("teams"))

        def _parse_env(data: object) -> KeyEnv | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                env_type_0 = KeyEnv(data)

                return env_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeyEnv | None, data)

        env = _parse_env(d.pop("env"))

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("createdAt"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))

        def _parse_last_used_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used_at = _parse_last_used_at(d.pop("lastUsedAt"))

        usage_count = d.pop("usageCount")

        current_key = cls(
            authenticated=authenticated,
            id=id,
            name=name,
            role=role,
            permissions=permissions,
            teams=teams,
            env=env,
            created_at=created_at,
            expires_at=expires_at,
            last_used_at=last_used_at,
            usage_count=usage_count,
        )

        return current_key
