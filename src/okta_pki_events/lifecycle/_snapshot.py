"""``LifecycleTracker.snapshot()`` bytes: a versioned container, never pickle.

Layout: ``MAGIC`` (8 bytes), the format version (1 byte), the length of a JSON header (8
bytes, big-endian), the header (UTF-8 JSON: counters, strings, records, the lengths of the
blobs), the blobs (each certificate's packed records, or windowed states) in header order,
then the SHA-256 of everything before it (32 bytes). ``load`` checks the digest before it
reads anything, so a truncated, extended or altered snapshot is refused whole with a
``ValueError`` (never restored to fail later); anything else it refuses names what is wrong.
The digest detects damage, not forgery: a snapshot is trusted state, like a database file.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from ._fold import Deliveries
from ._machine import AnomalyKind
from ._records import Record, datetime_of, micros_of
from ._report import LifecycleAnomaly, TimelineEntry
from ._store import SIZE, Strings

if TYPE_CHECKING:
    from ._tracker import _Window

__all__ = [
    "MAGIC",
    "VERSION",
    "anomaly_from_json",
    "anomaly_json",
    "dump",
    "load",
    "timeline_from_json",
    "timeline_json",
]

MAGIC = b"OKPELC\r\n"
VERSION = 4
"""4: a record's ``published`` packed as a signed little-endian integer (3: biased, big-endian)."""
_DIGEST = 32  # the SHA-256 that ends a snapshot


def _record_json(record: Record) -> list[Any]:
    return list(record)


def _record(data: Any) -> Record:
    if not isinstance(data, list) or len(data) != len(Record._fields):
        raise ValueError(f"snapshot: a record must be a list of {len(Record._fields)} values")
    values = list(data)
    values[8] = tuple(values[8])
    for at in (10, 11):
        if values[at] is not None:
            values[at] = (values[at][0], tuple(values[at][1]))
    return Record(*values)


def timeline_json(entry: TimelineEntry) -> list[Any]:
    """A timeline entry as JSON values (its instant in microseconds since the epoch)."""
    return [micros_of(entry.published), *entry[1:]]


def timeline_from_json(data: list[Any]) -> TimelineEntry:
    """The inverse of ``timeline_json``."""
    micros, *rest = data
    return TimelineEntry(datetime_of(micros), *rest)


def anomaly_json(item: LifecycleAnomaly) -> list[Any]:
    """An anomaly as JSON values (its event as ``timeline_json`` writes it)."""
    event = timeline_json(item.event)
    return [item.kind.value, item.subject, item.key, item.state, item.message, *event]


def anomaly_from_json(data: list[Any]) -> LifecycleAnomaly:
    """The inverse of ``anomaly_json``."""
    kind, subject, key, state, message, *event = data
    return LifecycleAnomaly(
        AnomalyKind(kind), subject, key, timeline_from_json(event), state, message
    )


def dump(data: Deliveries, window: _Window | None, strict: bool) -> bytes:
    """The versioned bytes of a tracker's state."""
    blobs: list[bytes | bytearray] = []
    header: dict[str, Any] = {
        "strict": strict,
        "strings": data.strings.values[1:],
        "certs": [],
        "odd_keys": sorted(data.odd_keys),
        "others": [_record_json(r) for r in data.others],
        "delivered": data.delivered,
        "ignored": data.ignored,
        "unknown": data.unknown,
        "window": None,
    }
    for key, blob in data.certs.items():
        header["certs"].append([key, len(blob)])
        blobs.append(blob)
    if window is not None:
        states = []
        for key, blob in window.states.items():
            states.append([key, len(blob)])
            blobs.append(blob)
        header["window"] = {
            "span": window.span,
            "states": states,
            "pending": [_record_json(r) for copies in window.pending.values() for r in copies],
            "recent": [_record_json(window.recent[u]) for _, u in window.applied],
            "newest": window.newest,
            "released": window.released,
            "last": window.last,
            "late": window.late,
            "duplicates": window.duplicates,
            "delivered": window.delivered,
            "anomalies": [anomaly_json(a) for a in window.anomalies],
            "ca_pending": [_record_json(r) for rs in window.cas.pending.values() for r in rs],
            "ca_told": [_record_json(r) for r in window.cas.told.values()],
        }
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    parts = [MAGIC, bytes([VERSION]), len(text).to_bytes(8, "big"), text, *blobs]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return b"".join([*parts, digest.digest()])  # the snapshot copied once, not twice


def load(blob: bytes) -> tuple[Deliveries, _Window | None, bool]:
    """A tracker's state from ``dump`` bytes."""
    from ._tracker import _Window

    if not blob.startswith(MAGIC):
        raise ValueError("not a lifecycle snapshot (bad magic bytes)")
    if len(blob) < len(MAGIC) + 9:
        raise ValueError("lifecycle snapshot truncated")
    version = blob[len(MAGIC)]
    if version != VERSION:
        raise ValueError(f"lifecycle snapshot version {version} is not supported ({VERSION} is)")
    body, digest = blob[:-_DIGEST], blob[-_DIGEST:]
    if len(body) < len(MAGIC) + 9 or hashlib.sha256(body).digest() != digest:
        raise ValueError(
            "lifecycle snapshot is damaged: its SHA-256 does not match its contents "
            "(truncated, extended or altered)"
        )
    blob = body
    at = len(MAGIC) + 1
    size = int.from_bytes(blob[at : at + 8], "big")
    at += 8
    try:
        header = json.loads(blob[at : at + size].decode("utf-8"))
        at += size
        strings = Strings(header["strings"])
        data = Deliveries(strings=strings)

        def take(length: int) -> bytes:
            nonlocal at
            if at + length > len(blob):
                raise ValueError("lifecycle snapshot truncated")
            chunk = bytes(blob[at : at + length])
            at += length
            return chunk

        data.certs = {key: take(length) for key, length in header["certs"]}
        data.odd_keys = set(header["odd_keys"])
        data.others = [_record(r) for r in header["others"]]
        data.delivered_others = int(header["delivered"]) - data.delivered  # the stored ones
        if data.delivered_others < 0 or any(len(b) % SIZE for b in data.certs.values()):
            raise ValueError("lifecycle snapshot inconsistent: its records and count disagree")
        data.ignored = int(header["ignored"])
        data.unknown = {str(k): int(v) for k, v in header["unknown"].items()}
        window = None
        saved = header["window"]
        if saved is not None:
            window = _Window(strings, int(saved["span"]), None)
            window.states = {key: take(length) for key, length in saved["states"]}
            for record in map(_record, saved["pending"]):
                window.pending.setdefault(record.uuid, []).append(record)
            for record in map(_record, saved["recent"]):
                window.recent[record.uuid] = record
                window.applied.append((record.published, record.uuid))
            window.newest = saved["newest"]
            window.released = saved["released"]
            window.last = tuple(saved["last"]) if saved["last"] is not None else None
            window.late = int(saved["late"])
            window.duplicates = int(saved["duplicates"])
            window.delivered = int(saved["delivered"])
            window.anomalies = [anomaly_from_json(a) for a in saved["anomalies"]]
            for record in map(_record, saved.get("ca_told", ())):  # older snapshots: none
                window.cas.apply(record)
            for record in map(_record, saved.get("ca_pending", ())):
                window.cas.pending.setdefault(record.uuid, []).append(record)
            window.index_pending()
        if at != len(blob):
            raise ValueError("lifecycle snapshot has trailing bytes")
        strict = bool(header["strict"])
    except (KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"lifecycle snapshot is damaged: {exc!r}") from exc
    return data, window, strict
