"""The model stand-in, checked over HTTP and end to end with the real bundled Claude Code."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    Message,
    ResultMessage,
    StreamEvent,
    TextBlock,
)
from claude_agent_sdk.types import PermissionResultAllow, ToolPermissionContext

from app.standin import ModelStandIn, caller_text, plan_reply

Connect = Callable[..., AbstractAsyncContextManager[ClaudeSDKClient]]


@pytest.fixture
def standin() -> Iterator[ModelStandIn]:
    """A stand-in of this test's own (overrides the shared one), so ``requests`` holds only this test's."""
    with ModelStandIn() as server:
        yield server


@pytest.fixture
def claude(standin: ModelStandIn, tmp_path: Path) -> Connect:
    """Connects Claude Code to the stand-in with a private HOME and project directory."""

    async def allow(tool: str, tool_input: dict[str, Any], context: ToolPermissionContext) -> PermissionResultAllow:
        """Allow every tool use."""
        return PermissionResultAllow()

    @asynccontextmanager
    async def connect(**options: Any) -> AsyncIterator[ClaudeSDKClient]:
        """Yield a connected client; disconnect afterwards."""
        home, project = tmp_path / "home", tmp_path / "project"
        home.mkdir()
        project.mkdir()
        client_options = ClaudeAgentOptions(
            env={"HOME": str(home), **standin.env()},
            cwd=project,
            system_prompt={"type": "preset", "preset": "claude_code"},
            can_use_tool=allow,
            stderr=lambda line: print("claude stderr:", line),
            **options,
        )
        async with ClaudeSDKClient(client_options) as client:
            yield client

    return connect


async def turn(client: ClaudeSDKClient, text: str, timeout: float = 30) -> list[Message]:
    """Send one prompt and collect every message up to and including the ResultMessage."""
    await client.query(text)
    async with asyncio.timeout(timeout):
        return [message async for message in client.receive_response()]


def result_of(messages: list[Message]) -> ResultMessage:
    """The ResultMessage that ends a turn."""
    result = messages[-1]
    assert isinstance(result, ResultMessage), messages
    return result


def text_deltas(messages: list[Message]) -> list[str]:
    """The text chunks carried by StreamEvents."""
    return [
        m.event["delta"]["text"]
        for m in messages
        if isinstance(m, StreamEvent)
        and m.event.get("type") == "content_block_delta"
        and m.event["delta"].get("type") == "text_delta"
    ]


def user_body(text: str, *, stream: bool = False) -> dict[str, Any]:
    """A Messages API body shaped like Claude Code's, with a trailing system reminder."""
    content = [{"type": "text", "text": text}, {"type": "text", "text": "<system-reminder>x</system-reminder>"}]
    return {"model": "m-test", "max_tokens": 64, "stream": stream, "messages": [{"role": "user", "content": content}]}


# Over plain HTTP.


def test_caller_text_skips_claude_code_additions() -> None:
    body = user_body("hello")
    body["messages"].append({"role": "system", "content": "# Environment"})
    assert caller_text(body) == "hello"
    assert plan_reply(body).blocks == [{"type": "text", "text": "echo[n=1]: hello"}]
    # After a failed turn Claude Code merges the unanswered prompt into the next user message.
    body["messages"][0]["content"].insert(0, {"type": "text", "text": "#status:500\n"})
    assert caller_text(body) == "hello"


def test_non_streaming_reply_error_body_and_count_tokens(standin: ModelStandIn) -> None:
    with httpx.Client(base_url=standin.base_url) as http:
        message = http.post("/v1/messages", json=user_body("hi")).json()
        error = http.post("/v1/messages", json=user_body("#status:529"))
        count = http.post("/v1/messages/count_tokens", json=user_body("hi")).json()
    assert message["model"] == "m-test"
    assert message["content"] == [{"type": "text", "text": "echo[n=1]: hi"}]
    assert message["usage"]["input_tokens"] > 0 and message["usage"]["output_tokens"] > 0
    assert error.status_code == 529
    assert error.json()["error"] == {"type": "overloaded_error", "message": "stand-in error 529"}
    assert count["input_tokens"] > 0
    assert len(standin.requests) == 2
    assert standin.paths[-1] == "POST /v1/messages/count_tokens"


