from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.current_key import CurrentKey
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/keys/me",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CurrentKey | Error | None:
    if response.status_code == 200:
        response_200 = CurrentKey.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[CurrentKey | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CurrentKey | Error]:
    """The calling key - what it may do

     The record of the key that makes this request (never the key or its
    hash) with what it may do: its permissions (`admin` holds every one)
    and its team scope. Any valid key may call it (`x-iris-permission:
    authenticated`), whatever its permissions; a revoked, expired or
    unknown key gets 401 like everywhere else. A client such as the
    dashboard reads it once after signing in to show only what the key
    may use.

    With `api.requireAuth: false` no key is checked: the answer has
    `authenticated: false`, null for the fields of a key, every
    permission but `admin` (the key routes and the audit log are refused
    without authentication) and no team scope.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CurrentKey | Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> CurrentKey | Error | None:
    """The calling key - what it may do

     The record of the key that makes this request (never the key or its
    hash) with what it may do: its permissions (`admin` holds every one)
    and its team scope. Any valid key may call it (`x-iris-permission:
    authenticated`), whatever its permissions; a revoked, expired or
    unknown key gets 401 like everywhere else. A client such as the
    dashboard reads it once after signing in to show only what the key
    may use.

    With `api.requireAuth: false` no key is checked: the answer has
    `authenticated: false`, null for the fields of a key, every
    permission but `admin` (the key routes and the audit log are refused
    without authentication) and no team scope.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CurrentKey | Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CurrentKey | Error]:
    """The calling key - what it may do

     The record of the key that makes this request (never the key or its
    hash) with what it may do: its permissions (`admin` holds every one)
    and its team scope. Any valid key may call it (`x-iris-permission:
    authenticated`), whatever its permissions; a revoked, expired or
    unknown key gets 401 like everywhere else. A client such as the
    dashboard reads it once after signing in to show only what the key
    may use.

    With `api.requireAuth: false` no key is checked: the answer has
    `authenticated: false`, null for the fields of a key, every
    permission but `admin` (the key routes and the audit log are refused
    without authentication) and no team scope.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CurrentKey | Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> CurrentKey | Error | None:
    """The calling key - what it may do

     The record of the key that makes this request (never the key or its
    hash) with what it may do: its permissions (`admin` holds every one)
    and its team scope. Any valid key may call it (`x-iris-permission:
    authenticated`), whatever its permissions; a revoked, expired or
    unknown key gets 401 like everywhere else. A client such as the
    dashboard reads it once after signing in to show only what the key
    may use.

    With `api.requireAuth: false` no key is checked: the answer has
    `authenticated: false`, null for the fields of a key, every
    permission but `admin` (the key routes and the audit log are refused
    without authentication) and no team scope.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CurrentKey | Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
