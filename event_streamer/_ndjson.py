"""Sans-I/O NDJSON framing: feed bytes, get complete lines.

Lines end at b"\\n" only. ``httpx.Response.aiter_lines()`` also splits on U+2028, U+0085 and
lone \\r, which are legal inside JSON strings, so it would cut events in half. Chunks may end
mid-line or mid-UTF-8 character: bytes are kept until their newline arrives. Blank lines are
skipped; a trailing \\r is dropped (\\r\\n senders); a line longer than ``max_line_bytes`` is a
protocol error rather than unbounded buffering.

Lines are returned as ``memoryview`` slices of the chunk (orjson parses them directly): copying
each line out of a 256 KiB chunk cost a fifth of the stream's throughput (see make bench).
"""

from __future__ import annotations

from .exceptions import LineTooLongError, TruncatedLineError

__all__ = ["LineDecoder"]

DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024
_CR = 13
_WHITESPACE = frozenset(b" \t\r\x0b\x0c")


class LineDecoder:
    """Reassembles lines from arbitrary byte chunks."""

    __slots__ = ("_error", "_parts", "_pending", "max_line_bytes")

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be >= 1")
        self.max_line_bytes = max_line_bytes
        self._parts: list[bytes] = []  # a line's bytes so far (no newline seen yet)
        self._pending = 0
        self._error: LineTooLongError | None = None

    def feed(self, chunk: bytes) -> list[memoryview]:
        """Complete, non-blank lines in ``chunk`` (with what was buffered before it).

        Lines before an oversized one are returned; the error is raised by ``raise_pending()``
        or the next call, so nothing after the bad line is ever returned.
        """
        if self._error is not None:
            raise self._error
        limit = self.max_line_bytes
        first = chunk.find(b"\n")
        if first < 0:
            self._pending += len(chunk)
            if self._pending > limit:
                size, self._parts, self._pending = self._pending, [], 0
                raise LineTooLongError(
                    f"stream line exceeds {limit} bytes ({size} so far, no newline)"
                )
            self._parts.append(chunk)
            return []
        data = chunk
        if self._parts:  # join only the carried-over head of the first line
            head = b"".join(self._parts)
            self._parts, self._pending = [], 0
            data = head + chunk
            first += len(head)
        view = memoryview(data)
        find = data.find
        lines: list[memoryview] = []
        start, end = 0, first
        while end >= 0:
            stop = end - 1 if end > start and data[end - 1] == _CR else end
            if stop - start > limit:
                self._error = LineTooLongError(
                    f"stream line exceeds {limit} bytes ({stop - start})"
                )
                break
            # JSON lines start with "{": only a line starting with whitespace needs a scan.
            if stop > start and (data[start] not in _WHITESPACE or not data[start:stop].isspace()):
                lines.append(view[start:stop])
            start = end + 1
            end = find(b"\n", start)
        if self._error is None:
            rest = len(data) - start
            if rest > limit:
                self._error = LineTooLongError(
                    f"stream line exceeds {limit} bytes ({rest} so far, no newline)"
                )
            elif rest:
                self._parts.append(data[start:])
                self._pending = rest
        if self._error is not None:
            self._parts, self._pending = [], 0
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
        return self._pending

    def close(self) -> None:
        """End of stream: a partial last line is an error, never parsed."""
        if self._error is not None:
            raise self._error
        leftover = b"".join(self._parts)
        self._parts, self._pending = [], 0
        if leftover.strip():
            raise TruncatedLineError(f"stream ended inside a line ({len(leftover)} bytes)")
