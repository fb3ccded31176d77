from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.team_status_page import TeamStatusPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_team: str | Unset = UNSET,
    team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["fromTeam"] = from_team

    params["team"] = team

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/teams/status",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TeamStatusPage | None:
    if response.status_code == 200:
        response_200 = TeamStatusPage.from_dict(response.json())

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
) -> Response[Error | TeamStatusPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | TeamStatusPage]:
    """Process status of every team (or one) for one caller

     For the caller: each team (in config order, within the key's team
    scope), awake or asleep, with pid, session id, message count, queue
    length, last activity and the real idle time left before the process
    is put to sleep. With `team`, only that team (404 if not configured).

    Args:
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
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
        Response[Error | TeamStatusPage]
    """

    kwargs = _get_kwargs(
        from_team=from_team,
        team=team,
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
    from_team: str | Unset = UNSET,
    team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | TeamStatusPage | None:
    """Process status of every team (or one) for one caller

     For the caller: each team (in config order, within the key's team
    scope), awake or asleep, with pid, session id, message count, queue
    length, last activity and the real idle time left before the process
    is put to sleep. With `team`, only that team (404 if not configured).

    Args:
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
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
        Error | TeamStatusPage
    """

    return sync_detailed(
        client=client,
        from_team=from_team,
        team=team,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | TeamStatusPage]:
    """Process status of every team (or one) for one caller

     For the caller: each team (in config order, within the key's team
    scope), awake or asleep, with pid, session id, message count, queue
    length, last activity and the real idle time left before the process
    is put to sleep. With `team`, only that team (404 if not configured).

    Args:
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
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
        Response[Error | TeamStatusPage]
    """

    kwargs = _get_kwargs(
        from_team=from_team,
        team=team,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    team: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | TeamStatusPage | None:
    """Process status of every team (or one) for one caller

     For the caller: each team (in config order, within the key's team
    scope), awake or asleep, with pid, session id, message count, queue
    length, last activity and the real idle time left before the process
    is put to sleep. With `team`, only that team (404 if not configured).

    Args:
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
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
        Error | TeamStatusPage
    """

    return (
        await asyncio_detailed(
            client=client,
            from_team=from_team,
            team=team,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
