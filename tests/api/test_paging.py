"""Keyset paging of in-memory listings."""

from __future__ import annotations

import pytest

from app.api.paging import encode_cursor, page
from app.errors import ValidationError


def test_pages_follow_the_key_and_end_with_null() -> None:
    items = [(i, f"n{i}") for i in range(5)]
    first, cursor = page(items, lambda item: [item[0], item[1]], 2, None)
    assert first == items[:2] and cursor
    second, cursor = page(items, lambda item: [item[0], item[1]], 2, cursor)
    assert second == items[2:4] and cursor
    last, cursor = page(items, lambda item: [item[0], item[1]], 2, cursor)
    assert last == items[4:] and cursor is None


def test_an_item_that_went_away_does_not_shift_the_next_page() -> None:
    items = [(i, f"n{i}") for i in range(5)]
    _, cursor = page(items, lambda item: [item[0], item[1]], 2, None)
    without_first = items[2:]
    rest, _ = page(without_first, lambda item: [item[0], item[1]], 10, cursor)
    assert rest == items[2:]


@pytest.mark.parametrize(
    "cursor",
    ["nope", "", encode_cursor(["a"]), encode_cursor([1, 2, 3]), "W10", "WzEs!!!!ImEiXQ", "WzEs\n\n\n\nImEiXQ"],
)
def test_foreign_cursors_are_rejected(cursor: str) -> None:
    with pytest.raises(ValidationError) as error:
        page([(1, "a")], lambda item: [item[0], item[1]], 2, cursor)
    assert error.value.details == {"field": "cursor"}


def test_a_real_cursor_on_an_emptied_list_is_an_empty_page() -> None:
    assert page([], lambda item: [item], 2, encode_cursor([3, "x"])) == ([], None)
    with pytest.raises(ValidationError):
        page([], lambda item: [item], 2, "garbage")
