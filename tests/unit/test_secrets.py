"""Resume-token signing: subscriber binding, secret rotation with a grace period, legacy tokens."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from event_streamer_server._secrets import (
    Keyring,
    ResumeClaims,
    Secret,
    TokenCodec,
    TokenRejected,
)
from event_streamer_server._tokens import InvalidToken, TokenSigner


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def codec(keyring: Keyring, clock: Clock) -> TokenCodec:
    return TokenCodec(keyring, clock=clock)


def test_round_trip_bound_to_subscription_and_subscriber(clock: Clock) -> None:
    c = codec(Keyring(Secret.generate()), clock)
    token = c.sign(ResumeClaims(7, 42), subscriber_id="alice")
    assert token.startswith("rt_")
    assert token.count(".") == 1
    assert c.verify(token, subscription_id=7, subscriber_id="alice") == ResumeClaims(7, 42)
    with pytest.raises(TokenRejected) as other_subscriber:
        c.verify(token, subscription_id=7, subscriber_id="mallory")
    assert other_subscriber.value.reason == "signature"
    with pytest.raises(TokenRejected) as other_subscription:
        c.verify(token, subscription_id=8, subscriber_id="alice")
    assert other_subscription.value.reason == "subscription"
    assert isinstance(other_subscription.value, InvalidToken)  # existing except clauses hold


def test_rotation_accepts_the_old_secret_until_the_grace_deadline(clock: Clock) -> None:
    ring = Keyring(Secret.generate())
    old = codec(ring, clock).sign(ResumeClaims(1, 5), subscriber_id="a")
    rotated = codec(ring.rotate(now=clock.now, grace=60), clock)
    new = rotated.sign(ResumeClaims(1, 6), subscriber_id="a")
    assert rotated.verify(old, subscription_id=1, subscriber_id="a").seq == 5
    clock.now += 61
    assert rotated.verify(new, subscription_id=1, subscriber_id="a").seq == 6
    with pytest.raises(TokenRejected, match="not valid"):
        rotated.verify(old, subscription_id=1, subscriber_id="a")


def test_rotation_drops_expired_secrets_and_round_trips_storage(clock: Clock) -> None:
    ring = Keyring(Secret.generate()).rotate(now=clock.now, grace=10)
    ring = ring.rotate(now=clock.now + 11, grace=10)
    assert len(ring.previous) == 1  # the first secret, past its deadline, is gone
    again = Keyring.from_records(ring.to_records())
    assert again == ring
    assert ring.current.value.hex() not in repr(ring)  # secrets never in reprs
    with pytest.raises(ValueError, match="at least one secret"):
        Keyring.from_records([])
    with pytest.raises(ValueError, match="16 bytes"):
        Secret(b"short")
    with pytest.raises(ValueError, match="grace"):
        ring.rotate(now=0, grace=-1)


def test_legacy_tokens_accepted_only_while_allowed(clock: Clock) -> None:
    raw = Secret.generate()
    legacy = TokenSigner(raw.value).make(3, 9)
    lenient = codec(Keyring(raw, accept_legacy_until=clock.now + 5), clock)
    assert lenient.verify(legacy, subscription_id=3, subscriber_id="anyone").seq == 9
    clock.now += 6
    with pytest.raises(TokenRejected):
        lenient.verify(legacy, subscription_id=3, subscriber_id="anyone")
    with pytest.raises(TokenRejected):
        codec(Keyring(raw), clock).verify(legacy, subscription_id=3, subscriber_id="x")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "rt_",
        "rt_abc",
        "rt_a.b.c",
        "rt_é.x",
        "rt_\u0661.\u0662",
        "rt_" + "a" * 600 + ".b",
        "rt_!!.??",
        "rt_e30.AAAA",  # {} with a wrong signature
        "xx_e30.AAAA",
    ],
)
def test_malformed_tokens_are_typed_errors(token: str, clock: Clock) -> None:
    with pytest.raises(TokenRejected):
        codec(Keyring(Secret.generate()), clock).verify(token, subscription_id=1, subscriber_id="a")


def test_validly_signed_bad_payloads_are_rejected(clock: Clock) -> None:
    ring = Keyring(Secret.generate(), accept_legacy_until=clock.now + 100)
    for body in (b'{"s": true, "q": 1}', b'{"s": 1, "q": -1}', b"[1, 2]", b'{"s": 1}'):
        text = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
        token = f"rt_{text}.{TokenCodec._mac(ring.current.value, text, None)}"
        with pytest.raises(TokenRejected, match="malformed"):
            codec(ring, clock).verify(token, subscription_id=1, subscriber_id="a")


@given(st.text(max_size=100))
def test_verify_never_raises_anything_but_token_rejected(token: str) -> None:
    c = TokenCodec(Keyring(Secret(b"k" * 32)), clock=lambda: 0.0)
    with pytest.raises(TokenRejected):
        c.verify(token, subscription_id=1, subscriber_id="a")
