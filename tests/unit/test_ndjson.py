"""Byte-level NDJSON framing and message parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from event_streamer import (
    EventBatch,
    Heartbeat,
    LineDecoder,
    LineTooLongError,
    MalformedLineError,
    StreamingError,
    TruncatedLineError,
)
from event_streamer._messages import UnknownMessage, parse_line

TRICKY = {"note": "line\u2028separator \u0085 next-line \r carriage ✓ émoji 🎉", "n": 1}


def feed_all(decoder: LineDecoder, chunks: list[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for chunk in chunks:
        out.extend(bytes(line) for line in decoder.feed(chunk))
    decoder.close()
    return out


def test_splits_on_newline_only() -> None:
    payload = json.dumps(TRICKY, ensure_ascii=False).encode()
    lines = feed_all(LineDecoder(), [payload + b"\n" + payload + b"\n"])
    assert [json.loads(line) for line in lines] == [TRICKY, TRICKY]


def test_chunks_split_mid_line_and_mid_utf8_character() -> None:
    payload = json.dumps(TRICKY, ensure_ascii=False).encode() + b"\n"
    cut = payload.index("🎉".encode()) + 2  # inside the 4-byte emoji
    decoder = LineDecoder()
    assert decoder.feed(payload[:cut]) == []
    assert decoder.pending == cut
    assert [json.loads(bytes(x)) for x in decoder.feed(payload[cut:])] == [TRICKY]


def test_blank_lines_and_crlf_are_tolerated() -> None:
    lines = feed_all(LineDecoder(), [b"\n\r\n  \n", b'{"a":1}\r\n', b'\n{"b":2}\n'])
    assert lines == [b'{"a":1}', b'{"b":2}']


def test_oversized_line_is_a_typed_error() -> None:
    decoder = LineDecoder(max_line_bytes=10)
    with pytest.raises(LineTooLongError):
        decoder.feed(b"x" * 11)
    decoder = LineDecoder(max_line_bytes=10)
    assert [bytes(x) for x in decoder.feed(b"ok\n" + b"y" * 20 + b"\nlater\n")] == [b"ok"]
    with pytest.raises(LineTooLongError):
        decoder.raise_pending()  # then the error, and nothing after the bad line
    with pytest.raises(LineTooLongError):
        decoder.feed(b"more\n")


def test_partial_last_line_is_never_parsed() -> None:
    decoder = LineDecoder()
    assert [bytes(x) for x in decoder.feed(b'{"a":1}\n{"b":')] == [b'{"a":1}']
    with pytest.raises(TruncatedLineError):
        decoder.close()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=4),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.integers(min_value=0, max_value=400), max_size=20),
)
def test_any_chunking_gives_the_same_lines(objects: list[dict[str, str]], cuts: list[int]) -> None:
    data = b"".join(json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in objects)
    points = sorted({min(c, len(data)) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    lines = feed_all(LineDecoder(), chunks)
    assert [json.loads(line) for line in lines] == objects


def test_parse_messages() -> None:
    batch = parse_line(
        b'{"type":"event_batch","batch_id":"b1","resume_token":"rt_x","batch_size":1,'
        b'"events":{"Transfer":[{"value":"1","block_number":7}]}}'
    )
    assert isinstance(batch, EventBatch)
    assert batch.last_block == 7
    assert list(batch) == [{"value": "1", "block_number": 7}]
    assert isinstance(parse_line(b'{"type":"heartbeat","timestamp":"t"}'), Heartbeat)
    error = parse_line(
        b'{"type":"error","error_code":"REORG_DETECTED","error_message":"m","recoverable":true}'
    )
    assert isinstance(error, StreamingError)
    assert error.error_code == "REORG_DETECTED"
    unknown = parse_line(b'{"type":"gossip","x":1}')
    assert isinstance(unknown, UnknownMessage)
    assert unknown.type == "gossip"


@pytest.mark.parametrize(
    "line",
    [
        b"not json",
        b"[1,2]",
        b'{"no":"type"}',
        b'{"type":"event_batch","batch_id":"b"}',
        b'{"type":"event_batch","batch_id":"b","resume_token":"r","batch_size":1,"events":[]}',
        # Well-formed JSON, wrong types: rejected before any handler sees them (issue 15, #8).
        b'{"type":"event_batch","batch_id":"b","resume_token":"r","batch_size":2,'
        b'"events":{"T":[1,2]}}',
        b'{"type":"event_batch","batch_id":{},"resume_token":"r","batch_size":0,"events":{}}',
        b'{"type":"event_batch","batch_id":"b","resume_token":12345,"batch_size":0,"events":{}}',
        b'{"type":"event_batch","batch_id":"b","resume_token":"r","batch_size":true,"events":{}}',
        b'{"type":"event_batch","batch_id":"b","resume_token":"r","batch_size":0,"events":{"T":{}}}',
        b'{"type":"event_batch","batch_id":"","resume_token":"r","batch_size":0,"events":{}}',
        b'{"type":"event_batch","batch_id":"b","resume_token":"r","batch_size":0,"events":{},'
        b'"subscription_id":"7"}',
        b'{"type":"heartbeat","timestamp":5}',
        b'{"type":"error","error_code":1,"error_message":"m"}',
        b'{"type":"error","error_code":"X","error_message":"m","recoverable":"yes"}',
    ],
)
def test_malformed_lines_are_typed_errors(line: bytes) -> None:
    with pytest.raises(MalformedLineError):
        parse_line(line)


def test_a_batch_with_only_response_id_uses_it_as_batch_id() -> None:
    batch = parse_line(
        b'{"type":"event_batch","response_id":"r1","resume_token":"rt_1","batch_size":0,'
        b'"events":{}}'
    )
    assert isinstance(batch, EventBatch)
    assert batch.batch_id == "r1"


def test_batch_id_wins_over_response_id() -> None:
    batch = parse_line(
        b'{"type":"event_batch","batch_id":"b1","response_id":"r1","resume_token":"rt_1",'
        b'"batch_size":0,"events":{}}'
    )
    assert isinstance(batch, EventBatch)
    assert batch.batch_id == "b1"
