from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chain_config_request import ChainConfigRequest
from ...models.chain_config_response import ChainConfigResponse
from ...models.error_response import ErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ChainConfigRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/chains",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    if response.status_code == 201:
        response_201 = ChainConfigResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

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
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigRequest,
) -> Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]:
    """Add a chain (each RPC URL's eth_chainId must match chain_id)

    Args:
        body (ChainConfigRequest): A chain to add. `chain_id` and `name` are required unless
            `preset` names a chain preset (see `GET /api/chains/presets`), which fills in every field
            it knows; fields given explicitly win over the preset's. Example: {'chain_id': 31337,
            'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]
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
    body: ChainConfigRequest,
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    """Add a chain (each RPC URL's eth_chainId must match chain_id)

    Args:
        body (ChainConfigRequest): A chain to add. `chain_id` and `name` are required unless
            `preset` names a chain preset (see `GET /api/chains/presets`), which fills in every field
            it knows; fields given explicitly win over the preset's. Example: {'chain_id': 31337,
            'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChainConfigResponse | ErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigRequest,
) -> Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]:
    """Add a chain (each RPC URL's eth_chainId must match chain_id)

    Args:
        body (ChainConfigRequest): A chain to add. `chain_id` and `name` are required unless
            `preset` names a chain preset (see `GET /api/chains/presets`), which fills in every field
            it knows; fields given explicitly win over the preset's. Example: {'chain_id': 31337,
            'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChainConfigResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ChainConfigRequest,
) -> ChainConfigResponse | ErrorResponse | ValidationErrorResponse | None:
    """Add a chain (each RPC URL's eth_chainId must match chain_id)

    Args:
        body (ChainConfigRequest): A chain to add. `chain_id` and `name` are required unless
            `preset` names a chain preset (see `GET /api/chains/presets`), which fills in every field
            it knows; fields given explicitly win over the preset's. Example: {'chain_id': 31337,
            'name': 'anvil', 'rpc_urls': ['http://127.0.0.1:8545'], 'average_block_time': 1.0,
            'max_blocks_per_request': 2000, 'confirmation_blocks': 0, 'status': 'active'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChainConfigResponse | ErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
