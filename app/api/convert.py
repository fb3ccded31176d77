"""Engine views → the contract's generated models: one conversion, matching fields by their Python names."""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar

import msgspec

from app.api import models as m
from app.engine.budgets import BudgetState
from app.engine.logs import LogEntry

__all__ = ["budget", "log_record", "to_model"]

S = TypeVar("S", bound=msgspec.Struct)


def to_model(view: Any, model: type[S], **fields: Any) -> S:
    """`view` (a dataclass or Struct) as `model`, field by field by name; `fields` add or replace some (UNSET: out).

    msgspec converts the values on the way (a status text to its enum, nested views to nested models) and checks
    them against the model's constraints; attributes the model lacks are ignored.
    """
    if fields:
        values = _values(view) | fields
        view = types.SimpleNamespace(**{name: value for name, value in values.items() if value is not msgspec.UNSET})
    return msgspec.convert(view, model, from_attributes=True)


def _values(view: Any) -> dict[str, Any]:
    """A dataclass's or Struct's fields by their Python names."""
    if isinstance(view, msgspec.Struct):
        return msgspec.structs.asdict(view)
    return {item.name: getattr(view, item.name) for item in dataclasses.fields(view)}


def budget(state: BudgetState) -> m.Budget:
    """A cost budget and its spend this period."""
    return m.Budget(
        limit_usd=state.budget.limit_usd,
        period=m.BudgetPeriod(state.budget.period),
        spent_usd=round(max(0.0, state.spent_usd), 6),
        period_start=state.period_start,
        resets_at=state.resets_at,
    )


_LEVELS = {member.value for member in m.LogLevel}


def log_record(entry: LogEntry) -> m.LogRecord:
    """One structured log record (its level made one of the contract's, so no plain copy)."""
    level = entry.level if entry.level in _LEVELS else ("debug" if entry.level.startswith("level") else "info")
    return m.LogRecord(
        timestamp=entry.timestamp,
        level=m.LogLevel(level),
        logger=entry.logger,
        message=entry.message,
        context=dict(entry.context) if entry.context else msgspec.UNSET,
    )
