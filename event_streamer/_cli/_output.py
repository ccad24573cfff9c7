"""Rendering: JSON with ``--json``, tables on a terminal, and one line per streamed event."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..abi import METADATA_KEYS

# Piped tables are not cut to 80 columns (use --json for parsing).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


def emit(as_json: bool, value: Any, columns: list[str] | None = None) -> None:
    """Print a model, a list of models, or a dict: JSON with --json, else a table."""
    data = plain(value)
    if as_json:
        click.echo(json.dumps(data, default=str))
        return
    rows = data if isinstance(data, list) else [data]
    if not rows:
        out.print("(none)")
        return
    if columns is None:  # one record: key / value
        if isinstance(data, dict):
            table = Table(show_header=False, box=None)
            for key, item in data.items():
                table.add_row(str(key), _cell(item))
            out.print(table)
            return
        columns = list(rows[0])
    table = Table(*columns)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(table)


def plain(value: Any) -> Any:
    """A generated model (or a list of them) as plain JSON-able data."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return "-" if value is None else str(value)


def event_line(name: str, event: dict[str, Any]) -> str:
    """One streamed event as a JSON line (piped output or --json)."""
    return json.dumps({"event": name, **event}, default=str)


def print_event_readably(name: str, event: dict[str, Any]) -> None:
    """One streamed event for a terminal: name, position, then the decoded arguments."""
    args = {k: v for k, v in event.items() if k not in METADATA_KEYS}
    out.print(
        f"[bold]{name}[/bold] block {event.get('block_number')} log {event.get('log_index')} "
        + " ".join(f"{k}={v}" for k, v in args.items()),
        highlight=False,
    )


def note(message: str) -> None:
    """A status line on stderr (never mixed into the data on stdout)."""
    err.print(message, markup=False, highlight=False)
