"""The command line's several events (--event repeated) and indexed-argument filters (--where)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from event_streamer_server.devchain import DevChain, emitter_artifact
from event_streamer_server.testing import LocalStack
from tests.e2e.test_cli import cli, ok


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("abi") / "Emitter.json"
    path.write_text(json.dumps(emitter_artifact()))
    return path


async def test_several_events_and_where_from_the_command_line(
    event_streamer_stack: LocalStack, artifact: Path
) -> None:
    url = event_streamer_stack.service_url
    async with DevChain(event_streamer_stack.rpc_url) as chain:
        emitter = await chain.deploy_emitter()
        alice, bob = (await chain.accounts())[:2]
        start = await chain.block_number() + 1
        await emitter.call("emitTransfer", alice, bob, 1)
        await emitter.call("emitApproval", alice, bob, 2)
        await emitter.call("emitTransfer", bob, alice, 3)
    base = ["--json", "subscriptions", "create", "--abi", str(artifact)]
    base += ["--chain", str(event_streamer_stack.chain_id), "--address", emitter.address]
    base += ["--from-block", str(start)]
    both = ok(cli(url, *base, "--event", "Transfer", "--event", "Approval"))
    assert [e["name"] for e in both["extra_events"]] == ["Approval"]
    to_alice = ok(
        cli(url, *base, "--event", "Transfer", "--where", f"to={alice},{emitter.address}")
    )
    assert len(to_alice["topics"][1]) == 2  # topic2: two alternatives
    lines = cli(url, "tail", str(both["id"]), "--limit", "3").stdout.splitlines()
    assert [(e["event"], int(e["value"])) for e in map(json.loads, lines)] == [
        ("Transfer", 1),
        ("Transfer", 3),
        ("Approval", 2),
    ]  # one batch: grouped by name, each list in chain order
    lines = cli(url, "tail", str(to_alice["id"]), "--limit", "1").stdout.splitlines()
    assert [int(json.loads(line)["value"]) for line in lines] == [3]

    refused = cli(url, *base, "--event", "Transfer", "--event", "Approval", "--where", "from=0x1")
    assert refused.returncode == 1
    assert "where.from" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    malformed = cli(url, *base, "--event", "Transfer", "--where", "from")
    assert malformed.returncode == 1
    assert "ARG=VALUE" in malformed.stderr
