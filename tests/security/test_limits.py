"""M1 (streams, quotas, request rate, never-reading clients), M2 (slow-loris), M5 (locked db)."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from event_streamer_server.testing import ServiceProcess, start_service
from tests._fakenode import FakeNode
from tests.security._probe import (
    ADMIN,
    ALICE,
    KEYS_ENV,
    LogNode,
    auth,
    register_chain,
    rss_kib,
    subscription_body,
)


@contextlib.contextmanager
def limited(fake_node: FakeNode | LogNode, **settings: object) -> Iterator[ServiceProcess]:
    env = {**KEYS_ENV, **{f"EVENT_STREAMER_{k.upper()}": str(v) for k, v in settings.items()}}
    handle = start_service(env=env)
    try:
        assert register_chain(handle.url, fake_node.url).status_code == 201
        yield handle
    finally:
        handle.stop()
        handle.cleanup()


def new_subscription(base: str, key: str = ALICE) -> int:
    r = httpx.post(f"{base}/subscriptions", json=subscription_body(), headers=auth(key))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def wait_for(condition: object, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {within}s: {what}")


def test_request_rate_per_key(fake_node: FakeNode) -> None:
    with limited(fake_node, rate_limit_per_second=1, rate_limit_burst=5) as svc:
        codes = [httpx.get(f"{svc.url}/subscriptions", headers=auth(ALICE)) for _ in range(8)]
        limited_replies = [r for r in codes if r.status_code == 429]
        assert limited_replies, [r.status_code for r in codes]
        assert int(limited_replies[0].headers["Retry-After"]) >= 1
        assert limited_replies[0].json()["error_code"] == "RATE_LIMITED"
        # another key has its own bucket
        assert httpx.get(f"{svc.url}/subscriptions", headers=auth(ADMIN)).status_code == 200


def test_streams_and_subscriptions_are_capped(fake_node: FakeNode) -> None:
    with limited(
        fake_node,
        max_streams_per_subscription=2,
        max_streams_per_principal=3,
        max_subscriptions_per_subscriber=3,
    ) as svc:
        first, second = new_subscription(svc.url), new_subscription(svc.url)
        new_subscription(svc.url)
        r = httpx.post(f"{svc.url}/subscriptions", json=subscription_body(), headers=auth(ALICE))
        assert r.status_code == 429
        assert r.json()["error_code"] == "SUBSCRIPTION_QUOTA"
        with contextlib.ExitStack() as streams:
            client = streams.enter_context(httpx.Client(timeout=10, headers=auth(ALICE)))

            def open_stream(sid: int) -> httpx.Response:
                return streams.enter_context(
                    client.stream("GET", f"{svc.url}/subscriptions/{sid}/stream")
                )

            assert open_stream(first).status_code == 200
            assert open_stream(first).status_code == 200
            third = open_stream(first)
            assert third.status_code == 429, third.read()
            assert open_stream(second).status_code == 200
            over = open_stream(second)  # the key's fourth stream
            assert over.status_code == 429
            assert "Retry-After" in over.headers


def test_streams_that_never_read_are_released() -> None:
    """Clients that never read: their streams end (write timeout) and memory is reused.

    Two waves of 40: each is released, and the second does not add what the first took (held
    streams would keep every batch page they were writing: about 180 MB per wave here).
    """
    node = LogNode(head=60, per_block=200)  # 12,000 events, several MB per stream
    with limited(
        node,
        write_timeout=1,
        max_streams_per_subscription=50,
        max_streams_per_principal=50,
    ) as svc:
        sid = new_subscription(svc.url)
        target = urlsplit(svc.url)

        def released() -> bool:
            status = httpx.get(
                f"{svc.url}/subscriptions/{sid}/processing-status", headers=auth(ALICE)
            ).json()
            return status["connection_count"] == 0

        def wave() -> int:
            sockets = []
            try:
                for _ in range(40):
                    s = socket.socket()
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    s.connect((target.hostname, target.port))
                    s.sendall(
                        f"GET /subscriptions/{sid}/stream HTTP/1.1\r\nHost: x\r\n"
                        f"Authorization: Bearer {ALICE}\r\n\r\n".encode()
                    )
                    sockets.append(s)
                wait_for(released, 30, "every never-reading stream released")
                return rss_kib(svc.pid)
            finally:
                for s in sockets:
                    s.close()

        before = rss_kib(svc.pid)
        first = wave()
        second = wave()
        assert (first - before) / 1024 < 400, f"first wave took {(first - before) // 1024} MiB"
        assert (second - first) / 1024 < 64, f"second wave added {(second - first) // 1024} MiB"
    node.stop()


def test_partial_headers_are_cut_off(fake_node: FakeNode) -> None:
    with limited(fake_node, header_timeout=1) as svc:
        target = urlsplit(svc.url)
        sockets = []
        try:
            for _ in range(100):
                s = socket.create_connection((target.hostname, target.port))
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
                s.settimeout(10)
                sockets.append(s)
            started = time.monotonic()
            for s in sockets:
                with contextlib.suppress(ConnectionResetError):
                    assert s.recv(1024) == b""  # closed by the service
            assert time.monotonic() - started < 8
            # the service still answers
            assert httpx.get(f"{svc.url}/health").status_code == 200
        finally:
            for s in sockets:
                s.close()


def test_a_locked_database_is_503(secure: ServiceProcess) -> None:
    db = sqlite3.connect(secure.db, timeout=1, isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        r = httpx.post(
            f"{secure.url}/subscriptions", json=subscription_body(), headers=auth(ALICE), timeout=30
        )
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "1"
        assert r.json()["error_code"] == "STORAGE_BUSY"
        assert time.monotonic() - started < 4.5  # db_busy_timeout (2 s), not 5 s and a 500
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert new_subscription(secure.url) > 0
