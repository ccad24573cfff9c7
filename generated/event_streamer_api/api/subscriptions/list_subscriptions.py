from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.subscription_list_response import SubscriptionListResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    subscriber_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    params["subscriber_id"] = subscriber_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/subscriptions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SubscriptionListResponse | ValidationErrorResponse | None:
    if response.status_code == 200:
        response_200 = SubscriptionListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

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
) -> Response[ErrorResponse | SubscriptionListResponse | ValidationErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    subscriber_id: str | Unset = UNSET,
) -> Response[ErrorResponse | SubscriptionListResponse | ValidationErrorResponse]:
    """List subscriptions, newest first

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        subscriber_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SubscriptionListResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        subscriber_id=subscriber_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    subscriber_id: str | Unset = UNSET,
) -> ErrorResponse | SubscriptionListResponse | ValidationErrorResponse | None:
    """List subscriptions, newest first

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        subscriber_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SubscriptionListResponse | ValidationErrorResponse
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        subscriber_id=subscriber_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    subscriber_id: str | Unset = UNSET,
) -> Response[ErrorResponse | SubscriptionListResponse | ValidationErrorResponse]:
    """List subscriptions, newest first

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        subscriber_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SubscriptionListResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        subscriber_id=subscriber_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    subscriber_id: str | Unset = UNSET,
) -> ErrorResponse | SubscriptionListResponse | ValidationErrorResponse | None:
    """List subscriptions, newest first

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        subscriber_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SubscriptionListResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            subscriber_id=subscriber_id,
        )
    ).parsed
