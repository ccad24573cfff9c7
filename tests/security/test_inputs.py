"""L1 (every odd input a 4xx), L2 (resume tokens bound and rotated), H2 (decode bombs)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from event_streamer_server.testing import ServiceProcess, start_service
from tests.security._probe import (
    ALICE,
    BOB,
    BOMB_EVENT,
    BOMB_TOPIC0,
    KEYS_ENV,
    LogNode,
    auth,
    register_chain,
    subscription_body,
)

ENV = {**KEYS_ENV, "EVENT_STREAMER_HEARTBEAT_INTERVAL": "0.5"}


def first_line(
    base: str, sid: int, key: str, kind: str, *, token: str | None = None, within: float = 20
) -> dict[str, Any]:
    """The first stream line of type ``kind`` (heartbeats skipped), read with a deadline."""
    params = {"resume_token": token} if token else {}
    deadline = time.monotonic() + within
    with (
        httpx.Client(timeout=within, headers=auth(key)) as client,
        client.stream("GET", f"{base}/subscriptions/{sid}/stream", params=params) as response,
    ):
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            message = json.loads(line)
            if message["type"] == kind:
                return dict(message)
            assert time.monotonic() < deadline, f"no {kind} line within {within}s"
    raise AssertionError("stream ended")


def test_odd_inputs_are_4xx(secure: ServiceProcess) -> None:
    base = secure.url
    r = httpx.get(f"{base}/subscriptions", headers={"Authorization": "Bearer é-ключ".encode()})
    assert r.status_code == 401
    sid = httpx.post(f"{base}/subscriptions", json=subscription_body(), headers=auth(ALICE)).json()[
        "id"
    ]
    r = httpx.get(
        f"{base}/subscriptions/{sid}/stream", params={"resume_token": "rt_é.ü"}, headers=auth(ALICE)
    )
    assert r.status_code == 400
    for path in ("/subscriptions", "/api/chains", f"/subscriptions/{sid}"):
        assert httpx.head(base + path, headers=auth(ALICE)).status_code == 405
    assert httpx.get(f"{base}/subscriptions/%D9%A1", headers=auth(ALICE)).status_code == 422
    assert httpx.get(f"{base}/subscriptions/1_0", headers=auth(ALICE)).status_code == 422
    r = httpx.get(f"{base}/subscriptions", params={"page": "1_0"}, headers=auth(ALICE))
    assert r.status_code == 422
    r = httpx.get(f"{base}/subscriptions", params={"page": "\u0661"}, headers=auth(ALICE))
    assert r.status_code == 422
    component: dict[str, Any] = {"name": "leaf", "type": "uint256"}
    for depth in range(250):
        component = {"name": f"t{depth}", "type": "tuple", "components": [component]}
    deep = {
        "type": "event",
        "name": "Deep",
        "anonymous": False,
        "inputs": [{**component, "indexed": False}],
    }
    r = httpx.post(
        f"{base}/subscriptions", json=subscription_body(event_signature=deep), headers=auth(ALICE)
    )
    assert 400 <= r.status_code < 500, r.text
    too_deep = {
        **BOMB_EVENT,
        "inputs": [{"name": "v", "type": "uint256" + "[]" * 20, "indexed": False}],
    }
    r = httpx.post(
        f"{base}/subscriptions",
        json=subscription_body(event_signature=too_deep),
        headers=auth(ALICE),
    )
    assert r.status_code == 422, r.text


def stream_status(base: str, sid: int, key: str, token: str) -> int:
    """The status a stream request answers (the body of a 200 is never read: it is endless)."""
    with (
        httpx.Client(timeout=20, headers=auth(key)) as client,
        client.stream(
            "GET", f"{base}/subscriptions/{sid}/stream", params={"resume_token": token}
        ) as response,
    ):
        return response.status_code


def test_tokens_are_bound_and_rotate(tmp_path: Path) -> None:
    node = LogNode(head=5, per_block=3)  # 18 events: 9 batches of 2
    db = tmp_path / "svc.db"
    env = {**ENV, "EVENT_STREAMER_BATCH_SIZE": "2"}

    def rotate(*extra: str) -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "event_streamer_server",
                "secrets",
                "rotate",
                "--db",
                str(db),
                *extra,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    try:
        first = start_service(env=env, db=db, workdir=tmp_path / "a")
        try:
            assert register_chain(first.url, node.url).status_code == 201
            create = f"{first.url}/subscriptions"
            mine = httpx.post(create, json=subscription_body(), headers=auth(ALICE)).json()["id"]
            theirs = httpx.post(create, json=subscription_body(), headers=auth(BOB)).json()["id"]
            old = first_line(first.url, mine, ALICE, "event_batch")["resume_token"]
            assert stream_status(first.url, mine, ALICE, old) == 200
            # bound to the subscription and its subscriber: useless to bob, and unforgeable
            assert stream_status(first.url, theirs, BOB, old) == 400
            forged = old[:-2] + ("AA" if not old.endswith("AA") else "BB")
            assert stream_status(first.url, mine, ALICE, forged) == 400
        finally:
            first.stop()
        rotate()  # a new secret signs; the old one stays valid for the grace period
        second = start_service(env=env, db=db, workdir=tmp_path / "b")
        try:
            assert stream_status(second.url, mine, ALICE, old) == 200
            new = first_line(second.url, mine, ALICE, "event_batch")["resume_token"]
            assert new != old
        finally:
            second.stop()
        rotate("--grace", "0")  # the secret that signed `new` retires at once
        third = start_service(env=env, db=db, workdir=tmp_path / "c")
        try:
            assert stream_status(third.url, mine, ALICE, new) == 400
            assert stream_status(third.url, mine, ALICE, old) == 200  # still in its grace
        finally:
            third.stop()
    finally:
        node.stop()


def test_a_decode_bomb_is_a_reported_failure_not_a_stall() -> None:
    node = LogNode(head=5, bomb_at=3)
    handle = start_service(env=ENV)
    try:
        assert register_chain(handle.url, node.url).status_code == 201
        body = subscription_body(event_signature=BOMB_EVENT, topic0=BOMB_TOPIC0)
        r = httpx.post(f"{handle.url}/subscriptions", json=body, headers=auth(ALICE))
        assert r.status_code == 201, r.text
        started = time.monotonic()
        error = first_line(handle.url, r.json()["id"], ALICE, "error")
        assert error["error_code"] == "DECODE_ERROR"
        assert time.monotonic() - started < 15
        health = time.monotonic()
        assert httpx.get(f"{handle.url}/health").status_code == 200
        assert time.monotonic() - health < 1.0
    finally:
        handle.stop()
        node.stop()


def test_a_wide_tuple_abi_is_refused_before_parsing(secure: ServiceProcess) -> None:
    """Thousands of tuple components pass the top-level input cap: the parameter cap stops
    them with a 422 before anything parses them (parsing them blocked the event loop)."""
    wide = {
        "type": "event",
        "name": "Wide",
        "anonymous": False,
        "inputs": [
            {
                "name": "t",
                "type": "tuple",
                "indexed": False,
                "components": [{"name": f"c{i}", "type": "uint256"} for i in range(20_000)],
            }
        ],
    }
    r = httpx.post(
        f"{secure.url}/subscriptions",
        json=subscription_body(extra_events=[wide]),
        headers=auth(ALICE),
        timeout=30,
    )
    assert r.status_code == 422, r.text
    assert "body.extra_events[0].inputs" in r.text
