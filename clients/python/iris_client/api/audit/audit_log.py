import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_event_type import AuditEventType
from ...models.audit_page import AuditPage
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    since: datetime.datetime | Unset = UNSET,
    event: AuditEventType | Unset = UNSET,
    key_id: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_event: str | Unset = UNSET
    if not isinstance(event, Unset):
        json_event = event.value

    params["event"] = json_event

    params["keyId"] = key_id

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditPage | Error | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

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
) -> Response[AuditPage | Error]:
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
    event: AuditEventType | Unset = UNSET,
    key_id: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[AuditPage | Error]:
    """Audit log entries, newest first

     Entries newest first. A key with a team scope sees only the entries
    whose teams all lie within it (see "Team scope").

    Args:
        since (datetime.datetime | Unset):
        event (AuditEventType | Unset): The kind of an audit entry.
        key_id (str | Unset): A key's short public id (or, where accepted, a unique prefix of its
            hash).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Error]
    """

    kwargs = _get_kwargs(
        since=since,
        event=event,
        key_id=key_id,
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
    event: AuditEventType | Unset = UNSET,
    key_id: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> AuditPage | Error | None:
    """Audit log entries, newest first

     Entries newest first. A key with a team scope sees only the entries
    whose teams all lie within it (see "Team scope").

    Args:
        since (datetime.datetime | Unset):
        event (AuditEventType | Unset): The kind of an audit entry.
        key_id (str | Unset): A key's short public id (or, where accepted, a unique prefix of its
            hash).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Error
    """

    return sync_detailed(
        client=client,
        since=since,
        event=event,
        key_id=key_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    event: AuditEventType | Unset = UNSET,
    key_id: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[AuditPage | Error]:
    """Audit log entries, newest first

     Entries newest first. A key with a team scope sees only the entries
    whose teams all lie within it (see "Team scope").

    Args:
        since (datetime.datetime | Unset):
        event (AuditEventType | Unset): The kind of an audit entry.
        key_id (str | Unset): A key's short public id (or, where accepted, a unique prefix of its
            hash).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Error]
    """

    kwargs = _get_kwargs(
        since=since,
        event=event,
        key_id=key_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    event: AuditEventType | Unset = UNSET,
    key_id: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> AuditPage | Error | None:
    """Audit log entries, newest first

     Entries newest first. A key with a team scope sees only the entries
    whose teams all lie within it (see "Team scope").

    Args:
        since (datetime.datetime | Unset):
        event (AuditEventType | Unset): The kind of an audit entry.
        key_id (str | Unset): A key's short public id (or, where accepted, a unique prefix of its
            hash).
        limit (int | Unset): Page size.
        cursor (str | Unset): An opaque paging cursor (a previous page's nextCursor): URL-safe
            base64 without padding. The pattern is its form only; a listing accepts only the cursors
            it gave out.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            since=since,
            event=event,
            key_id=key_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
