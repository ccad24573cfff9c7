from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bulk_batch_ack_request import BulkBatchAckRequest
from ...models.bulk_batch_ack_response import BulkBatchAckResponse
from ...models.error_response import ErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    subscription_id: int,
    connection_id: str,
    *,
    body: BulkBatchAckRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/subscriptions/{subscription_id}/stream/{connection_id}/ack/batch/bulk".format(
            subscription_id=quote(str(subscription_id), safe=""),
            connection_id=quote(str(connection_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse | None:
    if response.status_code == 200:
        response_200 = BulkBatchAckResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: int,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBatchAckRequest,
) -> Response[BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse]:
    """Acknowledge many batches at once (unknown ids are reported, valid ones still acked)

    Args:
        subscription_id (int):
        connection_id (str):
        body (BulkBatchAckRequest):  Example: {'batch_ids':
            ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'batch_1a2b3c4d5e6f40718293a4b5c6d7e8f9'],
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        connection_id=connection_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: int,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBatchAckRequest,
) -> BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse | None:
    """Acknowledge many batches at once (unknown ids are reported, valid ones still acked)

    Args:
        subscription_id (int):
        connection_id (str):
        body (BulkBatchAckRequest):  Example: {'batch_ids':
            ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'batch_1a2b3c4d5e6f40718293a4b5c6d7e8f9'],
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        subscription_id=subscription_id,
        connection_id=connection_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    subscription_id: int,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBatchAckRequest,
) -> Response[BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse]:
    """Acknowledge many batches at once (unknown ids are reported, valid ones still acked)

    Args:
        subscription_id (int):
        connection_id (str):
        body (BulkBatchAckRequest):  Example: {'batch_ids':
            ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'batch_1a2b3c4d5e6f40718293a4b5c6d7e8f9'],
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        connection_id=connection_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: int,
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBatchAckRequest,
) -> BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse | None:
    """Acknowledge many batches at once (unknown ids are reported, valid ones still acked)

    Args:
        subscription_id (int):
        connection_id (str):
        body (BulkBatchAckRequest):  Example: {'batch_ids':
            ['batch_0f8e9d2c4b6a4e1f9d3c2b1a0f9e8d7c', 'batch_1a2b3c4d5e6f40718293a4b5c6d7e8f9'],
            'connection_id': 'c5a1e0de-8d43-4c2b-9a61-6f0d1f2e3a4b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkBatchAckResponse | ErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            connection_id=connection_id,
            client=client,
            body=body,
        )
    ).parsed
