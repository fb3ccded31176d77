from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.ws_auth import WsAuth


T = TypeVar("T", bound="AuthMessage")


@_attrs_define
class AuthMessage:
    """
    Attributes:
        event (Literal['auth']):
        data (WsAuth):
    """

    event: Literal["auth"]
    data: WsAuth

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event": event,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.ws_auth import WsAuth

        d = dict(src_dict)
        event = cast(Literal["auth"], d.pop("event"))
        if event != "auth":
            raise ValueError(f"event must match const 'auth', got '{event}'")

        data = WsAuth.from_dict(d.pop("data"))

        auth_message = cls(
            event=event,
            data=data,
        )

        return auth_message
