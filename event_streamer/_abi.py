"""ABI parsing: load an ABI from JSON, a list or a compiler artifact; select events; signatures.

Accepted inputs: a JSON string (or bytes), a parsed list of ABI elements, a single element, or a
compiler artifact dict holding the ABI under ``abi`` (Foundry, Hardhat, solc per-contract
output) or a solc ``contracts`` map with exactly one contract.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_hash.auto import keccak

from ._abi_types import AbiType, _parse_error, parse_type
from .exceptions import ABIParsingError
from .models.abi import ABIEvent, ABIInput

__all__ = [
    "ABIConstructor",
    "ABIErrorEntry",
    "ABIFallback",
    "ABIFunction",
    "ABIReceive",
    "ContractABI",
    "event_signature",
    "event_topic0",
    "extract_abi_event",
    "extract_abi_events",
    "parse_contract_abi",
]

AbiSource = str | bytes | Sequence[Mapping[str, Any]] | Mapping[str, Any]

_MAX_INDEXED = {False: 3, True: 4}  # non-anonymous events spend one topic on topic0


@dataclass(frozen=True, slots=True)
class ABIFunction:
    """A function of a contract ABI."""

    name: str
    inputs: list[ABIInput] = field(default_factory=list)
    outputs: list[ABIInput] = field(default_factory=list)
    state_mutability: str = "nonpayable"

    @property
    def signature(self) -> str:
        return _signature(self.name, [i.to_dict() for i in self.inputs], f"{self.name}.inputs")

    @property
    def selector(self) -> str:
        """First four bytes of the signature's keccak, 0x-hex."""
        return "0x" + keccak(self.signature.encode()).hex()[:8]


@dataclass(frozen=True, slots=True)
class ABIErrorEntry:
    """A custom error of a contract ABI (an ABI *entry* of type ``error``, not an exception)."""

    name: str
    inputs: list[ABIInput] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ABIConstructor:
    """The constructor of a contract ABI."""

    inputs: list[ABIInput] = field(default_factory=list)
    state_mutability: str = "nonpayable"


@dataclass(frozen=True, slots=True)
class ABIFallback:
    """The fallback function of a contract ABI."""

    state_mutability: str = "nonpayable"


@dataclass(frozen=True, slots=True)
class ABIReceive:
    """The receive function of a contract ABI."""

    state_mutability: str = "payable"


_CONTRACT_KEYS = ("events", "functions", "errors", "constructor", "fallback", "receive")


@dataclass(frozen=True, slots=True)
class ContractABI(Mapping[str, Any]):
    """Everything in a contract ABI, parsed and validated.

    Typed attributes (``parsed.events``), and also a read-only mapping with the same keys
    (``parsed["events"]``), as the v0.4 SDK returned a dict.
    """

    events: list[ABIEvent] = field(default_factory=list)
    functions: list[ABIFunction] = field(default_factory=list)
    errors: list[ABIErrorEntry] = field(default_factory=list)
    constructor: ABIConstructor | None = None
    fallback: ABIFallback | None = None
    receive: ABIReceive | None = None

    def event(self, name_or_signature: str) -> ABIEvent:
        """The event with this name (or full signature, for overloads)."""
        return _select_event(self.events, name_or_signature)

    def __getitem__(self, key: str) -> Any:
        if key not in _CONTRACT_KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_CONTRACT_KEYS)

    def __len__(self) -> int:
        return len(_CONTRACT_KEYS)


def load_abi(abi: AbiSource) -> list[Mapping[str, Any]]:
    """Normalise any accepted ABI source into a list of element mappings."""
    loaded: Any = abi
    if isinstance(loaded, str | bytes | bytearray):
        try:
            loaded = json.loads(loaded)
        except (ValueError, UnicodeDecodeError) as err:
            raise _parse_error("abi", f"not valid JSON: {err}") from err
    if isinstance(loaded, Mapping):
        if "abi" in loaded:
            return load_abi(loaded["abi"])
        contracts = loaded.get("contracts")
        if isinstance(contracts, Mapping):
            return load_abi(_single_solc_contract(contracts))
        if "type" in loaded:
            return [loaded]
        raise _parse_error("abi", "expected an ABI list, or an artifact with an 'abi' key")
    if not isinstance(loaded, Sequence) or isinstance(loaded, str | bytes):
        raise _parse_error("abi", f"expected an ABI list, got {type(loaded).__name__}")
    for i, element in enumerate(loaded):
        if not isinstance(element, Mapping):
            raise _parse_error(f"abi[{i}]", "each ABI element must be an object")
    return list(loaded)


