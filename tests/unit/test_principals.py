"""API keys and principals: generation, storage form, verification, config, authorisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._principals import (
    OPEN_PRINCIPAL,
    AccessDenied,
    Authenticator,
    KeyConfigError,
    Principal,
    SubscriberRequired,
    bearer_token,
    can_access,
    digest_key,
    generate_key,
    key_id_of,
    legacy_admin_key,
    parse_api_key_table,
    parse_api_keys,
    resolve_subscriber,
    subscriber_filter,
    verify_key,
)

ALICE = Principal(kind="subscriber", key_id="a", subscriber_id="alice")
ADMIN = Principal(kind="admin", key_id="b")


def test_generated_keys_are_unique_and_verify_against_their_digest_only() -> None:
    key, stored = generate_key("subscriber", subscriber_id="my-app", pepper=b"p")
    other, _ = generate_key("subscriber", subscriber_id="my-app", pepper=b"p")
    assert key.startswith("es_subscriber_")
    assert len(key) == len("es_subscriber_") + 40
    assert key != other
    assert stored.key_id == key[len("es_subscriber_") :][:8] == key_id_of(key)
    assert key not in repr(stored)
    assert verify_key(key, stored.digest, pepper=b"p")
    assert not verify_key(key, stored.digest, pepper=b"other pepper")
    assert not verify_key(other, stored.digest, pepper=b"p")
    assert stored.principal() == Principal("subscriber", stored.key_id, "my-app")


def test_admin_keys_have_no_subscriber() -> None:
    key, stored = generate_key("admin")
    assert key.startswith("es_admin_")
    assert stored.principal().is_admin
    with pytest.raises(ValueError, match="an admin has none"):
        Principal(kind="admin", key_id="x", subscriber_id="alice")
    with pytest.raises(ValueError, match="needs a subscriber_id"):
        Principal(kind="subscriber", key_id="x")


@given(st.text(max_size=80))
def test_verification_never_raises_on_any_text(presented: str) -> None:
    _, stored = generate_key("admin")
    assert verify_key(presented, stored.digest) is False
    assert Authenticator([stored]).authenticate(presented) is None


@pytest.mark.parametrize("presented", ["ключ", "\udcff", "es_admin_" + "é" * 40, "x" * 10_000])
def test_non_ascii_and_huge_keys_are_refused_not_errors(presented: str) -> None:
    _, stored = generate_key("admin")
    assert Authenticator([stored]).authenticate(presented) is None
    assert verify_key(presented, stored.digest) is False


def test_authenticator_maps_keys_to_principals() -> None:
    admin_key, admin = generate_key("admin")
    sub_key, sub = generate_key("subscriber", subscriber_id="alice")
    auth = Authenticator([admin, sub])
    assert not auth.open
    assert Authenticator().open
    assert auth.authenticate(admin_key) == admin.principal()
    assert auth.authenticate(sub_key) == sub.principal()
    assert auth.authenticate(sub_key[:-1] + ("A" if sub_key[-1] != "A" else "B")) is None
    assert auth.authenticate(None) is None
    assert OPEN_PRINCIPAL.is_admin


def test_bearer_header_parsing() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None
    assert bearer_token("Bearer " + "x" * 600) is None


def test_env_format() -> None:
    admin_key, _ = generate_key("admin")
    legacy = "a-legacy-key-of-any-shape"
    keys = parse_api_keys(f"admin:{admin_key}, subscriber:my-app:{legacy} ,")
    assert [(k.kind, k.subscriber_id) for k in keys] == [("admin", None), ("subscriber", "my-app")]
    auth = Authenticator(keys)
    assert auth.authenticate(legacy) == Principal("subscriber", keys[1].key_id, "my-app")
    assert keys[1].key_id == key_id_of(legacy)
    assert keys[1].key_id.startswith("h")
    assert keys[1].digest == digest_key(legacy)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("root:abcdefghijklmnop", "expected admin:KEY"),
        ("subscriber:abcdefghijklmnop", "expected admin:KEY"),
        ("admin:short", "16-512 ASCII"),
        ("admin:ключключключключключ", "16-512 ASCII"),
        ("subscriber::abcdefghijklmnop", "subscriber_id must be"),
    ],
)
def test_env_format_errors_name_the_entry_and_never_the_key(text: str, reason: str) -> None:
    with pytest.raises(KeyConfigError, match=reason) as info:
        parse_api_keys(text)
    assert info.value.field == "api_keys[0]"
    assert "abcdefghijklmnop" not in str(info.value)


def test_key_kind_must_match_its_prefix() -> None:
    admin_key, _ = generate_key("admin")
    with pytest.raises(KeyConfigError, match="configured as subscriber"):
        parse_api_keys(f"subscriber:x:{admin_key}")


def test_config_table() -> None:
    key, _ = generate_key("subscriber", subscriber_id="a:b,c")
    keys = parse_api_key_table([{"kind": "subscriber", "subscriber_id": "a:b,c", "key": key}])
    assert keys[0].subscriber_id == "a:b,c"
    with pytest.raises(KeyConfigError, match="unknown fields"):
        parse_api_key_table([{"kind": "admin", "key": key, "role": "x"}])
    with pytest.raises(KeyConfigError, match="no subscriber_id"):
        parse_api_key_table([{"kind": "admin", "key": "k" * 20, "subscriber_id": "x"}])
    with pytest.raises(KeyConfigError, match="expected a table"):
        parse_api_key_table(["admin"])  # type: ignore[list-item]


def test_authorisation() -> None:
    assert can_access(ADMIN, "bob")
    assert can_access(ALICE, "alice")
    assert not can_access(ALICE, "bob")
    assert subscriber_filter(ADMIN, None) is None
    assert subscriber_filter(ADMIN, "bob") == "bob"
    assert subscriber_filter(ALICE, None) == "alice"
    with pytest.raises(AccessDenied) as denied:
        subscriber_filter(ALICE, "bob")
    assert denied.value.status == 403
    assert resolve_subscriber(ALICE, None) == resolve_subscriber(ALICE, "alice") == "alice"
    assert resolve_subscriber(ADMIN, "bob") == "bob"
    assert resolve_subscriber(ADMIN, None, default="default") == "default"
    with pytest.raises(SubscriberRequired) as required:
        resolve_subscriber(ADMIN, None)
    assert required.value.status == 400
    with pytest.raises(AccessDenied):
        resolve_subscriber(ALICE, "bob", default="alice")


def test_legacy_single_api_key_is_an_admin_key() -> None:
    stored = legacy_admin_key("s3cret", pepper=b"p")
    assert Authenticator([stored], pepper=b"p").authenticate("s3cret") == stored.principal()
    assert stored.principal().is_admin
    with pytest.raises(KeyConfigError, match="api_key"):
        legacy_admin_key("ключ")
