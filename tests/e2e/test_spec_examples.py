"""Every runnable example of the Event Streamer SDK v0.4.0 README runs against this project.

The examples are copied byte for byte into ``spec_examples/`` (a user's clone has no
``../shared/``); when the spec file is present, a test checks the copies still match it. Each
example runs in its own fresh interpreter (``_spec_runner.py``) with only the naming rule
applied (``event_streamer_sdk`` -> ``event_streamer``, ``event_streamer_schemas`` ->
``event_streamer.models``), the local stack's URL, chain ids, addresses and block numbers put in,
and the placeholders the spec leaves undefined (a client, a subscription id, a token, a chain)
bound to real values. Then the effect the spec implies is checked in its output.

Blocks that are not examples (method signatures, model class outlines) are listed in
``REFERENCE`` with the reason; nothing is skipped silently.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from event_streamer_server.devchain import Anvil, Emitter, start_anvil
from event_streamer_server.testing import LocalStack
from tests._spec import ROOT

HERE = Path(__file__).parent
EXAMPLES = HERE / "spec_examples"
RUNNER = HERE / "_spec_runner.py"
SPEC = ROOT.parent / "shared" / "spec" / "event-streamer-sdk-0.4.0-README.md"
RENAMES = [
    ("event_streamer_sdk", "event_streamer"),
    ("event_streamer_schemas", "event_streamer.models"),
]

# Blocks that document a signature or a model's outline rather than show something to run.
REFERENCE = {
    "06_eventstreamer.py": "constructor signature outline (no body)",
    "07_subscription_management.py": "method signature list",
    "08_streaming_client_creation.py": "method signature",
    "09_abi_parsing_methods.py": "method signature list",
    "10_circuit_breaker_management.py": "method signature list",
    "11_chain_configuration_management.py": "method signature list",
    "12_connection_management.py": "method signature list",
    "14_subscriptioncreate.py": "model outline (pydantic BaseModel sketch)",
    "15_abievent.py": "model outline",
    "16_abiinput.py": "model outline",
    "17_event_data_format.py": "wire format (checked by the streaming client's tests)",
    "18_heartbeat.py": "wire format",
    "19_error_messages.py": "wire format",
}

URL = ("http://localhost:8000", "harness.url")
CHAIN = ("chain_id=1,", "f'chain_id={harness.chain_id},'")
STREAMING = """
sub = await harness.subscription({n})
_client = await harness.client()
{name} = harness.track(_client.create_streaming_client(subscription_id=sub.id{kw}))
"""
DELIVERED = """
async def _delivered(n):
    return (await _client.get_subscription(sub.id)).events_delivered >= n
"""


@dataclass
class Example:
    prelude: str = ""
    subs: list[tuple[str, str]] = field(default_factory=list)
    epilogue: str = ""
    expect: list[str] = field(default_factory=list)  # regexes that must match stdout
    program: bool = False
    until: str | None = None  # runs until this regex is seen, then gets SIGINT (Ctrl-C)


EXAMPLE_TABLE: dict[str, Example] = {
    "00_http_streaming_example.py": Example(
        program=True,
        prelude="start, end = await harness.transfers(5)\naddress = harness.emitter.address",
        subs=[
            URL,
            ("0xA0b86a33E6417b3c4555ba476F04245600306D5D", "address"),
            ("19000000", "start"),
            ("19010000", "end"),
            CHAIN,
        ],
        # The subscription is bounded (end_block): the stream completes and the example ends.
        expect=[r"Created subscription: \d+"]
        + [rf"Transfer: 0x[0-9a-fA-F]{{40}} -> 0x[0-9a-fA-F]{{40}}: {v}\n" for v in range(5)],
    ),
    "01_resume_capability_example.py": Example(
        program=True,
        prelude=STREAMING.format(n=3, name="first", kw="")
        + """
got = []
first.on_event("Transfer")(got.extend)
await first.start_streaming()
await harness.until(lambda: len(got) == 3)
await first.disconnect()  # flushes the acknowledgements of the three handled events
token = first.get_current_resume_token()
await harness.transfers(2, first=100)
""",
        subs=[
            URL,
            ("subscription_id=123", "f'subscription_id={sub.id}'"),
            ("rt_eyJzdWJzY3JpcHRpb25faWQiOjEyMywi...", "token"),
        ],
        until=r"Transfer: \S+ -> \S+: 101\n",
        expect=[r"Transfer: \S+ -> \S+: 100\n", r"Heartbeat: \S+"],
    ),
    "02_extract_specific_event.py": Example(
        program=True,
        prelude="""