def test_stop_drops_a_hanging_stream_quickly() -> None:
    standin = ModelStandIn().start()
    lines: list[str] = []

    def read() -> None:
        """Read the hanging stream until the server drops it."""
        try:
            with httpx.stream("POST", f"{standin.base_url}/v1/messages", json=user_body("#hang", stream=True)) as r:
                lines.extend(r.iter_lines())
        except httpx.HTTPError:
            pass

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 5
    while not any("content_block_start" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    standin.stop()
    reader.join(timeout=2)
    assert time.monotonic() - started < 2
    assert not reader.is_alive()
    assert any("content_block_start" in line for line in lines)
    assert not any("message_stop" in line for line in lines)


# End to end with the real Claude Code binary.


@pytest.mark.asyncio
async def test_echo_turn(claude: Connect, standin: ModelStandIn) -> None:
    async with claude() as client:
        result = result_of(await turn(client, "hello"))
    assert result.result == "echo[n=1]: hello"
    assert not result.is_error
    assert result.usage and result.usage["input_tokens"] > 0 and result.usage["output_tokens"] > 0
    assert result.total_cost_usd and result.total_cost_usd > 0
    assert standin.requests[0]["stream"] is True


@pytest.mark.asyncio
async def test_history_grows_across_turns(claude: Connect) -> None:
    async with claude() as client:
        first = result_of(await turn(client, "one"))
        second = result_of(await turn(client, "two"))
    assert first.result == "echo[n=1]: one"
    assert second.result == "echo[n=3]: two"


@pytest.mark.asyncio
async def test_slow_reply_streams_partial_text(claude: Connect) -> None:
    async with claude(include_partial_messages=True) as client:
        started = time.monotonic()
        messages = await turn(client, "#slow:4:50 hi")
        elapsed = time.monotonic() - started
    deltas = text_deltas(messages)
    assert len(deltas) == 4
    assert "".join(deltas) == result_of(messages).result == "echo[n=1]: #slow:4:50 hi"
    assert elapsed >= 0.15


@pytest.mark.asyncio
async def test_server_error_ends_the_turn_quickly(claude: Connect, standin: ModelStandIn) -> None:
    async with claude() as client:
        started = time.monotonic()
        result = result_of(await turn(client, "#status:500"))
        elapsed = time.monotonic() - started
        after = result_of(await turn(client, "after"))
    assert result.is_error
    assert result.api_error_status == 500
    assert result.result and "stand-in error 500" in result.result
    assert len(standin.requests) == 3  # one retry with CLAUDE_CODE_MAX_RETRIES=1, then the next turn
    assert elapsed < 5
    assert after.result == "echo[n=1]: after"  # the failed prompt has no reply; it is merged, not counted


@pytest.mark.asyncio
async def test_bash_tool_round_trip(claude: Connect, standin: ModelStandIn) -> None:
    async with claude() as client:
        result = result_of(await turn(client, "#bash:echo hi"))
    assert result.result == "tool said: hi"
    assert result.num_turns == 2
    follow_up = standin.requests[-1]["messages"][-1]["content"]
    assert any(block.get("type") == "tool_result" for block in follow_up)


@pytest.mark.asyncio
async def test_several_text_blocks(claude: Connect) -> None:
    async with claude() as client:
        messages = await turn(client, "#blocks:3")
    texts = [b.text for m in messages if isinstance(m, AssistantMessage) for b in m.content if isinstance(b, TextBlock)]
    assert texts == ["block 1", "block 2", "block 3"]
    assert result_of(messages).result == "block 3"


@pytest.mark.asyncio
async def test_cut_stream_ends_in_an_error(claude: Connect, standin: ModelStandIn) -> None:
    async with claude(include_partial_messages=True) as client:
        messages = await turn(client, "#cut")
    result = result_of(messages)
    assert result.is_error
    assert text_deltas(messages)[:2] == ["echo", "[n=1"]
    assert any(not body.get("stream") for body in standin.requests)  # Claude Code retries without streaming


@pytest.mark.asyncio
async def test_hang_produces_no_result(claude: Connect) -> None:
    async with claude() as client:
        await client.query("#hang")
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2):
                async for message in client.receive_response():
                    assert not isinstance(message, ResultMessage)
