"""The two settings of several instances on one database: instance_id and ingest_lease_ttl."""

from __future__ import annotations

import pytest

from event_streamer_server._settings import load_settings


def test_defaults() -> None:
    settings = load_settings(env={})
    assert settings.ingest_lease_ttl == 10.0
    assert settings.instance_id == ""  # the service names itself hostname-pid-random


def test_from_the_environment() -> None:
    settings = load_settings(
        env={"EVENT_STREAMER_INGEST_LEASE_TTL": "2.5", "EVENT_STREAMER_INSTANCE_ID": "eu-1"}
    )
    assert settings.ingest_lease_ttl == 2.5
    assert settings.instance_id == "eu-1"


@pytest.mark.parametrize("ttl", ["0", "0.1", "-1", "601", "nan", "soon"])
def test_a_lease_ttl_out_of_range_is_refused(ttl: str) -> None:
    with pytest.raises(ValueError, match="ingest_lease_ttl"):
        load_settings(env={"EVENT_STREAMER_INGEST_LEASE_TTL": ttl})


@pytest.mark.parametrize("instance_id", ["x" * 201, "tab\there"])
def test_an_unusable_instance_id_is_refused(instance_id: str) -> None:
    with pytest.raises(ValueError, match="instance_id"):
        load_settings(overrides={"instance_id": instance_id})
