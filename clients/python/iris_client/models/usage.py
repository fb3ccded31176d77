from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """Token usage of a tell (or totals).

    Attributes:
        input_tokens (int):
        output_tokens (int):
        cache_read_input_tokens (int | Unset):
        cache_creation_input_tokens (int | Unset):
    """

    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int | Unset = UNSET
    cache_creation_input_tokens: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_tokens = self.input_tokens

        output_tokens = self.output_tokens

        cache_read_input_tokens = self.cache_read_input_tokens

        cache_creation_input_tokens = self.cache_creation_input_tokens

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
            }
        )
        if cache_read_input_tokens is not UNSET:
            field_dict["cacheReadInputTokens"] = cache_read_input_tokens
        if cache_creation_input_tokens is not UNSET:
            field_dict["cacheCreationInputTokens"] = cache_creation_input_tokens

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        input_tokens = d.pop("inputTokens")

        output_tokens = d.pop("outputTokens")

        cache_read_input_tokens = d.pop("cacheReadInputTokens", UNSET)

        cache_creation_input_tokens = d.pop("cacheCreationInputTokens", UNSET)

        usage = cls(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cache_read_input_tokens=cache_read_input_tokens,
            cache_creation_input_tokens=cache_creation_input_tokens,
        )

        return usage
