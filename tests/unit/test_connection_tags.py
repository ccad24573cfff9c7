"""Connection ids name the instance that handed them out (acks through a load balancer)."""

from __future__ import annotations

import uuid

from event_streamer_server._streams import Hub, instance_tag


def test_ids_are_uuid4_carrying_the_instance_tag() -> None:
    hub = Hub(instance_tag("host-1-abc"))
    ids = {hub.open(1).id for _ in range(50)}
    assert len(ids) == 50
    for cid in ids:
        parsed = uuid.UUID(cid)
        assert parsed.version == 4
        assert parsed.hex.endswith(hub.tag)
        assert not hub.is_foreign(cid)


def test_a_peers_ids_are_foreign_and_garbage_is_not() -> None:
    here, peer = Hub(instance_tag("a")), Hub(instance_tag("b"))
    assert here.tag != peer.tag
    assert here.is_foreign(peer.open(1).id)
    assert not here.is_foreign("not-a-connection")
    assert not Hub().is_foreign(peer.open(1).id)  # an untagged hub knows no peers