import asyncio
from event_streamer import EventStreamer
from event_streamer.models import SubscriptionCreate
address = (await harness.deploy()).address
""",
        subs=[
            URL,
            ('"0x..."', "repr(address)"),
            ("chain_id=1\n", "f'chain_id={harness.chain_id}\\n'"),
        ],
        epilogue="asyncio.run(main())\nprint('main() completed')",
        expect=[r"main\(\) completed"],
    ),
    "03_extract_all_events.py": Example(
        prelude="client = await harness.client()\nerc20_abi = harness.extra['erc20_abi']",
        epilogue="print(transfer_event.name, approval_event.name, len(all_events))",
        expect=[r"Transfer Approval 2"],
    ),
    "04_complex_tuple_support.py": Example(
        prelude="client = await harness.client()",
        expect=[r"Tuple components: 4\n"],
    ),
    "05_error_handling.py": Example(
        prelude="""
client = await harness.client()
abi_json = harness.extra['erc20_abi']
contract_abi = harness.extra['emitter_abi']
""",
        epilogue="print(f'{len(events)} events, {len(functions)} functions')",
        expect=[r"Event not found: .*NonExistentEvent.*Transfer", r"6 events, \d+ functions"],
    ),
    "13_event_handler_registration.py": Example(
        prelude="""
from typing import Any, Dict, List
from event_streamer import StreamingError, StreamingHeartbeat
"""
        + STREAMING.format(n=2, name="client", kw="")
        + DELIVERED,
        epilogue="""
beat = asyncio.Event()
client.on_heartbeat(lambda heartbeat: beat.set())
await client.start_streaming()
await harness.until(lambda: _delivered(2))
await asyncio.wait_for(beat.wait(), 30)
print("handlers ran; events acknowledged")
""",
        expect=[r"Heartbeat: \S+", r"handlers ran; events acknowledged"],
    ),
    "20_supported_chains.py": Example(
        prelude="client = await harness.client()",
        expect=[r"Chain 31337: \S+ - Status: \S+"],
    ),
    "21_error_handling.py": Example(
        prelude="""
from event_streamer import subscription_from_abi
from event_streamer_server.devchain import Emitter
client = await harness.client()
emitter = await harness.deploy()
subscription_data = subscription_from_abi(
    Emitter.abi(), "Transfer", chain_id=harness.chain_id, addresses=[emitter.address],
    start_block=0, subscriber_id="my-app")
streaming_client = harness.track(client.create_streaming_client(subscription_id=1))
""",
        epilogue="print('created subscription', subscription.id)",
        expect=[r"Chain not found\n", r"created subscription \d+"],
    ),
    "22_circuit_breaker_management.py": Example(
        prelude="client = await harness.client()\nbreaker = harness.extra['breaker']",
        subs=[("ethereum_rpc", "breaker"), ("polygon_rpc", "breaker")],
        expect=[
            r"Circuit breakers: [1-9]\d*\n",
            r"  \S+: \S+ \(failures: \d+\)",
            r"Healthy RPC clients: \d+/[1-9]\d*",
            r"Success rate: (100\.00|\d{1,2}\.\d\d)%\n",
            r"Average response time: \d+\.\d\dms",
            r"Reset [1-9]\d* circuit breakers",
            r"Polygon RPC circuit breaker reset",
        ],
    ),
    "23_chain_configuration_management.py": Example(
        prelude="client = await harness.client()",
        subs=[
            ("get_chain(1)", "f'get_chain({harness.chain_id})'"),
            ("https://polygon-rpc.com", "harness.extra['polygon_rpc_url']"),
        ],
        epilogue="await client.delete_chain(137)",
        expect=[
            r"Active chains: [1-9]",
            r"  Chain 31337: \S+ - \S+",
            r"Total chains: [1-9]",
            r"Healthy RPC endpoints: \d+",
            r"Chain: \S+\n",
            r"RPC URLs: \['http://127\.0\.0\.1:\d+'\]",
            r"Block time: [\d.]+s",
            r"Created chain: 137\n",
            r"Chain configurations refreshed",
        ],
    ),
    "24_processing_status_monitoring.py": Example(
        prelude=STREAMING.format(n=1, name="streaming_client", kw="")
        + "await streaming_client.start_streaming()\n"
        + "await harness.until(lambda: streaming_client.connection_id is not None)",
        until=r"Active connections: 1\n",
        expect=[r"Subscription \d+ processing: True"],
    ),
    "25_bulk_acknowledgment.py": Example(
        prelude=STREAMING.format(n=4, name="streaming_client", kw=", auto_acknowledge=False")
        + DELIVERED
        + """
