"""What a tell request sets for itself (its model, start-only options) and the calling key's budget, for the engine."""

from __future__ import annotations

from typing import Any

import msgspec

from app.api import models as m
from app.engine.budgets import Budget, Period
from app.engine.tells import TellOptions

__all__ = ["key_budget", "tell_options"]


def _given(value: Any) -> Any:
    return None if value is msgspec.UNSET else value


def tell_options(payload: m.TellRequest | m.TellStartRequest) -> TellOptions | None:
    """The tell's own options (None when it sets none)."""
    options = TellOptions(
        model=_given(payload.model),
        max_turns=_given(payload.max_turns),
        max_budget_usd=_given(payload.max_budget_usd),
        append_system_prompt=_given(payload.append_system_prompt),
        output_schema=_given(payload.output_schema),
    )
    return options if options.stored() is not None else None


def key_budget(key: Any) -> Budget | None:
    """The cost budget of a key record (`app.auth.keys.KeyRecord`; None: no key, or a key without a budget)."""
    limit = getattr(key, "budget_usd", None)
    if key is None or limit is None:
        return None
    raw = getattr(key, "budget_period", None)
    period: Period = "day" if raw == "day" else "month" if raw == "month" else "total"
    return Budget("key", key.id, float(limit), period, getattr(key, "name", None))


def key_id(key: Any) -> str | None:
    """The public id of a key record (None: no key)."""
    return getattr(key, "id", None) if key is not None else None
