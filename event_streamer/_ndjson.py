"""Sans-I/O NDJSON framing: feed bytes, get complete lines.

Lines end at b"\\n" only. ``httpx.Response.aiter_lines()`` also splits on U+2028, U+0085 and
lone \\r, which are legal inside JSON strings, so it would cut events in half. Chunks may end
mid-line or mid-UTF-8 character: bytes are kept until their newline arrives. Blank lines are
skipped; a trailing \\r is dropped (\\r\\n senders); a line longer than ``max_line_bytes`` is a
protocol error rather than unbounded buffering.
"""

from __future__ import annotations

from .exceptions import LineTooLongError, TruncatedLineError

__all__ = ["LineDecoder"]

DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024


class LineDecoder:
    """Reassembles lines from arbitrary byte chunks."""

    __slots__ = ("_buffer", "max_line_bytes")

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be >= 1")
        self.max_line_bytes = max_line_bytes
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        """Complete, non-blank lines in ``chunk`` (with what was buffered before it)."""
        if b"\n" not in chunk:
            self._buffer += chunk
            if len(self._buffer) > self.max_line_bytes:
                size = len(self._buffer)
                self._buffer = b""
                raise LineTooLongError(
                    f"stream line exceeds {self.max_line_bytes} bytes ({size} so far, no newline)"
                )
            return []
        parts = (self._buffer + chunk).split(b"\n")
        self._buffer = parts.pop()
        if len(self._buffer) > self.max_line_bytes:
            size = len(self._buffer)
            self._buffer = b""
            raise LineTooLongError(f"stream line exceeds {self.max_line_bytes} bytes ({size})")
        lines = []
        limit = self.max_line_bytes
        for line in parts:
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line or line.isspace():
                continue
            if len(line) > limit:
                raise LineTooLongError(f"stream line exceeds {limit} bytes ({len(line)})")
            lines.append(line)
        return lines

    @property
    def pending(self) -> int:
        """Bytes held back, waiting for their newline."""
        return len(self._buffer)

    def close(self) -> None:
        """End of stream: a partial last line is an error, never parsed."""
        leftover, self._buffer = self._buffer, b""
        if leftover.strip():
            raise TruncatedLineError(f"stream ended inside a line ({len(leftover)} bytes)")
