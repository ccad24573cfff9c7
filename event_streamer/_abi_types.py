"""Solidity ABI type grammar: parse type strings into a tree, print canonical forms.

Pure functions, no I/O. Errors name the input path (``Swap.inputs[2].components[0].type``) so a
bad ABI can be fixed without guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .exceptions import ABIParsingError, FieldError

_TYPE_RE = re.compile(r"^(?P<base>[a-z]+)(?P<size>[0-9]*)(?P<dims>(?:\[[0-9]*\])*)$")
_DIM_RE = re.compile(r"\[([0-9]*)\]")
# Solidity's shorthand names, as compilers print them in older ABIs.
_ALIASES = {"uint": "uint256", "int": "int256", "byte": "bytes1"}

# Integers this wide or narrower are JSON numbers; wider ones travel as decimal strings so that
# no JSON consumer (JavaScript included, 2**53) loses precision.
MAX_NUMBER_BITS = 48


@dataclass(frozen=True, slots=True)
class AbiType:
    """One ABI type. ``dims`` lists array dimensions innermost first (None = dynamic)."""

    base: str  # uint, int, address, bool, fixedbytes, bytes, string, tuple
    size: int = 0  # bits for uint/int, byte count for fixedbytes
    dims: tuple[int | None, ...] = ()
    components: tuple[tuple[str, AbiType], ...] = ()

    @property
    def element(self) -> AbiType:
        """The type one array dimension down."""
        return AbiType(self.base, self.size, self.dims[:-1], self.components)

    @property
    def is_array(self) -> bool:
        return bool(self.dims)

    @property
    def is_dynamic(self) -> bool:
        if self.dims:
            return self.dims[-1] is None or self.element.is_dynamic
        if self.base in ("bytes", "string"):
            return True
        if self.base == "tuple":
            return any(t.is_dynamic for _, t in self.components)
        return False

    @property
    def is_value_type(self) -> bool:
        """Stored directly in a topic when indexed (otherwise the topic is a hash)."""
        return not self.dims and self.base in ("uint", "int", "address", "bool", "fixedbytes")

    @property
    def head_size(self) -> int:
        """Bytes the type takes in the head of its enclosing tuple."""
        if self.is_dynamic:
            return 32
        if self.dims:
            length = self.dims[-1]
            assert length is not None
            return length * self.element.head_size
        if self.base == "tuple":
            return sum(t.head_size for _, t in self.components)
        return 32

    @property
    def canonical(self) -> str:
        """The type as it appears in a canonical signature (tuples expanded)."""
        if self.base == "tuple":
            inner = "(" + ",".join(t.canonical for _, t in self.components) + ")"
        elif self.base == "fixedbytes":
            inner = f"bytes{self.size}"
        elif self.base in ("uint", "int"):
            inner = f"{self.base}{self.size}"
        else:
            inner = self.base
        return inner + "".join("[]" if d is None else f"[{d}]" for d in self.dims)


def _parse_error(path: str, message: str) -> ABIParsingError:
    return ABIParsingError(f"{path}: {message}", field_errors=[FieldError(path, message)])


def parse_type(type_str: Any, components: Any, path: str) -> AbiType:
    """Parse one input's ``type`` (and ``components`` for tuples); ``path`` names the input."""
    if not isinstance(type_str, str) or not type_str:
        raise _parse_error(f"{path}.type", "must be a non-empty string")
    match = _TYPE_RE.match(type_str.strip())
    if match is None:
        raise _parse_error(f"{path}.type", f"invalid Solidity type {type_str!r}")
    base, size_str, dims_str = match["base"], match["size"], match["dims"]
    aliased = _ALIASES.get(base + size_str)
    if aliased is not None:
        return parse_type(aliased + dims_str, components, path)
    dims: list[int | None] = []
    for d in _DIM_RE.findall(dims_str):
        if d == "":
            dims.append(None)
        elif int(d) < 1:
            raise _parse_error(f"{path}.type", f"array length must be >= 1 in {type_str!r}")
        else:
            dims.append(int(d))
    size = int(size_str) if size_str else 0
    if base in ("uint", "int"):
        if not (8 <= size <= 256 and size % 8 == 0):
            raise _parse_error(
                f"{path}.type", f"{base}N needs N in 8..256, step 8; got {type_str!r}"
            )
        return AbiType(base, size, tuple(dims))
    if base == "bytes" and size_str:
        if not 1 <= size <= 32:
            raise _parse_error(f"{path}.type", f"bytesN needs N in 1..32; got {type_str!r}")
        return AbiType("fixedbytes", size, tuple(dims))
    if size_str:
        raise _parse_error(f"{path}.type", f"invalid Solidity type {type_str!r}")
    if base in ("address", "bool", "bytes", "string"):
        return AbiType(base, 0, tuple(dims))
    if base == "tuple":
        return AbiType("tuple", 0, tuple(dims), _parse_components(components, path))
    raise _parse_error(f"{path}.type", f"unsupported Solidity type {type_str!r}")


def _parse_components(components: Any, path: str) -> tuple[tuple[str, AbiType], ...]:
    if not isinstance(components, Sequence) or isinstance(components, str) or not components:
        raise _parse_error(f"{path}.components", "a tuple needs a non-empty list of components")
    out: list[tuple[str, AbiType]] = []
    for i, comp in enumerate(components):
        cpath = f"{path}.components[{i}]"
        if not isinstance(comp, Mapping):
            raise _parse_error(cpath, "must be an object")
        name = comp.get("name") or ""
        if not isinstance(name, str):
            raise _parse_error(f"{cpath}.name", "must be a string")
        out.append((name, parse_type(comp.get("type"), comp.get("components"), cpath)))
    return tuple(out)
