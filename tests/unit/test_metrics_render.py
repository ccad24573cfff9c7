"""/metrics exposition built from a snapshot: names, labels, values; no credentials in labels."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from event_streamer_server._metrics import RpcEndpoint, Snapshot, SubscriptionState, _host, render
from event_streamer_server._storage import ChainRow, SubscriptionRow


def _chain() -> ChainRow:
    return ChainRow(
        chain_id=8453,
        name="Base",
        rpc_urls=["https://user:pw@base.example/v3/secretkey"],
        average_block_time=2.0,
        max_blocks_per_request=1000,
        confirmation_blocks=10,
        status="active",
        created_at="2026-11-30T00:00:00Z",
        updated_at="2026-11-30T00:00:00Z",
        finality="finalized",
    )


def _sub(sid: int, last: int | None) -> SubscriptionRow:
    return SubscriptionRow(
        topic0="0x" + "ab" * 32,
        event_signature={"type": "event", "name": "T", "inputs": []},
        addresses=[],
        start_block=0,
        end_block=None,
        chain_id=8453,
        subscriber_id="app",
        id=sid,
        streaming_status="active",
        last_processed_block=last,
        last_block_hash=None,
        resume_token=None,
        last_event_id=None,
        events_delivered=7 * sid,
        created_at="2026-11-30T00:00:00Z",
        updated_at="2026-11-30T00:00:00Z",
    )


def _samples(text: bytes) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text.decode()):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def test_snapshot_renders_every_family_with_labels() -> None:
    snap = Snapshot(
        chains=[_chain()],
        heads={8453: 1000},
        limits={8453: 940},
        endpoints=[
            RpcEndpoint(
                chain_id=8453,
                endpoint="rpc:8453:0",
                host=_host("https://user:pw@base.example/v3/secretkey"),
                requests=12,
                errors=2,
                breaker_state=1,
            )
        ],
        subscriptions=[
            SubscriptionState(_sub(1, 900), backlog=3, open_streams=1, backfill=None),
            SubscriptionState(
                _sub(2, 930),
                backlog=0,
                open_streams=0,
                backfill={"blocks_done": 10, "blocks_total": 40},
            ),
        ],
        subscription_total=5,
        open_streams=1,
    )
    text = render(snap)
    assert b"secretkey" not in text
    assert b"pw@" not in text
    samples = _samples(text)
    assert samples["event_streamer_chain_head_block"] == [({"chain_id": "8453"}, 1000.0)]
    assert samples["event_streamer_chain_ingest_limit_block"] == [
        ({"chain_id": "8453", "finality": "finalized"}, 940.0)
    ]
    assert samples["event_streamer_chain_ingested_block"] == [({"chain_id": "8453"}, 930.0)]
    assert samples["event_streamer_chain_lag_blocks"] == [({"chain_id": "8453"}, 70.0)]
    assert samples["event_streamer_chain_lag_seconds"] == [({"chain_id": "8453"}, 140.0)]
    rpc_labels = {"chain_id": "8453", "endpoint": "rpc:8453:0", "host": "https://base.example"}
    assert samples["event_streamer_rpc_requests_total"] == [(rpc_labels, 12.0)]
    assert samples["event_streamer_rpc_errors_total"] == [(rpc_labels, 2.0)]
    assert samples["event_streamer_rpc_breaker_state"] == [(rpc_labels, 1.0)]
    backlog = dict(
        (labels["subscription_id"], value)
        for labels, value in samples["event_streamer_subscription_backlog_batches"]
    )
    assert backlog == {"1": 3.0, "2": 0.0}
    delivered = samples["event_streamer_subscription_events_delivered_total"]
    assert sorted(value for _, value in delivered) == [7.0, 14.0]
    lag = samples["event_streamer_subscription_lag_blocks"]
    assert sorted(value for _, value in lag) == [70.0, 100.0]
    assert samples["event_streamer_backfill_blocks_done"] == [
        ({"subscription_id": "2", "chain_id": "8453"}, 10.0)
    ]
    assert samples["event_streamer_subscriptions"] == [({}, 5.0)]
    assert samples["event_streamer_open_streams"] == [({}, 1.0)]


def test_empty_snapshot_renders_and_hosts_are_reduced() -> None:
    samples = _samples(render(Snapshot()))
    assert samples["event_streamer_subscriptions"] == [({}, 0.0)]
    assert _host("http://[::1]:8545/path?key=1") == "http://[::1]:8545"
    assert _host("http://[bad") == "<invalid>"
