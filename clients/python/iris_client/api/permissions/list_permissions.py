from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.permission_page import PermissionPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    team: str | Unset = UNSET,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["team"] = team

    params["fromTeam"] = from_team

    json_session_id: str | Unset = UNSET
    if not isinstance(session_id, Unset):
        json_session_id = str(session_id)
    params["sessionId"] = json_session_id

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/permissions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PermissionPage | None:
    if response.status_code == 200:
        response_200 = PermissionPage.from_dict(response.json())

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
) -> Response[Error | PermissionPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    team: str | Unset = UNSET,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | PermissionPage]:
    """Pending tool-use permission requests

     Tool-use requests of teams with `grantPermission: ask` that wait for a
    decision, oldest first (the ones closest to their deadline first).
    Undecided requests are denied at `expiresAt`.

    Args:
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PermissionPage]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        session_id=session_id,
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
    team: str | Unset = UNSET,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | PermissionPage | None:
    """Pending tool-use permission requests

     Tool-use requests of teams with `grantPermission: ask` that wait for a
    decision, oldest first (the ones closest to their deadline first).
    Undecided requests are denied at `expiresAt`.

    Args:
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PermissionPage
    """

    return sync_detailed(
        client=client,
        team=team,
        from_team=from_team,
        session_id=session_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    team: str | Unset = UNSET,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | PermissionPage]:
    """Pending tool-use permission requests

     Tool-use requests of teams with `grantPermission: ask` that wait for a
    decision, oldest first (the ones closest to their deadline first).
    Undecided requests are denied at `expiresAt`.

    Args:
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PermissionPage]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        session_id=session_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    team: str | Unset = UNSET,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | PermissionPage | None:
    """Pending tool-use permission requests

     Tool-use requests of teams with `grantPermission: ask` that wait for a
    decision, oldest first (the ones closest to their deadline first).
    Undecided requests are denied at `expiresAt`.

    Args:
        team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PermissionPage
    """

    return (
        await asyncio_detailed(
            client=client,
            team=team,
            from_team=from_team,
            session_id=session_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
