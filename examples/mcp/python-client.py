#!/usr/bin/env python3
"""Iris over MCP with the official `mcp` client: list the tools, tell a team with `send_message`, print the answer.

    pip install "mcp>=2.3,<3"   # the official MCP SDK (Iris itself depends on it)
    IRIS_URL=http://127.0.0.1:1615 IRIS_API_KEY=iris_sk_... IRIS_TEAM=alpha python examples/mcp/python-client.py

The key needs `team:tell` (the `operator` role). Exits non-zero on any failure, a refused tool call included.
"""

from __future__ import annotations

import asyncio
import os
import sys

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_types import TextContent


async def main() -> int:
    missing = [name for name in ("IRIS_URL", "IRIS_API_KEY", "IRIS_TEAM") if not os.environ.get(name)]
    if missing:
        print(f"set {', '.join(missing)} (see the docstring)", file=sys.stderr)
        return 2
    url, key, team = os.environ["IRIS_URL"].rstrip("/") + "/mcp", os.environ["IRIS_API_KEY"], os.environ["IRIS_TEAM"]
    # No read timeout: a waiting send_message answers when the team does (Iris bounds the wait itself).
    timeout = httpx2.Timeout(30, read=None)
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=timeout) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        hello = await session.initialize()
        print(f"connected to {hello.server_info.name} {hello.server_info.version}")
        listed = await session.list_tools()
        print(f"{len(listed.tools)} tools:", ", ".join(sorted(tool.name for tool in listed.tools)))

        async def progress(done: float, total: float | None, message: str | None) -> None:
            print(f"  ... {message or done}")

        result = await session.call_tool(
            "send_message",
            {"toTeam": team, "message": "Hello from an MCP client: who are you?", "timeout": 0},
            progress_callback=progress,
        )
        text = " ".join(part.text for part in result.content if isinstance(part, TextContent))
        if result.is_error:
            print(f"send_message failed: {text}", file=sys.stderr)
            return 1
        answer = result.structured_content or {}
        print(f"{team} answered ({answer.get('status')}, request {answer.get('requestId')}):")
        print(answer.get("response") or text)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
