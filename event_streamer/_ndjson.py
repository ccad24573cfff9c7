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

    __slots__ = ("_buffer", "_error", "max_line_bytes")

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be >= 1")
        self.max_line_bytes = max_line_bytes
        self._buffer = b""
        self._error: LineTooLongError | None = None

    def feed(self, chunk: bytes) -> list[bytes]:
        """Complete, non-blank lines in ``chunk`` (with what was buffered before it).

        Lines before an oversized one are returned; the error is raised by ``raise_pending()``
        or the next call, so nothing after the bad line is ever returned.
        """
        if self._error is not None:
            raise self._error
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
        limit = self.max_line_bytes
        lines = []
        for line in parts:
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line or line.isspace():
                continue
            if len(line) > limit:
                self._error = LineTooLongError(f"stream line exceeds {limit} bytes ({len(line)})")
                break
            lines.append(line)
        if self._error is None and len(self._buffer) > limit:
            self._error = LineTooLongError(
                f"stream line exceeds {limit} bytes ({len(self._buffer)} so far, no newline)"
            )
        if self._error is not None:
            self._buffer = b""
            if not lines:
                raise self._error
        return lines

    def raise_pending(self) -> None:
        """Raise the error held back by the last ``feed`` (after its good lines were used)."""
        if self._error is not None:
            raise self._error

    @property
    def pending(self) -> int:
        """Bytes held back, waiting for their newline."""
        return len(self._buffer)

    def close(self) -> None:
        """End of stream: a partial last line is an error, never parsed."""
        if self._error is not None:
            raise self._error
        leftover, self._buffer = self._buffer, b""
        if leftover.strip():
            raise TruncatedLineError(f"stream ended inside a line ({len(leftover)} bytes)")
