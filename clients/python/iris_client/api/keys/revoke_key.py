from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key import ApiKey
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    key_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/keys/{key_id}".format(
            key_id=quote(str(key_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiKey | Error | None:
    if response.status_code == 200:
        response_200 = ApiKey.from_dict(response.json())

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
) -> Response[ApiKey | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiKey | Error]:
    """Revoke an API key

     Revokes the key with this public id (or unique prefix of its hash);
    it stops working on its next request. Revoking a revoked key is not an
    error: the record is returned unchanged. 404 `NotFoundError` for an
    unknown or ambiguous id; 403 (naming `details.keyId`) when that key's
    team scope is not a subset of the calling key's.

    Args:
        key_id (str): A key's short public id (or, where accepted, a unique prefix of its hash).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKey | Error]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ApiKey | Error | None:
    """Revoke an API key

     Revokes the key with this public id (or unique prefix of its hash);
    it stops working on its next request. Revoking a revoked key is not an
    error: the record is returned unchanged. 404 `NotFoundError` for an
    unknown or ambiguous id; 403 (naming `details.keyId`) when that key's
    team scope is not a subset of the calling key's.

    Args:
        key_id (str): A key's short public id (or, where accepted, a unique prefix of its hash).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKey | Error
    """

    return sync_detailed(
        key_id=key_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiKey | Error]:
    """Revoke an API key

     Revokes the key with this public id (or unique prefix of its hash);
    it stops working on its next request. Revoking a revoked key is not an
    error: the record is returned unchanged. 404 `NotFoundError` for an
    unknown or ambiguous id; 403 (naming `details.keyId`) when that key's
    team scope is not a subset of the calling key's.

    Args:
        key_id (str): A key's short public id (or, where accepted, a unique prefix of its hash).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKey | Error]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ApiKey | Error | None:
    """Revoke an API key

     Revokes the key with this public id (or unique prefix of its hash);
    it stops working on its next request. Revoking a revoked key is not an
    error: the record is returned unchanged. 404 `NotFoundError` for an
    unknown or ambiguous id; 403 (naming `details.keyId`) when that key's
    team scope is not a subset of the calling key's.

    Args:
        key_id (str): A key's short public id (or, where accepted, a unique prefix of its hash).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKey | Error
    """

    return (
        await asyncio_detailed(
            key_id=key_id,
            client=client,
        )
    ).parsed
