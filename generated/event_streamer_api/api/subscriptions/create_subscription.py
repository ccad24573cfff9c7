from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.subscription_create import SubscriptionCreate
from ...models.subscription_response import SubscriptionResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SubscriptionCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/subscriptions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SubscriptionResponse | ValidationErrorResponse | None:
    if response.status_code == 201:
        response_201 = SubscriptionResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | SubscriptionResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SubscriptionCreate,
) -> Response[ErrorResponse | SubscriptionResponse | ValidationErrorResponse]:
    """Create a subscription

    Args:
        body (SubscriptionCreate):  Example: {'topic0':
            '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature':
            {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from',
            'type': 'address', 'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True},
            {'name': 'value', 'type': 'uint256', 'indexed': False}]}, 'addresses':
            ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block': None,
            'chain_id': 31337, 'subscriber_id': 'my-app', 'extra_events': [{'type': 'event', 'name':
            'Approval', 'anonymous': False, 'inputs': [{'name': 'owner', 'type': 'address', 'indexed':
            True}, {'name': 'spender', 'type': 'address', 'indexed': True}, {'name': 'value', 'type':
            'uint256', 'indexed': False}]}], 'topics':
            ['0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SubscriptionResponse | ValidationErrorResponse]
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
    body: SubscriptionCreate,
) -> ErrorResponse | SubscriptionResponse | ValidationErrorResponse | None:
    """Create a subscription

    Args:
        body (SubscriptionCreate):  Example: {'topic0':
            '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature':
            {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from',
            'type': 'address', 'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True},
            {'name': 'value', 'type': 'uint256', 'indexed': False}]}, 'addresses':
            ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block': None,
            'chain_id': 31337, 'subscriber_id': 'my-app', 'extra_events': [{'type': 'event', 'name':
            'Approval', 'anonymous': False, 'inputs': [{'name': 'owner', 'type': 'address', 'indexed':
            True}, {'name': 'spender', 'type': 'address', 'indexed': True}, {'name': 'value', 'type':
            'uint256', 'indexed': False}]}], 'topics':
            ['0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SubscriptionResponse | ValidationErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SubscriptionCreate,
) -> Response[ErrorResponse | SubscriptionResponse | ValidationErrorResponse]:
    """Create a subscription

    Args:
        body (SubscriptionCreate):  Example: {'topic0':
            '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature':
            {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from',
            'type': 'address', 'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True},
            {'name': 'value', 'type': 'uint256', 'indexed': False}]}, 'addresses':
            ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block': None,
            'chain_id': 31337, 'subscriber_id': 'my-app', 'extra_events': [{'type': 'event', 'name':
            'Approval', 'anonymous': False, 'inputs': [{'name': 'owner', 'type': 'address', 'indexed':
            True}, {'name': 'spender', 'type': 'address', 'indexed': True}, {'name': 'value', 'type':
            'uint256', 'indexed': False}]}], 'topics':
            ['0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SubscriptionResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SubscriptionCreate,
) -> ErrorResponse | SubscriptionResponse | ValidationErrorResponse | None:
    """Create a subscription

    Args:
        body (SubscriptionCreate):  Example: {'topic0':
            '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', 'event_signature':
            {'type': 'event', 'name': 'Transfer', 'anonymous': False, 'inputs': [{'name': 'from',
            'type': 'address', 'indexed': True}, {'name': 'to', 'type': 'address', 'indexed': True},
            {'name': 'value', 'type': 'uint256', 'indexed': False}]}, 'addresses':
            ['0x5FbDB2315678afecb367f032d93F642f64180aa3'], 'start_block': 0, 'end_block': None,
            'chain_id': 31337, 'subscriber_id': 'my-app', 'extra_events': [{'type': 'event', 'name':
            'Approval', 'anonymous': False, 'inputs': [{'name': 'owner', 'type': 'address', 'indexed':
            True}, {'name': 'spender', 'type': 'address', 'indexed': True}, {'name': 'value', 'type':
            'uint256', 'indexed': False}]}], 'topics':
            ['0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SubscriptionResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
