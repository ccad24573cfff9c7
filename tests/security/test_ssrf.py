"""H3 (SSRF closed by default) and M3 (secrets in RPC URLs masked everywhere)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import httpx
import pytest

from event_streamer_server.testing import ServiceProcess, start_service
from tests._fakenode import FakeNode
from tests.security._probe import (
    ADMIN,
    ALICE,
    KEYS_ENV,
    Hostile,
    auth,
    register_chain,
    rss_kib,
)


@pytest.fixture
def closed() -> Iterator[ServiceProcess]:
    """A service with the default outbound policy: public addresses only."""
    handle = start_service(env={**KEYS_ENV, "EVENT_STREAMER_ALLOWED_RPC_HOSTS": ""})
    try:
        yield handle
    finally:
        handle.stop()
        handle.cleanup()


@pytest.fixture
def hostile_env() -> dict[str, str]:
    return {
        **KEYS_ENV,
        "EVENT_STREAMER_ALLOWED_RPC_HOSTS": "127.0.0.1",
        "EVENT_STREAMER_RPC_MAX_RESPONSE_BYTES": str(1024 * 1024),
    }


def problems(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    return list(response.json()["errors"])


def test_private_addresses_are_refused_by_default(
    closed: ServiceProcess, fake_node: FakeNode
) -> None:
    for url in (
        fake_node.url,
        fake_node.url.replace("127.0.0.1", "localhost"),
        "http://[::ffff:127.0.0.1]:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1:8545/",
    ):
        (problem,) = problems(register_chain(closed.url, url))
        assert problem["type"] in ("address", "resolve"), problem
    assert fake_node.calls["eth_chainId"] == 0  # never contacted


def test_credentials_go_only_where_allowed(hostile_env: dict[str, str]) -> None:
    endpoint = Hostile("chain")
    handle = start_service(env=hostile_env)
    try:
        url = endpoint.url.replace("http://", "http://user:pw@")
        (problem,) = problems(register_chain(handle.url, url))
        assert problem["type"] == "credentials"
        assert endpoint.requests == 0
    finally:
        handle.stop()
        endpoint.stop()


def test_no_redirects_and_no_echoed_remote_text(
    hostile_env: dict[str, str], fake_node: FakeNode
) -> None:
    redirect = Hostile("redirect", target=fake_node.url)
    leak = Hostile("leak")
    handle = start_service(env=hostile_env)
    try:
        (problem,) = problems(register_chain(handle.url, redirect.url))
        assert problem["type"] == "rpc"
        assert fake_node.calls["eth_chainId"] == 0  # the redirect was not followed
        response = register_chain(handle.url, leak.url)
        (problem,) = problems(response)
        assert "hunter2" not in response.text
        assert "10.1.2.3" not in response.text
        assert "hunter2" not in handle.output()  # logged redacted
    finally:
        handle.stop()
        redirect.stop()
        leak.stop()


def test_bodies_capped_and_calls_bounded_in_total(hostile_env: dict[str, str]) -> None:
    huge = Hostile("huge", size=200 * 1024 * 1024)
    drip = Hostile("drip")
    env = {**hostile_env, "EVENT_STREAMER_CONFIG": ""}
    handle = start_service(env=env, extra_args=[])
    try:
        before = rss_kib(handle.pid)
        problems(register_chain(handle.url, huge.url))
        assert rss_kib(handle.pid) - before < 64 * 1024  # far below the 200 MB answer
        started = time.monotonic()
        problems(register_chain(handle.url, drip.url))
        # the default breaker timeout (10 s) bounds the whole call, not each read
        assert time.monotonic() - started < 15
    finally:
        handle.stop()
        huge.stop()
        drip.stop()


def test_rpc_urls_are_masked(fake_node: FakeNode) -> None:
    handle = start_service(
        env={
            **KEYS_ENV,
            "EVENT_STREAMER_ALLOWED_RPC_HOSTS": "127.0.0.1",
            "EVENT_STREAMER_LOG_LEVEL": "info",
        }
    )
    secret_url = f"{fake_node.url}/v3/?apikey=s3cr3tvalue"
    try:
        assert register_chain(handle.url, secret_url).status_code == 201
        headers = auth(ADMIN)
        texts = [
            httpx.get(f"{handle.url}{path}", headers=headers).text
            for path in (
                "/api/chains",
                "/api/chains/31337",
                "/api/circuit-breakers/status",
                "/api/circuit-breakers/health",
            )
        ]
        for text in texts:
            assert "s3cr3tvalue" not in text
        assert "***" in texts[0]
        # a masked URL sent back means the stored one; it is not stored masked
        masked = httpx.get(f"{handle.url}/api/chains/31337", headers=headers).json()["rpc_urls"]
        r = httpx.put(f"{handle.url}/api/chains/31337", json={"rpc_urls": masked}, headers=headers)
        assert r.status_code == 200, r.text
        fake_node.calls.clear()
        assert httpx.post(f"{handle.url}/api/chains/refresh", headers=headers).status_code == 200
        # an unknown masked URL is refused
        bad = [masked[0].replace("127.0.0.1", "localhost")]
        r = httpx.put(f"{handle.url}/api/chains/31337", json={"rpc_urls": bad}, headers=headers)
        assert r.status_code == 422
        assert "s3cr3tvalue" not in handle.output()  # httpx's request lines included
    finally:
        handle.stop()


def test_ws_urls_are_masked_for_everyone_and_round_trip(fake_node: FakeNode) -> None:
    handle = start_service(env={**KEYS_ENV, "EVENT_STREAMER_ALLOWED_RPC_HOSTS": "127.0.0.1"})
    ws_url = fake_node.url.replace("http://", "ws://") + "/ws?apikey=s3cr3twsvalue"
    try:
        assert register_chain(handle.url, fake_node.url).status_code == 201
        chain = f"{handle.url}/api/chains/31337"
        r = httpx.put(chain, json={"ws_url": ws_url}, headers=auth(ADMIN))
        assert r.status_code == 200, r.text
        assert "s3cr3twsvalue" not in r.text
        for key in (ADMIN, ALICE):
            for path in ("/api/chains", "/api/chains/31337"):
                text = httpx.get(f"{handle.url}{path}", headers=auth(key)).text
                assert "s3cr3twsvalue" not in text
                assert "apikey=***" in text
        # the masked form sent back means the stored URL; another masked URL is refused
        masked = httpx.get(chain, headers=auth(ADMIN)).json()["ws_url"]
        assert httpx.put(chain, json={"ws_url": masked}, headers=auth(ADMIN)).status_code == 200
        stored = sqlite3.connect(handle.db).execute("SELECT ws_url FROM chains").fetchone()[0]
        assert stored == ws_url
        other = masked.replace("/ws?", "/other?")
        assert httpx.put(chain, json={"ws_url": other}, headers=auth(ADMIN)).status_code == 422
    finally:
        handle.stop()
        handle.cleanup()
