"""API keys and principals: who is calling, and which subscriber's objects they may touch.

Pure logic, no storage and no HTTP. A key is ``es_admin_<40 base62>`` or
``es_subscriber_<40 base62>`` (about 238 random bits from ``secrets``); its first 8 random
characters are the *key id*, stored and logged in clear for lookup and revocation. The
service stores only ``digest_key(key)``: HMAC-SHA256 of the key under an optional server-side
pepper. A fast hash is right here: the keys are uniformly random with > 200 bits, so an
offline guess costs 2^200 hashes whatever the hash speed; a slow KDF (bcrypt, argon2) only
protects low-entropy passwords and would add milliseconds to every request. Legacy keys of any
shape (the old single ``api_key`` setting) are hashed the same way; their key id is a prefix of
the peppered digest, so logs reveal nothing checkable about a weak legacy key.

Errors::

    ValueError
    ├── KeyConfigError      a configured key entry is malformed (field names the entry)
    └── AccessDenied        the principal may not act for that subscriber
        └── SubscriberRequired   an admin must name the subscriber (create calls)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "OPEN_PRINCIPAL",
    "AccessDenied",
    "Authenticator",
    "KeyConfigError",
    "Kind",
    "Principal",
    "StoredKey",
    "SubscriberRequired",
    "bearer_token",
    "can_access",
    "digest_key",
    "generate_key",
    "key_id_of",
    "legacy_admin_key",
    "parse_api_key_table",
    "parse_api_keys",
    "resolve_subscriber",
    "subscriber_filter",
    "verify_key",
]

Kind = Literal["admin", "subscriber"]
KINDS: tuple[Kind, ...] = ("admin", "subscriber")
RANDOM_CHARS = 40  # base62 characters: 40 * log2(62) = 238 bits
KEY_ID_CHARS = 8
MAX_KEY_LENGTH = 512  # longer presented keys are rejected before hashing
MAX_SUBSCRIBER_ID = 200  # as in the OpenAPI schema
_ALPHABET = string.ascii_letters + string.digits
_KEY_RE = re.compile(rf"es_(admin|subscriber)_([A-Za-z0-9]{{{RANDOM_CHARS}}})")


class KeyConfigError(ValueError):
    """A configured API key entry is malformed; ``field`` names the entry."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class AccessDenied(ValueError):
    """The principal may not act for the subscriber it named (the API answers 403)."""

    status = 403


class SubscriberRequired(AccessDenied):
    """An admin key has no subscriber of its own: the request must name one (400)."""

    status = 400


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: an admin, or a subscriber bound to one ``subscriber_id``."""

    kind: Kind
    key_id: str
    subscriber_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if (self.kind == "subscriber") != (self.subscriber_id is not None):
            raise ValueError("a subscriber principal needs a subscriber_id; an admin has none")

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"


# Open mode (no keys configured, local development only): every caller is this admin.
OPEN_PRINCIPAL = Principal(kind="admin", key_id="open")


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What the service keeps of a key: never the key itself."""

    key_id: str
    digest: str  # hex HMAC-SHA256 of the key under the pepper
    kind: Kind
    subscriber_id: str | None = None

    def principal(self) -> Principal:
        return Principal(kind=self.kind, key_id=self.key_id, subscriber_id=self.subscriber_id)


def _encode(key: str) -> bytes:
    # Never raises: non-ASCII (even lone surrogates) hashes to bytes that match no stored key.
    return key.encode("utf-8", "surrogatepass")


def digest_key(key: str, *, pepper: bytes = b"") -> str:
    """Hex HMAC-SHA256 of ``key`` under ``pepper`` (the storage form)."""
    return hmac.new(pepper, _encode(key), hashlib.sha256).hexdigest()


def key_id_of(key: str, *, pepper: bytes = b"") -> str:
    """The key id: the embedded prefix of an ``es_`` key, else a digest prefix (legacy keys)."""
    match = _KEY_RE.fullmatch(key)
    if match:
        return match.group(2)[:KEY_ID_CHARS]
    return "h" + digest_key(key, pepper=pepper)[: KEY_ID_CHARS - 1]


def generate_key(
    kind: Kind, *, subscriber_id: str | None = None, pepper: bytes = b""
) -> tuple[str, StoredKey]:
    """A new key (show it once) and its storage form."""
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_CHARS))
    key = f"es_{kind}_{random_part}"
    stored = StoredKey(
        key_id=random_part[:KEY_ID_CHARS],
        digest=digest_key(key, pepper=pepper),
        kind=kind,
        subscriber_id=_subscriber(subscriber_id, "subscriber_id") if kind == "subscriber" else None,
    )
    stored.principal()  # validates kind / subscriber_id together
    return key, stored


def verify_key(presented: str, digest: str, *, pepper: bytes = b"") -> bool:
    """Constant-time check of a presented key against a stored digest; never raises."""
    if not isinstance(presented, str) or len(presented) > MAX_KEY_LENGTH:
        return False
    computed = digest_key(presented, pepper=pepper).encode("ascii")
    return hmac.compare_digest(computed, digest.encode("ascii", "replace"))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_KEY_LENGTH:
        return None
    return token


