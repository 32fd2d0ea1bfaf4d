"""The first two stages: a source as chunks of bytes, then as UTF-8 text.

``chunks(source)`` opens what the caller gave (a path, bytes, a file object, an iterable) and
reads it in bounded chunks, decompressing gzip as it goes; ``utf8(chunks)`` turns the chunks
into UTF-8, whatever the source's encoding (a byte-order mark, UTF-16 or UTF-32). Neither
stage raises: an error of the source ends it with a ``SourceError`` item, after every chunk
read before it.
"""

from __future__ import annotations

import codecs
import contextlib
import inspect
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeAlias, Union

from .results import SourceError

__all__ = [
    "CHUNK",
    "Chunk",
    "Decoded",
    "OversizeLine",
    "Source",
    "chunks",
    "open_lines",
    "source_name",
    "utf8",
]

CHUNK = 1 << 16
"""Bytes read from the source at a time (and the most a decompression step produces)."""

Source: TypeAlias = Union[
    str,
    "os.PathLike[str]",
    bytes,
    bytearray,
    memoryview,
    IO[bytes],
    IO[str],
    Iterable[Union[str, bytes, Mapping[str, Any]]],
]
"""What the stream functions read: a path (``str`` or ``os.PathLike``: always a path), JSON
text as ``bytes``, a binary or text file object, or an iterable of lines (``str`` or
``bytes``) or decoded records (mappings)."""


@dataclass(frozen=True)
class Decoded:
    """A record an iterable gave already decoded (a mapping, or any other non-text item)."""

    value: Any


Chunk: TypeAlias = Union[bytes, Decoded, SourceError]
"""An item of the first stages: text, a decoded record, or the error that ends the source."""

_GZIP_MAGIC = b"\x1f\x8b"


def check_source(source: object) -> None:
    """Raise ``ValueError`` for what is no source.

    A mapping is one decoded record (its keys would be read as lines); anything else must be a
    path, text, a file object or an iterable.
    """
    if isinstance(source, Mapping):
        raise ValueError(
            "the source is a mapping (one decoded record): pass an iterable of records, "
            "e.g. [record], or parse it with parse_event()"
        )
    if not isinstance(source, (str, os.PathLike, bytes, bytearray, memoryview, Iterable)) and (
        not callable(getattr(source, "read", None))
    ):
        raise ValueError(
            "the source must be a path (str or os.PathLike), JSON text as bytes, a file "
            f"object or an iterable of lines or records, not {type(source).__name__}"
        )
    if inspect.iscoroutinefunction(getattr(source, "read", None)):
        raise ValueError(
            f"the source is an async file object ({type(source).__name__}: its read() is a "
            "coroutine): pass the bytes it reads, or a file object that reads without await"
        )


def source_name(source: Source) -> str | None:
    """The name failures carry: the path, or a file object's name."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def chunks(source: Source) -> Iterator[Chunk]:
    """Read a source as chunks of bytes (gzip decompressed), decoded records and errors."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _gunzip_if_needed(iter((bytes(source),)))
    if isinstance(source, (str, os.PathLike)):
        return _gunzip_if_needed(_path_chunks(source))
    # read1: at most one read of the underlying file, so that what was read before an I/O
    # error is never lost in a buffered read that then fails
    read = getattr(source, "read1", None) or getattr(source, "read", None)
    if callable(read):
        return _gunzip_if_needed(_file_chunks(read))
    return _item_chunks(source)


# What reading a file object (or iterating over one) raises for an error of its data: I/O, and
# the end or corruption of compressed data (gzip.open, bz2.open, lzma.open and a ZipFile's
# open read as they go)
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


def _path_chunks(path: str | os.PathLike[str]) -> Iterator[bytes | SourceError]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, also when the reader stops early
    except OSError as exc:
        hint = ""
        if isinstance(path, str) and path.lstrip()[:1] in ("{", "["):
            hint = " (a str is always a path: pass JSON text as bytes)"
        yield SourceError(f"cannot open {os.fspath(path)!r}: {exc.strerror or exc}{hint}")
        return
    with handle:
        yield from _file_chunks(handle.read1)


# An error is yielded after its ``except`` block, never inside it: a generator suspended in a
# handler holds the exception, whose traceback holds the generator's frame, a cycle that the
# garbage collector later breaks in any order ("generator already executing" warnings).


def _file_chunks(read: Callable[[int], Any]) -> Iterator[bytes | SourceError]:
    while True:
        failure = None
        try:
            data = read(CHUNK)
        except (ValueError, *_READ_ERRORS) as exc:  # ValueError: a closed file, a decoding error
            failure = SourceError(f"cannot read the input: {exc}")
        if failure is not None:
            yield failure
            return
        if not data:
            return
        if isinstance(data, str):
            yield _encoded(data)
        elif isinstance(data, (bytes, bytearray, memoryview)):
            yield bytes(data)
        else:  # bytes(5) would be five zero bytes, again and again
            if inspect.iscoroutine(data):
                data.close()  # an async read: never awaited, so never run
            yield SourceError(f"cannot read the input: read() gave {type(data).__name__}")
            return


