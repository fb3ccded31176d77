from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clear_cache_response import ClearCacheResponse
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    session_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/cache/{session_id}".format(
            session_id=quote(str(session_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClearCacheResponse | Error | None:
    if response.status_code == 200:
        response_200 = ClearCacheResponse.from_dict(response.json())

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
) -> Response[ClearCacheResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClearCacheResponse | Error]:
    """Delete a session's finished tell records

     Deletes the records of the session's finished tells (queued and
    running tells are kept). The conversation itself (Claude Code's
    transcript) is not touched. 404 `SessionNotFoundError` for an unknown
    session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClearCacheResponse | Error]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ClearCacheResponse | Error | None:
    """Delete a session's finished tell records

     Deletes the records of the session's finished tells (queued and
    running tells are kept). The conversation itself (Claude Code's
    transcript) is not touched. 404 `SessionNotFoundError` for an unknown
    session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClearCacheResponse | Error
    """

    return sync_detailed(
        session_id=session_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ClearCacheResponse | Error]:
    """Delete a session's finished tell records

     Deletes the records of the session's finished tells (queued and
    running tells are kept). The conversation itself (Claude Code's
    transcript) is not touched. 404 `SessionNotFoundError` for an unknown
    session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClearCacheResponse | Error]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> ClearCacheResponse | Error | None:
    """Delete a session's finished tell records

     Deletes the records of the session's finished tells (queued and
    running tells are kept). The conversation itself (Claude Code's
    transcript) is not touched. 404 `SessionNotFoundError` for an unknown
    session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClearCacheResponse | Error
    """

    return (
        await asyncio_detailed(
            session_id=session_id,
            client=client,
        )
    ).parsed
