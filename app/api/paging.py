"""Paging of listings: `limit` and an opaque `cursor`, answered with `items` and `nextCursor`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.errors import ValidationError

__all__ = ["decode_cursor", "encode_cursor", "page"]

T = TypeVar("T")
Key = list[Any]


def encode_cursor(key: Key) -> str:
    """An opaque cursor for the position just after the item with this key."""
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: Key | None) -> Key:
    """The key inside a cursor this server gave out, shaped like `shape` when given (else 400 naming `cursor`)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or not key:
        raise ValidationError("cursor is not one this server gave out", {"field": "cursor"})
    if shape is not None and (
        len(key) != len(shape) or any(type(a) is not type(b) for a, b in zip(key, shape, strict=True))
    ):
        raise ValidationError("cursor is not one this server gave out", {"field": "cursor"})
    return key


def page(items: Sequence[T], key: Callable[[T], Key], limit: int, cursor: str | None) -> tuple[list[T], str | None]:
    """One page of `items` (listed in the order in which `key` strictly increases) after `cursor`."""
    rest = list(items)
    if cursor is not None:
        if not rest:
            decode_cursor(cursor, None)  # still reject garbage
            return [], None
        after = decode_cursor(cursor, key(rest[0]))
        rest = [item for item in rest if key(item) > after]
    chosen = rest[:limit]
    next_cursor = encode_cursor(key(chosen[-1])) if len(rest) > limit and chosen else None
    return chosen, next_cursor