def _encoded(text: str) -> bytes:
    """Text as UTF-8; a lone surrogate as the bytes it stands for, never an error.

    Text read with ``errors="surrogateescape"`` (``sys.stdin`` in a C locale, say) holds each
    byte that is not UTF-8 as a surrogate: it becomes that byte again. Any other lone
    surrogate becomes its three bytes (``surrogatepass``). Either way the record that holds
    it is not UTF-8 and fails alone, as in a binary source; the stream goes on.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _item_chunks(items: Iterable[Any]) -> Iterator[Chunk]:
    """Each item of an iterable is one line (text), or one decoded record (anything else)."""
    iterator = iter(items)
    while True:
        failure = None
        try:
            item = next(iterator, _END)
        except (UnicodeDecodeError, *_READ_ERRORS) as exc:
            # an iterable that reads a file itself (a gzip.open, a codecs reader) can fail too
            failure = SourceError(f"cannot read the input: {exc!r}")
        if failure is not None:
            yield failure
            return
        if item is _END:
            return
        if isinstance(item, str):
            data = _encoded(item)
        elif isinstance(item, (bytes, bytearray, memoryview)):
            data = bytes(item)
        else:
            yield Decoded(item)
            continue
        yield data if data.endswith(b"\n") else data + b"\n"


_END = object()


def _gunzip_if_needed(raw: Iterator[bytes | SourceError]) -> Iterator[bytes | SourceError]:
    """Decompress a byte stream that opens with the gzip magic number.

    Its content decides, not its name: JSON text never starts with byte 0x1f.
    """
    first = next(raw, b"")
    while isinstance(first, bytes) and len(first) < 2:
        more = next(raw, None)
        if more is None or isinstance(more, SourceError):
            yield first
            if more is not None:
                yield more
            return
        first += more
    if isinstance(first, SourceError) or not first.startswith(_GZIP_MAGIC):
        yield first
        yield from raw
        return
    yield from _gunzip(first, raw)


def _gunzip(first: bytes, rest: Iterator[bytes | SourceError]) -> Iterator[bytes | SourceError]:
    """Stream the members of a gzip file, never producing more than ``CHUNK`` at a time."""
    inflater = zlib.decompressobj(wbits=31)
    pending: bytes | SourceError | None = first
    while pending is not None:
        if isinstance(pending, SourceError):
            yield pending
            return
        data = pending
        while data:
            if inflater.eof:
                if not data.strip(b"\x00"):
                    break  # zero padding after the last member, as gzip itself allows
                inflater = zlib.decompressobj(wbits=31)
            out = _inflate(inflater, data)
            while True:
                if isinstance(out, SourceError):
                    yield out
                    return
                if out:
                    yield out
                data = inflater.unconsumed_tail or (inflater.unused_data if inflater.eof else b"")
                if data or len(out) < CHUNK or inflater.eof:
                    break
                out = _inflate(inflater, b"")  # drain what zlib still holds
        pending = next(rest, None)
    if not inflater.eof:
        yield SourceError("truncated gzip data: the compressed stream ends early")


def _inflate(inflater: Any, data: bytes) -> bytes | SourceError:
    """At most ``CHUNK`` bytes more of a gzip member, or the error of corrupt data."""
    try:
        return bytes(inflater.decompress(data, CHUNK))
    except zlib.error as exc:
        return SourceError(f"corrupt gzip data: {exc}")


# Byte-order marks, longest first (UTF-32-LE's starts with UTF-16-LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(head: bytes) -> tuple[str, int]:
    """The encoding of JSON text from its first 4 bytes, and the length of its byte-order mark.

    A byte-order mark decides; without one, the zero bytes of the first character decide
    (RFC 4627, section 3: JSON text starts with two ASCII characters, so their zeros give
    UTF-16 or UTF-32 and the byte order away); otherwise UTF-8.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    if len(head) >= 4:
        if head[:3] == b"\x00\x00\x00" and head[3]:
            return "utf-32-be", 0
        if head[1:4] == b"\x00\x00\x00" and head[0]:
            return "utf-32-le", 0
    if len(head) >= 2:
        if head[0] == 0 and head[1] != 0:
            return "utf-16-be", 0
        if head[0] != 0 and head[1] == 0:
            return "utf-16-le", 0
    return "utf-8", 0


_DECODERS: dict[str, Callable[[bytes, str, bool], tuple[str, int]]] = {
    "utf-16-le": codecs.utf_16_le_decode,
    "utf-16-be": codecs.utf_16_be_decode,
    "utf-32-le": codecs.utf_32_le_decode,
    "utf-32-be": codecs.utf_32_be_decode,
}


