"""Paging of listings: `limit` and an opaque `cursor`, answered with `items` and `nextCursor`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from app.cursors import Key, decode_cursor, encode_cursor

__all__ = ["decode_cursor", "encode_cursor", "page"]

T = TypeVar("T")


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
