from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.error_name import ErrorName
from ..types import UNSET, Unset

T = TypeVar("T", bound="TellError")


@_attrs_define
class TellError:
    """tell:error - Iris could not run the tell to a result (process failed
    to start or crashed, spawn timeout, pool full). The record's status is
    failed.

        Attributes:
            request_id (UUID): A tell's request id.
            error (ErrorName): The class name of an error. The domain's errors plus:
                RequestNotFoundError (unknown tell request id), NotFoundError (unknown
                path, permission request or key), MethodNotAllowedError (405),
                PayloadTooLargeError (413), RequestHeaderFieldsTooLargeError (431)
                and InternalServerError (an unexpected failure).
            message (str):
            session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
            seq (int | Unset):
            parent_request_id (UUID | Unset): A tell's request id.
    """

    request_id: UUID
    error: ErrorName
    message: str
    session_id: UUID | Unset = UNSET
    seq: int | Unset = UNSET
    parent_request_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        error = self.error.value

        message = self.message

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        seq = self.seq

        parent_request_id: str | Unset = UNSET
        if not isinstance(self.parent_request_id, Unset):
            parent_request_id = str(self.parent_request_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "error": error,
                "message": message,
            }
        )
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id
        if seq is not UNSET:
            field_dict["seq"] = seq
        if parent_request_id is not UNSET:
            field_dict["parentRequestId"] = parent_request_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        error = ErrorName(d.pop("error"))

        message = d.pop("message")

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        seq = d.pop("seq", UNSET)

        _parent_request_id = d.pop("parentRequestId", UNSET)
        parent_request_id: UUID | Unset
        if isinstance(_parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = UUID(_parent_request_id)

        tell_error = cls(
            request_id=request_id,
            error=error,
            message=message,
            session_id=session_id,
            seq=seq,
            parent_request_id=parent_request_id,
        )

        return tell_error
