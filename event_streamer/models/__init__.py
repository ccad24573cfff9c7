"""Typed models of the contract, under stable public names.

They are the generated ``event_streamer_api.models`` classes (attrs), re-exported here so that
application code never imports the generated package directly. The list of names is the
generated package's own ``__all__`` (one list; the topic modules ``models.abi``,
``models.chains``, ``models.circuit_breaker`` and ``models.subscriptions`` re-export it too).
"""

from event_streamer_api.models import *  # noqa: F403
from event_streamer_api.models import __all__ as __all__
