from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.webhook import Webhook
from ...types import Response


def _get_kwargs(
    webhook_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/webhooks/{webhook_id}".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Webhook | None:
    if response.status_code == 200:
        response_200 = Webhook.from_dict(response.json())

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
) -> Response[Error | Webhook]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | Webhook]:
    """Delete a webhook endpoint and its pending deliveries

     Deletes the endpoint, its deliveries and their attempts; nothing more
    is sent to it. 404 `NotFoundError` for an unknown id; 403 naming the
    team when its team filter reaches a team outside the calling key's
    scope (an endpoint without a filter only for keys without a scope).

    Args:
        webhook_id (UUID): A webhook endpoint's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Webhook]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | Webhook | None:
    """Delete a webhook endpoint and its pending deliveries

     Deletes the endpoint, its deliveries and their attempts; nothing more
    is sent to it. 404 `NotFoundError` for an unknown id; 403 naming the
    team when its team filter reaches a team outside the calling key's
    scope (an endpoint without a filter only for keys without a scope).

    Args:
        webhook_id (UUID): A webhook endpoint's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Webhook
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | Webhook]:
    """Delete a webhook endpoint and its pending deliveries

     Deletes the endpoint, its deliveries and their attempts; nothing more
    is sent to it. 404 `NotFoundError` for an unknown id; 403 naming the
    team when its team filter reaches a team outside the calling key's
    scope (an endpoint without a filter only for keys without a scope).

    Args:
        webhook_id (UUID): A webhook endpoint's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Webhook]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | Webhook | None:
    """Delete a webhook endpoint and its pending deliveries

     Deletes the endpoint, its deliveries and their attempts; nothing more
    is sent to it. 404 `NotFoundError` for an unknown id; 403 naming the
    team when its team filter reaches a team outside the calling key's
    scope (an endpoint without a filter only for keys without a scope).

    Args:
        webhook_id (UUID): A webhook endpoint's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Webhook
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
        )
    ).parsed
