from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.client_heartbeat_request import ClientHeartbeatRequest
from ...models.client_heartbeat_response import ClientHeartbeatResponse
from ...models.error_response import ErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    connection_id: str,
    *,
    body: ClientHeartbeatRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/stream/{connection_id}/heartbeat".format(
            connection_id=quote(str(connection_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse | None:
    if response.status_code == 200:
        response_200 = ClientHeartbeatResponse.from_dict(response.json())

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
) -> Response[ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ClientHeartbeatRequest,
) -> Response[ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse]:
    """Tell the service this stream's consumer is alive

    Args:
        connection_id (str):
        body (ClientHeartbeatRequest):  Example: {'timestamp': '2026-11-27T10:30:00Z',
            'sequence_number': 7}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        connection_id=connection_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ClientHeartbeatRequest,
) -> ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse | None:
    """Tell the service this stream's consumer is alive

    Args:
        connection_id (str):
        body (ClientHeartbeatRequest):  Example: {'timestamp': '2026-11-27T10:30:00Z',
            'sequence_number': 7}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        connection_id=connection_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ClientHeartbeatRequest,
) -> Response[ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse]:
    """Tell the service this stream's consumer is alive

    Args:
        connection_id (str):
        body (ClientHeartbeatRequest):  Example: {'timestamp': '2026-11-27T10:30:00Z',
            'sequence_number': 7}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        connection_id=connection_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    connection_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ClientHeartbeatRequest,
) -> ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse | None:
    """Tell the service this stream's consumer is alive

    Args:
        connection_id (str):
        body (ClientHeartbeatRequest):  Example: {'timestamp': '2026-11-27T10:30:00Z',
            'sequence_number': 7}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientHeartbeatResponse | ErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            connection_id=connection_id,
            client=client,
            body=body,
        )
    ).parsed
