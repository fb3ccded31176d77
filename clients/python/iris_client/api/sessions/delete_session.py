from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_session_response import DeleteSessionResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    team: str,
    *,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["fromTeam"] = from_team

    json_session_id: str | Unset = UNSET
    if not isinstance(session_id, Unset):
        json_session_id = str(session_id)
    params["sessionId"] = json_session_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/teams/{team}/delete".format(
            team=quote(str(team), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeleteSessionResponse | Error | None:
    if response.status_code == 200:
        response_200 = DeleteSessionResponse.from_dict(response.json())

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
) -> Response[DeleteSessionResponse | Error]:
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
    session_id: UUID | Unset = UNSET,
) -> Response[DeleteSessionResponse | Error]:
    """Delete the pair's session, its cache and transcript

     Puts the process to sleep (running and queued tells end `cancelled`,
    reason `deleted`) and deletes the session record, its cache and its
    Claude Code transcript. Without `sessionId` the pair's primary session
    is deleted; with it, that session (a fork of this pair, or the
    primary). 404 `SessionNotFoundError` when there is no such session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteSessionResponse | Error]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        session_id=session_id,
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
    session_id: UUID | Unset = UNSET,
) -> DeleteSessionResponse | Error | None:
    """Delete the pair's session, its cache and transcript

     Puts the process to sleep (running and queued tells end `cancelled`,
    reason `deleted`) and deletes the session record, its cache and its
    Claude Code transcript. Without `sessionId` the pair's primary session
    is deleted; with it, that session (a fork of this pair, or the
    primary). 404 `SessionNotFoundError` when there is no such session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteSessionResponse | Error
    """

    return sync_detailed(
        team=team,
        client=client,
        from_team=from_team,
        session_id=session_id,
    ).parsed


async def asyncio_detailed(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
) -> Response[DeleteSessionResponse | Error]:
    """Delete the pair's session, its cache and transcript

     Puts the process to sleep (running and queued tells end `cancelled`,
    reason `deleted`) and deletes the session record, its cache and its
    Claude Code transcript. Without `sessionId` the pair's primary session
    is deleted; with it, that session (a fork of this pair, or the
    primary). 404 `SessionNotFoundError` when there is no such session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteSessionResponse | Error]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
        session_id=session_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
    session_id: UUID | Unset = UNSET,
) -> DeleteSessionResponse | Error | None:
    """Delete the pair's session, its cache and transcript

     Puts the process to sleep (running and queued tells end `cancelled`,
    reason `deleted`) and deletes the session record, its cache and its
    Claude Code transcript. Without `sessionId` the pair's primary session
    is deleted; with it, that session (a fork of this pair, or the
    primary). 404 `SessionNotFoundError` when there is no such session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        session_id (UUID | Unset): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteSessionResponse | Error
    """

    return (
        await asyncio_detailed(
            team=team,
            client=client,
            from_team=from_team,
            session_id=session_id,
        )
    ).parsed
