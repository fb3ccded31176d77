from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.error_name import ErrorName
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_details import ErrorDetails


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """The shape of every non-2xx answer.

    Attributes:
        error (ErrorName): The class name of an error. The domain's errors plus:
            RequestNotFoundError (unknown tell request id), NotFoundError (unknown
            path, permission request or key), MethodNotAllowedError (405),
            PayloadTooLargeError (413), RequestHeaderFieldsTooLargeError (431)
            and InternalServerError (an unexpected failure).
        message (str): Human-readable; never a stack trace, path or SQL.
        status_code (int):
        timestamp (int): Unix time in milliseconds.
        details (ErrorDetails | Unset): Extra context - the offending `field`, the missing `permission`, the `team`,
            limits.
    """

    error: ErrorName
    message: str
    status_code: int
    timestamp: int
    details: ErrorDetails | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        error = self.error.value

        message = self.message

        status_code = self.status_code

        timestamp = self.timestamp

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "message": message,
                "statusCode": status_code,
                "timestamp": timestamp,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.error_details import ErrorDetails

        d = dict(src_dict)
        error = ErrorName(d.pop("error"))

        message = d.pop("message")

        status_code = d.pop("statusCode")

        timestamp = d.pop("timestamp")

        _details = d.pop("details", UNSET)
        details: ErrorDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = ErrorDetails.from_dict(_details)

        error = cls(
            error=error,
            message=message,
            status_code=status_code,
            timestamp=timestamp,
            details=details,
        )

        return error
