from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.last_processed_block_response import LastProcessedBlockResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subscription_id: int,
    *,
    chain_id: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["chain_id"] = chain_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/subscriptions/{subscription_id}/last-processed-block".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse | None:
    if response.status_code == 200:
        response_200 = LastProcessedBlockResponse.from_dict(response.json())

        return response_200

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
) -> Response[ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse]:
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
    chain_id: int | Unset = UNSET,
) -> Response[ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse]:
    """The last block whose events are stored for this subscription

    Args:
        subscription_id (int):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294
            allows).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        chain_id=chain_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    chain_id: int | Unset = UNSET,
) -> ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse | None:
    """The last block whose events are stored for this subscription

    Args:
        subscription_id (int):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294
            allows).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        chain_id=chain_id,
    ).parsed


async def asyncio_detailed(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    chain_id: int | Unset = UNSET,
) -> Response[ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse]:
    """The last block whose events are stored for this subscription

    Args:
        subscription_id (int):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294
            allows).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        chain_id=chain_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: int,
    *,
    client: AuthenticatedClient | Client,
    chain_id: int | Unset = UNSET,
) -> ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse | None:
    """The last block whose events are stored for this subscription

    Args:
        subscription_id (int):
        chain_id (int | Unset): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294
            allows).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LastProcessedBlockResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            chain_id=chain_id,
        )
    ).parsed
