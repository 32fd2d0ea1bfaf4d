"""What a stream gives back: counts, failures, records, and the error raised for a record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import ValidationError

if TYPE_CHECKING:
    from ..envelopes import Envelope

__all__ = [
    "ParseFailure",
    "Record",
    "RecordError",
    "SourceError",
    "StreamStats",
    "describe_error",
]

T = TypeVar("T")


@dataclass
class StreamStats:
    """Counts of a stream: ``parsed + failed + skipped == read``, final once exhausted."""

    read: int = 0
    """Records read (an envelope's events each count; blank lines do not)."""
    parsed: int = 0
    """Records parsed and yielded."""
    failed: int = 0
    """Records that could not be parsed, and errors of the source (reported, or raised)."""
    skipped: int = 0
    """Non-PKI records skipped (with ``only_pki``)."""


class SourceError(ValueError):
    """An error of the source itself: unreadable, truncated or corrupt gzip, bad encoding.

    It is reported as a failure at the line where it happened (with ``on_error="raise"``,
    as the ``error`` of a ``RecordError``); the records before it are kept, and the stream
    ends there.
    """


def describe_error(error: ValueError) -> list[str]:
    """The problems of an error, each as ``field.path: message``."""
    if isinstance(error, ValidationError):
        out = []
        for item in error.errors(include_url=False):
            path = ".".join(str(part) for part in item["loc"]) or "(record)"
            out.append(f"{path}: {item['msg']}")
        return out
    return [str(error)]


@dataclass(frozen=True)
class ParseFailure:
    """A record that could not be parsed, yielded in its place with ``on_error="collect"``."""

    line: int
    """The 1-based line where the record's document starts (for a source error: where the
    error happened)."""
    index: int | None
    """The record's position in its multi-record document (array, envelope); else None.
    Nested in more than one, its position in the outermost (``positions`` has them all)."""
    error: ValueError
    """The error: a ``pydantic.ValidationError`` names the field path; a ``SourceError``
    an error of the source itself."""
    raw: str
    """The record's text (or its JSON, for a decoded record), cut at 100,000 characters."""
    source: str | None = None
    """The source's name, when it has one."""
    positions: tuple[int, ...] = ()
    """Every position of the record, outermost first, when it is nested in more than one
    multi-record document (an array in the body of an SQS batch's message: the message's
    index, then the element's); ``index`` is the first. Empty otherwise."""

    @property
    def message(self) -> str:
        """One line per problem: ``source:line[index]: field.path: message``.

        A record nested in more than one multi-record document names each position:
        ``source:line[1][0]: ...`` (the second message of a batch, the first element in it).
        """
        where = f"{self.source or '<input>'}:{self.line}"
        if self.positions:
            where += "".join(f"[{position}]" for position in self.positions)
        elif self.index is not None:
            where += f"[{self.index}]"
        return "\n".join(f"{where}: {problem}" for problem in describe_error(self.error))


class RecordError(ValueError):
    """Raised with ``on_error="raise"``: names the line, the field path and the problem."""

    def __init__(self, failure: ParseFailure) -> None:
        """Wrap the failure of one record."""
        self.failure = failure
        super().__init__(failure.message)

    def __reduce__(self) -> tuple[type[RecordError], tuple[ParseFailure]]:
        """Pickle and copy with the failure (``ValueError``'s own would pass the message)."""
        return (RecordError, (self.failure,))


@dataclass(frozen=True)
class Record(Generic[T]):
    """A parsed event with where it came from (``iter_records``)."""

    event: T
    """The parsed event."""
    envelope: Envelope | None
    """The innermost envelope it was delivered in (EventBridge, event hook, ...), else None
    (also when that envelope's metadata does not validate)."""
    line: int
    """The 1-based line where the record's document starts."""
    index: int | None
    """The record's position in its multi-record document, else None (nested in more than one:
    its position in the outermost, as ``positions[0]``)."""
    source: str | None = None
    """The source's name, when it has one."""
    envelopes: tuple[Envelope, ...] = ()
    """Every envelope it was delivered in, outermost first: ``(SqsRecord, EventBridgeEvent)``
    for EventBridge inside SQS; empty for a bare event. An envelope whose metadata does not
    validate is left out (its events are read all the same)."""
    positions: tuple[int, ...] = ()
    """Every position of the record, outermost first, when it is nested in more than one
    multi-record document (the log events of a Firehose record from CloudWatch Logs: the
    record's index, then the log event's); ``index`` is the first. Empty otherwise."""
