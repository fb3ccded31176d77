"""Claude Code's messages read into Iris's terms: their JSON form, and what kept tells share."""

from __future__ import annotations

import dataclasses

from claude_agent_sdk.types import AssistantMessage, ResultMessage, SystemMessage, TextBlock, ToolUseBlock

from app.engine import Engine
from app.engine.messages import Said, message_to_dict, read


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


async def test_the_init_message_every_turn_repeats_is_kept_once(engine: Engine) -> None:
    first = await engine.tell("alpha", "one")
    second = await engine.tell("alpha", "two")
    inits = []
    for view in (await engine.get_request(first.request_id), await engine.get_request(second.request_id)):
        assert view.messages is not None
        [init] = [kept.data["data"] for kept in view.messages if kept.data.get("subtype") == "init"]
        inits.append(init)
    assert inits[0]["tools"] == inits[1]["tools"] and inits[0]["tools"]
    assert inits[0]["tools"] is inits[1]["tools"]
    assert inits[0]["mcp_servers"] is inits[1]["mcp_servers"]
    assert inits[0]["session_id"] == inits[1]["session_id"] == str(first.session_id)
