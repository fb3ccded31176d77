from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.budget_period import BudgetPeriod
from ..models.key_env import KeyEnv
from ..models.key_role import KeyRole
from ..models.permission import Permission
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateKeyRequest")


@_attrs_define
class CreateKeyRequest:
    """Give role or permissions, not both (neither - the viewer role); budgetPeriod only with budgetUsd.

    Attributes:
        name (str): Letters, digits, spaces and `_.@-`, not spaces alone, and nothing that starts like a key
            (`iris_sk_`, in any case).
        role (KeyRole | Unset): A permission preset. viewer - status:read, cache:read; operator -
            viewer + team:tell, team:wake; developer - operator + team:sleep,
            team:clear, debug:read; admin - admin (every permission).
        permissions (list[Permission] | Unset):
        expires_in_days (int | Unset): Days until the key expires (default never).
        env (KeyEnv | Unset): The environment tag embedded in a key.
        teams (list[str] | Unset): The only teams this key may address (default all).
        budget_usd (float | Unset): A cost budget in US dollars for the tells this key starts (default none); a tell
            that would start over it is refused with 402.
        budget_period (BudgetPeriod | Unset): What a budget's spend counts: the current UTC day, the current UTC month,
            or everything ever (never resets).
    """

    name: str
    role: KeyRole | Unset = UNSET
    permissions: list[Permission] | Unset = UNSET
    expires_in_days: int | Unset = UNSET
    env: KeyEnv | Unset = UNSET
    teams: list[str] | Unset = UNSET
    budget_usd: float | Unset = UNSET
    budget_period: BudgetPeriod | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        permissions: list[str] | Unset = UNSET
        if not isinstance(self.permissions, Unset):
            permissions = []
            for permissions_item_data in self.permissions:
                permissions_item = permissions_item_data.value
                permissions.append(permissions_item)

        expires_in_days = self.expires_in_days

        env: str | Unset = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.value

        teams: list[str] | Unset = UNSET
        if not isinstance(self.teams, Unset):
            teams = self.teams

        budget_usd = self.budget_usd

        budget_period: str | Unset = UNSET
        if not isinstance(self.budget_period, Unset):
            budget_period = self.budget_period.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if role is not UNSET:
            field_dict["role"] = role
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if expires_in_days is not UNSET:
            field_dict["expiresInDays"] = expires_in_days
        if env is not UNSET:
            field_dict["env"] = env
        if teams is not UNSET:
            field_dict["teams"] = teams
        if budget_usd is not UNSET:
            field_dict["budgetUsd"] = budget_usd
        if budget_period is not UNSET:
            field_dict["budgetPeriod"] = budget_period

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        _role = d.pop("role", UNSET)
        role: KeyRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = KeyRole(_role)

        _permissions = d.pop("permissions", UNSET)
        permissions: list[Permission] | Unset = UNSET
        if _permissions is not UNSET:
            permissions = []
            for permissions_item_data in _permissions:
                permissions_item = Permission(permissions_item_data)

                permissions.append(permissions_item)

        expires_in_days = d.pop("expiresInDays", UNSET)

        _env = d.pop("env", UNSET)
        env: KeyEnv | Unset
        if isinstance(_env, Unset):
            env = UNSET
        else:
            env = KeyEnv(_env)

        teams = cast(list[str], d.pop("teams", UNSET))

        budget_usd = d.pop("budgetUsd", UNSET)

        _budget_period = d.pop("budgetPeriod", UNSET)
        budget_period: BudgetPeriod | Unset
        if isinstance(_budget_period, Unset):
            budget_period = UNSET
        else:
            budget_period = BudgetPeriod(_budget_period)

        create_key_request = cls(
            name=name,
            role=role,
            permissions=permissions,
            expires_in_days=expires_in_days,
            env=env,
            teams=teams,
            budget_usd=budget_usd,
            budget_period=budget_period,
        )

        return create_key_request
