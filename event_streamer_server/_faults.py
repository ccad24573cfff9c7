"""Test-only crash points: the process dies at an exact moment, as if killed with SIGKILL.

Enabled only by the ``test_faults`` setting (``EVENT_STREAMER_TEST_FAULTS``); the reliability
suite uses them to crash between a commit and its reply, or between eth_getLogs and the commit.
"""

from __future__ import annotations

import logging
import os

__all__ = ["FaultPoints"]

logger = logging.getLogger(__name__)


class FaultPoints:
    def __init__(self, spec: str) -> None:
        self.enabled = {name.strip() for name in spec.split(",") if name.strip()}
        if self.enabled:
            logger.warning("TEST FAULTS ENABLED: %s", ", ".join(sorted(self.enabled)))

    def hit(self, name: str) -> None:
        """Die here (no cleanup, no flush), if ``name`` is enabled."""
        if name in self.enabled:
            logger.warning("test fault %s: exiting now", name)
            os._exit(137)
