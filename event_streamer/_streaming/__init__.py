"""Streaming: a pure :class:`StreamSession` (protocol state), a thin asyncio driver, and the
public :class:`StreamingClient` on top. The package reaches the service only through the
:class:`StreamControl` protocol, which ``EventStreamer`` implements.
"""

from ._actions import (
    Action,
    CheckCompletion,
    Connect,
    Dispatch,
    Fail,
    Finish,
    FlushAcks,
    HeartbeatReceived,
    Reconnect,
    Report,
    SendHeartbeat,
    State,
    StreamStateError,
)
from ._client import StreamingClient
from ._control import StreamControl
from ._handlers import (
    AllEventsHandler,
    CompleteHandler,
    ErrorHandler,
    Event,
    EventsHandler,
    HeartbeatHandler,
    ReorgHandler,
)
from ._options import StreamOptions
from ._session import StreamSession

__all__ = [
    "Action",
    "AllEventsHandler",
    "CheckCompletion",
    "CompleteHandler",
    "Connect",
    "Dispatch",
    "ErrorHandler",
    "Event",
    "EventsHandler",
    "Fail",
    "Finish",
    "FlushAcks",
    "HeartbeatHandler",
    "HeartbeatReceived",
    "Reconnect",
    "ReorgHandler",
    "Report",
    "SendHeartbeat",
    "State",
    "StreamControl",
    "StreamOptions",
    "StreamSession",
    "StreamStateError",
    "StreamingClient",
]
