"""The layering holds: contract -> generated client -> SDK -> service, through public names only.

A module may import ``_private`` modules or names only from its own top-level package; the SDK
never imports the service. Tests are exempt from the first rule (they unit-test private modules).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._spec import ROOT

HAND_WRITTEN = ("event_streamer", "event_streamer_server", "scripts")


def _python_files() -> Iterator[Path]:
    for top in HAND_WRITTEN:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "node_modules" not in path.parts:
                yield path


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _imports(tree: ast.AST) -> Iterator[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) for every absolute import in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [a.name for a in node.names]


def reach_ins(source: str, own: str, where: str = "<source>") -> list[str]:
    """What a module of package ``own`` imports that it must not."""
    found = []
    for line, module, names in _imports(ast.parse(source, where)):
        parts = module.split(".")
        if own == "event_streamer" and parts[0] == "event_streamer_server":
            found.append(f"{where}:{line}: the SDK imports the service ({module})")
        if parts[0] == own or parts[0] not in {*HAND_WRITTEN, "event_streamer_api"}:
            continue
        private = [p for p in parts[1:] if _private(p)] + [n for n in names if _private(n)]
        if private:
            found.append(f"{where}:{line}: private name of another package: {module} {private}")
    return found


def test_files_are_found() -> None:
    assert sum(1 for _ in _python_files()) > 40


def test_no_private_reach_ins_and_the_sdk_never_imports_the_service() -> None:
    violations = [
        v
        for path in _python_files()
        for v in reach_ins(
            path.read_text(encoding="utf-8"),
            path.relative_to(ROOT).parts[0],
            str(path.relative_to(ROOT)),
        )
    ]
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize(
    ("source", "own", "expected"),
    [
        ("from event_streamer._abi import x", "event_streamer_server", "private name"),
        ("from event_streamer.abi import _x", "scripts", "private name"),
        ("import event_streamer_server._app", "event_streamer", "the SDK imports the service"),
        ("def f():\n    from event_streamer_server import testing", "event_streamer", "the SDK"),
        ("from event_streamer_api.api.x import _get_kwargs", "event_streamer", "private name"),
    ],
)
def test_the_checker_catches_reach_ins(source: str, own: str, expected: str) -> None:
    found = reach_ins(source, own)
    assert any(expected in f for f in found), found


@pytest.mark.parametrize(
    "source",
    ["from ._abi import x", "from event_streamer.abi import x", "import event_streamer._abi"],
)
def test_the_checker_allows_own_package_and_public_names(source: str) -> None:
    assert reach_ins(source, "event_streamer") == []
