"""Masking secrets in RPC URLs and in text that may quote them (logs, remote error messages).

RPC providers put credentials in three places: userinfo (``https://user:pw@host``), query
parameters (``?apikey=...``) and path segments (``/v3/<project id>``, ``/v2/<api key>``).
``redact_url`` masks all three with ``***`` and keeps the rest readable (scheme, host, port,
ordinary path) so operators can still tell endpoints apart. ``redact_text`` applies it to every
URL in free text and also masks ``name=value`` secrets and long key-like words outside URLs.
``RedactingFilter`` rewrites log records; ``install_redaction`` puts it on httpx's and
httpcore's loggers (their INFO/DEBUG request lines print full URLs) and on given handlers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = [
    "HTTP_LOGGERS",
    "MASK",
    "RedactingFilter",
    "install_redaction",
    "redact_text",
    "redact_url",
]

MASK = "***"
DEFAULT_MAX_TEXT = 500  # characters kept of remote error text
MAX_SCAN = 16_384  # text beyond this is cut before the regexes run (bounded work per record)

# Loggers that print request URLs. Filters on a logger do not apply to its children's records,
# so every httpcore child is named.
HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# Query parameter names whose values are secrets: any name containing one of these words,
# case-insensitive (apikey, api_key, x-api-key, access_token, client_secret, authToken...).
_SECRET_WORDS = ("key", "token", "secret", "password", "passwd", "pwd", "auth", "sig", "credential")
_SECRET_NAME = re.compile("|".join(_SECRET_WORDS), re.IGNORECASE)
# Anchored at the start of a word and bounded, so matching stays linear in the text length.
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_-])(?P<name>[A-Za-z0-9_-]{0,64}?(?:"
    + "|".join(_SECRET_WORDS)
    + r")[A-Za-z0-9_-]{0,64})(?P<sep>\s{0,8}[=:]\s{0,8})(?P<value>[^\s&,;'\"]{1,4096})",
    re.IGNORECASE,
)
# A path segment or word that looks like an API key: 20+ URL-safe characters holding at least
# one digit and one letter (Infura's 32 hex, Alchemy's 32 base62, QuickNode's 40+ hex). Runs
# are matched first and tested after (no lookaheads: linear time on any input).
_RUN = re.compile(r"[A-Za-z0-9_-]{20,}")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,15}://[^\s'\"<>`]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _keylike(word: str) -> bool:
    return bool(_RUN.fullmatch(word) and _DIGIT.search(word) and _LETTER.search(word))


def _mask_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        if eq and value and _SECRET_NAME.search(unquote(name)):
            value = MASK
        elif not eq and _keylike(name):  # ?<bare key>
            name = MASK
        parts.append(f"{name}{eq}{value}")
    return "&".join(parts)


def _mask_path(path: str) -> str:
    return "/".join(MASK if _keylike(seg) else seg for seg in path.split("/"))


def redact_url(url: str) -> str:
    """``url`` with userinfo, secret query values, key-like path segments and fragment masked.

    Never raises: an unparseable URL comes back as ``<redacted url>``.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<redacted url>"
    if ":" in host:
        host = f"[{host}]"
    netloc = ("***@" if "@" in parts.netloc else "") + host + (f":{port}" if port else "")
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            _mask_path(parts.path),
            _mask_query(parts.query),
            MASK if parts.fragment else "",
        )
    )


def _redact_secrets(text: str) -> str:
    text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    return _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)


def redact_text(
    text: str, *, max_length: int | None = DEFAULT_MAX_TEXT, mask_keylike: bool = True
) -> str:
    """``text`` with every URL redacted, ``secret=value`` pairs masked, key-like words masked
    (``mask_keylike``; this also masks hex addresses and hashes), control characters (log
    injection) replaced by a space, and cut to ``max_length`` characters.
    """
    text = _redact_secrets(text[:MAX_SCAN])
    if mask_keylike:
        text = _RUN.sub(lambda m: MASK if _keylike(m.group(0)) else m.group(0), text)
    text = _CONTROL.sub(" ", text)
    if max_length is not None and len(text) > max_length:
        text = text[: max(0, max_length - 1)] + "…"
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in first): URLs are redacted and
    ``secret=value`` pairs masked. Bare key-like words are kept (in this service's logs they
    are mostly addresses and hashes), and so are line breaks (tracebacks). The message is cut
    to ``max_length`` characters (default ``MAX_SCAN``) so the work per record is bounded.

    Never drops a record and never raises: a message that cannot be formatted is left to the
    handler, which reports it the usual way.
    """

    def __init__(self, *, max_length: int = MAX_SCAN) -> None:
        super().__init__()
        self.max_length = max_length

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = _redact_secrets(message[: self.max_length])
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_redaction(
    *,
    loggers: Iterable[str] = HTTP_LOGGERS,
    handlers: Iterable[logging.Handler] = (),
    log_filter: RedactingFilter | None = None,
) -> RedactingFilter:
    """Attach one ``RedactingFilter`` to ``loggers`` (by name) and ``handlers``; idempotent.

    Handler filters also see records propagated from child loggers (logger filters do not),
    so the service should pass its root and uvicorn handlers here too.
    """
    log_filter = log_filter or RedactingFilter()
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in loggers]
    targets.extend(handlers)
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(log_filter)
    return log_filter
