"""ABI parsing: sources, selection, signatures, topic0, and every error message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from event_streamer import (
    ABIEvent,
    ABIParsingError,
    EventStreamerValidationError,
    event_signature,
    event_topic0,
    extract_abi_event,
    extract_abi_events,
    parse_contract_abi,
    subscription_from_abi,
)


def ev(name: str, *inputs: dict[str, Any], anonymous: bool = False) -> dict[str, Any]:
    return {"type": "event", "name": name, "anonymous": anonymous, "inputs": list(inputs)}


def inp(name: str, type_: str, indexed: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "indexed": indexed, **extra}


TRANSFER = ev(
    "Transfer", inp("from", "address", True), inp("to", "address", True), inp("value", "uint256")
)
APPROVAL = ev(
    "Approval",
    inp("owner", "address", True),
    inp("spender", "address", True),
    inp("value", "uint256"),
)
FEES = [inp("fee", "uint24"), inp("collected", "uint256")]
POSITION = ev(
    "PositionUpdated",
    inp("owner", "address", True),
    inp(
        "position",
        "tuple",
        components=[
            inp("token0", "address"),
            inp("tickLower", "int24"),
            inp("liquidity", "uint128"),
            inp("fees", "tuple", components=FEES),
        ],
    ),
)
ERC20_ABI = [
    TRANSFER,
    APPROVAL,
    {
        "type": "function",
        "name": "transfer",
        "stateMutability": "nonpayable",
        "inputs": [inp("to", "address"), inp("amount", "uint256")],
        "outputs": [inp("", "bool")],
    },
    {"type": "error", "name": "InsufficientBalance", "inputs": [inp("needed", "uint256")]},
    {"type": "constructor", "inputs": [inp("supply", "uint256")], "stateMutability": "nonpayable"},
    {"type": "fallback", "stateMutability": "payable"},
    {"type": "receive", "stateMutability": "payable"},
]


# -- accepted sources ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        pytest.param(json.dumps(ERC20_ABI), id="json-string"),
        pytest.param(json.dumps(ERC20_ABI).encode(), id="json-bytes"),
        pytest.param(ERC20_ABI, id="list"),
        pytest.param({"abi": ERC20_ABI, "bytecode": {"object": "0x00"}}, id="foundry-artifact"),
        pytest.param({"contractName": "T", "abi": ERC20_ABI}, id="hardhat-artifact"),
        pytest.param({"contracts": {"T.sol": {"T": {"abi": ERC20_ABI}}}}, id="solc-standard-json"),
        pytest.param({"contracts": {"T.sol:T": {"abi": ERC20_ABI}}}, id="solc-combined-json"),
    ],
)
def test_every_source_shape_is_accepted(source: Any) -> None:
    event = extract_abi_event(source, "Transfer")
    assert isinstance(event, ABIEvent)
    assert event_signature(event) == "Transfer(address,address,uint256)"
    assert set(extract_abi_events(source)) == {"Transfer", "Approval"}


def test_single_event_element_is_accepted() -> None:
    assert extract_abi_event(TRANSFER, "Transfer").name == "Transfer"


# -- signatures and topic0 ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("event", "signature", "topic0"),
    [
        (
            TRANSFER,
            "Transfer(address,address,uint256)",
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
        ),
        (
            APPROVAL,
            "Approval(address,address,uint256)",
            "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
        ),
        (
            ev(
                "Swap",
                inp("sender", "address", True),
                inp("recipient", "address", True),
                inp("amount0", "int256"),
                inp("amount1", "int256"),
                inp("sqrtPriceX96", "uint160"),
                inp("liquidity", "uint128"),
                inp("tick", "int24"),
            ),
            "Swap(address,address,int256,int256,uint160,uint128,int24)",
            "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67",
        ),
        (
            ev("Sync", inp("reserve0", "uint112"), inp("reserve1", "uint112")),
            "Sync(uint112,uint112)",
            "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1",
        ),
        (
            ev("Legacy", inp("a", "uint"), inp("b", "int"), inp("c", "byte")),
            "Legacy(uint256,int256,bytes1)",
            None,
        ),
        (
            POSITION,
            "PositionUpdated(address,(address,int24,uint128,(uint24,uint256)))",
            None,
        ),
        (
            ev(
                "Arrays",
                inp("a", "uint8[2][]"),
                inp("b", "tuple[]", components=[inp("x", "bytes32"), inp("y", "string[]")]),
                inp("c", "tuple[3][]", components=[inp("z", "bool")]),
            ),
            "Arrays(uint8[2][],(bytes32,string[])[],(bool)[3][])",
            None,
        ),
    ],
)
def test_canonical_signature_and_topic0(
    event: dict[str, Any], signature: str, topic0: str | None
) -> None:
    assert event_signature(event) == signature
    computed = event_topic0(event)
    assert computed.startswith("0x")
    assert len(computed) == 66
    if topic0 is not None:
        assert computed == topic0


# -- overloads ----------------------------------------------------------------------------------
OVERLOADED = [
    ev("Deposit", inp("who", "address", True), inp("amount", "uint256")),
    ev("Deposit", inp("who", "address", True), inp("amount", "uint256"), inp("memo", "string")),
]


def test_overloaded_events_are_selected_by_signature() -> None:
    chosen = extract_abi_event(OVERLOADED, "Deposit(address,uint256,string)")
    assert len(chosen.inputs) == 3
    assert len(extract_abi_event(OVERLOADED, "Deposit(address, uint)").inputs) == 2


def test_overloaded_events_are_keyed_by_signature() -> None:
    assert set(extract_abi_events(OVERLOADED)) == {
        "Deposit(address,uint256)",
        "Deposit(address,uint256,string)",
    }


def test_ambiguous_bare_name_is_a_clear_error() -> None:
    with pytest.raises(ABIParsingError, match="ambiguous") as info:
        extract_abi_event(OVERLOADED, "Deposit")
    assert "Deposit(address,uint256,string)" in str(info.value)


# -- whole contracts ----------------------------------------------------------------------------
def test_parse_contract_abi_returns_every_element_kind() -> None:
    contract = parse_contract_abi(ERC20_ABI)
    assert [e.name for e in contract.events] == ["Transfer", "Approval"]
    assert [f.name for f in contract.functions] == ["transfer"]
    assert contract.functions[0].signature == "transfer(address,uint256)"
    assert contract.functions[0].selector == "0xa9059cbb"
    assert [e.name for e in contract.errors] == ["InsufficientBalance"]
    assert contract.constructor is not None
    assert len(contract.constructor.inputs) == 1
    assert contract.fallback is not None
    assert contract.fallback.state_mutability == "payable"
    assert contract.receive is not None
    assert contract.event("Approval").name == "Approval"


def test_tuple_components_are_kept_as_models() -> None:
    position = extract_abi_event([POSITION], "PositionUpdated")
    comps = position.inputs[1].components
    assert isinstance(comps, list)
    assert comps[3].name == "fees"
    assert isinstance(comps[3].components, list)
    assert [c.type_ for c in comps[3].components] == ["uint24", "uint256"]


def test_subscription_from_abi_computes_topic0() -> None:
    sub = subscription_from_abi(
        ERC20_ABI,
        "Transfer",
        chain_id=31337,
        addresses=["0x5FbDB2315678afecb367f032d93F642f64180aa3"],
        start_block=5,
    )
    assert sub.topic0 == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    assert sub.event_signature.name == "Transfer"
    assert sub.start_block == 5
    assert sub.to_dict()["chain_id"] == 31337


# -- errors ---------------------------------------------------------------------------------------
def _bad_position(path: list[Any], value: Any) -> list[dict[str, Any]]:
    event = json.loads(json.dumps(POSITION))
    node = event
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return [event]


@pytest.mark.parametrize(
    ("abi", "name", "field", "message"),
    [
        ("{not json", "X", "abi", "not valid JSON"),
        ('{"foo": 1}', "X", "abi", "expected an ABI list"),
        ("42", "X", "abi", "expected an ABI list, got int"),
        ("[1, 2]", "X", "abi[0]", "must be an object"),
        (ERC20_ABI, "Nope", "event_name", "not found in ABI; available: Approval("),
        (ERC20_ABI, "", "event_name", "non-empty"),
        (ERC20_ABI, "Transfer(address", "event_name", "invalid event signature"),
        (
            _bad_position(["inputs", 1, "components", 3, "type"], "uint7"),
            "PositionUpdated",
            "PositionUpdated.inputs[1].components[3].type",
            "uintN needs N in 8..256",
        ),
        (
            _bad_position(["inputs", 1, "components", 3, "components", 0, "type"], "bytes33"),
            "PositionUpdated",
            "PositionUpdated.inputs[1].components[3].components[0].type",
            "bytesN needs N in 1..32",
        ),
        (
            _bad_position(["inputs", 1, "components"], []),
            "PositionUpdated",
            "PositionUpdated.inputs[1].components",
            "non-empty list of components",
        ),
        (
            _bad_position(["inputs", 0, "type"], "addr"),
            "PositionUpdated",
            "PositionUpdated.inputs[0].type",
            "unsupported Solidity type 'addr'",
        ),
        (
            _bad_position(["inputs", 0, "type"], "uint256[0]"),
            "PositionUpdated",
            "PositionUpdated.inputs[0].type",
            "array length must be >= 1",
        ),
        (
            _bad_position(["inputs", 0, "type"], "fixed128x18"),
            "PositionUpdated",
            "PositionUpdated.inputs[0].type",
            "invalid Solidity type",
        ),
        (
            _bad_position(["inputs", 0, "type"], 7),
            "PositionUpdated",
            "PositionUpdated.inputs[0].type",
            "must be a non-empty string",
        ),
        (
            _bad_position(["inputs", 0, "indexed"], "yes"),
            "PositionUpdated",
            "PositionUpdated.inputs[0].indexed",
            "must be true or false",
        ),
        (
            _bad_position(["inputs", 0, "name"], 5),
            "PositionUpdated",
            "PositionUpdated.inputs[0].name",
            "must be a string",
        ),
        (
            _bad_position(["anonymous"], "no"),
            "PositionUpdated",
            "PositionUpdated.anonymous",
            "must be true or false",
        ),
        (
            [ev("Many", *[inp(f"a{i}", "uint8", True) for i in range(4)])],
            "Many",
            "Many.inputs",
            "at most 3 inputs",
        ),
        (
            [ev("Many", *[inp(f"a{i}", "uint8", True) for i in range(5)], anonymous=True)],
            "Many",
            "Many.inputs",
            "at most 4 inputs",
        ),
        ([{"type": "event", "name": ""}], "X", "abi[0].name", "non-empty name"),
        ([{"type": "widget"}], "X", "abi[0].type", "unknown ABI element type"),
        ({"contracts": {"A.sol": {"A": {"abi": []}, "B": {"abi": []}}}}, "X", "abi", "2 contracts"),
    ],
)
def test_errors_name_the_field(abi: Any, name: str, field: str, message: str) -> None:
    with pytest.raises(ABIParsingError) as info:
        parse_contract_abi(abi).event(name)
    err = info.value
    assert isinstance(err, EventStreamerValidationError)
    assert err.fields == [field]
    assert message in str(err)
    assert field in str(err)


def test_function_inputs_cannot_be_indexed() -> None:
    bad = [{"type": "function", "name": "f", "inputs": [inp("a", "uint8", True)]}]
    with pytest.raises(ABIParsingError, match=r"f\.inputs\[0\]\.indexed"):
        parse_contract_abi(bad)
