from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TellChunk")


@_attrs_define
class TellChunk:
    """tell:chunk - a piece of the response text as it streams.

    Attributes:
        request_id (UUID): A tell's request id.
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        seq (int):
        chunk (str):
    """

    request_id: UUID
    session_id: UUID
    seq: int
    chunk: str

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        session_id = str(self.session_id)

        seq = self.seq

        chunk = self.chunk

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "sessionId": session_id,
                "seq": seq,
                "chunk": chunk,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        session_id = UUID(d.pop("sessionId"))

        seq = d.pop("seq")

        chunk = d.pop("chunk")

        tell_chunk = cls(
            request_id=request_id,
            session_id=session_id,
            seq=seq,
            chunk=chunk,
        )

        return tell_chunk
