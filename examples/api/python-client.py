#!/usr/bin/env python3
"""The Iris Python client (clients/python, package iris-client): a tell, a 202 tell fetched later,
a typed error, and streamed tells over SSE and the WebSocket.

    pip install ./clients/python
    IRIS_URL=http://127.0.0.1:1615 IRIS_API_KEY=iris_sk_... IRIS_TEAM=alpha python examples/api/python-client.py

Exits non-zero on any failure.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from iris_client import AuthenticatedClient
from iris_client.api.status import system_status
from iris_client.api.teams import get_request, tell
from iris_client.models import TellChunk, TellRequest, TellStatus
from iris_client.streams import IrisApiError, IrisWebSocket, tell_stream, unwrap


def main() -> None:
    url, key, team = os.environ["IRIS_URL"], os.environ["IRIS_API_KEY"], os.environ["IRIS_TEAM"]
    with AuthenticatedClient(base_url=url, token=key, timeout=120) as iris:
        status = unwrap(system_status.sync_detailed(client=iris))
        print(f"Iris {status.version}: {status.teams} teams, {status.total_processes} processes")

        # Wait for the answer (timeout 0: to the end).
        answer = unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team=team, message="Hello from Python")))
        print(f"{team} answered ({answer.status}): {answer.response}")

        # Return at once (202) and fetch the record later.
        accepted = tell.sync_detailed(client=iris, body=TellRequest(to_team=team, message="In a while", timeout=-1))
        assert accepted.status_code == 202, accepted.status_code
        record = unwrap(accepted)
        while record.status in (TellStatus.QUEUED, TellStatus.RUNNING):
            time.sleep(0.2)
            record = unwrap(get_request.sync_detailed(record.request_id, client=iris))
        print(f"the 202 tell ended {record.status}: {record.response}")

        # Errors are typed: the contract's Error model, or IrisApiError from unwrap().
        try:
            unwrap(tell.sync_detailed(client=iris, body=TellRequest(to_team="no-such-team", message="hi")))
            raise SystemExit("expected a 404")
        except IrisApiError as error:
            print(f"as expected: {error.status_code} {error.name}")

        # Stream a tell over Server-Sent Events.
        print("SSE: ", end="")
        for event in tell_stream(iris, {"toTeam": team, "message": "Stream this"}):
            if isinstance(event.data, TellChunk):
                print(event.data.chunk, end="", flush=True)
            elif event.event in ("tell:complete", "tell:error"):
                print(f"  [{event.event}]")
                if event.event == "tell:error":
                    raise SystemExit(f"tell failed: {event.raw}")

        # ... and over the WebSocket (it reconnects and resumes by itself).
        asyncio.run(over_websocket(iris, team))


async def over_websocket(iris: AuthenticatedClient, team: str) -> None:
    async with IrisWebSocket.connect(iris) as ws:
        print("WebSocket: ", end="")
        async for event in ws.tell({"toTeam": team, "message": "Stream this too"}):
            if isinstance(event.data, TellChunk):
                print(event.data.chunk, end="", flush=True)
        print("  [tell:complete]")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a failure of any kind: say what, exit non-zero
        print(f"\nfailed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
