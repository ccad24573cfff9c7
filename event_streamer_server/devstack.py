"""`python -m event_streamer_server.devstack`: same as `event-streamer devstack`.

Starts anvil on 127.0.0.1:8545 and the service on 127.0.0.1:8000 (flags change the ports),
registers the anvil chain (id 31337) and runs until Ctrl-C; both are stopped by PID on exit.
"""

from __future__ import annotations

import sys

from event_streamer._cli import main

if __name__ == "__main__":
    sys.exit(main(["devstack", *sys.argv[1:]]))
