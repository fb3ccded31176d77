from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.error_name import ErrorName
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stream_error_details import StreamErrorDetails


T = TypeVar("T", bound="StreamError")


@_attrs_define
class StreamError:
    """error - a stream-level error (e.g. a forbidden subscription), in the Error shape minus the timestamp.

    Attributes:
        error (ErrorName): The class name of an error. The domain's errors plus:
            RequestNotFoundError (unknown tell request id), NotFoundError (unknown
            path, permission request or key), MethodNotAllowedError (405),
            PayloadTooLargeError (413), RequestHeaderFieldsTooLargeError (431)
            and InternalServerError (an unexpected failure).
        message (str):
        status_code (int):
        details (StreamErrorDetails | Unset):
    """

    error: ErrorName
    message: str
    status_code: int
    details: StreamErrorDetails | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        error = self.error.value

        message = self.message

        status_code = self.status_code

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "message": message,
                "statusCode": status_code,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.stream_error_details import StreamErrorDetails

        d = dict(src_dict)
        error = ErrorName(d.pop("error"))

        message = d.pop("message")

        status_code = d.pop("statusCode")

        _details = d.pop("details", UNSET)
        details: StreamErrorDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = StreamErrorDetails.from_dict(_details)

        stream_error = cls(
            error=error,
            message=message,
            status_code=status_code,
            details=details,
        )

        return stream_error
