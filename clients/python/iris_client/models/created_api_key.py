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


T = TypeVar("T", bound="CreatedApiKey")


@_attrs_define
class CreatedApiKey:
    """A newly created key, with the plain key (shown this once).

    Attributes:
        key (str): The plain key; store it now, it cannot be shown again.
        id (str): A key's short public id (or, where accepted, a unique prefix of its hash).
        name (str):
        role (KeyRole | None):
        permissions (list[Permission]):
        teams (list[str] | None):
        env (KeyEnv | None):
        created_at (datetime.datetime):
        expires_at (datetime.datetime | None):
        budget (Budget | None | Unset): The key's cost budget, nothing spent yet (null without one).
    """

    key: str
    id: str
    name: str
    role: KeyRole | None
    permissions: list[Permission]
    teams: list[str] | None
    env: KeyEnv | None
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    budget: Budget | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.budget import Budget

        key = self.key

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
                "key": key,
                "id": id,
                "name": name,
                "role": role,
                "permissions": permissions,
                "teams": teams,
                "env": env,
                "createdAt": created_at,
                "expiresAt": expires_at,
            }
        )
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.budget import Budget

        d = dict(src_dict)
        key = d.pop("key")

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

        created_api_key = cls(
            key=key,
            id=id,
            name=name,
            role=role,
            permissions=permissions,
            teams=teams,
            env=env,
            created_at=created_at,
            expires_at=expires_at,
            budget=budget,
        )

        return created_api_key
