"""The fold on data engines: records as Arrow rows, a fold per certificate group, assembly.

Each engine adapter (``spark``, ``duckdb``, ``polars``) does the same three stages:

0. extract: JSON text (a raw line, or the ``_raw`` column of the Parquet export) becomes
   item rows (``item_schema()``): records for the fold, skips, failures;
1. resolve copies: uuids carried by more than one distinct record (by ``signature``, the
   ``record_signature``) are few; the copy with the smallest signature is kept, the others
   become ``conflicting_duplicate`` anomalies;
2. fold each certificate's records (``fold_group``), anywhere; fold the few CA events, CRL
   failures and unkeyed events in one place; ``assemble`` the report.

The result equals ``build_lifecycles`` of the same events, timelines aside: the engines
return counts per certificate, and the timelines of the certificates asked for
(``Timelines``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Union

from .._stream import ParseFailure
from ._fold import (
    conflict,
    fold,
    fold_certificates,
    history_of,
    state_to_text,
    summary_of,
)
from ._records import CERT, LifecycleRecord, Record, record_signature
from ._report import LifecycleAnomaly, LifecycleReport, certificates_mapping
from ._snapshot import anomaly_from_json, anomaly_json, timeline_from_json, timeline_json
from ._sources import Item, Skipped, feed_items, items_of_lines
from ._store import Strings
from ._tracker import LifecycleTracker

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "CERTIFICATE_COLUMNS",
    "Timelines",
    "assemble",
    "certificate_schema",
    "fold_group",
    "fold_texts",
    "group_folder",
    "item_schema",
    "items_from_arrow",
    "items_of_texts",
    "items_to_arrow",
    "resolve_copies",
]

_RECORD_COLUMNS = list(Record._fields)


def item_schema() -> pyarrow.Schema:
    """The Arrow schema of item rows: a ``Record``'s fields, its signature, skips, failures."""
    import pyarrow as pa

    text, ids = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [
            ("item", text),  # "record", "skipped" or "failure"
            ("kind", text),
            ("published", pa.int64()),
            ("uuid", text),
            ("event_type", text),
            ("outcome", text),
            ("key", text),
            ("device_id", text),
            ("actor", text),
            ("ca_ids", ids),
            ("urgency", text),
            ("scope_before", text),
            ("scope_before_ids", ids),
            ("scope_after", text),
            ("scope_after_ids", ids),
            ("crl_url", text),
            ("http_status", pa.int64()),
            ("signature", text),
            ("pki", pa.bool_()),
            ("failure", text),  # JSON: source, line, index, message, raw
        ]
    )


def items_of_texts(texts: Iterable[str | bytes | None], name: str) -> Iterator[Item]:
    """The items of JSON texts (rows of an engine's column); row numbers stand for lines."""
    numbered = ((n, text) for n, text in enumerate(texts, 1) if text is not None)
    return items_of_lines(numbered, name)


def fold_texts(
    texts: Iterable[str | bytes | None],
    name: str,
    *,
    window: timedelta | None = None,
    on_error: str = "collect",
) -> LifecycleReport:
    """The report of JSON texts streamed from an engine, folded by one tracker."""
    tracker = LifecycleTracker(window=window)
    failures = feed_items(tracker, items_of_texts(texts, name), on_error)
    return dataclasses.replace(tracker.report(), failures=tuple(failures))


def _row(item: Item) -> dict[str, Any]:
    if isinstance(item, Skipped):
        return {"item": "skipped", "event_type": item.event_type, "pki": item.pki}
    if isinstance(item, ParseFailure):
        failure = {
            "source": item.source,
            "line": item.line,
            "index": item.index,
            "message": item.message,
            "raw": item.raw,
        }
        return {"item": "failure", "failure": json.dumps(failure)}
    row: dict[str, Any] = {"item": "record", "signature": record_signature(item)}
    row.update(zip(_RECORD_COLUMNS, item, strict=True))
    for side in ("scope_before", "scope_after"):
        value = row[side]
        row[side], row[f"{side}_ids"] = (value[0], list(value[1])) if value else (None, None)
    row["ca_ids"] = list(item.ca_ids)
    return row


def items_to_arrow(items: Iterable[Item]) -> pyarrow.Table:
    """Item rows as an Arrow table of ``item_schema()``."""
    import pyarrow as pa

    return pa.Table.from_pylist([_row(item) for item in items], schema=item_schema())


class _TextError(ValueError):
    """A failure read back from its text (engines carry the message, not the exception)."""


def items_from_arrow(table: pyarrow.Table | pyarrow.RecordBatch) -> Iterator[Item]:
    """The items of Arrow rows of ``item_schema()``."""
    for row in table.to_pylist():
        kind = row["item"]
        if kind == "skipped":
            yield Skipped(row["event_type"], bool(row["pki"]))
        elif kind == "failure":
            data = json.loads(row["failure"])
            problem = data["message"].split(": ", 1)[-1]
            yield ParseFailure(
                data["line"], data["index"], _TextError(problem), data["raw"], data["source"]
            )
        else:
            yield record_of_row(row)


def record_of_row(row: dict[str, Any]) -> Record:
    """A ``Record`` from an item row."""
    values = [row[name] for name in _RECORD_COLUMNS]
    values[_RECORD_COLUMNS.index("ca_ids")] = tuple(row["ca_ids"] or ())
    for side in ("scope_before", "scope_after"):
        at = _RECORD_COLUMNS.index(side)
        ids = row[f"{side}_ids"]
        values[at] = None if ids is None else (row[side], tuple(ids))
    return Record(*values)


