from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chain_config_response import ChainConfigResponse
from ...models.chain_config_update import ChainConfigUpdate
from ...models.error_response import ErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    chain_id: int,
    *,
    body: ChainConfigUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/chains/{chain_id}".format(
            chain_id=quote(str(chain_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    if response.status_code == 200:
        response_200 = ChainConfigResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ErrorResponse.from_dict(response.json())

        return response_413

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
) -> Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    chain_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigUpdate,
) -> Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]:
    """Change a chain (only the fields given change)

    Args:
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        body (ChainConfigUpdate): Fields to change; absent fields keep their value. Example:
            {'rpc_urls': ['http://127.0.0.1:8545', 'http://127.0.0.1:8546']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        chain_id=chain_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    chain_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigUpdate,
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    """Change a chain (only the fields given change)

    Args:
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        body (ChainConfigUpdate): Fields to change; absent fields keep their value. Example:
            {'rpc_urls': ['http://127.0.0.1:8545', 'http://127.0.0.1:8546']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChainConfigResponse | ErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        chain_id=chain_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    chain_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigUpdate,
) -> Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]:
    """Change a chain (only the fields given change)

    Args:
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        body (ChainConfigUpdate): Fields to change; absent fields keep their value. Example:
            {'rpc_urls': ['http://127.0.0.1:8545', 'http://127.0.0.1:8546']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        chain_id=chain_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    chain_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigUpdate,
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    """Change a chain (only the fields given change)

    Args:
        chain_id (int): EIP-155 chain id (at most 4503599627370476, the largest EIP-2294 allows).
        body (ChainConfigUpdate): Fields to change; absent fields keep their value. Example:
            {'rpc_urls': ['http://127.0.0.1:8545', 'http://127.0.0.1:8546']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChainConfigResponse | ErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            chain_id=chain_id,
            client=client,
            body=body,
        )
    ).parsed
