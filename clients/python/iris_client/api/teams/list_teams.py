from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.team_page import TeamPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    include_processes: bool | Unset = False,
    include_sessions: bool | Unset = False,
    session_limit: int | Unset = 100,
    from_team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["includeProcesses"] = include_processes

    params["includeSessions"] = include_sessions

    params["sessionLimit"] = session_limit

    params["fromTeam"] = from_team

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/teams",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TeamPage | None:
    if response.status_code == 200:
        response_200 = TeamPage.from_dict(response.json())

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
) -> Response[Error | TeamPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_processes: bool | Unset = False,
    include_sessions: bool | Unset = False,
    session_limit: int | Unset = 100,
    from_team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | TeamPage]:
    """Configured teams, optionally with their processes

     The configured teams (in config order, within the key's team scope)
    with their path, description, color and main settings. With
    `includeProcesses=true` each team also lists its live processes (for
    every caller, or only for `fromTeam` when given). With
    `includeSessions=true` each team also lists its stored sessions, asleep
    or awake (`sessions`, state `stopped` when asleep), each with its tell
    count and what its tells have cost: at most `sessionLimit` per team, the
    live ones and then the most recently active first, shown oldest first,
    with `sessionsTruncated` true when the team has more. A key limited to
    some teams sees only the sessions whose team and caller are both within
    its scope.

    Args:
        include_processes (bool | Unset):  Default: False.
        include_sessions (bool | Unset):  Default: False.
        session_limit (int | Unset):  Default: 100.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TeamPage]
    """

    kwargs = _get_kwargs(
        include_processes=include_processes,
        include_sessions=include_sessions,
        session_limit=session_limit,
        from_team=from_team,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    include_processes: bool | Unset = False,
    include_sessions: bool | Unset = False,
    session_limit: int | Unset = 100,
    from_team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | TeamPage | None:
    """Configured teams, optionally with their processes

     The configured teams (in config order, within the key's team scope)
    with their path, description, color and main settings. With
    `includeProcesses=true` each team also lists its live processes (for
    every caller, or only for `fromTeam` when given). With
    `includeSessions=true` each team also lists its stored sessions, asleep
    or awake (`sessions`, state `stopped` when asleep), each with its tell
    count and what its tells have cost: at most `sessionLimit` per team, the
    live ones and then the most recently active first, shown oldest first,
    with `sessionsTruncated` true when the team has more. A key limited to
    some teams sees only the sessions whose team and caller are both within
    its scope.

    Args:
        include_processes (bool | Unset):  Default: False.
        include_sessions (bool | Unset):  Default: False.
        session_limit (int | Unset):  Default: 100.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TeamPage
    """

    return sync_detailed(
        client=client,
        include_processes=include_processes,
        include_sessions=include_sessions,
        session_limit=session_limit,
        from_team=from_team,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    include_processes: bool | Unset = False,
    include_sessions: bool | Unset = False,
    session_limit: int | Unset = 100,
    from_team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | TeamPage]:
    """Configured teams, optionally with their processes

     The configured teams (in config order, within the key's team scope)
    with their path, description, color and main settings. With
    `includeProcesses=true` each team also lists its live processes (for
    every caller, or only for `fromTeam` when given). With
    `includeSessions=true` each team also lists its stored sessions, asleep
    or awake (`sessions`, state `stopped` when asleep), each with its tell
    count and what its tells have cost: at most `sessionLimit` per team, the
    live ones and then the most recently active first, shown oldest first,
    with `sessionsTruncated` true when the team has more. A key limited to
    some teams sees only the sessions whose team and caller are both within
    its scope.

    Args:
        include_processes (bool | Unset):  Default: False.
        include_sessions (bool | Unset):  Default: False.
        session_limit (int | Unset):  Default: 100.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TeamPage]
    """

    kwargs = _get_kwargs(
        include_processes=include_processes,
        include_sessions=include_sessions,
        session_limit=session_limit,
        from_team=from_team,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    include_processes: bool | Unset = False,
    include_sessions: bool | Unset = False,
    session_limit: int | Unset = 100,
    from_team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | TeamPage | None:
    """Configured teams, optionally with their processes

     The configured teams (in config order, within the key's team scope)
    with their path, description, color and main settings. With
    `includeProcesses=true` each team also lists its live processes (for
    every caller, or only for `fromTeam` when given). With
    `includeSessions=true` each team also lists its stored sessions, asleep
    or awake (`sessions`, state `stopped` when asleep), each with its tell
    count and what its tells have cost: at most `sessionLimit` per team, the
    live ones and then the most recently active first, shown oldest first,
    with `sessionsTruncated` true when the team has more. A key limited to
    some teams sees only the sessions whose team and caller are both within
    its scope.

    Args:
        include_processes (bool | Unset):  Default: False.
        include_sessions (bool | Unset):  Default: False.
        session_limit (int | Unset):  Default: 100.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TeamPage
    """

    return (
        await asyncio_detailed(
            client=client,
            include_processes=include_processes,
            include_sessions=include_sessions,
            session_limit=session_limit,
            from_team=from_team,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
