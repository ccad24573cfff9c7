"""Redaction of RPC URLs, remote error text and log records."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._redact import (
    HTTP_LOGGERS,
    RedactingFilter,
    install_redaction,
    redact_text,
    redact_url,
)

INFURA = "0123456789abcdef0123456789abcdef"
ALCHEMY = "AbCdEfGhIjKlMnOpQrStUvWx12345678"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("http://[::1]:8545/", "http://[::1]:8545/"),
        ("https://user:pw@node.example/rpc", "https://***@node.example/rpc"),
        ("https://user@node.example/", "https://***@node.example/"),
        (f"https://mainnet.infura.io/v3/{INFURA}", "https://mainnet.infura.io/v3/***"),
        (
            f"https://eth-mainnet.g.alchemy.com/v2/{ALCHEMY}",
            "https://eth-mainnet.g.alchemy.com/v2/***",
        ),
        (
            "https://n.example/rpc?apikey=S1&chain=1&API_KEY=S2&Access_Token=S3&x-api-key=S4",
            "https://n.example/rpc?apikey=***&chain=1&API_KEY=***&Access_Token=***&x-api-key=***",
        ),
        (
            "https://n.example/?token=a&secret=b&password=c&auth=d",
            "https://n.example/?token=***&secret=***&password=***&auth=***",
        ),
        (f"https://n.example/?{INFURA}", "https://n.example/?***"),
        ("https://n.example/rpc#key=x", "https://n.example/rpc#***"),
        ("https://n.example/ext/bc/C/rpc", "https://n.example/ext/bc/C/rpc"),
        ("http://[::1", "<redacted url>"),
        ("http://h:99999/", "<redacted url>"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


SECRETS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=24, max_size=40).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)


@given(secret=SECRETS, host=st.sampled_from(["node.example", "127.0.0.1", "[2001:db8::1]"]))
def test_no_secret_survives_in_any_position(secret: str, host: str) -> None:
    for url in (
        f"https://{secret}:{secret}@{host}/",
        f"https://{host}/v3/{secret}",
        f"https://{host}/?apiKey={secret}&x=1",
    ):
        assert secret not in redact_url(url)
        assert secret not in redact_text(f"failed: {url} said no")


@given(st.text(max_size=200))
def test_redact_never_raises(text: str) -> None:
    redact_url(text)
    assert len(redact_text(text, max_length=100)) <= 100


def test_remote_error_text() -> None:
    text = f"upstream https://u:p@h/v3/{INFURA}: token=abc api_key: zzz\r\nFORGED log line"
    out = redact_text(text)
    assert out == "upstream https://***@h/v3/***: token=*** api_key: *** FORGED log line"
    assert redact_text("x" * 1000, max_length=10) == "x" * 9 + "…"
    assert INFURA not in redact_text(f"bad key {INFURA}")
    assert INFURA in redact_text(f"bad key {INFURA}", mask_keylike=False)


@pytest.mark.parametrize(
    "text", ["a" * 16384, "a1" * 8192, "key" * 6000, "http://" * 3000, ":" * 20000]
)
def test_work_is_bounded_on_adversarial_text(text: str) -> None:
    started = time.perf_counter()
    redact_text(text, max_length=None)
    assert time.perf_counter() - started < 1.0


def test_filter_rewrites_records_and_keeps_addresses() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: %s %s",
        ("POST", httpx.URL(f"https://u:p@h/v3/{INFURA}?key=k")),
        None,
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "HTTP Request: POST https://***@h/v3/***?key=***"
    address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    kept = logging.LogRecord("x", logging.INFO, __file__, 1, "log at %s", (address,), None)
    assert RedactingFilter().filter(kept)
    assert kept.getMessage() == f"log at {address}"
    broken = logging.LogRecord("x", logging.INFO, __file__, 1, "%d", ("nan",), None)
    assert RedactingFilter().filter(broken)


def test_install_on_httpx_loggers_and_handlers(caplog: pytest.LogCaptureFixture) -> None:
    handler = logging.NullHandler()
    installed = install_redaction(handlers=[handler])
    try:
        assert (
            install_redaction(handlers=[handler]) is not installed
        )  # a new object, not added twice
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
        for name in HTTP_LOGGERS:
            assert installed in logging.getLogger(name).filters
        with caplog.at_level(logging.INFO, logger="httpx"):
            logging.getLogger("httpx").info(
                "HTTP Request: %s %s", "POST", f"https://h/?apikey={INFURA}"
            )
        assert INFURA not in caplog.text
        assert "apikey=***" in caplog.text
    finally:
        for name in HTTP_LOGGERS:
            logging.getLogger(name).removeFilter(installed)
