from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.log_level import LogLevel
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    session: UUID | Unset = UNSET,
    team: str | Unset = UNSET,
    system: bool | Unset = False,
    logs: LogLevel | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    json_session: str | Unset = UNSET
    if not isinstance(session, Unset):
        json_session = str(session)
    params["session"] = json_session

    params["team"] = team

    params["system"] = system

    json_logs: str | Unset = UNSET
    if not isinstance(logs, Unset):
        json_logs = logs.value

    params["logs"] = json_logs

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/events",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    session: UUID | Unset = UNSET,
    team: str | Unset = UNSET,
    system: bool | Unset = False,
    logs: LogLevel | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[Error | str]:
    """Subscribe to live events (Server-Sent Events)

     Subscribes to any combination of a session's channel (`session`:
    messages, chunks, tell lifecycle), a team's channel (`team`: process
    lifecycle, permission requests), the `system` channel (health
    ticks) and this server's log records (`logs`: `log:record` events at
    or above the given level); at least one is required (else 400). Each
    subscription is checked against the key's permissions (session -
    cache:read, team and system - status:read, logs - debug:read, the
    permission of `getLogs`) and team scope (403). Session events carry
    `id: <sessionId>:<seq>`; reconnecting with `Last-Event-ID` replays what
    was missed while still retained, or sends `reset` (re-read the cache).
    A named `heartbeat` event comes every 15 s. A subscriber too slow to
    keep up gets `reset` and is disconnected. The stream never ends by
    itself, except that within 2 s of the key being revoked or expiring
    it sends an `error` event (UnauthorizedError, `details.reason`) and
    ends. Each open stream counts against the key's (without
    authentication: the client address's) `api.maxStreamsPerKey`,
    together with WebSockets and streamed tells; beyond it, 429
    TooManyRequestsError (`details.maxStreamsPerKey`).

    Args:
        session (UUID | Unset): A session id (UUID v4 chosen by Iris).
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        system (bool | Unset):  Default: False.
        logs (LogLevel | Unset): Log level, lowest to highest.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        session=session,
        team=team,
        system=system,
        logs=logs,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    session: UUID | Unset = UNSET,
    team: str | Unset = UNSET,
    system: bool | Unset = False,
    logs: LogLevel | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Error | str | None:
    """Subscribe to live events (Server-Sent Events)

     Subscribes to any combination of a session's channel (`session`:
    messages, chunks, tell lifecycle), a team's channel (`team`: process
    lifecycle, permission requests), the `system` channel (health
    ticks) and this server's log records (`logs`: `log:record` events at
    or above the given level); at least one is required (else 400). Each
    subscription is checked against the key's permissions (session -
    cache:read, team and system - status:read, logs - debug:read, the
    permission of `getLogs`) and team scope (403). Session events carry
    `id: <sessionId>:<seq>`; reconnecting with `Last-Event-ID` replays what
    was missed while still retained, or sends `reset` (re-read the cache).
    A named `heartbeat` event comes every 15 s. A subscriber too slow to
    keep up gets `reset` and is disconnected. The stream never ends by
    itself, except that within 2 s of the key being revoked or expiring
    it sends an `error` event (UnauthorizedError, `details.reason`) and
    ends. Each open stream counts against the key's (without
    authentication: the client address's) `api.maxStreamsPerKey`,
    together with WebSockets and streamed tells; beyond it, 429
    TooManyRequestsError (`details.maxStreamsPerKey`).

    Args:
        session (UUID | Unset): A session id (UUID v4 chosen by Iris).
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        system (bool | Unset):  Default: False.
        logs (LogLevel | Unset): Log level, lowest to highest.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        client=client,
        session=session,
        team=team,
        system=system,
        logs=logs,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    session: UUID | Unset = UNSET,
    team: str | Unset = UNSET,
    system: bool | Unset = False,
    logs: LogLevel | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[Error | str]:
    """Subscribe to live events (Server-Sent Events)

     Subscribes to any combination of a session's channel (`session`:
    messages, chunks, tell lifecycle), a team's channel (`team`: process
    lifecycle, permission requests), the `system` channel (health
    ticks) and this server's log records (`logs`: `log:record` events at
    or above the given level); at least one is required (else 400). Each
    subscription is checked against the key's permissions (session -
    cache:read, team and system - status:read, logs - debug:read, the
    permission of `getLogs`) and team scope (403). Session events carry
    `id: <sessionId>:<seq>`; reconnecting with `Last-Event-ID` replays what
    was missed while still retained, or sends `reset` (re-read the cache).
    A named `heartbeat` event comes every 15 s. A subscriber too slow to
    keep up gets `reset` and is disconnected. The stream never ends by
    itself, except that within 2 s of the key being revoked or expiring
    it sends an `error` event (UnauthorizedError, `details.reason`) and
    ends. Each open stream counts against the key's (without
    authentication: the client address's) `api.maxStreamsPerKey`,
    together with WebSockets and streamed tells; beyond it, 429
    TooManyRequestsError (`details.maxStreamsPerKey`).

    Args:
        session (UUID | Unset): A session id (UUID v4 chosen by Iris).
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        system (bool | Unset):  Default: False.
        logs (LogLevel | Unset): Log level, lowest to highest.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        session=session,
        team=team,
        system=system,
        logs=logs,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    session: UUID | Unset = UNSET,
    team: str | Unset = UNSET,
    system: bool | Unset = False,
    logs: LogLevel | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Error | str | None:
    """Subscribe to live events (Server-Sent Events)

     Subscribes to any combination of a session's channel (`session`:
    messages, chunks, tell lifecycle), a team's channel (`team`: process
    lifecycle, permission requests), the `system` channel (health
    ticks) and this server's log records (`logs`: `log:record` events at
    or above the given level); at least one is required (else 400). Each
    subscription is checked against the key's permissions (session -
    cache:read, team and system - status:read, logs - debug:read, the
    permission of `getLogs`) and team scope (403). Session events carry
    `id: <sessionId>:<seq>`; reconnecting with `Last-Event-ID` replays what
    was missed while still retained, or sends `reset` (re-read the cache).
    A named `heartbeat` event comes every 15 s. A subscriber too slow to
    keep up gets `reset` and is disconnected. The stream never ends by
    itself, except that within 2 s of the key being revoked or expiring
    it sends an `error` event (UnauthorizedError, `details.reason`) and
    ends. Each open stream counts against the key's (without
    authentication: the client address's) `api.maxStreamsPerKey`,
    together with WebSockets and streamed tells; beyond it, 429
    TooManyRequestsError (`details.maxStreamsPerKey`).

    Args:
        session (UUID | Unset): A session id (UUID v4 chosen by Iris).
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        system (bool | Unset):  Default: False.
        logs (LogLevel | Unset): Log level, lowest to highest.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            client=client,
            session=session,
            team=team,
            system=system,
            logs=logs,
            last_event_id=last_event_id,
        )
    ).parsed
