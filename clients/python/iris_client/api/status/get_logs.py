import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.log_level import LogLevel
from ...models.log_page import LogPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    since: datetime.datetime | Unset = UNSET,
    level: LogLevel | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_level: str | Unset = UNSET
    if not isinstance(level, Unset):
        json_level = level.value

    params["level"] = json_level

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/logs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | LogPage | None:
    if response.status_code == 200:
        response_200 = LogPage.from_dict(response.json())

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
) -> Response[Error | LogPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    level: LogLevel | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | LogPage]:
    """Recent structured log records

     Records from the server's in-memory ring buffer, newest first,
    optionally only those at or after `since` and at or above `level`. A
    key with a team scope gets only records about its teams (whose
    `context.team`, and `context.fromTeam` when present, are within it).

    Args:
        since (datetime.datetime | Unset):
        level (LogLevel | Unset): Log level, lowest to highest.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LogPage]
    """

    kwargs = _get_kwargs(
        since=since,
        level=level,
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
    since: datetime.datetime | Unset = UNSET,
    level: LogLevel | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | LogPage | None:
    """Recent structured log records

     Records from the server's in-memory ring buffer, newest first,
    optionally only those at or after `since` and at or above `level`. A
    key with a team scope gets only records about its teams (whose
    `context.team`, and `context.fromTeam` when present, are within it).

    Args:
        since (datetime.datetime | Unset):
        level (LogLevel | Unset): Log level, lowest to highest.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LogPage
    """

    return sync_detailed(
        client=client,
        since=since,
        level=level,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    level: LogLevel | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Error | LogPage]:
    """Recent structured log records

     Records from the server's in-memory ring buffer, newest first,
    optionally only those at or after `since` and at or above `level`. A
    key with a team scope gets only records about its teams (whose
    `context.team`, and `context.fromTeam` when present, are within it).

    Args:
        since (datetime.datetime | Unset):
        level (LogLevel | Unset): Log level, lowest to highest.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LogPage]
    """

    kwargs = _get_kwargs(
        since=since,
        level=level,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    level: LogLevel | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Error | LogPage | None:
    """Recent structured log records

     Records from the server's in-memory ring buffer, newest first,
    optionally only those at or after `since` and at or above `level`. A
    key with a team scope gets only records about its teams (whose
    `context.team`, and `context.fromTeam` when present, are within it).

    Args:
        since (datetime.datetime | Unset):
        level (LogLevel | Unset): Log level, lowest to highest.
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LogPage
    """

    return (
        await asyncio_detailed(
            client=client,
            since=since,
            level=level,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
