"""The SDK's version: one source of truth, the installed distribution's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["DISTRIBUTION", "__version__"]

#: The name this code is published and installed under (``event-streamer-sdk`` on PyPI is
#: another project); the import names stay ``event_streamer``, ``event_streamer_api``,
#: ``event_streamer_server``.
DISTRIBUTION = "evm-event-streamer"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
