"""The HTTP layer: routes built from the contract, auth, body limits, validation, JSON errors.

Handlers see validated input only: a ``Call`` with converted parameters and a contract-valid
body. They return ``(status, body)`` or a Starlette response (the stream), or raise ``ApiError``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._contract import FieldProblem, Operation, operations
from ._principals import OPEN_PRINCIPAL, Principal
from ._storage import StorageBusy
from ._time import now_iso

if TYPE_CHECKING:
    from ._guard import Guard

__all__ = [
    "ApiError",
    "Call",
    "Handler",
    "build_routes",
    "found",
    "json_response",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Acks and heartbeats ride on an open stream (itself capped) and come once per batch: they
# cost a hundredth of a request, so a fast consumer is not throttled by its own acks.
_COST = {
    "acknowledge_batch": 0.01,
    "acknowledge_batch_bulk": 0.01,
    "send_client_heartbeat": 0.01,
}


class ApiError(Exception):
    """An error answer: ErrorResponse, or ValidationErrorResponse when ``problems`` are given."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: str | None = None,
        *,
        error_code: str | None = None,
        problems: list[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.error_code = error_code
        self.problems = problems
        self.headers = dict(headers or {})

    @classmethod
    def invalid(cls, *problems: FieldProblem) -> ApiError:
        n = len(problems)
        return cls(
            422,
            "Validation failed",
            f"{n} invalid field{'s' if n != 1 else ''}: " + ", ".join(p.field for p in problems),
            error_code="VALIDATION_ERROR",
            problems=list(problems),
        )

    @classmethod
    def field(cls, field: str, message: str, rule: str = "invalid") -> ApiError:
        location = field.split(".", 1)[0]
        return cls.invalid(FieldProblem(field, location, message, rule))

    @classmethod
    def not_found(cls, what: str, detail: str) -> ApiError:
        return cls(404, f"{what} not found", detail, error_code="NOT_FOUND")

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": self.error,
            "detail": self.detail,
            "timestamp": now_iso(),
            "error_code": self.error_code,
        }
        if self.problems is not None:
            out["errors"] = [p.as_dict() for p in self.problems]
        return out


def found(value: T | None, what: str, detail: str) -> T:
    """``value``, or a 404 ``ApiError`` naming ``what`` when it is None."""
    if value is None:
        raise ApiError.not_found(what, detail)
    return value


@dataclass(slots=True)
class Call:
    """A validated request."""

    request: Request
    params: dict[str, Any]
    body: Any
    request_id: str
    principal: Principal = OPEN_PRINCIPAL


Reply = tuple[int, Any] | Response
Handler = Callable[[Call], Awaitable[Reply]]


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "Request body too large", f"limit is {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "Request body too large", f"limit is {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


MAX_JSON_DEPTH = 128  # arrays/objects; recursive validators and ABI parsing stay far from limits


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests arrays/objects deeper than ``MAX_JSON_DEPTH`` (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _endpoint(
    op: Operation, handler: Handler, *, guard: Guard, max_body: int
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        request_id = uuid.uuid4().hex
        headers = {"X-Request-Id": request_id}
        try:
            principal = OPEN_PRINCIPAL
            if not op.public:
                principal = guard.authenticate(request)
                guard.check_rate(principal, request, cost=_COST.get(op.operation_id, 1.0))
            params, problems = op.parse_params(request.path_params, request.query_params)
            body: Any = None
            if op.body_validator is not None:
                raw = await _read_body(request, max_body)
                if not raw.strip():
                    if op.body_required:
                        problems.append(FieldProblem("body", "body", "is required", "required"))
                else:
                    try:
                        body = orjson.loads(raw)
                    except orjson.JSONDecodeError as err:
                        raise ApiError(
                            400, "Malformed JSON", str(err), error_code="MALFORMED_JSON"
                        ) from None
                    if _too_deep(body):
                        problems.append(
                            FieldProblem(
                                "body", "body", f"nested deeper than {MAX_JSON_DEPTH}", "depth"
                            )
                        )
                    else:
                        problems.extend(op.check_body(body))
            if problems:
                raise ApiError.invalid(*problems)
            reply = await handler(Call(request, params, body, request_id, principal))
        except ApiError as err:
            if err.status >= 500:
                logger.error("%s %s -> %d: %s", op.method, op.path, err.status, err.detail)
            return json_response(err.status, err.body(), {**headers, **err.headers})
        except StorageBusy as err:
            logger.warning("%s %s: storage busy (%s)", op.method, op.path, err)
            # The cause stays in the log (it may name the database host): callers get the gist.
            error = ApiError(
                503,
                "Service busy",
                "the database is busy or unreachable; retry",
                error_code="STORAGE_BUSY",
            )
            return json_response(503, error.body(), {**headers, "Retry-After": "1"})
        except Exception:
            logger.exception("%s %s failed (request %s)", op.method, op.path, request_id)
            error = ApiError(500, "Internal server error", f"request id {request_id}")
            return json_response(500, error.body(), headers)
        if isinstance(reply, Response):
            reply.headers.update(headers)
            return reply
        status, payload = reply
        return json_response(status, payload, headers)

    return endpoint


def build_routes(handlers: Mapping[str, Handler], *, guard: Guard, max_body: int) -> list[Route]:
    """One route per contract path; every operation must have a handler."""
    ops = operations()
    missing = sorted(set(ops) - set(handlers))
    if missing:
        raise RuntimeError(f"operations without a handler: {missing}")
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for op_id, op in ops.items():
        by_path.setdefault(op.path, {})[op.method] = _endpoint(
            op, handlers[op_id], guard=guard, max_body=max_body
        )
    # A literal path (/api/chains/refresh) wins over a template that also matches it
    # (/api/chains/{chain_id}): a wrong method there is a 405, not a bad chain id.
    literal = {path: sorted(methods) for path, methods in by_path.items() if "{" not in path}
    routes = []
    for path, methods in by_path.items():
        # Path parameters stay strings here; the contract converts and validates them.
        shadowed = literal if "{" in path else {}
        routes.append(Route(path, _dispatch(methods, shadowed), methods=list(methods)))
    return routes


def _dispatch(
    methods: Mapping[str, Callable[[Request], Awaitable[Response]]],
    literal: Mapping[str, list[str]],
) -> Callable[[Request], Awaitable[Response]]:
    async def dispatch(request: Request) -> Response:
        allowed = literal.get(request.url.path)
        if allowed is not None:
            error = ApiError(405, "Method not allowed", error_code="METHOD_NOT_ALLOWED")
            return json_response(405, error.body(), {"Allow": ", ".join(allowed)})
        endpoint = methods.get(request.method)
        if endpoint is None:  # HEAD, which Starlette routes along with GET
            error = ApiError(405, "Method not allowed", error_code="METHOD_NOT_ALLOWED")
            return json_response(405, error.body(), {"Allow": ", ".join(sorted(methods))})
        return await endpoint(request)

    return dispatch