import builtins

current_batch_id = None
_acked_events = []  # what the example printed as acknowledged: the epilogue waits for all 4

def print(*args, **kwargs):
    text = " ".join(str(a) for a in args)
    if text.startswith("Total events acknowledged: "):
        _acked_events.append(int(text.rsplit(" ", 1)[1]))
    builtins.print(*args, **kwargs)

@streaming_client.on_event("Transfer")  # binds the name the spec leaves to "the handler context"
def _bind(events):
    global current_batch_id
    current_batch_id = streaming_client.current_batch.batch_id
""",
        epilogue="""
await streaming_client.start_streaming()
async def _all_acknowledged():  # durable at the service, and the example printed it
    return await _delivered(4) and sum(_acked_events) == 4

await harness.until(_all_acknowledged, within=60)
bulk_task.cancel()
print("service counts 4 acknowledged events")
""",
        expect=[
            r"Processing transfer: 0x[0-9a-f]{64}",
            r"Acknowledged [1-4] batches",
            r"service counts 4 acknowledged events",
        ],
    ),
    "26_1_use_context_managers.py": Example(
        prelude="from event_streamer import EventStreamer\n"
        "service_url, subscriber_id = harness.url, 'my-app'",
        epilogue="print('closed:', client.is_closed)",
        expect=[r"closed: True"],
    ),
    "27_2_handle_events_efficiently.py": Example(
        prelude=STREAMING.format(n=3, name="client", kw="")
        + """
processed = []
async def process_event_async(event):
    processed.append(event)
""",
        epilogue="""
await client.start_streaming()
await harness.until(lambda: len(processed) == 3)
print('processed', sorted(int(e['value']) for e in processed))
""",
        expect=[r"processed \[0, 1, 2\]"],
    ),
    "28_3_use_specific_event_handlers.py": Example(
        prelude=STREAMING.format(n=2, name="client", kw="") + DELIVERED,
        epilogue="""
await client.start_streaming()
await harness.until(lambda: _delivered(2))
print('delivered and acknowledged')
""",
        expect=[r"delivered and acknowledged"],
    ),
    "29_4_implement_resume_token_persistence.py": Example(
        prelude=STREAMING.format(n=2, name="streaming_client", kw="")
        + """
client, subscription_id = _client, sub.id
streaming_client.on_all_events(lambda events: None)
await streaming_client.start_streaming()
await harness.until(lambda: streaming_client.get_current_resume_token() is not None)
store = {}
async def save_resume_token_to_storage(sid, token):
    store[sid] = token
async def load_resume_token_from_storage(sid):
    return store[sid]
""",
        epilogue="""
harness.track(streaming_client)
print('resumes from the saved token:', streaming_client.get_current_resume_token() == store[sub.id])
""",
        expect=[r"resumes from the saved token: True"],
    ),
    "30_5_handle_connection_errors_gracefully.py": Example(
        prelude=STREAMING.format(n=2, name="streaming_client", kw="")
        + """
got = []
streaming_client.on_event("Transfer")(got.extend)
await streaming_client.start_streaming()
await harness.until(lambda: len(got) == 2)
""",
        epilogue="""
await reconnect_with_backoff()
await harness.transfers(2, first=50)
await harness.until(lambda: len(got) == 4)
print('after reconnecting:', sorted(int(e['value']) for e in got))
""",
        expect=[
            r"Reconnected successfully on attempt 1\n",
            r"after reconnecting: \[0, 1, 50, 51\]",
        ],
    ),
    "31_6_monitor_connection_health.py": Example(
        prelude=STREAMING.format(n=1, name="streaming_client", kw="")
        + "await streaming_client.start_streaming()\n"
        + "await harness.until(lambda: streaming_client.connection_id is not None)",
        epilogue="""
beat = asyncio.Event()
streaming_client.on_heartbeat(lambda heartbeat: beat.set())
await asyncio.wait_for(beat.wait(), 30)
print('server heartbeat handled; monitor defined:', callable(monitor_connection_health))
""",
        expect=[
            r"Client heartbeat acknowledged at \S+",
            r"server heartbeat handled; monitor defined: True",
        ],
    ),
    "32_7_handle_auto_acknowledgment.py": Example(
        prelude="""
client = await harness.client()
sub = await harness.subscription(3)
subscription_id = sub.id
processed = []
async def process_transfer(event):
    processed.append(event)
