"""Chain configuration models (generated from the contract).

The v0.4 SDK's module path; every model is importable from here (one list: the generated
package's ``__all__``).
"""

from event_streamer_api.models import *  # noqa: F403
from event_streamer_api.models import __all__ as __all__
