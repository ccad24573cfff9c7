"""Fixtures for the SDK against scripted servers."""

from tests._scripted import scripted

__all__ = ["scripted"]  # the scripted real-socket service, as a fixture for every client test
