"""docs/examples/service.toml starts the service as written, and works against a node."""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx

from event_streamer import EventStreamer, subscription_from_abi
from event_streamer_server.devchain import emitter_artifact, start_anvil
from event_streamer_server.testing import local_service, service
from tests._spec import ROOT

SAMPLE = ROOT / "docs" / "examples" / "service.toml"


def _keys() -> tuple[str, str]:
    table = tomllib.loads(SAMPLE.read_text())["api_keys"]
    admin = next(k["key"] for k in table if k["kind"] == "admin")
    app = next(k["key"] for k in table if k["kind"] == "subscriber")
    return admin, app


def test_the_sample_starts_as_written() -> None:
    admin, app = _keys()
    with service(config=SAMPLE) as svc:  # --db points at a temporary file; nothing else changes
        assert httpx.get(f"{svc.url}/health", timeout=30).status_code == 200
        assert httpx.get(f"{svc.url}/api/chains", timeout=30).status_code == 401
        chains = httpx.get(
            f"{svc.url}/api/chains", headers={"Authorization": f"Bearer {admin}"}, timeout=30
        ).json()["chains"]
        metrics = httpx.get(
            f"{svc.url}/metrics", headers={"Authorization": f"Bearer {app}"}, timeout=30
        )
    (chain,) = chains
    assert (chain["chain_id"], chain["name"], chain["confirmation_blocks"]) == (8453, "Base", 10)
    assert metrics.status_code == 403  # a subscriber key does not read /metrics


async def test_the_sample_against_a_local_node(tmp_path: Path) -> None:
    """The same file with the RPC URL pointed at anvil (and its chain id): the node answers."""
    anvil = start_anvil()
    try:
        text = SAMPLE.read_text()
        url = tomllib.loads(text)["chains"][0]["rpc_urls"][0]
        copy = tmp_path / "service.toml"
        copy.write_text(
            text.replace(url, anvil.url).replace(
                'preset = "base"\n', 'preset = "base"\nchain_id = 31337\n'
            )
        )
        _, app = _keys()
        async with (
            local_service(config=copy) as svc,
            EventStreamer(svc.url, "my-app", api_key=app) as client,
        ):
            sub = await client.create_subscription(
                subscription_from_abi(
                    emitter_artifact()["abi"], "Transfer", chain_id=31337, start_block="latest"
                )
            )
        assert isinstance(sub.start_block, int)
        assert sub.subscriber_id == "my-app"
    finally:
        anvil.cleanup()


def test_a_config_chain_changed_after_the_first_start_is_reported(tmp_path: Path) -> None:
    """Config chains seed a new database; an edited file later is named in the log."""
    db = tmp_path / "es.db"
    with service(config=SAMPLE, db=db):
        pass
    text = SAMPLE.read_text()
    url = tomllib.loads(text)["chains"][0]["rpc_urls"][0]
    edited = tmp_path / "service.toml"
    edited.write_text(text.replace(url, url.replace("YOUR-PROVIDER-KEY", "OTHER-KEY")))
    with service(config=edited, db=db) as svc:
        assert httpx.get(f"{svc.url}/health", timeout=30).status_code == 200
        log = svc.output()
    assert "chain 8453 in the config file differs from the stored chain (rpc_urls)" in log
    assert "OTHER-KEY" not in log  # the URL is not logged
