"""The package's runtime assets: read through importlib.resources, equal to their sources."""

from __future__ import annotations

from event_streamer_server._contract import load_spec, spec_yaml
from event_streamer_server.devchain import emitter_artifact
from tests._spec import ROOT


def test_the_shipped_contract_is_the_openapi_document() -> None:
    assert spec_yaml() == (ROOT / "openapi" / "event-streamer.yaml").read_bytes()
    assert load_spec()["openapi"].startswith("3.1")


def test_the_compiled_emitter_is_package_data() -> None:
    artifact = emitter_artifact()
    assert artifact["contractName"] == "Emitter"
    assert artifact["bytecode"].startswith("0x")
    assert not (ROOT / "scripts" / "contracts" / "Emitter.json").exists()  # one copy only
