from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_webhook_request import CreateWebhookRequest
from ...models.created_webhook import CreatedWebhook
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: CreateWebhookRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedWebhook | Error | None:
    if response.status_code == 201:
        response_201 = CreatedWebhook.from_dict(response.json())

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
) -> Response[CreatedWebhook | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateWebhookRequest,
) -> Response[CreatedWebhook | Error]:
    """Register a webhook endpoint (its signing secret is returned once)

     Registers `url` for `events` (see the top-level `webhooks` for each
    event's body), optionally only about `teams`. Every delivery is
    signed per the Standard Webhooks specification (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`: `v1,` HMAC-SHA256 with the
    `whsec_` secret); verify it with the `standardwebhooks` library.

    The secret is in this response only. The server keeps it in its own
    database (the store file is readable by its owner only), because it
    must sign every later delivery with it; no response, log record or
    audit row ever shows it again.

    The URL's host must be allowed by `api.webhooks.allowedHosts` (host
    names, IP addresses, CIDR networks; none by default): 400 naming
    `url` otherwise. Every address the host resolves to (now and before
    every attempt) must be public or itself listed, so a name cannot lead
    to a loopback, private or link-local address that is not listed;
    loopback is allowed only when listed. `http` and `https` only, no
    credentials in the URL.

    A key with a team scope must give `teams` within it (403 naming
    `teams` otherwise); without `teams` the endpoint gets the events of
    every team.

    Args:
        body (CreateWebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedWebhook | Error]
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
    body: CreateWebhookRequest,
) -> CreatedWebhook | Error | None:
    """Register a webhook endpoint (its signing secret is returned once)

     Registers `url` for `events` (see the top-level `webhooks` for each
    event's body), optionally only about `teams`. Every delivery is
    signed per the Standard Webhooks specification (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`: `v1,` HMAC-SHA256 with the
    `whsec_` secret); verify it with the `standardwebhooks` library.

    The secret is in this response only. The server keeps it in its own
    database (the store file is readable by its owner only), because it
    must sign every later delivery with it; no response, log record or
    audit row ever shows it again.

    The URL's host must be allowed by `api.webhooks.allowedHosts` (host
    names, IP addresses, CIDR networks; none by default): 400 naming
    `url` otherwise. Every address the host resolves to (now and before
    every attempt) must be public or itself listed, so a name cannot lead
    to a loopback, private or link-local address that is not listed;
    loopback is allowed only when listed. `http` and `https` only, no
    credentials in the URL.

    A key with a team scope must give `teams` within it (403 naming
    `teams` otherwise); without `teams` the endpoint gets the events of
    every team.

    Args:
        body (CreateWebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedWebhook | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateWebhookRequest,
) -> Response[CreatedWebhook | Error]:
    """Register a webhook endpoint (its signing secret is returned once)

     Registers `url` for `events` (see the top-level `webhooks` for each
    event's body), optionally only about `teams`. Every delivery is
    signed per the Standard Webhooks specification (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`: `v1,` HMAC-SHA256 with the
    `whsec_` secret); verify it with the `standardwebhooks` library.

    The secret is in this response only. The server keeps it in its own
    database (the store file is readable by its owner only), because it
    must sign every later delivery with it; no response, log record or
    audit row ever shows it again.

    The URL's host must be allowed by `api.webhooks.allowedHosts` (host
    names, IP addresses, CIDR networks; none by default): 400 naming
    `url` otherwise. Every address the host resolves to (now and before
    every attempt) must be public or itself listed, so a name cannot lead
    to a loopback, private or link-local address that is not listed;
    loopback is allowed only when listed. `http` and `https` only, no
    credentials in the URL.

    A key with a team scope must give `teams` within it (403 naming
    `teams` otherwise); without `teams` the endpoint gets the events of
    every team.

    Args:
        body (CreateWebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedWebhook | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateWebhookRequest,
) -> CreatedWebhook | Error | None:
    """Register a webhook endpoint (its signing secret is returned once)

     Registers `url` for `events` (see the top-level `webhooks` for each
    event's body), optionally only about `teams`. Every delivery is
    signed per the Standard Webhooks specification (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`: `v1,` HMAC-SHA256 with the
    `whsec_` secret); verify it with the `standardwebhooks` library.

    The secret is in this response only. The server keeps it in its own
    database (the store file is readable by its owner only), because it
    must sign every later delivery with it; no response, log record or
    audit row ever shows it again.

    The URL's host must be allowed by `api.webhooks.allowedHosts` (host
    names, IP addresses, CIDR networks; none by default): 400 naming
    `url` otherwise. Every address the host resolves to (now and before
    every attempt) must be public or itself listed, so a name cannot lead
    to a loopback, private or link-local address that is not listed;
    loopback is allowed only when listed. `http` and `https` only, no
    credentials in the URL.

    A key with a team scope must give `teams` within it (403 naming
    `teams` otherwise); without `teams` the endpoint gets the events of
    every team.

    Args:
        body (CreateWebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedWebhook | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
