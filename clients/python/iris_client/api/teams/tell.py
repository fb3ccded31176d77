from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.tell_request import TellRequest
from ...models.tell_response import TellResponse
from ...types import Response


def _get_kwargs(
    *,
    body: TellRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/teams/tell",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | TellResponse | None:
    if response.status_code == 200:
        response_200 = TellResponse.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = TellResponse.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = Error.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

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
    *,
    client: AuthenticatedClient | Client,
    body: TellRequest,
) -> Response[Error | TellResponse]:
    """Send a message to a team and wait per timeout

     Delivers `message` to the caller → `toTeam` session (or to the forked
    session named by `sessionId`), creating the session and starting its
    process if needed. Waits per `timeout` (default 0: to the end).
    200 when the tell reached a terminal status (a `failed` tell is still a
    200: its `status`, `reason` and `isError` say why); 202 while it is
    still queued or running, with the partial `response` so far. When the
    server stops while the tell waits in the queue, the caller gets the
    202 with status `queued` at once, whatever its `timeout`: the tell
    stays in the store and runs after the restart.
    503 ProcessPoolLimitError (with `Retry-After`) when the session has no
    process and every one the pool allows is taken by busy sessions; such
    a tell is not accepted. An accepted tell holds its place in the pool.

    Args:
        body (TellRequest): A message for the caller → toTeam session (or the fork named by
            sessionId).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TellRequest,
) -> Error | TellResponse | None:
    """Send a message to a team and wait per timeout

     Delivers `message` to the caller → `toTeam` session (or to the forked
    session named by `sessionId`), creating the session and starting its
    process if needed. Waits per `timeout` (default 0: to the end).
    200 when the tell reached a terminal status (a `failed` tell is still a
    200: its `status`, `reason` and `isError` say why); 202 while it is
    still queued or running, with the partial `response` so far. When the
    server stops while the tell waits in the queue, the caller gets the
    202 with status `queued` at once, whatever its `timeout`: the tell
    stays in the store and runs after the restart.
    503 ProcessPoolLimitError (with `Retry-After`) when the session has no
    process and every one the pool allows is taken by busy sessions; such
    a tell is not accepted. An accepted tell holds its place in the pool.

    Args:
        body (TellRequest): A message for the caller → toTeam session (or the fork named by
            sessionId).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TellRequest,
) -> Response[Error | TellResponse]:
    """Send a message to a team and wait per timeout

     Delivers `message` to the caller → `toTeam` session (or to the forked
    session named by `sessionId`), creating the session and starting its
    process if needed. Waits per `timeout` (default 0: to the end).
    200 when the tell reached a terminal status (a `failed` tell is still a
    200: its `status`, `reason` and `isError` say why); 202 while it is
    still queued or running, with the partial `response` so far. When the
    server stops while the tell waits in the queue, the caller gets the
    202 with status `queued` at once, whatever its `timeout`: the tell
    stays in the store and runs after the restart.
    503 ProcessPoolLimitError (with `Retry-After`) when the session has no
    process and every one the pool allows is taken by busy sessions; such
    a tell is not accepted. An accepted tell holds its place in the pool.

    Args:
        body (TellRequest): A message for the caller → toTeam session (or the fork named by
            sessionId).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TellRequest,
) -> Error | TellResponse | None:
    """Send a message to a team and wait per timeout

     Delivers `message` to the caller → `toTeam` session (or to the forked
    session named by `sessionId`), creating the session and starting its
    process if needed. Waits per `timeout` (default 0: to the end).
    200 when the tell reached a terminal status (a `failed` tell is still a
    200: its `status`, `reason` and `isError` say why); 202 while it is
    still queued or running, with the partial `response` so far. When the
    server stops while the tell waits in the queue, the caller gets the
    202 with status `queued` at once, whatever its `timeout`: the tell
    stays in the store and runs after the restart.
    503 ProcessPoolLimitError (with `Retry-After`) when the session has no
    process and every one the pool allows is taken by busy sessions; such
    a tell is not accepted. An accepted tell holds its place in the pool.

    Args:
        body (TellRequest): A message for the caller → toTeam session (or the fork named by
            sessionId).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
