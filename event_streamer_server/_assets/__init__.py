"""Runtime assets shipped inside the package, read with ``importlib.resources``.

``event-streamer.yaml`` is a copy of ``openapi/event-streamer.yaml`` (``make generate`` writes
it); ``Emitter.json`` is compiled from ``scripts/contracts/Emitter.sol`` (``make contract``).
A wheel and a checkout read the same files.
"""
