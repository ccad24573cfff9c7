"""`python -m event_streamer_server`: same as `event-streamer-server` (see ``cli``)."""

import sys

from .cli import main, parse_args

__all__ = ["main", "parse_args"]

if __name__ == "__main__":
    sys.exit(main())