CERTIFICATE_COLUMNS = (
    "key",
    "state",
    "device_id",
    "issued_at",
    "last_event_at",
    "renewals",
    "complete",
    "events",
    "anomaly_count",
    "packed",
    "anomalies",
    "timeline",
)
"""The per-certificate output of ``fold_group``: counts, the compact state, anomalies, and
the timeline where asked for (else null)."""


def certificate_schema() -> pyarrow.Schema:
    """The Arrow schema of ``fold_group``'s rows (one per certificate)."""
    import pyarrow as pa

    stamp = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            ("key", pa.string()),
            ("state", pa.string()),
            ("device_id", pa.string()),
            ("issued_at", stamp),
            ("last_event_at", stamp),
            ("renewals", pa.int64()),
            ("complete", pa.bool_()),
            ("events", pa.int64()),
            ("anomaly_count", pa.int64()),
            ("packed", pa.binary()),
            ("anomalies", pa.string()),  # JSON list, each as ``snapshot`` writes anomalies
            ("timeline", pa.string()),  # JSON list of ``timeline_json`` entries, or null
        ]
    )


Timelines = Union[bool, Collection[str]]
"""Which certificates' timelines an engine returns: all (True), none (False), or these keys."""


def fold_group(table: pyarrow.Table, timelines: Timelines = False) -> pyarrow.Table:
    """Fold certificate records (item rows, one or more certificates, copies resolved).

    ``timelines``: whose timelines to return in the ``timeline`` column (see ``Timelines``).
    """
    import pyarrow as pa

    tracker = LifecycleTracker()
    for record in items_from_arrow(table):
        assert isinstance(record, LifecycleRecord)
        assert record.kind == CERT
        tracker.feed_record(record)
    states, anomalies, strings = _certificate_states(tracker)
    found: dict[str, list[LifecycleAnomaly]] = {}
    for item in anomalies:
        found.setdefault(item.key, []).append(item)
    wanted = [k for k in states if timelines is True or (timelines and k in timelines)]
    histories = tracker.report().certificates if wanted else {}
    rows = []
    for key, packed in states.items():
        summary = summary_of(packed, strings)
        timeline = None
        if key in wanted:
            timeline = json.dumps([timeline_json(e) for e in histories[key].timeline])
        rows.append(
            {
                "key": key,
                "state": summary.state.value if summary.state else None,
                "device_id": summary.device_id,
                "issued_at": summary.issued_at,
                "last_event_at": summary.last_event_at,
                "renewals": summary.renewals,
                "complete": summary.complete,
                "events": summary.events,
                "anomaly_count": summary.anomalies,
                "packed": state_to_text(packed, strings),
                "anomalies": json.dumps([anomaly_json(a) for a in found.get(key, ())]),
                "timeline": timeline,
            }
        )
    return pa.Table.from_pylist(rows, schema=certificate_schema())


def group_folder(timelines: Timelines) -> Callable[[pyarrow.Table], pyarrow.Table]:
    """``fold_group`` with its ``timelines`` bound (what ``applyInArrow`` takes)."""
    wanted: Timelines = timelines if isinstance(timelines, bool) else frozenset(timelines)

    def fold(table: pyarrow.Table) -> pyarrow.Table:
        return fold_group(table, wanted)

    return fold


def _certificate_states(
    tracker: LifecycleTracker,
) -> tuple[dict[str, bytes], list[LifecycleAnomaly], Strings]:
    data = tracker._data
    states, anomalies, _ = fold_certificates(data, {})
    return states, anomalies, data.strings


def resolve_copies(copies: Iterable[Record]) -> tuple[set[tuple[str, str]], list[Record]]:
    """Of the records of contested uuids: the (uuid, signature) pairs not applied, and them."""
    by_uuid: dict[str, dict[str, Record]] = {}
    for record in copies:
        by_uuid.setdefault(record.uuid, {})[record_signature(record)] = record
    dropped: set[tuple[str, str]] = set()
    losers: list[Record] = []
    for uuid, signed in by_uuid.items():
        for signature in sorted(signed)[1:]:
            dropped.add((uuid, signature))
            losers.append(signed[signature])
    return dropped, losers


def assemble(
    certificates: Iterable[dict[str, Any]],
    others: Iterable[Item],
    losers: Iterable[Record],
    duplicates: int,
    on_error: str = "collect",
) -> LifecycleReport:
    """The report from per-certificate rows, the other items and the copies not applied."""
    tracker = LifecycleTracker()
    failures = feed_items(tracker, others, on_error)
    base = fold(tracker._data)
    states: dict[str, bytes] = {}
    anomalies = list(base.anomalies)
    anomalies.extend(conflict(record) for record in losers)
    timelines: dict[str, str] = {}
    for row in sorted(certificates, key=lambda r: str(r["key"])):
        states[row["key"]] = bytes(row["packed"])
        anomalies.extend(anomaly_from_json(a) for a in json.loads(row["anomalies"]))
        if row.get("timeline") is not None:
            timelines[row["key"]] = row["timeline"]
    anomalies.sort(key=lambda a: (a.event.published, a.event.uuid, a.kind.value, a.key))
    empty = Strings()

    def history(key: str) -> Any:
        timeline = [timeline_from_json(e) for e in json.loads(timelines.get(key, "[]"))]
        return history_of(key, summary_of(states[key], empty), timeline)

    return LifecycleReport(
        certificates=certificates_mapping(states, lambda k: summary_of(states[k], empty), history),
        authorities=base.authorities,
        anomalies=tuple(anomalies),
        crl_failures=base.crl_failures,
        duplicates=duplicates,
        unkeyed=base.unkeyed,
        ignored=base.ignored,
        unknown_types=base.unknown_types,
        scope_mappings=base.scope_mappings,
        failures=tuple(failures),
    )
