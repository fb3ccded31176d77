from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cache_page import CachePage
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    session_id: UUID,
    *,
    include_messages: bool | Unset = True,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["includeMessages"] = include_messages

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/cache/{session_id}".format(
            session_id=quote(str(session_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CachePage | Error | None:
    if response.status_code == 200:
        response_200 = CachePage.from_dict(response.json())

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
) -> Response[CachePage | Error]:
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
    include_messages: bool | Unset = True,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[CachePage | Error]:
    """A session's tell records, newest first

     One page of the session's tell records, newest first, each with its
    cached raw messages unless `includeMessages=false`. 404
    `SessionNotFoundError` for an unknown session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        include_messages (bool | Unset):  Default: True.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CachePage | Error]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = True,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> CachePage | Error | None:
    """A session's tell records, newest first

     One page of the session's tell records, newest first, each with its
    cached raw messages unless `includeMessages=false`. 404
    `SessionNotFoundError` for an unknown session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        include_messages (bool | Unset):  Default: True.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CachePage | Error
    """

    return sync_detailed(
        session_id=session_id,
        client=client,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = True,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[CachePage | Error]:
    """A session's tell records, newest first

     One page of the session's tell records, newest first, each with its
    cached raw messages unless `includeMessages=false`. 404
    `SessionNotFoundError` for an unknown session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        include_messages (bool | Unset):  Default: True.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CachePage | Error]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        include_messages=include_messages,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    session_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = True,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> CachePage | Error | None:
    """A session's tell records, newest first

     One page of the session's tell records, newest first, each with its
    cached raw messages unless `includeMessages=false`. 404
    `SessionNotFoundError` for an unknown session.

    Args:
        session_id (UUID): A session id (UUID v4 chosen by Iris).
        include_messages (bool | Unset):  Default: True.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CachePage | Error
    """

    return (
        await asyncio_detailed(
            session_id=session_id,
            client=client,
            include_messages=include_messages,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
