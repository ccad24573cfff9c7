"""Resume tokens: opaque ``rt_`` strings naming a subscription and a batch position.

``rt_<payload>.<signature>``: the payload is base64url JSON ``{"s": subscription_id, "q": seq}``;
the signature is a truncated HMAC-SHA256 of the payload with a secret kept in the database, so a
token cannot be forged or moved to another subscription.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import orjson

__all__ = ["InvalidToken", "TokenSigner"]

PREFIX = "rt_"


class InvalidToken(ValueError):
    """The token is malformed, tampered with, or for another subscription."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest()
        return _b64(digest[:16])

    def make(self, subscription_id: int, seq: int) -> str:
        payload = _b64(orjson.dumps({"s": subscription_id, "q": seq}))
        return f"{PREFIX}{payload}.{self._sign(payload)}"

    def position(self, token: str, subscription_id: int) -> int:
        """The batch sequence number ``token`` resumes after; raises InvalidToken."""
        if not token.startswith(PREFIX) or token.count(".") != 1:
            raise InvalidToken("not a resume token (expected rt_<payload>.<signature>)")
        payload, signature = token[len(PREFIX) :].split(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidToken("signature does not match: the token was altered or is not ours")
        try:
            data = orjson.loads(_unb64(payload))
            owner, seq = int(data["s"]), int(data["q"])
        except (ValueError, KeyError, TypeError) as err:
            raise InvalidToken("malformed payload") from err
        if owner != subscription_id:
            raise InvalidToken(f"token belongs to subscription {owner}, not {subscription_id}")
        if seq < 0:
            raise InvalidToken("negative position")
        return seq
