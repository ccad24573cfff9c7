"""Input validation as a public module: the rules the SDK checks before a request is sent.

The reference service applies the same functions to what it receives, so a rule lives in one
place. Each raises :class:`~event_streamer.exceptions.EventStreamerValidationError` naming
every bad field.
"""

from ._subscriptions import validate_subscription_create, validate_subscription_update

__all__ = ["validate_subscription_create", "validate_subscription_update"]
