"""Iris's errors carry a kind; the API edge alone turns each kind into a status code and headers."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import yaml

import app.errors as errors
from app.api.errors import ANSWERS, DEFAULT_RETRY_AFTER, details_of, headers_of, status_of
from app.api.models import ErrorName
from app.errors import ErrorKind, IrisError
from app.spec import SPEC_PATH

CLASSES = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, IrisError)]

STATUSES = {
    "IrisError": 500,
    "ValidationError": 400,
    "UnauthorizedError": 401,
    "ForbiddenError": 403,
    "NotFoundError": 404,
    "TeamNotFoundError": 404,
    "SessionNotFoundError": 404,
    "RequestNotFoundError": 404,
    "MethodNotAllowedError": 405,
    "TimeoutError": 408,
    "PayloadTooLargeError": 413,
    "SessionQueueFullError": 429,
    "TooManyRequestsError": 429,
    "ProcessError": 500,
    "ConfigurationError": 500,
    "TellCycleError": 409,
    "BudgetExceededError": 402,
    "ProcessPoolLimitError": 503,
}
"""The status the contract gives each error class."""


def test_every_kind_has_an_answer_at_the_edge() -> None:
    missing = [kind for kind in ErrorKind if kind not in ANSWERS]
    assert missing == [], f"error kinds without a status in app.api.errors.ANSWERS: {missing}"
    assert all(isinstance(cls.kind, ErrorKind) and cls.kind in ANSWERS for cls in CLASSES)


def test_errors_know_no_http() -> None:
    for cls in CLASSES:
        assert not hasattr(cls, "status_code"), cls
    assert "status_code" not in inspect.getsource(errors) and "retryAfter" not in inspect.getsource(errors)


def test_each_error_class_keeps_its_status() -> None:
    assert {cls.__name__: status_of(cls("x")) for cls in CLASSES} == STATUSES
    names = {member.value for member in ErrorName}
    assert {cls.__name__ for cls in CLASSES} - names == {"IrisError"}


def _examples(node: Any) -> list[dict[str, Any]]:
    """Every example error answer in the spec (an object with `error` and `statusCode`)."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("error"), str) and isinstance(node.get("statusCode"), int):
            found.append(node)
        for value in node.values():
            found += _examples(value)
    elif isinstance(node, list):
        for value in node:
            found += _examples(value)
    return found


def test_the_spec_examples_agree_with_the_table() -> None:
    by_name = {cls.__name__: cls for cls in CLASSES}
    examples = [e for e in _examples(yaml.safe_load(SPEC_PATH.read_text())) if e["error"] in by_name]
    assert {e["error"] for e in examples} >= {"ValidationError", "ProcessPoolLimitError", "SessionQueueFullError"}
    for example in examples:
        assert status_of(by_name[example["error"]]("x")) == example["statusCode"], example


@pytest.mark.parametrize(
    "cls", [errors.SessionQueueFullError, errors.TooManyRequestsError, errors.ProcessPoolLimitError]
)
def test_passing_failures_say_when_to_retry(cls: type[IrisError]) -> None:
    assert headers_of(cls("busy")) == {"Retry-After": str(DEFAULT_RETRY_AFTER)}
    assert details_of(cls("busy")) is None
    told = cls("busy", {"limit": 3}, retry_after_seconds=7)
    assert headers_of(told) == {"Retry-After": "7"}
    assert details_of(told) == {"limit": 3, "retryAfter": 7} and told.details == {"limit": 3}


def test_other_failures_carry_no_retry_after() -> None:
    for cls in CLASSES:
        if ANSWERS[cls.kind].status not in (429, 503):
            assert headers_of(cls("no")) is None, cls
            assert details_of(cls("no", {"field": "x"})) == {"field": "x"}