def get_current_batch_id():
    return streaming_client.current_batch.batch_id
"""
        + DELIVERED.replace("_client", "client"),
        epilogue="""
harness.track(streaming_client)
await streaming_client.start_streaming()  # the manual-acknowledgement client
await harness.until(lambda: _delivered(3))
print('acknowledged by hand:', len(processed))
""",
        expect=[r"acknowledged by hand: 3"],
    ),
}


def _stored() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.py"))


def _spec_blocks() -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


def test_every_block_is_an_example_or_named_reference() -> None:
    assert set(EXAMPLE_TABLE) | set(REFERENCE) == set(_stored())
    assert not set(EXAMPLE_TABLE) & set(REFERENCE)


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/spec is not beside this clone")
def test_copies_match_the_spec_byte_for_byte() -> None:
    blocks = _spec_blocks()
    stored = _stored()
    assert len(blocks) == len(stored)
    for name, block in zip(stored, blocks, strict=True):
        assert (EXAMPLES / name).read_text(encoding="utf-8") == block, name


@pytest.fixture(scope="module")
def polygon() -> Iterator[Anvil]:
    """A second local chain with Polygon's id, for the example that registers one."""
    node = start_anvil(chain_id=137)
    try:
        yield node
    finally:
        node.cleanup()


@pytest.fixture(scope="module")
def extra(event_streamer_stack: LocalStack, polygon: Anvil) -> dict[str, object]:
    erc20 = [
        {
            "type": "event",
            "name": name,
            "anonymous": False,
            "inputs": [
                {"indexed": True, "name": a, "type": "address"},
                {"indexed": True, "name": b, "type": "address"},
                {"indexed": False, "name": "value", "type": "uint256"},
            ],
        }
        for name, a, b in (("Transfer", "from", "to"), ("Approval", "owner", "spender"))
    ]
    with httpx.Client(base_url=event_streamer_stack.service_url, timeout=10) as http:
        breakers = http.get("/api/circuit-breakers/status").json()["circuit_breakers"]
    return {
        "erc20_abi": json.dumps(erc20),
        "emitter_abi": json.dumps(Emitter.abi()),
        "breaker": next(iter(breakers)),
        "polygon_rpc_url": polygon.url,
    }


def _config(name: str, example: Example, stack: LocalStack, extra: dict[str, object]) -> str:
    source = (EXAMPLES / name).read_text(encoding="utf-8")
    renames = [(old, repr(new)) for old, new in RENAMES if old in source]
    return json.dumps(
        {
            "example": str(EXAMPLES / name),
            "program": example.program,
            "prelude": example.prelude,
            "epilogue": example.epilogue,
            "subs": renames + example.subs,
            "service_url": stack.service_url,
            "rpc_url": stack.rpc_url,
            "chain_id": stack.chain_id,
            "extra": extra,
        }
    )


async def _run_until(args: list[str], until: str, within: float) -> tuple[int, str, str]:
    """Run until ``until`` shows in stdout, then Ctrl-C (SIGINT) as the user would."""
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ}
    )
    assert proc.stdout is not None
    out = b""

    async def read() -> None:
        nonlocal out
        assert proc.stdout is not None
        while not re.search(until, out.decode(errors="replace")):
            chunk = await proc.stdout.read(4096)
            if not chunk:
                return
            out += chunk

    try:
        await asyncio.wait_for(read(), within)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
    rest, err = await asyncio.wait_for(proc.communicate(), 15)
    return proc.returncode or 0, (out + rest).decode(), err.decode()


@pytest.mark.parametrize("name", sorted(EXAMPLE_TABLE))
async def test_spec_example_runs(
    name: str, event_streamer_stack: LocalStack, extra: dict[str, object]
) -> None:
    example = EXAMPLE_TABLE[name]
    args = [sys.executable, str(RUNNER), _config(name, example, event_streamer_stack, extra)]
    if example.until:
        code, out, err = await _run_until(args, example.until, within=90)
        assert re.search(example.until, out), f"never saw {example.until!r}\n{out}\n{err}"
    else:
        proc = await asyncio.to_thread(
            subprocess.run, args, capture_output=True, text=True, timeout=120, check=False
        )
        code, out, err = proc.returncode, proc.stdout, proc.stderr
        assert code == 0, f"exit {code}\n--- stdout\n{out}\n--- stderr\n{err}"
    for pattern in example.expect:
        assert re.search(pattern, out), f"{pattern!r} not in output\n{out}\n--- stderr\n{err}"
