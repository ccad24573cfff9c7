"""Contains some shared types for properties"""

from collections.abc import Callable, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


# event-streamer: models check their values at construction. This package stays standalone: a
# higher layer (the SDK) registers one check per model class; models call run_validators from
# __attrs_post_init__.
_VALIDATORS: dict[type, Callable[[Any], None]] = {}


def register_validator(cls: type, check: Callable[[Any], None]) -> None:
    """Run ``check(instance)`` whenever an instance of ``cls`` is constructed."""
    _VALIDATORS[cls] = check


def run_validators(instance: object) -> None:
    check = _VALIDATORS.get(type(instance))
    if check is not None:
        check(instance)


# event-streamer: optional fields default to the contract's default, never to a visible UNSET.
def unset_to_list(value: Any) -> Any:
    return [] if isinstance(value, Unset) else value


def unset_to_none(value: Any) -> Any:
    return None if isinstance(value, Unset) else value


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "register_validator",
    "run_validators",
    "unset_to_list",
    "unset_to_none",
]
