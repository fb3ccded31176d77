from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.tell_response import TellResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    request_id: UUID,
    *,
    include_messages: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["includeMessages"] = include_messages

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/requests/{request_id}".format(
            request_id=quote(str(request_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TellResponse | None:
    if response.status_code == 200:
        response_200 = TellResponse.from_dict(response.json())

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
) -> Response[Error | TellResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = False,
) -> Response[Error | TellResponse]:
    """One tell's record (how a 202 caller gets its answer)

     The current record of one tell: its status, the (partial) response so
    far, timings, cost and usage. Poll it after a 202, or follow the
    session's events. 404 `RequestNotFoundError` for an unknown request id; 403
    when the tell's team is outside the key's team scope.

    Args:
        request_id (UUID): A tell's request id.
        include_messages (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        include_messages=include_messages,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = False,
) -> Error | TellResponse | None:
    """One tell's record (how a 202 caller gets its answer)

     The current record of one tell: its status, the (partial) response so
    far, timings, cost and usage. Poll it after a 202, or follow the
    session's events. 404 `RequestNotFoundError` for an unknown request id; 403
    when the tell's team is outside the key's team scope.

    Args:
        request_id (UUID): A tell's request id.
        include_messages (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return sync_detailed(
        request_id=request_id,
        client=client,
        include_messages=include_messages,
    ).parsed


async def asyncio_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = False,
) -> Response[Error | TellResponse]:
    """One tell's record (how a 202 caller gets its answer)

     The current record of one tell: its status, the (partial) response so
    far, timings, cost and usage. Poll it after a 202, or follow the
    session's events. 404 `RequestNotFoundError` for an unknown request id; 403
    when the tell's team is outside the key's team scope.

    Args:
        request_id (UUID): A tell's request id.
        include_messages (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
        include_messages=include_messages,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    request_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    include_messages: bool | Unset = False,
) -> Error | TellResponse | None:
    """One tell's record (how a 202 caller gets its answer)

     The current record of one tell: its status, the (partial) response so
    far, timings, cost and usage. Poll it after a 202, or follow the
    session's events. 404 `RequestNotFoundError` for an unknown request id; 403
    when the tell's team is outside the key's team scope.

    Args:
        request_id (UUID): A tell's request id.
        include_messages (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return (
        await asyncio_detailed(
            request_id=request_id,
            client=client,
            include_messages=include_messages,
        )
    ).parsed
