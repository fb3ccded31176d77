from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.key_env import KeyEnv
from ..models.key_role import KeyRole
from ..models.permission import Permission
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.budget import Budget


T = TypeVar("T", bound="ApiKey")


@_attrs_define
class ApiKey:
    """A key record. The key itself and its hash are never returned.

    Attributes:
        id (str): A key's short public id (or, where accepted, a unique prefix of its hash).
        name (str):
        role (KeyRole | None): The preset it was created with (null for explicit permissions).
        permissions (list[Permission]):
        teams (list[str] | None): Team scope (null - every team).
        env (KeyEnv | None):
        created_at (datetime.datetime):
        expires_at (datetime.datetime | None):
        revoked_at (datetime.datetime | None):
        last_used_at (datetime.datetime | None):
        usage_count (int):
        active (bool): Neither revoked nor expired.
        spent_usd (float | Unset): What the tells this key started have cost, in the budget's period (all time without a
            budget).
        budget (Budget | None | Unset): The key's cost budget and its spend this period (null without one).
    """

    id: str
    name: str
    role: KeyRole | None
    permissions: list[Permission]
    teams: list[str] | None
    env: KeyEnv | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    usage_count: int
    active: bool
    spent_usd: float | Unset = UNSET
    budget: Budget | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.budget import Budget

        id = self.id

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

        created_at = self.created_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        usage_count = self.usage_count

        active = self.active

        spent_usd = self.spent_usd

        budget: dict[str, Any] | None | Unset
        if isinstance(self.budget, Unset):
            budget = UNSET
        elif isinstance(self.budget, Budget):
            budget = self.budget.to_dict()
        else:
            budget = self.budget

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "role": role,
                "permissions": permissions,
                "teams": teams,
                "env": env,
                "createdAt": created_at,
                "expiresAt": expires_at,
                "revokedAt": revoked_at,
                "lastUsedAt": last_used_at,
                "usageCount": usage_count,
                "active": active,
            }
        )
        if spent_usd is not UNSET:
            field_dict["spentUsd"] = spent_usd
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget import Budget

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

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

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

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

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt"))

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

        active = d.pop("active")

        spent_usd = d.pop("spentUsd", UNSET)

        def _parse_budget(data: object) -> Budget | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                budget_type_0 = Budget.from_dict(data)

                return budget_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Budget | None | Unset, data)

        budget = _parse_budget(d.pop("budget", UNSET))

        api_key = cls(
            id=id,
            name=name,
            role=role,
            permissions=permissions,
            teams=teams,
            env=env,
            created_at=created_at,
            expires_at=expires_at,
            revoked_at=revoked_at,
            last_used_at=last_used_at,
            usage_count=usage_count,
            active=active,
            spent_usd=spent_usd,
            budget=budget,
        )

        return api_key
