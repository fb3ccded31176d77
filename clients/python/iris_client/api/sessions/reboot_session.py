from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.reboot_response import RebootResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    team: str,
    *,
    from_team: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["fromTeam"] = from_team

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/teams/{team}/reboot".format(
            team=quote(str(team), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RebootResponse | None:
    if response.status_code == 200:
        response_200 = RebootResponse.from_dict(response.json())

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
) -> Response[Error | RebootResponse]:
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
    from_team: str | Unset = UNSET,
) -> Response[Error | RebootResponse]:
    """Replace the pair's session with a fresh one

     Puts the pair's process to sleep (a running tell and queued tells end
    `cancelled`, reason `reboot`), deletes the session (record, cache and
    transcript) and creates a fresh session. The new session's process is
    started lazily by the next tell or wake. `oldSessionId` is null when
    the pair had no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RebootResponse]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
) -> Error | RebootResponse | None:
    """Replace the pair's session with a fresh one

     Puts the pair's process to sleep (a running tell and queued tells end
    `cancelled`, reason `reboot`), deletes the session (record, cache and
    transcript) and creates a fresh session. The new session's process is
    started lazily by the next tell or wake. `oldSessionId` is null when
    the pair had no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RebootResponse
    """

    return sync_detailed(
        team=team,
        client=client,
        from_team=from_team,
    ).parsed


async def asyncio_detailed(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
) -> Response[Error | RebootResponse]:
    """Replace the pair's session with a fresh one

     Puts the pair's process to sleep (a running tell and queued tells end
    `cancelled`, reason `reboot`), deletes the session (record, cache and
    transcript) and creates a fresh session. The new session's process is
    started lazily by the next tell or wake. `oldSessionId` is null when
    the pair had no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RebootResponse]
    """

    kwargs = _get_kwargs(
        team=team,
        from_team=from_team,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    team: str,
    *,
    client: AuthenticatedClient | Client,
    from_team: str | Unset = UNSET,
) -> Error | RebootResponse | None:
    """Replace the pair's session with a fresh one

     Puts the pair's process to sleep (a running tell and queued tells end
    `cancelled`, reason `reboot`), deletes the session (record, cache and
    transcript) and creates a fresh session. The new session's process is
    started lazily by the next tell or wake. `oldSessionId` is null when
    the pair had no session.

    Args:
        team (str): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.
        from_team (str | Unset): A team name: 1 to 64 characters of [A-Za-z0-9_.@-], not starting
            with
            `.` or `-`. As a caller (`fromTeam`, `from`), `external` names the
            reserved caller for non-team clients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RebootResponse
    """

    return (
        await asyncio_detailed(
            team=team,
            client=client,
            from_team=from_team,
        )
    ).parsed