def utf8(items: Iterator[Chunk]) -> Iterator[Chunk]:
    """The text of a source as UTF-8 chunks: the byte-order mark dropped, UTF-16/32 converted.

    UTF-8 passes through undecoded (the parser checks it, record by record); text in another
    encoding is decoded strictly, and an invalid sequence ends the source with a
    ``SourceError`` after the text before it.
    """
    head = b""
    for item in items:
        if not isinstance(item, bytes):
            if head:  # a short text before an error or a decoded record: its BOM dropped too
                yield _short(head)
                head = b""
            yield item
            if isinstance(item, SourceError):
                return
            continue
        head += item
        if len(head) >= 4:
            break
    else:
        if head:
            yield _short(head)
        return
    encoding, skip = detect_encoding(head)
    if encoding == "utf-8":
        yield head[skip:]
        yield from items
        return
    yield from _transcode(head[skip:], items, encoding)


def _short(head: bytes) -> bytes:
    """A text of fewer than 4 bytes (all there is, or all before an error) as UTF-8."""
    encoding, skip = detect_encoding(head)
    return head[skip:] if encoding == "utf-8" else from_encoding(head[skip:], encoding)


def from_encoding(data: bytes, encoding: str) -> bytes:
    """Whole text in ``encoding`` as UTF-8 (for a source shorter than 4 bytes)."""
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeError:
        return data  # too short to be JSON anyway: the parser reports it


def _transcode(first: bytes, items: Iterator[Chunk], encoding: str) -> Iterator[Chunk]:
    decode = _DECODERS[encoding]
    pending = first
    offset = 0  # bytes of the source decoded so far, for the error message
    final = False
    while True:
        bad: UnicodeDecodeError | None = None
        try:
            text, used = decode(pending, "strict", final)
        except UnicodeDecodeError as exc:
            bad = UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end, exc.reason)
        if bad is not None:
            good, _ = decode(pending[: bad.start], "strict", False)
            if good:
                yield good.encode("utf-8")
            where = offset + bad.start
            yield SourceError(f"invalid {encoding.upper()} at byte {where}: {bad.reason}")
            return
        if text:
            yield text.encode("utf-8")
        offset += used
        pending = pending[used:]
        if final:
            return
        item = next(items, None)
        if item is None:
            final = True
        elif isinstance(item, bytes):
            pending += item
        else:
            yield item
            if isinstance(item, SourceError):
                return


@dataclass(frozen=True)
class OversizeLine:
    """A line over ``max_record_bytes``, not held: its first bytes and its length."""

    head: bytes
    """Its first 200 bytes."""
    size: int
    """Its length in bytes (without the line break)."""
    limit: int
    """The ``max_record_bytes`` it is over."""


@contextlib.contextmanager
def open_lines(
    path: str | os.PathLike[str], max_record_bytes: int | None = None
) -> Iterator[Iterator[bytes | OversizeLine]]:
    """The lines of a file as UTF-8 bytes (gzip, byte-order marks, UTF-16/32 handled).

    For readers of their own that take NDJSON line by line; an error of the source raises
    ``SourceError`` (a ``ValueError``) where it happens. A line longer than
    ``max_record_bytes`` (without its line break, as the main reader counts) is never held
    whole: it comes as one ``OversizeLine`` and the lines after it follow. The file is
    closed on exit.
    """
    items = utf8(chunks(path))
    try:
        yield _split_lines(items, max_record_bytes)
    finally:
        items.close()  # type: ignore[attr-defined]


def _split_lines(items: Iterator[Chunk], limit: int | None) -> Iterator[bytes | OversizeLine]:
    pending: list[bytes] = []
    size = 0  # bytes in pending
    over = -1  # the length of an oversize line being skipped, else -1
    head = b""
    cap = limit or 0  # what an OversizeLine says it is over (only made when limit is set)
    for item in items:
        if isinstance(item, SourceError):
            raise item
        if not isinstance(item, bytes):
            continue
        *complete, rest = item.split(b"\n")
        for piece in complete:
            if over >= 0:
                yield OversizeLine((head + piece[:200])[:200], over + len(piece), cap)
                over = -1
            elif limit is not None and size + len(piece) > limit:
                yield OversizeLine(_head([*pending, piece]), size + len(piece), cap)
            else:
                pending.append(piece)
                yield b"".join(pending) + b"\n"
            pending, size = [], 0
        if over >= 0:
            head = (head + rest[:200])[:200]
            over += len(rest)
        elif limit is not None and size + len(rest) > limit:
            head = _head([*pending, rest])
            over = size + len(rest)
            pending, size = [], 0
        else:
            pending.append(rest)
            size += len(rest)
    if over >= 0:
        yield OversizeLine(head, over, cap)
        return
    tail = b"".join(pending)
    if tail:
        yield tail


def _head(pieces: list[bytes]) -> bytes:
    """The first 200 bytes of pieces, without joining them all."""
    head = b""
    for piece in pieces:
        head += piece[: 200 - len(head)]
        if len(head) >= 200:
            break
    return head
