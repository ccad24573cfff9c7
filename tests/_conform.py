"""Check raw responses against the contract's response schemas."""

from __future__ import annotations

from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests._spec import operations, spec

_URI = "urn:spec"
_REGISTRY = Registry().with_resource(
    _URI, Resource.from_contents(spec(), default_specification=DRAFT202012)
)


def assert_conforms(operation_id: str, status: int, body: Any) -> None:
    """``body`` is what the contract documents for ``operation_id`` answering ``status``."""
    _, _, op = operations()[operation_id]
    response = op["responses"].get(str(status))
    assert response is not None, f"{operation_id} does not document status {status}"
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = spec()["components"]["responses"][name]
    schema = response["content"]["application/json"]["schema"]
    ref = {"$ref": f"{_URI}#{schema['$ref'].removeprefix('#')}"}
    jsonschema.Draft202012Validator(ref, registry=_REGISTRY).validate(body)
