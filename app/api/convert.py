"""Engine views → the contract's generated models: one conversion, matching fields by their Python names."""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar

import msgspec

__all__ = ["to_model"]

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
