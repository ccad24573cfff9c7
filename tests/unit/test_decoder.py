"""Log decoding: known vectors (hand-encoded word by word), conventions, and typed errors."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import encode

from event_streamer import EventDecodeError, EventDecoder, event_topic0, to_checksum_address
from event_streamer.exceptions import EventStreamerValidationError
from tests.unit.test_abi_parsing import POSITION, TRANSFER, ev, inp


def word(value: int) -> str:
    """A 32-byte two's-complement word, written independently of the decoder."""
    return format(value % (1 << 256), "064x")


def topic_address(addr: str) -> str:
    return "0x" + "0" * 24 + addr[2:].lower()


def log(topics: list[str], data: str, **extra: Any) -> dict[str, Any]:
    base = {
        "address": "0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640",
        "topics": topics,
        "data": data,
        "blockNumber": "0x1312d00",
        "transactionHash": "0x" + "12" * 32,
        "transactionIndex": "0x5",
        "logIndex": "0x2a",
        "blockHash": "0x" + "34" * 32,
        "removed": False,
    }
    base.update(extra)
    return base


# EIP-55's own test vectors.
EIP55 = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]
USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


@pytest.mark.parametrize("address", [*EIP55, USDC])
def test_checksum_vectors(address: str) -> None:
    assert to_checksum_address(address.lower()) == address
    assert to_checksum_address(address.upper().replace("0X", "0x")) == address


