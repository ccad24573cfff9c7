"""Ending an ``async for`` over a stream: from its own body, or from another task."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

from .._messages import Delivered
from ._driver import StreamDriver

__all__ = ["STOP_WAIT_SECONDS", "end_iteration"]

logger = logging.getLogger("event_streamer._streaming")

STOP_WAIT_SECONDS = 10.0  # how long a stop waits for a loop running in another task to end


async def end_iteration(
    driver: StreamDriver,
    gen: AsyncGenerator[Delivered, None] | None,
    background: asyncio.Task[None] | None,
) -> None:
    """After a stop: let an ``async for`` in progress wind down (its acks flushed).

    ``gen``: the iteration, if still referenced; ``background``: the start_streaming task."""
    if not driver.active or driver.runner is background:  # none, or a background run
        return
    suspended = gen is not None and not getattr(gen, "ag_running", False)
    if driver.runner is asyncio.current_task() and suspended:
        if driver.yielded is not None:
            # Called in the loop body: the batch in hand finishes, and the loop ends at its
            # next step (or at break) with the acks flushed.
            driver.keep = driver.yielded
            return
        assert gen is not None
        await gen.aclose()  # a loop left with break, still referenced: finish it now
        return
    # Iterated in another task (or being closed by asyncio): it notices the stop itself.
    await driver.wait_ended(STOP_WAIT_SECONDS)
    if driver.active:
        logger.warning(
            "stream %d: the async-for loop did not end within %gs of the stop",
            driver.session.subscription_id,
            STOP_WAIT_SECONDS,
        )
