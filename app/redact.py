"""Redaction of secrets: anything shaped like an Iris key, and bearer credentials, in text and JSON-like values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "holds_key", "redact", "redact_value"]

# Anything that starts like a key (even malformed or truncated; not one already redacted) and any bearer credential.
_SECRET = re.compile(r"iris_sk_(?!\[REDACTED\])[A-Za-z0-9_\-]*", re.IGNORECASE)
_BEARER = re.compile(r"(\bbearer\s+)[^\s\"',;]+", re.IGNORECASE)
_EITHER = re.compile(r"iris_sk_|bearer\s", re.IGNORECASE)
"""Found wherever either of the two above could match: text without it is returned as it is, unscanned."""
REDACTED = "[REDACTED]"


def holds_key(text: str) -> bool:
    """Whether the text holds anything that starts like a key."""
    return _SECRET.search(text) is not None


def redact(text: str) -> str:
    """The text with anything that looks like a key or a bearer credential replaced."""
    if _EITHER.search(text) is None:
        return text
    return _BEARER.sub(r"\1" + REDACTED, _SECRET.sub("iris_sk_" + REDACTED, text))


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string (keys of mappings too) redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(str(k)): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))
