from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subscription_id: int,
    *,
    resume_token: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["resume_token"] = resume_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/subscriptions/{subscription_id}/stream".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ValidationErrorResponse | None:
    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ValidationErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    resume_token: str | Unset = UNSET,
) -> Response[ErrorResponse | ValidationErrorResponse]:
    """Open an NDJSON event stream (served by the SDK's hand layer, not the generated client)

     One JSON object per line (`\\n`-separated, UTF-8), each a `StreamMessage` discriminated by
    `type`: `event_batch`, `heartbeat`, `error` or `reorg`. Unacknowledged batches are sent
    first, from the resume position, then new ones as they are produced. A `reorg` message
    sits in that same sequence: it comes before the replacement batches, and again on a
    later stream until it (or a batch after it) is acknowledged. Clients ignore message types
    they do not know. The `X-Connection-Id` response
    header names the connection used by the ack and heartbeat endpoints.

    Args:
        subscription_id (int):
        resume_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        resume_token=resume_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    resume_token: str | Unset = UNSET,
) -> ErrorResponse | ValidationErrorResponse | None:
    """Open an NDJSON event stream (served by the SDK's hand layer, not the generated client)

     One JSON object per line (`\\n`-separated, UTF-8), each a `StreamMessage` discriminated by
    `type`: `event_batch`, `heartbeat`, `error` or `reorg`. Unacknowledged batches are sent
    first, from the resume position, then new ones as they are produced. A `reorg` message
    sits in that same sequence: it comes before the replacement batches, and again on a
    later stream until it (or a batch after it) is acknowledged. Clients ignore message types
    they do not know. The `X-Connection-Id` response
    header names the connection used by the ack and heartbeat endpoints.

    Args:
        subscription_id (int):
        resume_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        resume_token=resume_token,
    ).parsed


async def asyncio_detailed(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    resume_token: str | Unset = UNSET,
) -> Response[ErrorResponse | ValidationErrorResponse]:
    """Open an NDJSON event stream (served by the SDK's hand layer, not the generated client)

     One JSON object per line (`\\n`-separated, UTF-8), each a `StreamMessage` discriminated by
    `type`: `event_batch`, `heartbeat`, `error` or `reorg`. Unacknowledged batches are sent
    first, from the resume position, then new ones as they are produced. A `reorg` message
    sits in that same sequence: it comes before the replacement batches, and again on a
    later stream until it (or a batch after it) is acknowledged. Clients ignore message types
    they do not know. The `X-Connection-Id` response
    header names the connection used by the ack and heartbeat endpoints.

    Args:
        subscription_id (int):
        resume_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        resume_token=resume_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    resume_token: str | Unset = UNSET,
) -> ErrorResponse | ValidationErrorResponse | None:
    """Open an NDJSON event stream (served by the SDK's hand layer, not the generated client)

     One JSON object per line (`\\n`-separated, UTF-8), each a `StreamMessage` discriminated by
    `type`: `event_batch`, `heartbeat`, `error` or `reorg`. Unacknowledged batches are sent
    first, from the resume position, then new ones as they are produced. A `reorg` message
    sits in that same sequence: it comes before the replacement batches, and again on a
    later stream until it (or a batch after it) is acknowledged. Clients ignore message types
    they do not know. The `X-Connection-Id` response
    header names the connection used by the ack and heartbeat endpoints.

    Args:
        subscription_id (int):
        resume_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            resume_token=resume_token,
        )
    ).parsed
