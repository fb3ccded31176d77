from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.session_report import SessionReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    team: str,
    *,
    from_team: str | Unset = UNSET,
    include_messages: bool | Unset = False,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["fromTeam"] = from_team

    params["includeMessages"] = include_messages

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/teams/{team}/report".format(
            team=quote(str(team), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SessionReport | None:
    if response.status_code == 200:
        response_200 = SessionReport.from_dict(response.json())

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
) -> Response[Error | SessionReport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    include_messages: bool | Unset = False,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | SessionReport]:
    """The pair's session and its tells, newest first

     The pair's primary session (ids, counters, totals, launch command) and
    one page of its tell records, newest first, each with its cached
    raw messages (each with the time Iris received it) only when
    `includeMessages=true`. 404 `SessionNotFoundError` when the pair has
    no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        include_messages (bool | Unset):  Default: False.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionReport]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    include_messages: bool | Unset = False,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | SessionReport | None:
    """The pair's session and its tells, newest first

     The pair's primary session (ids, counters, totals, launch command) and
    one page of its tell records, newest first, each with its cached
    raw messages (each with the time Iris received it) only when
    `includeMessages=true`. 404 `SessionNotFoundError` when the pair has
    no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        include_messages (bool | Unset):  Default: False.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionReport
    """

    return sync_detailed(
        team=team,
        client=client,
        from_team=from_team,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    include_messages: bool | Unset = False,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | SessionReport]:
    """The pair's session and its tells, newest first

     The pair's primary session (ids, counters, totals, launch command) and
    one page of its tell records, newest first, each with its cached
    raw messages (each with the time Iris received it) only when
    `includeMessages=true`. 404 `SessionNotFoundError` when the pair has
    no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        include_messages (bool | Unset):  Default: False.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionReport]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    include_messages: bool | Unset = False,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | SessionReport | None:
    """The pair's session and its tells, newest first

     The pair's primary session (ids, counters, totals, launch command) and
    one page of its tell records, newest first, each with its cached
    raw messages (each with the time Iris received it) only when
    `includeMessages=true`. 404 `SessionNotFoundError` when the pair has
    no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        include_messages (bool | Unset):  Default: False.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionReport
    """

    return (
        await asyncio_detailed(
            team=team,
            client=client,
            from_team=from_team,
            include_messages=include_messages,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
