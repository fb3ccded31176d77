from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.process_restart_options_item import ProcessRestartOptionsItem

T = TypeVar("T", bound="ProcessRestart")


@_attrs_define
class ProcessRestart:
    """Iris restarted the session's Claude Code process (with `--resume`: the conversation goes on) before this tell,
    because options it takes only at start differ from those of the running process: the tell's own (`maxTurns`,
    `maxBudgetUsd`, `appendSystemPrompt`, `outputSchema`), those a previous tell set, or the part of a budget left
    (`budget`).

        Attributes:
            options (list[ProcessRestartOptionsItem]):
    """

    options: list[ProcessRestartOptionsItem]

    def to_dict(self) -> dict[str, Any]:
        options = []
        for options_item_data in self.options:
            options_item = options_item_data.value
            options.append(options_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "options": options,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        options = []
        _options = d.pop("options")
        for options_item_data in _options:
            options_item = ProcessRestartOptionsItem(options_item_data)

            options.append(options_item)

        process_restart = cls(
            options=options,
        )

        return process_restart
