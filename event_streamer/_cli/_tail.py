"""`tail`: stream decoded events to stdout until --limit, a signal, or a closed stdout.

Only batches written out completely are acknowledged, and the resume token printed at the end
is the one after the last of them, so the next run from it misses nothing. SIGINT and SIGTERM
(what systemd and docker send) both stop it the same way: the stream task is cancelled, acks
are flushed, the token is printed. Failed connection attempts are shown as they happen (from
the streaming client's ``on_error`` reports), so a service that is down is never a silent wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

import click

from .. import EventStreamer, EventStreamerSDKError, Reorg, StreamingError
from ._output import event_line, note, print_event_readably
from ._runner import (
    Settings,
    is_closed_pipe,
    pass_settings,
    run,
    silence_stdout,
    stdout_reader_gone,
)

ACK_INTERVAL = 1.0  # seconds between bulk acknowledgements of printed batches
FINAL_ACK_TIMEOUT = 5.0  # seconds the last acknowledgement may take on the way out
STDOUT_CHECK_INTERVAL = 0.2  # seconds between checks that the reader of stdout is still there


@dataclass
class _Tail:
    """What `tail` has done so far (read after the event loop ends)."""

    token: str | None
    limit: int | None
    as_lines: bool
    no_ack: bool
    printed: int = 0
    stdout_closed: bool = False
    finished: list[str] = field(default_factory=list)  # printed batches, not yet acknowledged

    def write(self, events_by_name: dict[str, list[dict[str, Any]]]) -> bool:
        """Print a batch's events; False when --limit cut it (so it stays unacknowledged)."""
        lines: list[str] = []
        count, whole = 0, True
        for name, events in events_by_name.items():
            for event in events:
                if self.limit is not None and self.printed + count >= self.limit:
                    whole = False
                    break
                count += 1
                if self.as_lines:
                    lines.append(event_line(name, event))
                else:
                    print_event_readably(name, event)
        if lines:  # one write per batch
            sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()  # a closed pipe shows here, before the batch counts as written
        self.printed += count
        return whole

    def summary(self) -> str:
        return f"resume token: {self.token or '-'}  ({self.printed} events)"

    def close_stdout(self) -> None:
        self.stdout_closed = True
        silence_stdout()

    @property
    def done(self) -> bool:
        return self.stdout_closed or (self.limit is not None and self.printed >= self.limit)


@click.command()
@click.argument("subscription_id", type=int)
@click.option("--resume-token", default=None, help="continue after this token")
@click.option("--no-ack", is_flag=True, help="do not acknowledge (events will be redelivered)")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="stop after N events")
@pass_settings
def tail(
    s: Settings, subscription_id: int, resume_token: str | None, no_ack: bool, limit: int | None
) -> None:
    """Stream decoded events: JSON lines when piped (or --json), readable lines on a terminal.

    On exit (--limit reached, Ctrl-C, SIGTERM, or the reader of stdout gone) acknowledgements
    are flushed and the resume token is printed on stderr. A batch cut short by --limit stays
    unacknowledged, so the next run (from the printed token) starts with it.
    """
    state = _Tail(resume_token, limit, s.json or not sys.stdout.isatty(), no_ack)
    try:
        run(s, lambda c: _stream(c, subscription_id, state))
    except Exception:
        if state.printed:  # progress made before the error: say where to resume
            note(state.summary())
        raise
    note(state.summary())


async def _stream(client: EventStreamer, subscription_id: int, state: _Tail) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    try:
        await _until_stopped(client, subscription_id, state, stop)
    finally:
        for handled_sig in handled:
            loop.remove_signal_handler(handled_sig)


async def _until_stopped(
    client: EventStreamer, subscription_id: int, state: _Tail, stop: asyncio.Event
) -> None:
    sc = client.create_streaming_client(
        subscription_id, resume_token=state.token, auto_acknowledge=False
    )

    @sc.on_all_events
    def show(events_by_name: dict[str, list[dict[str, Any]]]) -> None:
        if stop.is_set():
            return
        batch = sc.current_batch
        assert batch is not None  # always set while a handler runs
        try:
            whole = state.write(events_by_name)
        except OSError as exc:
            if not is_closed_pipe(exc):
                raise
            state.close_stdout()
            whole = False
        if whole:
            state.finished.append(batch.batch_id)
            state.token = batch.resume_token
        if state.done:
            stop.set()

    @sc.on_reorg
    def void(reorg: Reorg) -> None:
        # In the data too: whoever reads stdout must undo what it stored above the fork.
        note(
            f"reorg: events above block {reorg.fork_block} are void "
            f"({reorg.void_batch_count} batches); replacements follow"
        )
        if state.as_lines and not state.stdout_closed:
            line = {"type": "reorg", "fork_block": reorg.fork_block}
            line |= {"void_batch_ids": reorg.void_batch_ids}
            try:
                sys.stdout.write(json.dumps(line) + "\n")
                sys.stdout.flush()
            except OSError as exc:
                if not is_closed_pipe(exc):
                    raise
                state.close_stdout()
                stop.set()
                return
        state.finished.append(reorg.batch_id)
        state.token = reorg.resume_token

    @sc.on_error
    def report(error: StreamingError) -> None:
        # A fatal error ends the command, which prints it as its one error line.
        if error.recoverable:
            note(f"stream: {error.error_code}: {error.error_message} (retrying)")

    async def acknowledge() -> None:
        if state.finished and not state.no_ack:
            ids = state.finished[:]
            await sc.acknowledge_batch_bulk(ids)
            del state.finished[: len(ids)]

    async def acknowledge_periodically() -> None:
        while True:
            await asyncio.sleep(ACK_INTERVAL)
            with contextlib.suppress(EventStreamerSDKError):  # retried at the next tick
                await acknowledge()

    async def watch_stdout() -> None:
        # Polled: a pipe's reader leaving is no event asyncio can wait on for a writer.
        while True:
            await asyncio.sleep(STDOUT_CHECK_INTERVAL)
            if stdout_reader_gone():
                state.close_stdout()
                stop.set()
                return

    async def stream() -> None:
        await sc.start_streaming()
        await sc.wait()  # returns or raises when the stream ends by itself

    async with sc:
        streaming = asyncio.create_task(stream())
        stopped = asyncio.create_task(stop.wait())
        helpers = [
            asyncio.create_task(acknowledge_periodically()),
            asyncio.create_task(watch_stdout()),
        ]
        try:
            await asyncio.wait({streaming, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (stopped, *helpers, streaming):
                task.cancel()
            await asyncio.gather(stopped, *helpers, streaming, return_exceptions=True)
        ended = None  # the error that ended the stream by itself, raised after the acks
        if streaming.done() and not streaming.cancelled() and not stop.is_set():
            ended = streaming.exception()
        try:  # while still connected; bounded, so a hung service cannot hold the exit
            async with asyncio.timeout(FINAL_ACK_TIMEOUT):
                await acknowledge()
        except (TimeoutError, EventStreamerSDKError) as exc:
            why = str(exc) or f"no answer in {FINAL_ACK_TIMEOUT:g}s"
            note(f"acknowledgements not sent ({why}); resume from the token below")
        if ended is not None:
            raise ended
