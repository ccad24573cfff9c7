"""Chain presets: the shipped catalogue, lookups, overrides, and the config file's use of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from event_streamer_server._presets import (
    FINALITY_MODES,
    UnknownPreset,
    apply_preset,
    find_preset,
    presets,
)
from event_streamer_server._settings import load_settings

REQUIRED = {
    "ethereum": 1,
    "sepolia": 11155111,
    "hoodi": 560048,
    "base": 8453,
    "optimism": 10,
    "arbitrum": 42161,
    "polygon": 137,
    "bsc": 56,
    "avalanche": 43114,
    "gnosis": 100,
    "linea": 59144,
    "scroll": 534352,
    "zksync": 324,
}


def test_catalogue_covers_the_issue_networks_with_sane_values() -> None:
    by_key = {p.key: p for p in presets()}
    assert {k: by_key[k].chain_id for k in REQUIRED} == REQUIRED
    assert len({p.chain_id for p in presets()}) == len(presets())  # ids are unique
    for preset in presets():
        assert preset.name
        assert 0 < preset.average_block_time <= 60
        assert 0 <= preset.confirmation_blocks <= 10_000
        assert 1 <= preset.max_blocks_per_request <= 10_000
        assert isinstance(preset.supports_safe, bool)
        assert isinstance(preset.supports_finalized, bool)
        assert "rpc" not in str(preset.as_json()).lower()  # no RPC URLs shipped


def test_lookup_by_key_or_chain_id_case_insensitive() -> None:
    assert find_preset("base").chain_id == 8453
    assert find_preset("BASE").key == "base"
    assert find_preset(8453).key == "base"
    assert find_preset(" 42161 ").key == "arbitrum"
    with pytest.raises(UnknownPreset, match="known: ethereum"):
        find_preset("nope")


def test_explicit_fields_win_over_the_preset() -> None:
    merged = apply_preset("base", {"rpc_urls": ["https://x"], "confirmation_blocks": 3})
    assert merged["chain_id"] == 8453
    assert merged["name"] == "Base"
    assert merged["confirmation_blocks"] == 3
    assert merged["finality"] == "confirmations"
    assert merged["rpc_urls"] == ["https://x"]
    assert apply_preset("base", {"name": None})["name"] == "Base"  # None is "not given"
    assert apply_preset(None, {"name": "x", "ws_url": None}) == {"name": "x"}
    assert FINALITY_MODES == ("confirmations", "safe", "finalized")


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "service.toml"
    path.write_text(text)
    return str(path)


def test_config_file_chain_from_a_preset(tmp_path: Path) -> None:
    settings = load_settings(
        _config(
            tmp_path,
            '[[chains]]\npreset = "optimism"\nrpc_urls = ["https://op.example"]\n'
            'finality = "finalized"\nconfirmation_blocks = 4\n',
        ),
        env={},
    )
    (seed,) = settings.chains
    assert (seed.chain_id, seed.name, seed.confirmation_blocks) == (10, "OP Mainnet", 4)
    assert (seed.finality, seed.rpc_urls, seed.max_blocks_per_request) == (
        "finalized",
        ("https://op.example",),
        1000,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('preset = "nope"\nrpc_urls = ["https://x"]', "unknown preset"),
        ('preset = "base"\nrpc_urls = ["https://x"]\nfinality = "soon"', "finality must be"),
        ('preset = "base"\nrpc_urls = []', "at least one URL"),
        ('name = "x"\nrpc_urls = ["https://x"]', "chain_id and name"),
        ('preset = "base"\nrpc_urls = ["https://x"]\nfinalty = "safe"', "unknown chain settings"),
    ],
)
def test_config_file_chain_errors_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_settings(_config(tmp_path, "[[chains]]\n" + body + "\n"), env={})
