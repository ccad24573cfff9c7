"""Resume-token signing with secret rotation, bound to a subscription and its subscriber.

Wire format (same shape as ``_tokens.py``, so clients keep treating tokens as opaque)::

    rt_<payload>.<signature>
    payload   = base64url(JSON {"s": subscription_id, "q": seq, "k": secret_id, "v": 2})
    signature = base64url(HMAC-SHA256(secret, "rt2\\0" + subscriber_id + "\\0" + payload)[:16])

The subscriber id is bound through the MAC, not written into the token: a token presented by
another subscriber fails like a forged one. ``k`` names the secret that signed the token, so
verification needs one HMAC, not one per secret.

A ``Keyring`` holds the current secret and previous ones, each accepted until its own
``not_after`` (unix time, persisted with the secret). Tokens of the old format (``_tokens.py``:
no ``v``, MAC over the payload only, not bound to a subscriber) verify against any keyring
secret whose grace has not ended, only while ``accept_legacy_until`` has not passed.

Errors: ``TokenRejected`` subclasses ``_tokens.InvalidToken`` (so existing ``except`` clauses
keep answering 400/410), with a ``reason``: ``malformed``, ``signature`` (forged, another
subscriber's, or signed by a retired secret: one answer, no oracle) or ``subscription``.
Its message is safe to return to callers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import orjson

from ._tokens import InvalidToken

__all__ = [
    "DEFAULT_GRACE_SECONDS",
    "Keyring",
    "ResumeClaims",
    "Secret",
    "TokenCodec",
    "TokenRejected",
]

PREFIX = "rt_"
VERSION = 2
DEFAULT_GRACE_SECONDS = 7 * 24 * 3600.0  # previous secrets stay valid a week after rotation
MAX_TOKEN_LENGTH = 512
MAX_SEQ = 2**63 - 1
_B64 = re.compile(r"[A-Za-z0-9_-]+")

Reason = Literal["malformed", "signature", "subscription"]


class TokenRejected(InvalidToken):
    """The token is malformed, not ours (or not this subscriber's), or its secret retired."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret_id(secret: bytes) -> str:
    # Derived, so the secret already stored by older versions gets a stable id, no migration.
    return _b64(hashlib.sha256(b"event-streamer secret id\0" + secret).digest())[:6]


@dataclass(frozen=True, slots=True)
class Secret:
    """One signing secret; ``not_after`` (unix time) ends its acceptance, None = no end."""

    value: bytes = field(repr=False)
    not_after: float | None = None

    def __post_init__(self) -> None:
        if len(self.value) < 16:
            raise ValueError("a signing secret needs at least 16 bytes")

    @property
    def secret_id(self) -> str:
        return _secret_id(self.value)

    @classmethod
    def generate(cls) -> Secret:
        return cls(secrets.token_bytes(32))


@dataclass(frozen=True, slots=True)
class Keyring:
    """The current secret (signs) and previous ones (verify only, until their deadline)."""

    current: Secret
    previous: tuple[Secret, ...] = ()
    accept_legacy_until: float | None = None  # unbound old-format tokens; None: never

    def rotate(
        self,
        new: Secret | None = None,
        *,
        now: float,
        grace: float = DEFAULT_GRACE_SECONDS,
    ) -> Keyring:
        """A keyring signing with ``new`` (default: a fresh secret); the current secret is
        accepted ``grace`` seconds more, and previous secrets past their deadline are dropped.
        """
        if grace < 0:
            raise ValueError("grace must be >= 0 seconds")
        retired = replace(self.current, not_after=now + grace)
        kept = tuple(s for s in self.previous if s.not_after is None or s.not_after > now)
        return replace(self, current=new or Secret.generate(), previous=(retired, *kept))

    def accepted(self, now: float) -> Iterable[Secret]:
        for secret in (self.current, *self.previous):
            if secret.not_after is None or now <= secret.not_after:
                yield secret

    def to_records(self) -> list[dict[str, Any]]:
        """Storage form: ``[{"secret": hex, "not_after": float | None}, ...]``, current first."""
        return [
            {"secret": s.value.hex(), "not_after": s.not_after}
            for s in (self.current, *self.previous)
        ]

    @classmethod
    def from_records(
        cls, records: Iterable[dict[str, Any]], *, accept_legacy_until: float | None = None
    ) -> Keyring:
        items = [Secret(bytes.fromhex(r["secret"]), r.get("not_after")) for r in records]
        if not items:
            raise ValueError("a keyring needs at least one secret")
        return cls(items[0], tuple(items[1:]), accept_legacy_until)


@dataclass(frozen=True, slots=True)
class ResumeClaims:
    """What a resume token says: resume ``subscription_id`` after batch ``seq``."""

    subscription_id: int
    seq: int


class TokenCodec:
    """Signs and verifies resume tokens with a keyring; ``clock`` is wall time (deadlines)."""

    def __init__(self, keyring: Keyring, *, clock: Callable[[], float] = time.time) -> None:
        self.keyring = keyring
        self._clock = clock

    @staticmethod
    def _mac(secret: bytes, payload: str, subscriber_id: str | None) -> str:
        if subscriber_id is None:  # the legacy, unbound format of _tokens.py
            message = payload.encode("ascii")
        else:
            subscriber = subscriber_id.encode("utf-8", "surrogatepass")
            message = b"rt2\0" + subscriber + b"\0" + payload.encode("ascii")
        return _b64(hmac.new(secret, message, hashlib.sha256).digest()[:16])

    def sign(self, claims: ResumeClaims, *, subscriber_id: str) -> str:
        """A token for ``claims``, bound to ``subscriber_id``, signed with the current secret."""
        current = self.keyring.current
        body = {"s": claims.subscription_id, "q": claims.seq, "k": current.secret_id, "v": VERSION}
        payload = _b64(orjson.dumps(body))
        return f"{PREFIX}{payload}.{self._mac(current.value, payload, subscriber_id)}"

    def verify(self, token: str, *, subscription_id: int, subscriber_id: str) -> ResumeClaims:
        """The claims of ``token`` if it is ours, this subscriber's and this subscription's."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise TokenRejected("malformed", "not a resume token")
        if not token.startswith(PREFIX) or token.count(".") != 1:
            raise TokenRejected("malformed", "not a resume token (expected rt_<payload>.<sig>)")
        payload, signature = token[len(PREFIX) :].split(".")
        if not (_B64.fullmatch(payload) and _B64.fullmatch(signature)):
            raise TokenRejected("malformed", "not a resume token")
        try:
            data = orjson.loads(_unb64(payload))
        except (ValueError, TypeError) as err:  # binascii.Error and JSONDecodeError included
            raise TokenRejected("malformed", "malformed resume token") from err
        if not isinstance(data, dict):
            raise TokenRejected("malformed", "malformed resume token")
        now = self._clock()
        if data.get("v") == VERSION:
            wanted = data.get("k")
            candidates = [s for s in self.keyring.accepted(now) if s.secret_id == wanted]
            bound: str | None = subscriber_id
        elif "v" not in data and now <= (self.keyring.accept_legacy_until or float("-inf")):
            candidates, bound = list(self.keyring.accepted(now)), None
        else:
            candidates, bound = [], None
        expected = signature.encode("ascii")
        if not any(
            hmac.compare_digest(self._mac(s.value, payload, bound).encode("ascii"), expected)
            for s in candidates
        ):
            # One message for forged, other-subscriber and retired-secret tokens: no oracle.
            raise TokenRejected("signature", "resume token is not valid for this subscriber")
        owner, seq = data.get("s"), data.get("q")
        # type() is int, not isinstance: JSON true/false must not pass as 1/0.
        if type(owner) is not int or type(seq) is not int or not 0 <= seq <= MAX_SEQ:
            raise TokenRejected("malformed", "malformed resume token")
        if owner != subscription_id:
            raise TokenRejected("subscription", "resume token belongs to another subscription")
        return ResumeClaims(subscription_id=owner, seq=seq)
