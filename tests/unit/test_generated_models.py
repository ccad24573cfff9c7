"""Generated models round-trip the spec's own examples."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import event_streamer_api
import pytest
from event_streamer_api import models

from tests._spec import operations, spec


def _normalise(value: Any) -> Any:
    """Compare timestamps as instants: the models re-serialise `Z` as `+00:00`."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and "T" in value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _examples() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for name, schema in spec()["components"]["schemas"].items():
        if isinstance(schema.get("example"), dict):
            found.append((name, schema["example"]))
    for _op_id, (_, _, op) in operations().items():
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in body:
            ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
            found.append((ref, body["example"]))
        for _code, resp in op["responses"].items():
            media = resp.get("content", {}).get("application/json", {})
            if "example" in media and "$ref" in media.get("schema", {}):
                found.append((media["schema"]["$ref"].rsplit("/", 1)[-1], media["example"]))
    return found


EXAMPLES = _examples()


def test_examples_cover_most_models() -> None:
    covered = {name for name, _ in EXAMPLES}
    assert len(covered) >= 30


@pytest.mark.parametrize(("schema", "example"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_model_round_trips_example(schema: str, example: dict[str, Any]) -> None:
    model = getattr(models, schema)
    parsed = model.from_dict(example)
    # An optional nullable field's null and its absence mean the same (its default is None).
    assert _without_nulls(_normalise(parsed.to_dict())) == _without_nulls(_normalise(example))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_every_schema_of_the_contract_has_a_generated_model() -> None:
    schemas = {n for n, s in spec()["components"]["schemas"].items() if "properties" in s}
    assert len(schemas) >= 30
    missing = {name for name in schemas if not hasattr(models, name)}
    assert not missing, f"schemas without a generated model: {sorted(missing)}"


def test_generated_client_carries_base_url_and_headers() -> None:
    client = event_streamer_api.AuthenticatedClient(base_url="http://127.0.0.1:1", token="k")
    http = client.get_async_httpx_client()
    assert str(http.base_url) == "http://127.0.0.1:1"
    assert http.headers["Authorization"] == "Bearer k"
