"""Flat records and DataFrames: one fixed set of columns whatever the data.

The columns are the leaves of the column tree (``_columns``, from the JSON Schema) under
dotted wire names (``actor.alternateId``, ``client.geographicalContext.country``); arrays and
free-form objects are JSON text; then the certificate, device and first CA target, and the
classification of each event. An empty input gives the same columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import timezone
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..classification import classify
from ..models.entities import Target
from ..models.log_event import LogEvent
from ._columns import EXTRA_COLUMN, Column, Kind, event_columns, extra_json, row_of

if TYPE_CHECKING:  # pragma: no cover
    import polars

__all__ = ["record_columns", "to_dataframe", "to_records"]

_TARGET_PICKS = ("certificate", "device", "ca")
_TARGET_FIELDS = (
    ("id", "id"),
    ("type", "type"),
    ("alternateId", "alternate_id"),
    ("displayName", "display_name"),
)
_CLASSIFICATION: tuple[tuple[str, Kind], ...] = (
    ("action", "string"),
    ("lifecycle_effect", "string"),
    ("needs_attention", "bool"),
    ("is_success", "bool"),
)
_CATEGORICAL = ("eventType", "severity", "outcome.result", "action")


def _leaves(columns: Iterable[Column], prefix: str = "") -> Iterator[tuple[str, Column]]:
    for column in columns:
        name = f"{prefix}{column.name}"
        if column.kind == "struct":
            yield from _leaves(column.fields, f"{name}.")
        else:
            yield name, column


@cache
def _flat_columns() -> tuple[tuple[str, Column], ...]:
    return tuple(_leaves(event_columns()))


@cache
def _all_columns() -> Mapping[str, Kind]:
    kinds: dict[str, Kind] = {}
    for name, column in _flat_columns():
        kinds[name] = "json" if column.kind == "list" else column.kind
    for pick in _TARGET_PICKS:
        for wire, _attribute in _TARGET_FIELDS:
            kinds[f"target.{pick}.{wire}"] = "string"
    kinds["target.count"] = "int64"
    kinds.update(_CLASSIFICATION)
    kinds[EXTRA_COLUMN] = "json"
    return MappingProxyType(kinds)


def record_columns() -> Mapping[str, Kind]:
    """Every column of ``to_records`` and ``to_dataframe``, in order, with its kind.

    Kinds: ``string``, ``int64``, ``float64``, ``bool``, ``timestamp`` (``published``),
    ``json`` (JSON text: arrays and free-form objects).
    """
    return _all_columns()


def _flatten(row: Mapping[str, Any], names: Iterable[tuple[str, Column]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, column in names:
        node: Any = row
        for part in name.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if column.kind == "list" and node is not None:
            node = json.dumps(node, separators=(",", ":"), ensure_ascii=False)
        out[name] = node
    return out


def _record(event: LogEvent) -> dict[str, Any]:
    wire = event.model_dump(mode="json", by_alias=True)
    record = _flatten(row_of(wire, event.published.astimezone(timezone.utc)), _flat_columns())
    ca = event.ca_targets
    picks: tuple[Target | None, ...] = (
        event.certificate_target,
        event.device_target,
        ca[0] if ca else None,
    )
    for pick, target in zip(_TARGET_PICKS, picks, strict=True):
        for wire_name, attribute in _TARGET_FIELDS:
            value = getattr(target, attribute) if target is not None else None
            record[f"target.{pick}.{wire_name}"] = value
    record["target.count"] = len(event.target or ())
    kind = classify(event)
    record["action"] = kind.action
    record["lifecycle_effect"] = kind.lifecycle_effect
    record["needs_attention"] = kind.needs_attention
    record["is_success"] = event.is_success
    record[EXTRA_COLUMN] = extra_json(event)
    return record


def to_records(events: Iterable[LogEvent]) -> list[dict[str, Any]]:
    """One flat dict per event, every dict with the same keys (``record_columns()``).

    Nested objects become dotted columns under Okta's names (``actor.alternateId``,
    ``client.geographicalContext.country``); arrays (``target``, ``request.ipChain``) and
    free-form objects (``debugContext.debugData``) are JSON text; the certificate, device
    and first CA targets are ``target.certificate.*``, ``target.device.*`` and
    ``target.ca.*``; ``action``, ``lifecycle_effect`` and ``needs_attention`` come from
    ``classify``; ``is_success`` is ``LogEvent.is_success`` (the one outcome rule: SUCCESS
    or ALLOW in any case; None without a result); ``_extra`` the keys no column declares,
    at any depth, as JSON text (``extra_json``; None when there are none). ``published`` is
    an aware UTC datetime.
    """
    return [_record(event) for event in events]


def _polars_type(pl: Any, name: str, kind: Kind) -> Any:
    if name in _CATEGORICAL:
        return pl.Categorical
    return {
        "string": pl.String,
        "json": pl.String,
        "int64": pl.Int64,
        "float64": pl.Float64,
        "bool": pl.Boolean,
        "timestamp": pl.Datetime("us", "UTC"),
    }[kind]


def to_dataframe(events: Iterable[LogEvent]) -> polars.DataFrame:
    """A Polars DataFrame of ``to_records(events)`` (extra ``dataframe``).

    The schema is fixed: the same columns and dtypes for any input, an empty one included,
    and no ``Null`` dtype. ``published`` is ``Datetime("us", "UTC")``; ``eventType``,
    ``severity``, ``outcome.result`` and ``action`` are categoricals.
    """
    try:
        import polars as pl
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "to_dataframe needs polars: pip install 'okta-pki-events[dataframe]'"
        ) from exc
    schema = {name: _polars_type(pl, name, kind) for name, kind in record_columns().items()}
    return pl.DataFrame(to_records(events), schema=schema)
