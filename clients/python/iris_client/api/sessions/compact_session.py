from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.compact_request import CompactRequest
from ...models.error import Error
from ...models.tell_response import TellResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    team: str,
    *,
    body: CompactRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/teams/{team}/compact".format(
            team=quote(str(team), safe=""),
        ),
    }

    if not isinstance(body, Unset):
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
    team: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompactRequest | Unset = UNSET,
) -> Response[Error | TellResponse]:
    """Send /compact to the pair's session as a tell

     Sends Claude Code's `/compact` command to the session as a tell, with
    the same waiting rules, statuses and record as `tell` (200 finished,
    202 still running).

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        body (CompactRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        team=team,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompactRequest | Unset = UNSET,
) -> Error | TellResponse | None:
    """Send /compact to the pair's session as a tell

     Sends Claude Code's `/compact` command to the session as a tell, with
    the same waiting rules, statuses and record as `tell` (200 finished,
    202 still running).

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        body (CompactRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return sync_detailed(
        team=team,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompactRequest | Unset = UNSET,
) -> Response[Error | TellResponse]:
    """Send /compact to the pair's session as a tell

     Sends Claude Code's `/compact` command to the session as a tell, with
    the same waiting rules, statuses and record as `tell` (200 finished,
    202 still running).

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        body (CompactRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | TellResponse]
    """

    kwargs = _get_kwargs(
        team=team,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    body: CompactRequest | Unset = UNSET,
) -> Error | TellResponse | None:
    """Send /compact to the pair's session as a tell

     Sends Claude Code's `/compact` command to the session as a tell, with
    the same waiting rules, statuses and record as `tell` (200 finished,
    202 still running).

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        body (CompactRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | TellResponse
    """

    return (
        await asyncio_detailed(
            team=team,
            client=client,
            body=body,
        )
    ).parsed
