"""Settings, running a command's async work, and the one mapping from errors to exit codes.

Exit codes: 0 ok, 1 usage or validation (or anything unexpected), 2 not found, 3 auth,
4 connection. Every error is one line on stderr; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import asyncio
import errno
import os
import select
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NoReturn, TypeVar

import click

from .. import EventStreamer
from ..exceptions import (
    EventStreamerAuthError,
    EventStreamerConnectionError,
    EventStreamerNotFoundError,
    EventStreamerSDKError,
    EventStreamerTimeoutError,
    EventStreamerValidationError,
)
from ._output import err

EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_AUTH, EXIT_CONNECTION = 0, 1, 2, 3, 4
T = TypeVar("T")


def split_urls(values: Sequence[str]) -> list[str]:
    """``--url a --url b,c`` (and ``EVENT_STREAMER_URL="a,b"``) as ``[a, b, c]``."""
    return [url for value in values for part in value.split(",") if (url := part.strip())]


class Settings:
    """The global options, shared by every command through the click context."""

    def __init__(
        self,
        url: str | Sequence[str],
        subscriber: str,
        api_key: str | None,
        as_json: bool,
        debug: bool,
    ):
        self.urls = [url] if isinstance(url, str) else list(url)
        self.url = ", ".join(self.urls)  # for messages
        self.subscriber = subscriber
        self.api_key = api_key
        self.json = as_json
        self.debug = debug

    def client(self) -> EventStreamer:
        target: str | list[str] = self.urls[0] if len(self.urls) == 1 else self.urls
        return EventStreamer(target, self.subscriber, api_key=self.api_key, timeout=30.0)


pass_settings = click.make_pass_decorator(Settings)


class CommandFailed(Exception):
    """A command gave up with a message for the user and an exit code (see ``main``)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def exit_with_error(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """End the command: ``main`` prints ``error: message`` and exits with ``code``."""
    raise CommandFailed(message, code)


def run(settings: Settings, work: Callable[[EventStreamer], Coroutine[Any, Any, T]]) -> T:
    """Run ``work`` with a client (errors propagate to ``main``, which maps them)."""

    async def go() -> T:
        async with settings.client() as client:
            return await work(client)

    return asyncio.run(go())


def silence_stdout() -> None:
    """The reader of stdout went away: send what is still buffered to /dev/null, quietly.

    Without this, the interpreter's final flush prints "Exception ignored ... BrokenPipeError".
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def stdout_reader_gone() -> bool:
    """True when stdout is a pipe or socket whose reader has gone (checked without writing).

    Lets `tail | head -3` end as soon as `head` exits, even while no new events arrive.
    """
    if not hasattr(select, "poll"):  # e.g. Windows: the next write tells instead
        return False
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in poller.poll(0))
    except (OSError, ValueError):  # no real file descriptor (e.g. captured output)
        return False


def is_closed_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (
        isinstance(exc, OSError) and exc.errno == errno.EPIPE
    )


def describe(exc: BaseException, url: str) -> tuple[int, str]:
    """The exit code and the one line for an error a command raised."""
    if isinstance(exc, CommandFailed):
        return exc.code, str(exc)
    if isinstance(exc, EventStreamerNotFoundError):
        return EXIT_NOT_FOUND, str(exc)
    if isinstance(exc, EventStreamerAuthError):
        return EXIT_AUTH, f"{exc} (pass --api-key or set EVENT_STREAMER_API_KEY)"
    if isinstance(exc, EventStreamerConnectionError | EventStreamerTimeoutError):
        return EXIT_CONNECTION, f"{exc} (is the service running at {url}?)"
    if isinstance(exc, EventStreamerValidationError):
        text = str(exc)
        extra = [f"{e.field}: {e.message}" for e in exc.field_errors]
        extra = [item for item in extra if item not in text]  # no repeats of the message
        return EXIT_USAGE, text + (f" [{'; '.join(extra)}]" if extra else "")
    if isinstance(exc, EventStreamerSDKError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        return EXIT_USAGE, f"{exc.strerror}:{where}".rstrip(":")
    return EXIT_USAGE, f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)"


def print_error(message: str) -> None:
    err.print(f"error: {message}", markup=False, highlight=False)


def run_cli(group: click.Group, argv: Sequence[str] | None, prog_name: str) -> int:
    """Parse and run a command line; every failure becomes one stderr line and an exit code.

    Usage errors exit 1, not click's 2: 2 means not found.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    ctx: click.Context | None = None
    try:
        ctx = group.make_context(prog_name, args)
        with ctx:
            group.invoke(ctx)
    except click.exceptions.Exit as exc:  # --help
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        return EXIT_OK  # Ctrl-C outside `tail` (which handles it itself)
    except click.ClickException as exc:
        print_error(exc.format_message())
        return EXIT_USAGE
    except SystemExit as exc:  # e.g. a service alias passing its own exit code on
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except Exception as exc:
        settings = ctx.obj if ctx is not None else None
        if is_closed_pipe(exc):  # `event-streamer ... | head`: end quietly, like Unix tools
            silence_stdout()
            return EXIT_OK
        if isinstance(settings, Settings) and settings.debug:
            raise
        code, message = describe(exc, settings.url if isinstance(settings, Settings) else "")
        print_error(message)
        return code
    return EXIT_OK
