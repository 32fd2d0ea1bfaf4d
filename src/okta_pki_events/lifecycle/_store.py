"""Compact storage of certificate records: one packed ``bytes`` value per certificate.

A certificate record packs into 58 bytes (``published`` as a little-endian signed 64-bit
integer, the uuid as its 36 ASCII bytes, a type code and three indexes into a table of
interned strings: outcome, device and actor; the outcome's index is shifted left by one,
its low bit set when ``succeeded`` says the event is not applied, so that the fold reads it
without a lookup).
Sorting the packed tuples of a certificate orders them by (``published``, ``uuid``): ASCII
bytes compare as the text does. A certificate holding an odd uuid (not 36 ASCII characters)
is sorted by the decoded text instead.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator

from ._machine import CERT_EVENT_TYPES, TYPE_CODE
from ._records import CERT, Record, succeeded

__all__ = [
    "COMPLETE",
    "DEVICE",
    "ISSUED",
    "PACK",
    "RECORD_FIELDS",
    "STARTED",
    "STATE",
    "STATE_FIELDS",
    "UNPACK_ONE",
    "iter_unpack",
    "SIZE",
    "Packed",
    "Strings",
    "pack",
    "pack_fields",
    "packed_id",
    "records",
    "sort_key",
    "unpack",
    "uuid_bytes",
    "uuid_id",
]

RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("published", "q"),
    ("uuid", "36s"),
    ("odd", "B"),
    ("type", "B"),
    ("outcome", "I"),
    ("device", "I"),
    ("actor", "I"),
)
"""A packed record's fields, in order: name and ``struct`` code (little-endian, no padding).
The one home of the layout: ``_FORMAT`` and the bulk fold's numpy view derive from it."""
_CODES = [code for _, code in RECORD_FIELDS]
_FORMAT = struct.Struct("<" + "".join(_CODES))
SIZE = _FORMAT.size
UUID_AT, UUID_END = struct.calcsize("<" + _CODES[0]), struct.calcsize("<" + "".join(_CODES[:3]))
"""The uuid bytes and the odd flag, ``[UUID_AT:UUID_END]`` of a record: a uuid's identity."""
_PAD = bytes(32)

STATE_FIELDS: tuple[tuple[str, str], ...] = (
    ("state", "B"),
    ("flags", "B"),
    ("device", "I"),
    ("issued", "q"),
    ("last", "q"),
    ("renewals", "I"),
    ("events", "I"),
    ("anomalies", "I"),
)
"""A compact state's fields, in order (big-endian, no padding): ``STATE`` derives from it."""
STATE = struct.Struct(">" + "".join(code for _, code in STATE_FIELDS))
"""A certificate's compact state, the fold's result: state code, flags, device index,
issued, last event (microseconds), renewals, events, anomalies."""
STARTED, COMPLETE, ISSUED, DEVICE = 1, 2, 4, 8
"""The flags of a compact state (``DEVICE``: the device's text follows, not its index)."""

Packed = tuple[int, bytes, int, int, int, int, int]
"""(published, uuid bytes, odd flag, type code, outcome, device, actor indexes)."""


class Strings:
    """An append-only table of interned strings; index 0 is None."""

    __slots__ = ("index", "outcomes", "values")

    def __init__(self, values: Iterable[str] = ()) -> None:
        """Start with ``values`` at indexes 1, 2, ..."""
        self.values: list[str | None] = [None]
        self.index: dict[str, int] = {}
        self.outcomes: dict[str | None, int] = {None: 0}
        """The cache of ``outcome`` (read it with ``.get``; a miss calls ``outcome``)."""
        for value in values:
            self.add(value)

    def outcome(self, result: str | None) -> int:
        """An ``outcome.result`` as the packed record keeps it: index << 1 | not applied."""
        found = self.outcomes.get(result)
        if found is None:
            found = self.add(result) << 1 | (not succeeded(result))
            self.outcomes[result] = found
        return found

    def add(self, value: str | None) -> int:
        """The index of ``value``, interned on first sight."""
        if value is None:
            return 0
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


def uuid_bytes(uuid: str, strings: Strings) -> tuple[bytes, bool]:
    """36 bytes standing for a uuid, and whether it is odd (then an index, not the text).

    A uuid of 36 ASCII characters (every uuid Okta sends) is its own text: bytes compare as
    the text does. Any other (longer, shorter, not ASCII) is interned and stands as an index.
    """
    if len(uuid) == 36 and uuid.isascii():
        return uuid.encode("ascii"), False
    return strings.add(uuid).to_bytes(4, "big") + _PAD, True


def uuid_id(uuid: str, strings: Strings) -> bytes:
    """The identity of a uuid in the store: its 36 bytes and the odd flag."""
    raw, odd = uuid_bytes(uuid, strings)
    return raw + (b"\x01" if odd else b"\x00")


def packed_id(item: Packed) -> bytes:
    """The identity (``uuid_id``) of a packed record's uuid."""
    return item[1] + (b"\x01" if item[2] else b"\x00")


def pack(record: Record, strings: Strings) -> tuple[bytes, bool]:
    """A certificate record as 58 bytes; the flag says whether its uuid is odd."""
    return pack_fields(
        record.published,
        record.uuid,
        record.event_type,
        record.outcome,
        record.device_id,
        record.actor,
        strings,
    )


PACK = _pack = _FORMAT.pack
"""Packs a certificate record's fields (``pack_fields``'s rule; the tracker's hot path)."""
UNPACK_ONE = _FORMAT.unpack
"""The packed tuple of one record's bytes."""
iter_unpack = _FORMAT.iter_unpack
"""``records``, without the call (a hot loop's)."""


def pack_fields(
    published: int,
    uuid: str,
    event_type: str,
    outcome: str | None,
    device_id: str | None,
    actor: str | None,
    strings: Strings,
) -> tuple[bytes, bool]:
    """``pack`` of a certificate record's fields (the hot path: no ``Record`` built)."""
    if len(uuid) == 36 and uuid.isascii():
        raw, odd = uuid.encode("ascii"), False
    else:
        raw, odd = uuid_bytes(uuid, strings)
    index = strings.index
    add = strings.add
    return (
        _pack(
            published,
            raw,
            odd,
            TYPE_CODE[event_type],
            strings.outcome(outcome),
            (index.get(device_id) or add(device_id)) if device_id is not None else 0,
            (index.get(actor) or add(actor)) if actor is not None else 0,
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
    return raw.decode("ascii")


def records(data: bytes | bytearray) -> Iterator[Packed]:
    """The packed tuples of one certificate's bytes."""
    return _FORMAT.iter_unpack(data)


def unpack(item: Packed, key: str, strings: Strings) -> Record:
    """A packed tuple back as a ``Record``."""
    values = strings.values
    return Record(
        CERT,
        item[0],
        packed_uuid(item, strings),
        CERT_EVENT_TYPES[item[3]],
        values[item[4] >> 1],
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