class Authenticator:
    """Keys by key id; ``authenticate`` maps a presented key to its principal or None.

    ``open`` is true when no key is known: the service then runs in open mode and treats every
    caller as ``OPEN_PRINCIPAL`` (the caller decides; this class never grants open access).
    """

    def __init__(self, keys: Iterable[StoredKey] = (), *, pepper: bytes = b"") -> None:
        self._pepper = pepper
        self._by_id: dict[str, list[StoredKey]] = {}
        for key in keys:
            self.add(key)

    def add(self, key: StoredKey) -> None:
        self._by_id.setdefault(key.key_id, []).append(key)

    @property
    def open(self) -> bool:
        return not self._by_id

    def authenticate(self, presented: str | None) -> Principal | None:
        if presented is None or len(presented) > MAX_KEY_LENGTH:
            return None
        for stored in self._by_id.get(key_id_of(presented, pepper=self._pepper), ()):
            if verify_key(presented, stored.digest, pepper=self._pepper):
                return stored.principal()
        return None


def _subscriber(value: Any, field: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_SUBSCRIBER_ID:
        raise KeyConfigError(field, f"subscriber_id must be 1-{MAX_SUBSCRIBER_ID} characters")
    return value


def _stored(kind: Any, key: Any, subscriber_id: Any, field: str, pepper: bytes) -> StoredKey:
    if kind not in KINDS:
        raise KeyConfigError(field, f"kind must be 'admin' or 'subscriber', got {kind!r}")
    if not isinstance(key, str) or not 16 <= len(key) <= MAX_KEY_LENGTH or not key.isascii():
        raise KeyConfigError(field, f"key must be 16-{MAX_KEY_LENGTH} ASCII characters")
    if key != key.strip() or "," in key:
        raise KeyConfigError(field, "key must not contain spaces at the ends or commas")
    match = _KEY_RE.fullmatch(key)
    if match and match.group(1) != kind:
        raise KeyConfigError(field, f"an es_{match.group(1)}_ key configured as {kind}")
    if kind == "subscriber":
        subscriber_id = _subscriber(subscriber_id, field)
    elif subscriber_id is not None:
        raise KeyConfigError(field, "an admin key has no subscriber_id")
    return StoredKey(
        key_id=key_id_of(key, pepper=pepper),
        digest=digest_key(key, pepper=pepper),
        kind=kind,
        subscriber_id=subscriber_id,
    )


def legacy_admin_key(api_key: str, *, pepper: bytes = b"") -> StoredKey:
    """The old single ``api_key`` setting as an admin key (any 1-512 ASCII characters, for
    compatibility: unlike ``api_keys`` entries it has no 16-character minimum).
    """
    if not api_key or len(api_key) > MAX_KEY_LENGTH or not api_key.isascii():
        raise KeyConfigError("api_key", f"must be 1-{MAX_KEY_LENGTH} ASCII characters")
    return StoredKey(
        key_id=key_id_of(api_key, pepper=pepper),
        digest=digest_key(api_key, pepper=pepper),
        kind="admin",
    )


def parse_api_keys(text: str, *, pepper: bytes = b"") -> list[StoredKey]:
    """Parse ``EVENT_STREAMER_API_KEYS``: ``admin:KEY,subscriber:SUBSCRIBER_ID:KEY,...``.

    Entries are separated by commas; a subscriber id here may not contain ``:`` or ``,`` (use
    the ``[[api_keys]]`` table in the config file for such ids). Keys are never echoed in errors.
    """
    keys: list[StoredKey] = []
    for index, entry in enumerate(e.strip() for e in text.split(",")):
        if not entry:
            continue
        field = f"api_keys[{index}]"
        parts = entry.split(":")
        if parts[0] == "admin" and len(parts) == 2:
            keys.append(_stored("admin", parts[1], None, field, pepper))
        elif parts[0] == "subscriber" and len(parts) == 3:
            keys.append(_stored("subscriber", parts[2], parts[1], field, pepper))
        else:
            raise KeyConfigError(
                field, "expected admin:KEY or subscriber:SUBSCRIBER_ID:KEY (kind first)"
            )
    return keys


def parse_api_key_table(
    entries: Sequence[Mapping[str, Any]], *, pepper: bytes = b""
) -> list[StoredKey]:
    """Parse the config file's ``[[api_keys]]`` tables: ``kind``, ``key``, ``subscriber_id``."""
    keys = []
    for index, entry in enumerate(entries):
        field = f"api_keys[{index}]"
        if not isinstance(entry, Mapping):
            raise KeyConfigError(field, "expected a table with kind, key and subscriber_id")
        unknown = set(entry) - {"kind", "key", "subscriber_id"}
        if unknown:
            raise KeyConfigError(field, f"unknown fields {sorted(unknown)}")
        keys.append(
            _stored(entry.get("kind"), entry.get("key"), entry.get("subscriber_id"), field, pepper)
        )
    return keys


def can_access(principal: Principal, subscriber_id: str) -> bool:
    """May ``principal`` see or change objects owned by ``subscriber_id``? (Else answer 404.)"""
    return principal.is_admin or principal.subscriber_id == subscriber_id


def subscriber_filter(principal: Principal, requested: str | None) -> str | None:
    """The subscriber a listing is restricted to; None means all (admins only)."""
    if principal.is_admin:
        return requested
    if requested is not None and requested != principal.subscriber_id:
        raise AccessDenied("subscriber_id does not match the API key's subscriber")
    return principal.subscriber_id


def resolve_subscriber(
    principal: Principal, requested: str | None, *, default: str | None = None
) -> str:
    """The subscriber a write acts for: omitted means the key's; a mismatch is AccessDenied.

    An admin that names none gets ``default`` (the service passes ``"default"`` to keep the
    open-mode behaviour), or ``SubscriberRequired`` when ``default`` is None.
    """
    resolved = subscriber_filter(principal, requested)
    if resolved is None:
        resolved = default
    if resolved is None:
        raise SubscriberRequired("an admin key must name the subscriber_id")
    return resolved
