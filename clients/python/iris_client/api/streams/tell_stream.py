from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.tell_start_request import TellStartRequest
from ...types import Response


def _get_kwargs(
    *,
    body: TellStartRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/teams/tell/stream",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

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
) -> Response[Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TellStartRequest,
) -> Response[Error | str]:
    """Send a message and stream the answer as Server-Sent Events

     Validates and accepts the tell, then answers 200 `text/event-stream`:
    one `tell:accepted`, any number of `tell:chunk`, then exactly one
    `tell:complete` or `tell:error`, after which the
    stream ends. Each SSE message has `event: NAME`, `id: <sessionId>:<seq>`
    and `data:` the JSON envelope `{"event": NAME, "data": {...}}`.
    Errors found before acceptance (validation, auth, unknown team, full
    queue, full pool) are ordinary JSON error responses; failures after
    acceptance arrive as `tell:error`. Closing the stream does not cancel
    the tell. Within 2 s of the key being revoked or expiring the stream
    sends an `error` event (UnauthorizedError) and ends; the tell runs on
    and is recorded. The stream counts against the key's
    `api.maxStreamsPerKey` (429 TooManyRequestsError beyond it).

    Args:
        body (TellStartRequest): A tell without a wait (quick-tell, streamed tell, WebSocket
            tell:start).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
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
    body: TellStartRequest,
) -> Error | str | None:
    """Send a message and stream the answer as Server-Sent Events

     Validates and accepts the tell, then answers 200 `text/event-stream`:
    one `tell:accepted`, any number of `tell:chunk`, then exactly one
    `tell:complete` or `tell:error`, after which the
    stream ends. Each SSE message has `event: NAME`, `id: <sessionId>:<seq>`
    and `data:` the JSON envelope `{"event": NAME, "data": {...}}`.
    Errors found before acceptance (validation, auth, unknown team, full
    queue, full pool) are ordinary JSON error responses; failures after
    acceptance arrive as `tell:error`. Closing the stream does not cancel
    the tell. Within 2 s of the key being revoked or expiring the stream
    sends an `error` event (UnauthorizedError) and ends; the tell runs on
    and is recorded. The stream counts against the key's
    `api.maxStreamsPerKey` (429 TooManyRequestsError beyond it).

    Args:
        body (TellStartRequest): A tell without a wait (quick-tell, streamed tell, WebSocket
            tell:start).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TellStartRequest,
) -> Response[Error | str]:
    """Send a message and stream the answer as Server-Sent Events

     Validates and accepts the tell, then answers 200 `text/event-stream`:
    one `tell:accepted`, any number of `tell:chunk`, then exactly one
    `tell:complete` or `tell:error`, after which the
    stream ends. Each SSE message has `event: NAME`, `id: <sessionId>:<seq>`
    and `data:` the JSON envelope `{"event": NAME, "data": {...}}`.
    Errors found before acceptance (validation, auth, unknown team, full
    queue, full pool) are ordinary JSON error responses; failures after
    acceptance arrive as `tell:error`. Closing the stream does not cancel
    the tell. Within 2 s of the key being revoked or expiring the stream
    sends an `error` event (UnauthorizedError) and ends; the tell runs on
    and is recorded. The stream counts against the key's
    `api.maxStreamsPerKey` (429 TooManyRequestsError beyond it).

    Args:
        body (TellStartRequest): A tell without a wait (quick-tell, streamed tell, WebSocket
            tell:start).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TellStartRequest,
) -> Error | str | None:
    """Send a message and stream the answer as Server-Sent Events

     Validates and accepts the tell, then answers 200 `text/event-stream`:
    one `tell:accepted`, any number of `tell:chunk`, then exactly one
    `tell:complete` or `tell:error`, after which the
    stream ends. Each SSE message has `event: NAME`, `id: <sessionId>:<seq>`
    and `data:` the JSON envelope `{"event": NAME, "data": {...}}`.
    Errors found before acceptance (validation, auth, unknown team, full
    queue, full pool) are ordinary JSON error responses; failures after
    acceptance arrive as `tell:error`. Closing the stream does not cancel
    the tell. Within 2 s of the key being revoked or expiring the stream
    sends an `error` event (UnauthorizedError) and ends; the tell runs on
    and is recorded. The stream counts against the key's
    `api.maxStreamsPerKey` (429 TooManyRequestsError beyond it).

    Args:
        body (TellStartRequest): A tell without a wait (quick-tell, streamed tell, WebSocket
            tell:start).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
