"""Paging cursors: one opaque, URL-safe form of a listing's position, for every listing the server pages."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from app.errors import ValidationError

__all__ = ["Key", "decode_cursor", "encode_cursor", "foreign_cursor"]

Key = list[Any]


def foreign_cursor() -> ValidationError:
    """The error for a cursor this server did not give out (400 naming `cursor`)."""
    return ValidationError("cursor is not one this server gave out", {"field": "cursor"})


def encode_cursor(key: Key) -> str:
    """An opaque cursor for the position just after the item with this key."""
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: Key | None) -> Key:
    """The key inside a cursor this server gave out, shaped like `shape` when given (else 400 naming `cursor`)."""
    try:
        key = json.loads(base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or not key:
        raise foreign_cursor()
    if shape is not None and (
        len(key) != len(shape) or any(type(a) is not type(b) for a, b in zip(key, shape, strict=True))
    ):
        raise foreign_cursor()
    return key
