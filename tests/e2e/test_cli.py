"""The event-streamer command line, as a user runs it, against the local stack."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from event_streamer_server.devchain import DevChain, emitter_artifact
from event_streamer_server.testing import LocalStack, start_service
from tests._cli import BIN


def cli(
    stack_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "event_streamer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **os.environ,
            "EVENT_STREAMER_URL": stack_url,
            "EVENT_STREAMER_SUBSCRIBER": "cli-test",
            **(env or {}),
        },
    )


def ok(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip().startswith(("{", "[")) else proc.stdout


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("abi") / "Emitter.json"
    path.write_text(json.dumps(emitter_artifact()))
    return path


async def emitter_with_events(stack: LocalStack, n: int) -> tuple[str, int]:
    async with DevChain(stack.rpc_url) as chain:
        emitter = await chain.deploy_emitter()
        start = await chain.block_number()
        await emitter.emit_many(0, n)
    return emitter.address, start


async def test_subscription_lifecycle_and_tail(
    event_streamer_stack: LocalStack, artifact: Path
) -> None:
    url = event_streamer_stack.service_url
    address, start = await emitter_with_events(event_streamer_stack, 250)
    created = ok(
        cli(
            url,
            "--json",
            "subscriptions",
            "create",
            "--abi",
            str(artifact),
            "--event",
            "Transfer",
            "--chain",
            str(event_streamer_stack.chain_id),
            "--address",
            address,
            "--from-block",
            str(start),
        )
    )
    sub_id = created["id"]
    assert created["topic0"].startswith("0xddf252ad")  # computed from the ABI
    assert created["subscriber_id"] == "cli-test"

    listed = ok(cli(url, "--json", "subscriptions", "list"))
    assert sub_id in [s["id"] for s in listed["subscriptions"]]
    assert ok(cli(url, "--json", "subscriptions", "get", str(sub_id)))["id"] == sub_id
    assert "Transfer(address,address,uint256)" in ok(cli(url, "subscriptions", "list"))  # table

    first = cli(url, "tail", str(sub_id), "--limit", "150")  # piped: JSON lines
    assert first.returncode == 0, first.stderr
    events = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(events) == 150  # exactly N
    assert [int(e["value"]) for e in events] == list(range(150))
    assert all(e["event"] == "Transfer" for e in events)
    token = first.stderr.split("resume token: ")[1].split()[0]
    assert token.startswith("rt_")  # after the last complete batch (100 events)

    rest = cli(url, "tail", str(sub_id), "--resume-token", token, "--limit", "150")
    values = [int(json.loads(line)["value"]) for line in rest.stdout.splitlines()]
    assert values == list(range(100, 250))  # the batch cut at 150 came back whole

    status = ok(cli(url, "--json", "status", str(sub_id)))
    assert status["events_delivered"] >= 200
    updated = ok(
        cli(url, "--json", "subscriptions", "update", str(sub_id), "--to-block", str(start + 10))
    )
    assert updated["end_block"] == start + 10

    assert ok(cli(url, "--json", "subscriptions", "delete", str(sub_id))) == {"deleted": sub_id}
    gone = cli(url, "subscriptions", "get", str(sub_id))
    assert gone.returncode == 2
    assert gone.stderr.startswith("error: Subscription not found")
    assert len(gone.stderr.strip().splitlines()) == 1  # one line, no traceback


def test_chains_and_breakers(event_streamer_stack: LocalStack) -> None:
    url, chain_id = event_streamer_stack.service_url, str(event_streamer_stack.chain_id)
    chains = ok(cli(url, "--json", "chains", "list"))
    assert int(chain_id) in [c["chain_id"] for c in chains["chains"]]
    assert ok(cli(url, "--json", "chains", "get", chain_id))["rpc_urls"] == [
        event_streamer_stack.rpc_url
    ]
    assert ok(cli(url, "--json", "chains", "stats"))["active_chains"] >= 1
    assert ok(cli(url, "--json", "chains", "refresh"))["total_chains"] >= 1
    changed = ok(cli(url, "--json", "chains", "update", chain_id, "--confirmations", "0"))
    assert changed["confirmation_blocks"] == 0
    wrong = cli(
        url,
        "chains",
        "create",
        "137",
        "--name",
        "polygon",
        "--rpc-url",
        event_streamer_stack.rpc_url,
    )
    assert wrong.returncode == 1
    assert "body.rpc_urls.0" in wrong.stderr

    status = ok(cli(url, "--json", "breakers", "status"))
    name = f"rpc:{chain_id}:0"
    assert name in status["circuit_breakers"]
    assert ok(cli(url, "--json", "breakers", "metrics", name))["name"] == name
    assert ok(cli(url, "--json", "breakers", "reset", name))["reset_count"] == 1
    assert ok(cli(url, "--json", "breakers", "reset"))["reset_count"] >= 1
    assert ok(cli(url, "--json", "breakers", "health"))["total_rpcs"] >= 1
    assert ok(cli(url, "--json", "breakers", "config"))["failure_threshold"] >= 1
    assert "closed" in ok(cli(url, "breakers", "status"))  # table
    missing = cli(url, "breakers", "metrics", "rpc:0:0")
    assert missing.returncode == 2


def test_abi_commands_work_offline(artifact: Path) -> None:
    events = ok(cli("http://127.0.0.1:1", "--json", "abi", "events", str(artifact)))
    assert {e["name"] for e in events} >= {"Transfer", "Approval", "PositionUpdated", "Anon"}
    transfer = next(e for e in events if e["name"] == "Transfer")
    assert (
        transfer["topic0"] == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    )
    by_sig = cli("http://127.0.0.1:1", "abi", "topic0", "Transfer(address,address,uint256)")
    assert by_sig.stdout.strip() == transfer["topic0"]
    by_abi = ok(
        cli(
            "http://127.0.0.1:1",
            "--json",
            "abi",
            "topic0",
            "--abi",
            str(artifact),
            "--event",
            "Approval",
        )
    )
    assert by_abi["signature"] == "Approval(address,address,uint256)"
    bad = cli("http://127.0.0.1:1", "abi", "topic0", "--abi", str(artifact), "--event", "Nope")
    assert bad.returncode == 1
    assert "not found in ABI; available:" in bad.stderr


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["subscriptions", "get"], 1, "Missing argument"),
        (["nonsense"], 1, "No such command"),
        (["subscriptions", "update", "1"], 1, "nothing to change"),
        (["subscriptions", "list"], 4, "is the service running"),
    ],
)
def test_usage_and_connection_errors(args: list[str], code: int, text: str) -> None:
    proc = cli("http://127.0.0.1:1", *args)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert text in proc.stderr
    assert "Traceback" not in proc.stderr


def test_auth_errors_exit_3(tmp_path: Path) -> None:
    handle = start_service(api_key="s3cret", workdir=tmp_path)
    try:
        denied = cli(handle.url, "chains", "list")
        assert denied.returncode == 3
        assert "--api-key" in denied.stderr
        allowed = cli(
            handle.url, "--json", "chains", "list", env={"EVENT_STREAMER_API_KEY": "s3cret"}
        )
        assert ok(allowed)["total_chains"] == 0
    finally:
        handle.cleanup()


DEVSTACK_COMMANDS = {
    "event-streamer devstack": [sys.executable, "-m", "event_streamer", "devstack"],
    "event-streamer-server devstack": [str(BIN / "event-streamer-server"), "devstack"],
}


@pytest.mark.parametrize(
    ("command", "sig"),
    [
        ("event-streamer devstack", signal.SIGINT),
        ("event-streamer-server devstack", signal.SIGTERM),
    ],
)
def test_devstack_runs_until_interrupted(command: str, sig: signal.Signals) -> None:
    ports = []
    for _ in range(2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    proc = subprocess.Popen(
        [
            *DEVSTACK_COMMANDS[command],
            "--service-port",
            str(ports[0]),
            "--rpc-port",
            str(ports[1]),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until the stack is up
        assert first.strip() == f"service: http://127.0.0.1:{ports[0]}"
        assert httpx.get(f"http://127.0.0.1:{ports[0]}/api/chains/31337").json()["rpc_urls"] == [
            f"http://127.0.0.1:{ports[1]}"
        ]
        proc.send_signal(sig)
        assert proc.wait(30) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{ports[1]}", timeout=2)  # anvil stopped too
    finally:
        if proc.poll() is None:
            proc.kill()


def test_server_console_script_keeps_its_options(tmp_path: Path) -> None:
    """`event-streamer-server --host --port --db --config` (and its alias) as documented."""
    config = tmp_path / "service.toml"
    config.write_text("heartbeat_interval = 2.0\n")
    for name, argv in {
        "script": [str(BIN / "event-streamer-server")],
        "alias": [sys.executable, "-m", "event_streamer", "server"],
    }.items():
        ready = tmp_path / f"ready-{name}.json"
        proc = subprocess.Popen(
            [
                *argv,
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--db",
                str(tmp_path / f"{name}.db"),
                "--config",
                str(config),
                "--ready-file",
                str(ready),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not ready.exists():  # written once the socket listens
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "service not ready"
                time.sleep(0.02)
            url = json.loads(ready.read_text())["url"]
            assert httpx.get(f"{url}/health").status_code == 200
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def test_devstack_names_a_port_in_use() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*DEVSTACK_COMMANDS["event-streamer-server devstack"], "--service-port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"--service-port {port}: already in use" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["keys", "create", "--admin"]])
def test_a_database_that_cannot_be_opened_is_one_line(command: list[str]) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = subprocess.run(
        [
            str(BIN / "event-streamer-server"),
            *command,
            "--db",
            f"postgresql://app:pw-s3cret@127.0.0.1:{port}/events",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert "postgresql://***@127.0.0.1" in done.stderr
    assert "pw-s3cret" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