def _single_solc_contract(contracts: Mapping[str, Any]) -> Any:
    """solc output: ``{file: {name: {abi}}}`` (standard JSON) or ``{"file:name": {abi}}``."""
    found: dict[str, Any] = {}
    for key, value in contracts.items():
        if isinstance(value, Mapping) and "abi" in value:
            found[key] = value
        elif isinstance(value, Mapping):
            found.update({f"{key}:{n}": c for n, c in value.items() if isinstance(c, Mapping)})
    if len(found) != 1:
        names = ", ".join(sorted(found)) or "none"
        raise _parse_error(
            "abi", f"artifact holds {len(found)} contracts ({names}); pass one's 'abi'"
        )
    return next(iter(found.values()))


def _check_inputs(raw: Any, path: str, *, event: bool) -> list[tuple[str, AbiType, bool]]:
    """Validate an ``inputs`` list; return (name, type, indexed) per input."""
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise _parse_error(path, "must be a list")
    out = []
    for i, inp in enumerate(raw):
        ipath = f"{path}[{i}]"
        if not isinstance(inp, Mapping):
            raise _parse_error(ipath, "must be an object")
        name = inp.get("name")
        if name is not None and not isinstance(name, str):
            raise _parse_error(f"{ipath}.name", "must be a string")
        indexed = inp.get("indexed", False)
        if indexed is None:
            indexed = False
        if not isinstance(indexed, bool):
            raise _parse_error(f"{ipath}.indexed", "must be true or false")
        if indexed and not event:
            raise _parse_error(f"{ipath}.indexed", "only event inputs can be indexed")
        out.append((name or "", parse_type(inp.get("type"), inp.get("components"), ipath), indexed))
    return out


def check_event(raw: Mapping[str, Any], path: str | None = None) -> list[tuple[str, AbiType, bool]]:
    """Validate a raw event element; return its inputs as (name, type, indexed)."""
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _parse_error(f"{path or 'event'}.name", "an event needs a non-empty name")
    path = path or name
    anonymous = raw.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise _parse_error(f"{path}.anonymous", "must be true or false")
    inputs = _check_inputs(raw.get("inputs"), f"{path}.inputs", event=True)
    n_indexed = sum(1 for _, _, indexed in inputs if indexed)
    if n_indexed > _MAX_INDEXED[anonymous]:
        kind = "an anonymous" if anonymous else "a non-anonymous"
        raise _parse_error(
            f"{path}.inputs",
            f"{kind} event can index at most {_MAX_INDEXED[anonymous]} inputs, got {n_indexed}",
        )
    return inputs


def event_inputs(event: ABIEvent | Mapping[str, Any]) -> list[tuple[str, AbiType, bool]]:
    """Validated (name, type, indexed) of an event model or raw element."""
    raw = event.to_dict() if isinstance(event, ABIEvent) else event
    if raw.get("type", "event") != "event":
        raise _parse_error("event.type", "must be 'event'")
    return check_event(raw)


def _signature(name: str, inputs: Sequence[Mapping[str, Any]], path: str) -> str:
    types = [
        parse_type(raw.get("type"), raw.get("components"), f"{path}[{i}]").canonical
        for i, raw in enumerate(inputs)
    ]
    return f"{name}({','.join(types)})"


def event_signature(event: ABIEvent | Mapping[str, Any]) -> str:
    """Canonical signature, e.g. ``Transfer(address,address,uint256)`` (tuples expanded)."""
    raw = event.to_dict() if isinstance(event, ABIEvent) else event
    event_inputs(raw)  # validates: indexed flags, counts, names
    return _signature(str(raw["name"]), raw.get("inputs") or [], f"{raw['name']}.inputs")


def event_topic0(event: ABIEvent | Mapping[str, Any]) -> str:
    """keccak-256 of the canonical signature: the log's topics[0] (0x + 64 hex digits)."""
    return "0x" + keccak(event_signature(event).encode()).hex()


def _to_event(raw: Mapping[str, Any], path: str) -> ABIEvent:
    check_event(raw, path)
    return ABIEvent.from_dict({**raw, "type": "event"})


def _events(elements: list[Mapping[str, Any]]) -> list[ABIEvent]:
    return [
        _to_event(el, el["name"] if isinstance(el.get("name"), str) and el["name"] else f"abi[{i}]")
        for i, el in enumerate(elements)
        if el.get("type") == "event"
    ]


