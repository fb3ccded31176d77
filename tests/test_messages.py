"""Claude Code's messages read into Iris's terms: their JSON form, encoded once for the tell and its events."""

from __future__ import annotations

import dataclasses

from claude_agent_sdk.types import AssistantMessage, ResultMessage, SystemMessage, TextBlock, ToolUseBlock

from app.engine import Engine
from app.engine.messages import Said, message_to_dict, read
from app.engine.records import CacheMessage


def test_a_message_reads_as_the_dataclass_fields_with_its_type() -> None:
    message = AssistantMessage(
        content=[TextBlock("hello"), ToolUseBlock("tool-1", "Bash", {"command": "ls"})],
        model="claude-test",
        parent_tool_use_id=None,
    )
    said = read(message)
    assert isinstance(said, Said)
    assert said.texts == ("hello",)
    assert said.data == {"type": "assistant", **dataclasses.asdict(message)}
    assert said.data["content"][1] == {"id": "tool-1", "name": "Bash", "input": {"command": "ls"}}


def test_the_json_the_sdk_parsed_is_shared_not_deep_copied() -> None:
    init = {"tools": [f"tool-{n}" for n in range(50)], "mcp_servers": [{"name": "iris", "status": "connected"}]}
    usage = {"input_tokens": 3, "output_tokens": 4}
    system = message_to_dict(SystemMessage(subtype="init", data=init))
    result = message_to_dict(
        ResultMessage(
            subtype="success",
            duration_ms=1,
            duration_api_ms=1,
            is_error=False,
            num_turns=1,
            session_id="s",
            usage=usage,
            result="done",
        )
    )
    assert system["type"] == "system" and system["data"] is init
    assert result["type"] == "result" and result["usage"] is usage and result["result"] == "done"


async def test_a_tell_keeps_its_messages_as_the_json_its_events_carried(engine: Engine) -> None:
    told = await engine.tell("alpha", "#bash:echo kept")
    view = await engine.get_request(told.request_id)
    assert view.messages is not None
    kinds = [(kept.type, kept.subtype) for kept in view.messages]
    assert kinds[0] == ("system", "init") and kinds[-1] == ("result", "success") and ("user", None) in kinds
    for kept in view.messages:
        assert (kept.data["type"], kept.data.get("subtype")) == (kept.type, kept.subtype)
    assert view.messages[-1].data["result"] == view.response
    assert view.messages[0].data["data"]["session_id"] == str(told.session_id)
    replayed = engine.events.replay(str(told.session_id), 0)
    assert replayed is not None
    carried = [event.record.message for event in replayed if isinstance(event.record, CacheMessage)]
    carried = [message for message in carried if message.json in {kept.json for kept in view.messages}]
    assert [message.json for message in carried] == [kept.json for kept in view.messages]
    assert all(sent.json is kept.json for sent, kept in zip(carried, view.messages, strict=True))  # one copy
