from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/metrics",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

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
) -> Response[Error | str]:
    """Prometheus metrics (text exposition format)

     The server's metrics in the Prometheus text format, for a scraper:
    tells that ended by status and team (`iris_tells_total`), their
    duration (`iris_tell_duration_seconds`, a histogram by team), live
    processes by state (`iris_processes`), tells waiting in session
    queues by team (`iris_queued_tells`), open streams by kind
    (`iris_stream_subscribers`: websocket, sse, tell_stream), the time
    from a live event's publication to the end of each subscriber's
    socket write of it (`iris_stream_delivery_seconds`, a histogram) and
    to the last subscriber's (`iris_stream_fanout_seconds`), refusals of
    the rate limits (`iris_rate_limited_total`) and failed
    authentications by reason (`iris_auth_failures_total`), plus the
    server process's own (`process_*`, `python_*`). Counters count from
    the server's start. Gauges are read when scraped.

    The key needs `metrics:read` (in no role preset but `admin`) and,
    since the metrics cover every team, a scope that covers every
    configured team (else 403 naming the first team outside it). With
    `api.metrics.public: true` no key is needed (and none is checked);
    with `api.metrics.enabled: false` the route does not exist (404).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Error | str | None:
    """Prometheus metrics (text exposition format)

     The server's metrics in the Prometheus text format, for a scraper:
    tells that ended by status and team (`iris_tells_total`), their
    duration (`iris_tell_duration_seconds`, a histogram by team), live
    processes by state (`iris_processes`), tells waiting in session
    queues by team (`iris_queued_tells`), open streams by kind
    (`iris_stream_subscribers`: websocket, sse, tell_stream), the time
    from a live event's publication to the end of each subscriber's
    socket write of it (`iris_stream_delivery_seconds`, a histogram) and
    to the last subscriber's (`iris_stream_fanout_seconds`), refusals of
    the rate limits (`iris_rate_limited_total`) and failed
    authentications by reason (`iris_auth_failures_total`), plus the
    server process's own (`process_*`, `python_*`). Counters count from
    the server's start. Gauges are read when scraped.

    The key needs `metrics:read` (in no role preset but `admin`) and,
    since the metrics cover every team, a scope that covers every
    configured team (else 403 naming the first team outside it). With
    `api.metrics.public: true` no key is needed (and none is checked);
    with `api.metrics.enabled: false` the route does not exist (404).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | str]:
    """Prometheus metrics (text exposition format)

     The server's metrics in the Prometheus text format, for a scraper:
    tells that ended by status and team (`iris_tells_total`), their
    duration (`iris_tell_duration_seconds`, a histogram by team), live
    processes by state (`iris_processes`), tells waiting in session
    queues by team (`iris_queued_tells`), open streams by kind
    (`iris_stream_subscribers`: websocket, sse, tell_stream), the time
    from a live event's publication to the end of each subscriber's
    socket write of it (`iris_stream_delivery_seconds`, a histogram) and
    to the last subscriber's (`iris_stream_fanout_seconds`), refusals of
    the rate limits (`iris_rate_limited_total`) and failed
    authentications by reason (`iris_auth_failures_total`), plus the
    server process's own (`process_*`, `python_*`). Counters count from
    the server's start. Gauges are read when scraped.

    The key needs `metrics:read` (in no role preset but `admin`) and,
    since the metrics cover every team, a scope that covers every
    configured team (else 403 naming the first team outside it). With
    `api.metrics.public: true` no key is needed (and none is checked);
    with `api.metrics.enabled: false` the route does not exist (404).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Error | str | None:
    """Prometheus metrics (text exposition format)

     The server's metrics in the Prometheus text format, for a scraper:
    tells that ended by status and team (`iris_tells_total`), their
    duration (`iris_tell_duration_seconds`, a histogram by team), live
    processes by state (`iris_processes`), tells waiting in session
    queues by team (`iris_queued_tells`), open streams by kind
    (`iris_stream_subscribers`: websocket, sse, tell_stream), the time
    from a live event's publication to the end of each subscriber's
    socket write of it (`iris_stream_delivery_seconds`, a histogram) and
    to the last subscriber's (`iris_stream_fanout_seconds`), refusals of
    the rate limits (`iris_rate_limited_total`) and failed
    authentications by reason (`iris_auth_failures_total`), plus the
    server process's own (`process_*`, `python_*`). Counters count from
    the server's start. Gauges are read when scraped.

    The key needs `metrics:read` (in no role preset but `admin`) and,
    since the metrics cover every team, a scope that covers every
    configured team (else 403 naming the first team outside it). With
    `api.metrics.public: true` no key is needed (and none is checked);
    with `api.metrics.enabled: false` the route does not exist (404).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