def _select_event(events: list[ABIEvent], wanted: str) -> ABIEvent:
    if not isinstance(wanted, str) or not wanted.strip():
        raise _parse_error("event_name", "must be a non-empty event name or signature")
    wanted = wanted.strip()
    if "(" in wanted:
        # Compare canonical forms so `Foo(uint)` finds `Foo(uint256)`.
        try:
            target = event_signature(parse_signature(wanted))
        except ABIParsingError as err:
            raise _parse_error("event_name", f"invalid event signature {wanted!r}: {err}") from err
        matches = [e for e in events if event_signature(e) == target]
    else:
        matches = [e for e in events if e.name == wanted]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        available = ", ".join(sorted({event_signature(e) for e in events})) or "none"
        raise _parse_error(
            "event_name", f"event {wanted!r} not found in ABI; available: {available}"
        )
    overloads = ", ".join(event_signature(e) for e in matches)
    raise _parse_error(
        "event_name",
        f"event name {wanted!r} is ambiguous (overloaded): pass one of {overloads}",
    )


def parse_signature(signature: str) -> dict[str, Any]:
    """``Name(type,...)`` -> a raw event element (tuples become nested components)."""
    name, _, rest = signature.partition("(")
    if not rest.endswith(")"):
        raise _parse_error("event_name", "signature must look like Name(type,...)")
    return {"name": name.strip(), "inputs": [_sig_input(t) for t in _split_types(rest[:-1])]}


def _split_types(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    tail = body[start:].strip()
    if tail or parts:
        parts.append(tail)
    return parts


def _sig_input(type_str: str) -> dict[str, Any]:
    if type_str.startswith("("):
        close = type_str.rfind(")")
        components = [_sig_input(t) for t in _split_types(type_str[1:close])]
        return {"type": "tuple" + type_str[close + 1 :], "components": components}
    return {"type": type_str}


def extract_abi_events(abi_json: AbiSource) -> dict[str, ABIEvent]:
    """Every event in ``abi_json``, keyed by name (overloaded events by full signature)."""
    events = _events(load_abi(abi_json))
    counts: dict[str, int] = {}
    for e in events:
        counts[e.name] = counts.get(e.name, 0) + 1
    return {(e.name if counts[e.name] == 1 else event_signature(e)): e for e in events}


def extract_abi_event(abi_json: AbiSource, event_name: str) -> ABIEvent:
    """The event called ``event_name`` (a bare name, or a full signature for overloads).

    ``abi_json``: a JSON string, a parsed ABI list, or a compiler artifact.
    """
    return _select_event(_events(load_abi(abi_json)), event_name)


def parse_contract_abi(abi_json: AbiSource) -> ContractABI:
    """Parse a whole contract ABI: events, functions, errors, constructor, fallback, receive."""
    elements = load_abi(abi_json)
    functions: list[ABIFunction] = []
    errors: list[ABIErrorEntry] = []
    constructor = fallback = receive = None
    for i, el in enumerate(elements):
        kind = el.get("type", "function")  # very old ABIs omit type for functions
        path = f"abi[{i}]"
        mutability = str(el.get("stateMutability") or ("payable" if el.get("payable") else ""))
        if kind == "function":
            name = el.get("name")
            if not isinstance(name, str) or not name:
                raise _parse_error(f"{path}.name", "a function needs a name")
            _check_inputs(el.get("inputs"), f"{name}.inputs", event=False)
            _check_inputs(el.get("outputs"), f"{name}.outputs", event=False)
            functions.append(
                ABIFunction(
                    name,
                    _models(el.get("inputs")),
                    _models(el.get("outputs")),
                    mutability or "nonpayable",
                )
            )
        elif kind == "error":
            name = el.get("name")
            if not isinstance(name, str) or not name:
                raise _parse_error(f"{path}.name", "an error needs a name")
            _check_inputs(el.get("inputs"), f"{name}.inputs", event=False)
            errors.append(ABIErrorEntry(name, _models(el.get("inputs"))))
        elif kind == "constructor":
            _check_inputs(el.get("inputs"), "constructor.inputs", event=False)
            constructor = ABIConstructor(_models(el.get("inputs")), mutability or "nonpayable")
        elif kind == "fallback":
            fallback = ABIFallback(mutability or "nonpayable")
        elif kind == "receive":
            receive = ABIReceive("payable")
        elif kind != "event":
            raise _parse_error(f"{path}.type", f"unknown ABI element type {kind!r}")
    return ContractABI(_events(elements), functions, errors, constructor, fallback, receive)


def _models(raw: Any) -> list[ABIInput]:
    return [ABIInput.from_dict(dict(i)) for i in raw or []]


def __getattr__(name: str) -> Any:
    if name == "ABIError":
        warnings.warn(
            "ABIError is deprecated: use ABIErrorEntry (an ABI entry, not an exception)",
            DeprecationWarning,
            stacklevel=2,
        )
        return ABIErrorEntry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
