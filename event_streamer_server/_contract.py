"""The contract at run time: load ``event-streamer.yaml`` (package data); validate requests.

Nothing here restates a schema: request bodies, path and query parameters are checked with
JSON Schema 2020-12 validators built from the spec's own components, and each failure becomes a
field error (``body.addresses.0``, ``query.page_size``).
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._strict import StrictIntError, parse_int

__all__ = ["FieldProblem", "Operation", "load_spec", "operations", "spec_resource", "spec_yaml"]

_SPEC_URI = "urn:event-streamer-spec"


def spec_resource() -> Traversable:
    """The OpenAPI document in the package (``_assets``), in a wheel and a checkout alike."""
    return importlib.resources.files("event_streamer_server._assets") / "event-streamer.yaml"


@functools.cache
def spec_yaml() -> bytes:
    """The OpenAPI document as shipped (served at ``/openapi.yaml``)."""
    return spec_resource().read_bytes()


@functools.cache
def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(spec_yaml())
    return spec


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    location: str
    message: str
    type: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "location": self.location,
            "message": self.message,
            "type": self.type,
        }


_formats = jsonschema.FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


def _validator(schema: Mapping[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        dict(schema), registry=_registry(), format_checker=_formats
    )


def _ref(pointer: str) -> dict[str, str]:
    return {"$ref": f"{_SPEC_URI}#{pointer}"}


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "pattern":
        return f"must match {error.validator_value}"
    if error.validator in ("minimum", "exclusiveMinimum"):
        op = ">=" if error.validator == "minimum" else ">"
        return f"must be {op} {error.validator_value}"
    if error.validator == "maximum":
        return f"must be <= {error.validator_value}"
    if error.validator in ("minLength", "maxLength"):
        word = "at least" if error.validator == "minLength" else "at most"
        return f"must be {word} {error.validator_value} characters"
    if error.validator in ("minItems", "maxItems"):
        word = "at least" if error.validator == "minItems" else "at most"
        return f"must have {word} {error.validator_value} items"
    if error.validator == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        return (
            "must be "
            + " or ".join(str(n) for n in names if n != "null")
            + (" or null" if "null" in names else "")
        )
    if error.validator == "enum":
        allowed: Any = error.validator_value
        return "must be one of " + ", ".join(str(v) for v in allowed)
    return str(error.message)


def problems(
    validator: jsonschema.Draft202012Validator, instance: Any, location: str, prefix: str
) -> list[FieldProblem]:
    """Every validation failure of ``instance``, one per field, in path order."""
    out: list[FieldProblem] = []
    seen: set[str] = set()
    for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path]):
        # Report the deepest failure of a oneOf/anyOf, not the combinator itself.
        leaf = jsonschema.exceptions.best_match([error]) if error.context else error
        parts = [prefix, *map(str, leaf.absolute_path)]
        if leaf.validator == "required" and isinstance(leaf.instance, Mapping):
            for name in leaf.validator_value:
                if name not in leaf.instance:
                    field = ".".join([*parts, name])
                    if field not in seen:
                        seen.add(field)
                        out.append(FieldProblem(field, location, "is required", "required"))
            continue
        field = ".".join(p for p in parts if p)
        if field in seen:
            continue
        seen.add(field)
        out.append(FieldProblem(field, location, _message(leaf), str(leaf.validator)))
    return out


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    location: str  # path or query
    required: bool
    schema: dict[str, Any]
    validator: jsonschema.Draft202012Validator


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the contract, with validators for what it accepts."""

    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...]
    body_validator: jsonschema.Draft202012Validator | None
    body_required: bool
    public: bool  # no bearer token needed

    def parse_params(
        self, path_params: Mapping[str, str], query: Mapping[str, str]
    ) -> tuple[dict[str, Any], list[FieldProblem]]:
        """Convert and validate path and query parameters against their schemas."""
        values: dict[str, Any] = {}
        errors: list[FieldProblem] = []
        for p in self.params:
            source = path_params if p.location == "path" else query
            if p.name not in source:
                if p.required:
                    errors.append(
                        FieldProblem(
                            f"{p.location}.{p.name}", p.location, "is required", "required"
                        )
                    )
                elif "default" in p.schema:
                    values[p.name] = p.schema["default"]
                continue
            raw = source[p.name]
            value: Any = raw
            if p.schema.get("type") == "integer":
                try:  # ASCII digits only: int() takes "\u0661", "1_0", " 1"
                    value = parse_int(raw)
                except StrictIntError as err:
                    errors.append(
                        FieldProblem(
                            f"{p.location}.{p.name}",
                            p.location,
                            f"must be an integer ({err.reason})",
                            "type",
                        )
                    )
                    continue
            found = problems(p.validator, value, p.location, f"{p.location}.{p.name}")
            if found:
                errors.extend(found)
            else:
                values[p.name] = value
        return values, errors

    def check_body(self, body: Any) -> list[FieldProblem]:
        if self.body_validator is None:
            return []
        return problems(self.body_validator, body, "body", "body")


def _resolve(node: Mapping[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (parameters are referenced from components)."""
    if "$ref" in node:
        target: Any = load_spec()
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        return dict(target)
    return dict(node)


@functools.cache
def operations() -> dict[str, Operation]:
    """operationId -> Operation, for every operation in the spec."""
    spec = load_spec()
    out: dict[str, Operation] = {}
    for path, item in spec["paths"].items():
        shared = [_resolve(p) for p in item.get("parameters", [])]
        for method in ("get", "put", "post", "delete", "patch"):
            if method not in item:
                continue
            op = item[method]
            params = []
            for raw in shared + [_resolve(p) for p in op.get("parameters", [])]:
                schema = raw["schema"]
                # A $ref'd schema: resolve it for type conversion, validate through the spec.
                target = _resolve(schema)
                checker = _ref(schema["$ref"].removeprefix("#")) if "$ref" in schema else schema
                params.append(
                    Param(
                        raw["name"],
                        raw["in"],
                        bool(raw.get("required", raw["in"] == "path")),
                        target,
                        _validator(checker),
                    )
                )
            body = op.get("requestBody")
            body_validator = None
            if body is not None:
                schema = body["content"]["application/json"]["schema"]
                body_validator = _validator(
                    _ref(schema["$ref"].removeprefix("#")) if "$ref" in schema else schema
                )
            out[op["operationId"]] = Operation(
                operation_id=op["operationId"],
                method=method.upper(),
                path=path,
                params=tuple(params),
                body_validator=body_validator,
                body_required=bool(body and body.get("required")),
                public=op.get("security") == [{}],
            )
    return out
