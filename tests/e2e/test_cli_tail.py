"""`event-streamer tail` against the local stack: ended by SIGTERM, a closed stdout, an error."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import AsyncIterator

import pytest

from event_streamer import EventStreamer
from event_streamer_server.devchain import DevChain, Emitter
from event_streamer_server.testing import LocalStack
from tests._cli import Lines, run_cli, spawned_cli
from tests._stack import subscribe


@pytest.fixture
async def chain(event_streamer_stack: LocalStack) -> AsyncIterator[DevChain]:
    async with DevChain(event_streamer_stack.rpc_url) as dev_chain:
        yield dev_chain


async def subscription_with_events(
    stack: LocalStack, chain: DevChain, n: int
) -> tuple[int, Emitter]:
    emitter = await chain.deploy_emitter()
    async with EventStreamer(stack.service_url, "cli-test") as client:
        sub = await subscribe(client, stack, chain, emitter)
    await emitter.emit_many(0, n)
    return sub.id, emitter


def values(stdout: str) -> list[int]:
    return [int(json.loads(line)["value"]) for line in stdout.splitlines()]


async def test_sigterm_flushes_acks_and_prints_the_token(
    event_streamer_stack: LocalStack, chain: DevChain
) -> None:
    """Defect 4: SIGTERM (systemd, docker) ends `tail` like Ctrl-C."""
    url = event_streamer_stack.service_url
    sub_id, emitter = await subscription_with_events(event_streamer_stack, chain, 250)
    with spawned_cli(url, "tail", str(sub_id)) as proc:
        stdout, stderr = Lines(proc.stdout), Lines(proc.stderr)
        seen = [int(json.loads(stdout.next(within=60) or "{}")["value"]) for _ in range(250)]
        assert seen == list(range(250))
        proc.send_signal(signal.SIGTERM)  # at once: before the periodic acknowledgement
        assert proc.wait(10) == 0
        lines = stderr.rest(within=5)
    assert lines[-1].startswith("resume token: rt_"), lines
    assert lines[-1].endswith("(250 events)")
    # Every printed batch was acknowledged on the way out: a fresh stream (no token) starts
    # with what came after them.
    await emitter.emit_many(250, 5)
    fresh = run_cli(url, "tail", str(sub_id), "--limit", "5")
    assert fresh.returncode == 0, fresh.stderr
    assert values(fresh.stdout) == list(range(250, 255))


async def test_closed_stdout_ends_tail_quietly(
    event_streamer_stack: LocalStack, chain: DevChain
) -> None:
    """Defect 5: `tail SUB | head -3` exits 0 at once, quietly, acking only what it wrote."""
    url = event_streamer_stack.service_url
    sub_id, emitter = await subscription_with_events(event_streamer_stack, chain, 1000)
    with spawned_cli(url, "tail", str(sub_id)) as proc:
        assert proc.stdout is not None
        head = [proc.stdout.readline() for _ in range(3)]
        closed = time.monotonic()
        proc.stdout.close()  # what `head -3` does after three lines
        code = proc.wait(10)
        took = time.monotonic() - closed
        stderr = Lines(proc.stderr).rest(within=5)
    assert values("".join(head)) == [0, 1, 2]
    assert code == 0, stderr
    assert took < 2.0, f"took {took:.2f}s to notice"
    assert len(stderr) == 1, stderr  # no "handler failed", no BrokenPipeError
    token = stderr[0].split("resume token: ")[1].split()[0]
    written = int(stderr[0].split("(")[1].split()[0])
    assert written % 100 == 0  # whole batches only: a batch cut by the closed pipe is not counted
    # The token is right after the last batch written in full: resuming from it continues there.
    await emitter.emit_many(1000, 1)
    rest = run_cli(url, "tail", str(sub_id), "--resume-token", token, "--limit", "1")
    assert rest.returncode == 0, rest.stderr
    assert values(rest.stdout) == [written]


async def test_deleted_subscription_ends_tail_with_the_token_and_one_error(
    event_streamer_stack: LocalStack, chain: DevChain
) -> None:
    url = event_streamer_stack.service_url
    sub_id, _ = await subscription_with_events(event_streamer_stack, chain, 100)
    with spawned_cli(url, "tail", str(sub_id)) as proc:
        stdout, stderr = Lines(proc.stdout), Lines(proc.stderr)
        assert [stdout.next(within=60) is not None for _ in range(100)] == [True] * 100
        async with EventStreamer(url, "cli-test") as client:
            await client.delete_subscription(sub_id)
        code = proc.wait(30)
        lines = stderr.rest(within=5)
    assert code == 2, lines  # not found
    assert lines[-1].startswith("error: "), lines
    assert any(line.startswith("resume token: rt_") and "(100 events)" in line for line in lines)
    assert not any("Traceback" in line for line in lines)
