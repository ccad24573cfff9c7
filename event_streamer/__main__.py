"""`python -m event_streamer`: the event-streamer command line."""

import sys

from ._cli import main

sys.exit(main())
