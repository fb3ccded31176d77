from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.permission_decision_request import PermissionDecisionRequest
from ...models.permission_decision_response import PermissionDecisionResponse
from ...types import Response


def _get_kwargs(
    permission_id: UUID,
    *,
    body: PermissionDecisionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/permissions/{permission_id}".format(
            permission_id=quote(str(permission_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PermissionDecisionResponse | None:
    if response.status_code == 200:
        response_200 = PermissionDecisionResponse.from_dict(response.json())

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
) -> Response[Error | PermissionDecisionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    permission_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PermissionDecisionRequest,
) -> Response[Error | PermissionDecisionResponse]:
    """Approve or deny a pending permission request

     Decides a pending tool-use request; Claude Code receives allow or deny
    (with `reason` as the deny message). 404 `NotFoundError` when the id is
    unknown or no longer pending (already decided or timed out).

    Args:
        permission_id (UUID): A pending permission request's id.
        body (PermissionDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PermissionDecisionResponse]
    """

    kwargs = _get_kwargs(
        permission_id=permission_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    permission_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PermissionDecisionRequest,
) -> Error | PermissionDecisionResponse | None:
    """Approve or deny a pending permission request

     Decides a pending tool-use request; Claude Code receives allow or deny
    (with `reason` as the deny message). 404 `NotFoundError` when the id is
    unknown or no longer pending (already decided or timed out).

    Args:
        permission_id (UUID): A pending permission request's id.
        body (PermissionDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PermissionDecisionResponse
    """

    return sync_detailed(
        permission_id=permission_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    permission_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PermissionDecisionRequest,
) -> Response[Error | PermissionDecisionResponse]:
    """Approve or deny a pending permission request

     Decides a pending tool-use request; Claude Code receives allow or deny
    (with `reason` as the deny message). 404 `NotFoundError` when the id is
    unknown or no longer pending (already decided or timed out).

    Args:
        permission_id (UUID): A pending permission request's id.
        body (PermissionDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PermissionDecisionResponse]
    """

    kwargs = _get_kwargs(
        permission_id=permission_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    permission_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PermissionDecisionRequest,
) -> Error | PermissionDecisionResponse | None:
    """Approve or deny a pending permission request

     Decides a pending tool-use request; Claude Code receives allow or deny
    (with `reason` as the deny message). 404 `NotFoundError` when the id is
    unknown or no longer pending (already decided or timed out).

    Args:
        permission_id (UUID): A pending permission request's id.
        body (PermissionDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PermissionDecisionResponse
    """

    return (
        await asyncio_detailed(
            permission_id=permission_id,
            client=client,
            body=body,
        )
    ).parsed
