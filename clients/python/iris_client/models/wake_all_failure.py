from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.error_name import ErrorName

T = TypeVar("T", bound="WakeAllFailure")


@_attrs_define
class WakeAllFailure:
    """
    Attributes:
        error (ErrorName): The class name of an error. The domain's errors plus:
            RequestNotFoundError (unknown tell request id), NotFoundError (unknown
            path, permission request or key), MethodNotAllowedError (405),
            PayloadTooLargeError (413), RequestHeaderFieldsTooLargeError (431)
            and InternalServerError (an unexpected failure).
        message (str):
    """

    error: ErrorName
    message: str

    def to_dict(self) -> dict[str, Any]:
        error = self.error.value

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = ErrorName(d.pop("error"))

        message = d.pop("message")

        wake_all_failure = cls(
            error=error,
            message=message,
        )

        return wake_all_failure
