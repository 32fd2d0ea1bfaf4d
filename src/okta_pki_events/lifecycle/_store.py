"""Compact storage of certificate records: one packed ``bytes`` value per certificate.

A certificate record packs into 38 bytes (``published`` biased to sort as unsigned, the uuid
as 16 bytes when canonical, a type code and three indexes into a table of interned strings:
outcome, device and actor). Sorting the packed tuples of a certificate orders them by
(``published``, ``uuid``): canonical uuids compare as their text does. A certificate holding
a non-canonical uuid (uppercase, not a uuid at all) is sorted by the decoded text instead.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator

from ._machine import CERT_EVENT_TYPES, TYPE_CODE
from ._records import CERT, Record

__all__ = [
    "SIZE",
    "Packed",
    "Strings",
    "pack",
    "packed_id",
    "records",
    "sort_key",
    "unpack",
    "uuid_id",
]

_FORMAT = struct.Struct(">Q16sBBIII")
SIZE = _FORMAT.size
_BIAS = 1 << 63
_ZERO12 = bytes(12)

Packed = tuple[int, bytes, int, int, int, int, int]
"""(biased published, uuid bytes, odd flag, type code, outcome, device, actor indexes)."""


class Strings:
    """An append-only table of interned strings; index 0 is None."""

    __slots__ = ("index", "values")

    def __init__(self, values: Iterable[str] = ()) -> None:
        """Start with ``values`` at indexes 1, 2, ..."""
        self.values: list[str | None] = [None]
        self.index: dict[str, int] = {}
        for value in values:
            self.add(value)

    def add(self, value: str | None) -> int:
        """The index of ``value``, interned on first sight."""
        if value is None:
            return 0
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


def _uuid_bytes(uuid: str, strings: Strings) -> tuple[bytes, bool]:
    """16 bytes standing for a uuid, and whether it is non-canonical (then an index)."""
    if (
        len(uuid) == 36
        and uuid[8] == uuid[13] == uuid[18] == uuid[23] == "-"
        and uuid == uuid.lower()
    ):
        try:
            raw = bytes.fromhex(uuid.replace("-", ""))
        except ValueError:
            raw = b""
        odd = len(raw) != 16
    else:
        odd = True
    if odd:
        raw = strings.add(uuid).to_bytes(4, "big") + _ZERO12
    return raw, odd


def uuid_id(uuid: str, strings: Strings) -> bytes:
    """The identity of a uuid in the store: its 16 bytes and the odd flag."""
    raw, odd = _uuid_bytes(uuid, strings)
    return raw + (b"\x01" if odd else b"\x00")


def packed_id(item: Packed) -> bytes:
    """The identity (``uuid_id``) of a packed record's uuid."""
    return item[1] + (b"\x01" if item[2] else b"\x00")


def pack(record: Record, strings: Strings) -> tuple[bytes, bool]:
    """A certificate record as 38 bytes; the flag says whether its uuid is non-canonical."""
    raw, odd = _uuid_bytes(record.uuid, strings)
    return (
        _FORMAT.pack(
            record.published + _BIAS,
            raw,
            odd,
            TYPE_CODE[record.event_type],
            strings.add(record.outcome),
            strings.add(record.device_id),
            strings.add(record.actor),
        ),
        odd,
    )


def packed_uuid(item: Packed, strings: Strings) -> str:
    """The uuid text of a packed record."""
    raw = item[1]
    if item[2]:
        text = strings.values[int.from_bytes(raw[:4], "big")]
        assert text is not None
        return text
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def records(data: bytes) -> Iterator[Packed]:
    """The packed tuples of one certificate's bytes."""
    return _FORMAT.iter_unpack(data)


def unpack(item: Packed, key: str, strings: Strings) -> Record:
    """A packed tuple back as a ``Record``."""
    values = strings.values
    return Record(
        CERT,
        item[0] - _BIAS,
        packed_uuid(item, strings),
        CERT_EVENT_TYPES[item[3]],
        values[item[4]],
        key,
        values[item[5]],
        values[item[6]],
    )


def sort_key(strings: Strings) -> Callable[[Packed], tuple[int, str, Packed]]:
    """A sort key for certificates holding non-canonical uuids: (published, uuid text).

    The packed tuple breaks ties, so that exact copies sort next to each other.
    """

    def key(item: Packed) -> tuple[int, str, Packed]:
        return item[0], packed_uuid(item, strings), item

    return key
