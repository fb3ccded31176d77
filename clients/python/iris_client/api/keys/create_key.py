from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_key_request import CreateKeyRequest
from ...models.created_api_key import CreatedApiKey
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: CreateKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedApiKey | Error | None:
    if response.status_code == 201:
        response_201 = CreatedApiKey.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

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
) -> Response[CreatedApiKey | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateKeyRequest,
) -> Response[CreatedApiKey | Error]:
    """Create an API key (the plain key is returned once)

     Give a `role` (a preset) or explicit `permissions`, not both; with
    neither the key gets the `viewer` role. `teams` limits the teams the
    key may address (default all). The plain key is in this response only.
    The new key may be no wider than the key creating it: 403 when it
    would hold a permission the creator lacks (`details.field:
    permissions`) or reach a team outside the creator's scope, which
    includes having no team scope at all (`details.field: teams`).

    Args:
        body (CreateKeyRequest): Give role or permissions, not both (neither - the viewer role);
            budgetPeriod only with budgetUsd.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedApiKey | Error]
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
    body: CreateKeyRequest,
) -> CreatedApiKey | Error | None:
    """Create an API key (the plain key is returned once)

     Give a `role` (a preset) or explicit `permissions`, not both; with
    neither the key gets the `viewer` role. `teams` limits the teams the
    key may address (default all). The plain key is in this response only.
    The new key may be no wider than the key creating it: 403 when it
    would hold a permission the creator lacks (`details.field:
    permissions`) or reach a team outside the creator's scope, which
    includes having no team scope at all (`details.field: teams`).

    Args:
        body (CreateKeyRequest): Give role or permissions, not both (neither - the viewer role);
            budgetPeriod only with budgetUsd.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedApiKey | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateKeyRequest,
) -> Response[CreatedApiKey | Error]:
    """Create an API key (the plain key is returned once)

     Give a `role` (a preset) or explicit `permissions`, not both; with
    neither the key gets the `viewer` role. `teams` limits the teams the
    key may address (default all). The plain key is in this response only.
    The new key may be no wider than the key creating it: 403 when it
    would hold a permission the creator lacks (`details.field:
    permissions`) or reach a team outside the creator's scope, which
    includes having no team scope at all (`details.field: teams`).

    Args:
        body (CreateKeyRequest): Give role or permissions, not both (neither - the viewer role);
            budgetPeriod only with budgetUsd.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedApiKey | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateKeyRequest,
) -> CreatedApiKey | Error | None:
    """Create an API key (the plain key is returned once)

     Give a `role` (a preset) or explicit `permissions`, not both; with
    neither the key gets the `viewer` role. `teams` limits the teams the
    key may address (default all). The plain key is in this response only.
    The new key may be no wider than the key creating it: 403 when it
    would hold a permission the creator lacks (`details.field:
    permissions`) or reach a team outside the creator's scope, which
    includes having no team scope at all (`details.field: teams`).

    Args:
        body (CreateKeyRequest): Give role or permissions, not both (neither - the viewer role);
            budgetPeriod only with budgetUsd.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedApiKey | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
