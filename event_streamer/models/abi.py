"""ABI event models (generated from the contract)."""

from event_streamer_api.models import ABIEvent, ABIInput

__all__ = ["ABIEvent", "ABIInput"]
