from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tell_link import TellLink


T = TypeVar("T", bound="TellQueued")


@_attrs_define
class TellQueued:
    """tell:queued - a tell entered the session's queue (session channel).

    Attributes:
        request_id (UUID): A tell's request id.
        seq (int):
        position (int): 1-based position in the session's queue (1 - next to run).
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        parent_request_id (UUID | Unset): A tell's request id.
        chain (list[TellLink] | Unset): The tells a tell made from inside a tell waits under, root first,
            ending with its parent (`parentRequestId`).
    """

    request_id: UUID
    seq: int
    position: int
    session_id: UUID | Unset = UNSET
    parent_request_id: UUID | Unset = UNSET
    chain: list[TellLink] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        seq = self.seq

        position = self.position

        session_id: str | Unset = UNSET
        if not isinstance(self.session_id, Unset):
            session_id = str(self.session_id)

        parent_request_id: str | Unset = UNSET
        if not isinstance(self.parent_request_id, Unset):
            parent_request_id = str(self.parent_request_id)

        chain: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.chain, Unset):
            chain = []
            for componentsschemas_tell_chain_item_data in self.chain:
                componentsschemas_tell_chain_item = (
                    componentsschemas_tell_chain_item_data.to_dict()
                )
                chain.append(componentsschemas_tell_chain_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "seq": seq,
                "position": position,
            }
        )
        if session_id is not UNSET:
            field_dict["sessionId"] = session_id
        if parent_request_id is not UNSET:
            field_dict["parentRequestId"] = parent_request_id
        if chain is not UNSET:
            field_dict["chain"] = chain

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.tell_link import TellLink

        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        seq = d.pop("seq")

        position = d.pop("position")

        _session_id = d.pop("sessionId", UNSET)
        session_id: UUID | Unset
        if isinstance(_session_id, Unset):
            session_id = UNSET
        else:
            session_id = UUID(_session_id)

        _parent_request_id = d.pop("parentRequestId", UNSET)
        parent_request_id: UUID | Unset
        if isinstance(_parent_request_id, Unset):
            parent_request_id = UNSET
        else:
            parent_request_id = UUID(_parent_request_id)

        _chain = d.pop("chain", UNSET)
        chain: list[TellLink] | Unset = UNSET
        if _chain is not UNSET:
            chain = []
            for componentsschemas_tell_chain_item_data in _chain:
                componentsschemas_tell_chain_item = TellLink.from_dict(
                    componentsschemas_tell_chain_item_data
                )

                chain.append(componentsschemas_tell_chain_item)

        tell_queued = cls(
            request_id=request_id,
            seq=seq,
            position=position,
            session_id=session_id,
            parent_request_id=parent_request_id,
            chain=chain,
        )

        return tell_queued