@pytest.mark.parametrize(
    "bad", ["0x123", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", "0x" + "g" * 40]
)
def test_checksum_rejects_bad_addresses(bad: str) -> None:
    with pytest.raises(EventStreamerValidationError, match="40 hex digits"):
        to_checksum_address(bad)


def test_erc20_transfer_vector() -> None:
    decoder = EventDecoder(TRANSFER)
    raw = log(
        [decoder.topic0, topic_address(EIP55[0]), topic_address(EIP55[1])],
        "0x" + word(1_000_000),
        address=USDC.lower(),
    )
    assert decoder.decode(raw) == {
        "from": EIP55[0],
        "to": EIP55[1],
        "value": "1000000",
        "block_number": 20_000_000,
        "transaction_hash": "0x" + "12" * 32,
        "transaction_index": 5,
        "log_index": 42,
        "address": USDC,
        "block_hash": "0x" + "34" * 32,
        "removed": False,
    }


SWAP = ev(
    "Swap",
    inp("sender", "address", True),
    inp("recipient", "address", True),
    inp("amount0", "int256"),
    inp("amount1", "int256"),
    inp("sqrtPriceX96", "uint160"),
    inp("liquidity", "uint128"),
    inp("tick", "int24"),
)


def test_uniswap_v3_swap_vector() -> None:
    decoder = EventDecoder(SWAP)
    assert decoder.topic0 == "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67"
    sqrt_price = (1 << 160) - 1
    data = "".join(
        word(v) for v in (-1_000_000, 5 * 10**17, sqrt_price, 12345678901234567890, -887272)
    )
    raw = log([decoder.topic0, topic_address(EIP55[2]), topic_address(EIP55[3])], "0x" + data)
    out = decoder.decode(raw)
    assert out["sender"] == EIP55[2]
    assert out["recipient"] == EIP55[3]
    assert out["amount0"] == "-1000000"
    assert out["amount1"] == "500000000000000000"
    assert out["sqrtPriceX96"] == str(sqrt_price)
    assert out["liquidity"] == "12345678901234567890"
    assert out["tick"] == -887272  # 24-bit integers stay JSON numbers
    assert out["address"] == "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640"


def test_anonymous_event_decodes_from_topic_zero() -> None:
    anon = ev("Anon", inp("who", "address", True), inp("amount", "uint64"), anonymous=True)
    decoder = EventDecoder(anon)
    out = decoder.decode(log([topic_address(EIP55[0])], "0x" + word(2**60)))
    assert out["who"] == EIP55[0]
    assert out["amount"] == str(2**60)  # 64 bits is wider than a safe JSON number


def test_nested_tuple_event() -> None:
    decoder = EventDecoder(POSITION)
    data = encode(
        ["(address,int24,uint128,(uint24,uint256))"],
        [(EIP55[1], -60, 10**20, (3000, 2**200))],
    ).hex()
    out = decoder.decode(log([decoder.topic0, topic_address(EIP55[0])], "0x" + data))
    assert out["owner"] == EIP55[0]
    assert out["position"] == {
        "token0": EIP55[1],
        "tickLower": -60,
        "liquidity": str(10**20),
        "fees": {"fee": 3000, "collected": str(2**200)},
    }


def test_indexed_dynamic_values_are_topic_hashes() -> None:
    event = ev(
        "Tagged",
        inp("tag", "string", True),
        inp("ids", "uint256[]", True),
        inp("note", "string"),
        inp("blob", "bytes"),
    )
    decoder = EventDecoder(event)
    tag_hash, ids_hash = "0x" + "aa" * 32, "0x" + "bb" * 32
    data = encode(["string", "bytes"], ["héllo ✓", b"\x00\x01\xff"]).hex()
    out = decoder.decode(log([decoder.topic0, tag_hash, ids_hash], "0x" + data))
    assert out["tag"] == tag_hash
    assert out["ids"] == ids_hash
    assert out["note"] == "héllo ✓"
    assert out["blob"] == "0x0001ff"


def test_unnamed_and_colliding_names_are_stable() -> None:
    event = ev("Odd", inp("", "uint8"), inp("address", "address"), inp("", "bool"))
    decoder = EventDecoder(event)
    data = "".join([word(7), "0" * 24 + EIP55[0][2:].lower(), word(1)])
    out = decoder.decode(log([decoder.topic0], "0x" + data))
    assert out["arg0"] == 7
    assert out["address_arg"] == EIP55[0]
    assert out["arg2"] is True
    assert out["address"] == "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640"


def test_decoder_accepts_models_and_dicts_alike() -> None:
    from event_streamer import extract_abi_event

    model = extract_abi_event([TRANSFER], "Transfer")
    assert EventDecoder(model).signature == EventDecoder(TRANSFER).signature
    assert EventDecoder(model).topic0 == event_topic0(TRANSFER)


def test_invalid_utf8_in_strings_is_replaced_not_dropped() -> None:
    decoder = EventDecoder(ev("S", inp("s", "string")))
    data = word(32) + word(2) + "ff41" + "0" * 60
    assert decoder.decode(log([decoder.topic0], "0x" + data))["s"] == "\ufffdA"


TRANSFER_TOPICS = [
    event_topic0(TRANSFER),
    topic_address(EIP55[0]),
    topic_address(EIP55[1]),
]


@pytest.mark.parametrize(
    ("event", "raw", "message"),
    [
        (TRANSFER, log(TRANSFER_TOPICS[:2], "0x" + word(1)), "expected 3 topics, got 2"),
        (
            TRANSFER,
            log(["0x" + "00" * 32, *TRANSFER_TOPICS[1:]], "0x" + word(1)),
            "not Transfer's topic0",
        ),
        (TRANSFER, log(TRANSFER_TOPICS, "0x" + "00" * 31), "data is 31 bytes; the event needs 32"),
        (TRANSFER, log(TRANSFER_TOPICS, word(1)), "data must start with 0x"),
        (TRANSFER, log(TRANSFER_TOPICS, "0x" + "zz" * 32), "malformed log"),
        (TRANSFER, log(TRANSFER_TOPICS, "0x" + word(1), blockNumber=None), "malformed log"),
        (
            TRANSFER,
            {k: v for k, v in log(TRANSFER_TOPICS, "0x" + word(1)).items() if k != "logIndex"},
            "malformed log",
        ),
        (
            ev("B", inp("b", "bytes")),
            log([event_topic0(ev("B", inp("b", "bytes")))], "0x" + word(32) + word(1000)),
            "bytes of 1000 bytes runs past the end",
        ),
        (
            ev("B", inp("b", "bytes")),
            log([event_topic0(ev("B", inp("b", "bytes")))], "0x" + word(4096)),
            "past the end of the data",
        ),
        (
            ev("A", inp("a", "uint256[]")),
            log([event_topic0(ev("A", inp("a", "uint256[]")))], "0x" + word(32) + word(2**40)),
            "array of 1099511627776 runs past the end",
        ),
        (
            ev("B", inp("b", "bytes4")),
            log([event_topic0(ev("B", inp("b", "bytes4")))], "0x" + "xy" * 32),
            "data is not hex",
        ),
    ],
)
def test_mismatched_logs_raise_typed_errors_naming_the_log(
    event: dict[str, Any], raw: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventDecodeError) as info:
        EventDecoder(event).decode(raw)
    assert message in str(info.value)
    assert "tx 0x1212" in str(info.value)
    assert info.value.log is raw


def test_decode_arguments_error_names_the_signature() -> None:
    with pytest.raises(EventDecodeError, match=r"Transfer\(address,address,uint256\)"):
        EventDecoder(TRANSFER).decode_arguments(TRANSFER_TOPICS[:1], "0x")
