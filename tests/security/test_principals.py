"""H1 (tenants and an admin role), M4 (check-then-write races), open mode, keys on the CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from event_streamer import EventStreamer
from event_streamer.models import ABIEvent, SubscriptionCreate
from event_streamer_server.testing import ServiceProcess, StartupError, start_service
from tests._fakenode import FakeNode
from tests.security._probe import (
    ADMIN,
    ALICE,
    BOB,
    TOPIC0,
    TRANSFER,
    auth,
    register_chain,
    subscription_body,
)


def create(base: str, key: str, **extra: object) -> httpx.Response:
    return httpx.post(f"{base}/subscriptions", json=subscription_body(**extra), headers=auth(key))


def test_subscriber_keys_see_only_their_own(secure: ServiceProcess) -> None:
    base = secure.url
    alice = create(base, ALICE)
    assert alice.status_code == 201, alice.text
    assert alice.json()["subscriber_id"] == "alice"  # omitted: taken from the key
    sid = alice.json()["id"]
    assert create(base, BOB, subscriber_id="bob").status_code == 201
    # bob cannot see, change, delete, stream or inspect alice's: 404, as for a missing id
    for method, path, body in [
        ("GET", f"/subscriptions/{sid}", None),
        ("PUT", f"/subscriptions/{sid}", {"end_block": 5}),
        ("DELETE", f"/subscriptions/{sid}", None),
        ("GET", f"/subscriptions/{sid}/stream", None),
        ("GET", f"/subscriptions/{sid}/processing-status", None),
        ("GET", f"/subscriptions/{sid}/last-processed-block", None),
    ]:
        r = httpx.request(method, base + path, json=body, headers=auth(BOB))
        assert r.status_code == 404, (method, path, r.text)
    listed = httpx.get(f"{base}/subscriptions", headers=auth(BOB)).json()
    assert [s["subscriber_id"] for s in listed["subscriptions"]] == ["bob"]
    # naming another subscriber is refused
    assert create(base, BOB, subscriber_id="alice").status_code == 403
    r = httpx.get(f"{base}/subscriptions", params={"subscriber_id": "alice"}, headers=auth(BOB))
    assert r.status_code == 403
    # the admin sees everything and may act for any subscriber
    everyone = httpx.get(f"{base}/subscriptions", headers=auth(ADMIN)).json()
    assert {s["subscriber_id"] for s in everyone["subscriptions"]} == {"alice", "bob"}
    assert httpx.get(f"{base}/subscriptions/{sid}", headers=auth(ADMIN)).status_code == 200
    assert create(base, ADMIN, subscriber_id="carol").json()["subscriber_id"] == "carol"
    # no key, or a wrong one: 401
    assert httpx.get(f"{base}/subscriptions").status_code == 401
    assert httpx.get(f"{base}/subscriptions", headers=auth("nope" * 5)).status_code == 401


def test_owner_and_status_are_not_writable(secure: ServiceProcess) -> None:
    sid = create(secure.url, ALICE).json()["id"]
    for body in ({"subscriber_id": "bob"}, {"streaming_status": "completed"}):
        r = httpx.put(f"{secure.url}/subscriptions/{sid}", json=body, headers=auth(ALICE))
        assert r.status_code == 422, r.text
        r = httpx.put(f"{secure.url}/subscriptions/{sid}", json=body, headers=auth(ADMIN))
        assert r.status_code == 422, r.text
    row = httpx.get(f"{secure.url}/subscriptions/{sid}", headers=auth(ALICE)).json()
    assert (row["subscriber_id"], row["streaming_status"]) == ("alice", "idle")


def test_chains_and_breakers_need_an_admin(
    secure: ServiceProcess, node_factory: type[FakeNode]
) -> None:
    base = secure.url
    node = node_factory(chain_id=5)
    assert register_chain(base, node.url, key=ALICE, chain_id=5).status_code == 403
    for method, path in [
        ("PUT", "/api/chains/31337"),
        ("DELETE", "/api/chains/31337"),
        ("POST", "/api/chains/refresh"),
        ("POST", "/api/circuit-breakers/reset"),
        ("POST", "/api/circuit-breakers/rpc:31337:0/reset"),
    ]:
        body = {"name": "x"} if method == "PUT" else None
        r = httpx.request(method, base + path, json=body, headers=auth(ALICE))
        assert r.status_code == 403, (path, r.text)
    assert httpx.get(f"{base}/api/chains", headers=auth(ALICE)).status_code == 200
    assert register_chain(base, node.url, key=ADMIN, chain_id=5).status_code == 201
    r = httpx.post(f"{base}/api/circuit-breakers/reset", headers=auth(ADMIN))
    assert r.status_code == 200


async def test_sdk_with_a_subscriber_key(secure: ServiceProcess) -> None:
    async with EventStreamer(secure.url, "alice", api_key=ALICE) as client:
        sub = await client.create_subscription(
            SubscriptionCreate(
                topic0=TOPIC0,
                event_signature=ABIEvent.from_dict(TRANSFER),
                addresses=[],
                start_block=0,
                chain_id=31337,
            )
        )
        assert sub.subscriber_id == "alice"
        page = await client.list_subscriptions()
        assert [s.id for s in page.subscriptions] == [sub.id]
        assert (await client.get_subscription(sub.id)).id == sub.id


async def test_concurrent_writes_are_consistent(
    secure: ServiceProcess, node_factory: type[FakeNode]
) -> None:
    base = secure.url
    sid = create(base, ALICE).json()["id"]
    async with httpx.AsyncClient(base_url=base, headers=auth(ADMIN), timeout=30) as http:
        for _ in range(5):
            await http.put(f"/subscriptions/{sid}", json={"start_block": 0, "end_block": None})
            a, b = await asyncio.gather(
                http.put(f"/subscriptions/{sid}", json={"start_block": 100}),
                http.put(f"/subscriptions/{sid}", json={"end_block": 50}),
            )
            assert {a.status_code, b.status_code} <= {200, 422}
            row = (await http.get(f"/subscriptions/{sid}")).json()
            assert row["end_block"] is None or row["end_block"] >= row["start_block"], row
        node = node_factory(chain_id=7)
        body = {"chain_id": 7, "name": "seven", "rpc_urls": [node.url]}
        replies = await asyncio.gather(*(http.post("/api/chains", json=body) for _ in range(4)))
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409], [r.text for r in replies]


def test_open_mode_stays_on_loopback(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="insecure-open"):
        start_service(extra_args=["--host", "0.0.0.0"], workdir=tmp_path / "a", timeout=20)
    handle = start_service(
        extra_args=["--host", "0.0.0.0", "--insecure-open"], workdir=tmp_path / "b"
    )
    try:
        assert "open mode" in handle.output()
    finally:
        handle.stop()
    local = start_service(workdir=tmp_path / "c")
    try:
        assert "open mode" in local.output()  # warned, and serving
        assert httpx.get(f"{local.url}/subscriptions").status_code == 200
    finally:
        local.stop()


def test_keys_create_prints_a_key_once(tmp_path: Path, fake_node: FakeNode) -> None:
    db = tmp_path / "keys.db"

    def keys(*args: str) -> str:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "event_streamer_server",
                "keys",
                "create",
                "--db",
                str(db),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()

    admin, mine = keys("--admin"), keys("--subscriber", "my-app")
    assert admin.startswith("es_admin_")
    assert mine.startswith("es_subscriber_")
    assert admin.encode() not in db.read_bytes()  # only a digest is stored
    handle = start_service(db=db, workdir=tmp_path / "svc")
    try:
        assert register_chain(handle.url, fake_node.url, key=admin).status_code == 201
        r = create(handle.url, mine)
        assert r.status_code == 201
        assert r.json()["subscriber_id"] == "my-app"
        assert httpx.get(f"{handle.url}/subscriptions").status_code == 401
        # the old single --api-key still works, as an admin key
    finally:
        handle.stop()
    legacy = start_service(api_key="short", workdir=tmp_path / "legacy")
    try:
        assert httpx.get(f"{legacy.url}/api/chains", headers=auth("short")).status_code == 200
        assert httpx.get(f"{legacy.url}/api/chains").status_code == 401
    finally:
        legacy.stop()
