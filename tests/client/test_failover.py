"""Client-side failover over several service URLs, against real local HTTP servers."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import event_streamer._retry as retry_module
from event_streamer import (
    EventStreamer,
    EventStreamerConnectionError,
    EventStreamerServerError,
    EventStreamerValidationError,
)
from event_streamer._cli import main as cli_main
from event_streamer._cli._runner import split_urls
from event_streamer._failover import ServiceUrls
from event_streamer._validation import MAX_SERVICE_URLS
from event_streamer.models import ChainConfigRequest
from tests._scripted import batch, lines
from tests._stack import until

FAST: dict[str, Any] = {"backoff_initial": 0.01, "backoff_max": 0.05, "batch_ack_interval": 0.05}

SUBSCRIPTION = {
    "id": 1,
    "topic0": "0x" + "dd" * 32,
    "event_signature": {"type": "event", "name": "Transfer", "inputs": []},
    "addresses": [],
    "start_block": 0,
    "end_block": None,
    "chain_id": 31337,
    "subscriber_id": "failover",
    "is_streaming": True,
    "streaming_status": "active",
    "events_delivered": 0,
    "created_at": "2026-11-27T10:30:00Z",
    "updated_at": "2026-11-27T10:30:00Z",
}


class Node:
    """One service instance on a loopback socket. ``mode``: "ok" answers, "drop" reads the
    request and closes the connection without a response, "busy" answers 503."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.requests: list[tuple[str, str]] = []
        node = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length", 0))
                self.rfile.read(length)
                node.requests.append((self.command, self.path))
                if node.mode == "drop":
                    return  # HTTP/1.0: the connection closes with no response
                status, body = (200, SUBSCRIPTION) if node.mode == "ok" else (503, {"error": "x"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def nodes() -> Iterator[list[Node]]:
    made: list[Node] = []
    yield made
    for node in made:
        node.stop()


def node(nodes: list[Node], mode: str = "ok") -> Node:
    made = Node(mode)
    nodes.append(made)
    return made


def refused_url() -> str:
    """A loopback URL nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    monkeypatch.setattr(retry_module, "_sleep", no_sleep)


# -- the argument ------------------------------------------------------------------------------
def test_one_url_or_a_list() -> None:
    one = EventStreamer("http://a.example/", "me")
    assert one.urls == ("http://a.example",)
    assert one.service_url == one.base_url == "http://a.example"
    several = EventStreamer(("http://a.example", "https://b.example:8443/api/"), "me")
    assert several.urls == ("http://a.example", "https://b.example:8443/api")
    assert several.base_url == "http://a.example"


@pytest.mark.parametrize(
    ("urls", "message"),
    [
        ([], "at least one"),
        (["http://a.example", "ftp://b.example"], "http(s) URL"),
        (["http://a.example", "http://a.example/"], "twice"),
        ([f"http://h{i}.example" for i in range(MAX_SERVICE_URLS + 1)], "at most"),
        ({"http://a.example"}, "list of URLs"),
        (42, "list of URLs"),
    ],
)
def test_bad_url_lists_are_typed_errors(urls: Any, message: str) -> None:
    with pytest.raises(EventStreamerValidationError, match="service_url") as caught:
        EventStreamer(urls, "me")
    assert message in str(caught.value)


async def test_several_urls_need_the_clients_own_http_client() -> None:
    async with httpx.AsyncClient() as http:
        with pytest.raises(EventStreamerValidationError, match="http_client"):
            EventStreamer(["http://a.example", "http://b.example"], "me", http_client=http)


def test_sweep_order_and_bases() -> None:
    urls = ServiceUrls(["http://a", "http://a/v2", "http://b"])
    assert urls.sweep() == ["http://a", "http://a/v2", "http://b"]
    urls.prefer("http://b")
    assert urls.current == "http://b"
    assert urls.sweep() == ["http://b", "http://a", "http://a/v2"]
    assert urls.sweep("http://a/v2") == ["http://a/v2", "http://b", "http://a"]
    assert urls.base_of("http://a/v2/subscriptions?x=1") == "http://a/v2"
    assert urls.base_of("http://a/subscriptions") == "http://a"
    assert urls.base_of("http://ab/subscriptions") is None


def test_cli_url_lists() -> None:
    assert split_urls(["http://a", "http://b, http://c", " ,"]) == [
        "http://a",
        "http://b",
        "http://c",
    ]


@pytest.mark.parametrize("form", ["repeated", "commas", "env"])
def test_cli_fails_over_between_its_urls(
    nodes: list[Node],
    form: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    healthy = node(nodes)
    dead = refused_url()
    args = {
        "repeated": ["--url", dead, "--url", healthy.url],
        "commas": ["--url", f"{dead},{healthy.url}"],
        "env": [],
    }[form]
    monkeypatch.setenv("EVENT_STREAMER_URL", f"{dead}, {healthy.url}")
    assert cli_main([*args, "--json", "subscriptions", "get", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == 1
    assert healthy.requests == [("GET", "/subscriptions/1")]


def test_cli_with_every_url_down_names_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [refused_url(), refused_url()]
    monkeypatch.delenv("EVENT_STREAMER_URL", raising=False)
    assert cli_main(["--url", ",".join(urls), "subscriptions", "get", "1"]) == 4
    err = capsys.readouterr().err
    assert all(url in err for url in urls)


# -- calls -------------------------------------------------------------------------------------
async def test_refused_first_url_lands_on_the_second_and_sticks(nodes: list[Node]) -> None:
    dead, second, third = refused_url(), node(nodes), node(nodes)
    async with EventStreamer([dead, second.url, third.url], "me") as client:
        assert (await client.get_subscription(1)).id == 1
        assert client.service_url == second.url
        for _ in range(3):
            await client.get_subscription(1)
    assert len(second.requests) == 4
    assert third.requests == []


async def test_a_healthy_cluster_is_not_round_robined(nodes: list[Node]) -> None:
    first, second = node(nodes), node(nodes)
    async with EventStreamer([first.url, second.url], "me") as client:
        for _ in range(5):
            await client.get_subscription(1)
        assert client.service_url == first.url
    assert len(first.requests) == 5
    assert second.requests == []


async def test_idempotent_call_fails_over_after_a_read_failure(nodes: list[Node]) -> None:
    dropping, healthy = node(nodes, "drop"), node(nodes)
    async with EventStreamer([dropping.url, healthy.url], "me", max_retries=0) as client:
        assert (await client.get_subscription(1)).id == 1
    assert dropping.requests == [("GET", "/subscriptions/1")]
    assert healthy.requests == [("GET", "/subscriptions/1")]


async def test_non_idempotent_post_is_not_replayed_after_a_read_failure(
    nodes: list[Node],
) -> None:
    dropping, healthy = node(nodes, "drop"), node(nodes)
    config = ChainConfigRequest(chain_id=1, name="one", rpc_urls=["http://127.0.0.1:8545"])
    async with EventStreamer([dropping.url, healthy.url], "me") as client:
        with pytest.raises(EventStreamerConnectionError):
            await client.create_chain(config)
    assert dropping.requests == [("POST", "/api/chains")]
    assert healthy.requests == []  # it may have been applied on the first: never sent twice


async def test_non_idempotent_post_fails_over_when_the_connection_was_refused(
    nodes: list[Node],
) -> None:
    healthy = node(nodes)
    async with EventStreamer([refused_url(), healthy.url], "me") as client:
        # A raw call through the facade's HTTP client: failover lives under it.
        response = await client.http_client.post("/api/chains", json={"chain_id": 1})
        assert response.status_code == 200
        assert client.service_url == healthy.url
    assert healthy.requests == [("POST", "/api/chains")]


async def test_503_moves_idempotent_calls_on_but_is_the_verdict_for_others(
    nodes: list[Node],
) -> None:
    busy, healthy = node(nodes, "busy"), node(nodes)
    config = ChainConfigRequest(chain_id=1, name="one", rpc_urls=["http://127.0.0.1:8545"])
    async with EventStreamer([busy.url, healthy.url], "me", max_retries=0) as client:
        assert (await client.get_subscription(1)).id == 1
        assert client.service_url == healthy.url
    async with EventStreamer([busy.url, healthy.url], "me", max_retries=0) as client:
        with pytest.raises(EventStreamerServerError) as caught:
            await client.create_chain(config)
    assert caught.value.status_code == 503
    assert busy.requests == [("GET", "/subscriptions/1"), ("POST", "/api/chains")]
    assert healthy.requests == [("GET", "/subscriptions/1")]


async def test_all_down_is_a_connection_error_naming_every_url(nodes: list[Node]) -> None:
    urls = [refused_url(), refused_url()]
    async with EventStreamer(urls, "me", max_retries=0) as client:
        with pytest.raises(EventStreamerConnectionError) as caught:
            await client.get_subscription(1)
    for url in urls:
        assert url in str(caught.value)
    assert "all 2 service URLs failed" in str(caught.value)


async def test_attempts_are_bounded_by_urls_times_retries(nodes: list[Node]) -> None:
    dropping = [node(nodes, "drop"), node(nodes, "drop")]
    async with EventStreamer([n.url for n in dropping], "me", max_retries=1) as client:
        with pytest.raises(EventStreamerConnectionError, match="all 2 service URLs failed"):
            await client.get_subscription(1)
    assert [len(n.requests) for n in dropping] == [2, 2]  # 2 URLs x (1 + 1 retry)


# -- streams -----------------------------------------------------------------------------------
async def test_stream_resumes_on_the_next_url_with_its_token(scripted: Any) -> None:
    dying = scripted(lambda cid: lines(batch("b1", [1], 1), then="crash"))
    other = scripted(lambda cid: lines(batch("b2", [2], 2)))
    seen: list[int] = []
    async with EventStreamer([dying.url, other.url], "failover", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
        await sc.start_streaming()
        await until(lambda: seen == [1, 2], within=10, what="b1, then b2 on the other URL")
        await until(lambda: "b2" in other.acked(), what="b2 acked where the stream is")
        await sc.disconnect()
    assert other.stream_params[0] == {"resume_token": "rt_1"}
    assert {cid for cid, _ in other.acks} == {"c0"}  # the connection on the other instance


async def test_stream_starts_on_the_second_url_when_the_first_refuses(scripted: Any) -> None:
    other = scripted(lambda cid: lines(batch("b1", [1], 1)))
    seen: list[int] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with EventStreamer([refused_url(), other.url], "failover", max_retries=0) as client:
        sc = client.create_streaming_client(1, **FAST)
        sc.on_event("Transfer")(lambda events: seen.extend(int(e["value"]) for e in events))
        await sc.start_streaming()
        await until(lambda: seen == [1], within=10, what="the batch from the second URL")
        elapsed = loop.time() - started
        await until(lambda: "b1" in other.acked(), what="b1 acked")
        await sc.disconnect()
    assert other.connections == 1
    assert elapsed < 2.0
