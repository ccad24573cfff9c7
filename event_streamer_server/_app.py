"""The ASGI application: contract routes, the spec itself, lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import (
    _api_breakers,
    _api_chains,
    _api_health,
    _api_streaming,
    _api_subscriptions,
    _metrics,
)
from ._backend import describe_db, make_storage
from ._contract import load_spec, spec_yaml
from ._guard import outbound_policy
from ._http import ApiError, Handler, build_routes, json_response
from ._outbound import make_client
from ._rpc import RpcPool
from ._service import Service
from ._settings import Settings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def _document_route(
    path: str, content: Callable[[], bytes], media_type: str, service: Service
) -> Route:
    """The contract itself, behind the same API keys as the operations."""

    async def serve_document(request: Request) -> Response:
        try:
            service.guard.authenticate(request)
        except ApiError as error:
            return json_response(error.status, error.body(), error.headers)
        return Response(content(), media_type=media_type)

    return Route(path, serve_document)


def create_app(settings: Settings, *, service: Service | None = None) -> Starlette:
    """Build the service's ASGI app. Storage opens (and migrates) when the app starts."""
    if service is None:
        http = make_client(
            outbound_policy(settings),
            deadline=settings.breaker.timeout,
            max_response_bytes=settings.rpc_max_response_bytes,
        )
        storage = make_storage(
            settings.db, busy_timeout=settings.db_busy_timeout, pool_size=settings.db_pool_size
        )
        service = Service(settings, storage, RpcPool(settings.breaker, http))
    handlers: dict[str, Handler] = {}
    for module in (
        _api_health,
        _api_subscriptions,
        _api_streaming,
        _api_chains,
        _api_breakers,
        _metrics,
    ):
        handlers.update(module.handlers(service))
    routes = build_routes(handlers, guard=service.guard, max_body=settings.max_body_bytes)

    routes += [
        _document_route(
            "/openapi.json", lambda: orjson.dumps(load_spec()), "application/json", service
        ),
        _document_route("/openapi.yaml", spec_yaml, "application/yaml", service),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        logger.info("service ready (db %s)", describe_db(settings.db))
        try:
            yield
        finally:
            await service.stop()
            logger.info("service stopped; state committed")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        error = ApiError(status, "Not found" if status == 404 else str(getattr(exc, "detail", "")))
        error.error_code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(status)
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
        return json_response(status, error.body(), headers)  # keeps Allow on 405

    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error}
    )
    app.state.service = service
    return app
