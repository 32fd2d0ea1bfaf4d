"""The column layout of every tabular export, derived from the library's JSON Schema.

One walk of ``json_schema()`` gives a tree of ``Column``: a struct per declared object, a list
per array, and a leaf kind per scalar. The Arrow schema, the flat records and the Polars schema
are all read off this tree, so a field added to the models appears in every export at once, with
the same type, and the exports never drift from the schema users validate against.

Leaf kinds:

- ``string``, ``int64``, ``float64``, ``bool``;
- ``timestamp``: a ``date-time`` string (``published``), as an aware UTC datetime;
- ``json``: a free-form object or an untyped value (``detailEntry``, ``debugData``,
  ``device_integrator``), as JSON text;
- a union of string and integer (``version``, ``postalCode``, ``asNumber``) is ``string``
  holding the value's text; integer and number together are ``float64``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from .._lazy import is_lazy
from ..models.log_event import LogEvent
from ..schema import json_schema

__all__ = ["RAW_COLUMN", "Column", "Kind", "event_columns", "fit_number", "raw_json", "row_of"]

Kind = Literal["string", "int64", "float64", "bool", "timestamp", "json", "struct", "list"]
"""The kind of a column."""

RAW_COLUMN = "_raw"
"""The column holding each event's JSON as it arrived (unknown keys included)."""


@dataclass(frozen=True)
class Column:
    """One column (or struct field, or list item) of the tabular exports."""

    name: str
    """The wire name (Okta's camelCase)."""
    kind: Kind
    """The leaf kind, or ``struct``/``list``."""
    description: str | None = None
    """The field's description, from the JSON Schema."""
    fields: tuple[Column, ...] = ()
    """The fields of a struct."""
    item: Column | None = None
    """The item of a list."""
    required: bool = False
    """Whether every event has it (``uuid``, ``published``, ``eventType``)."""
    numbers_as_text: bool = False
    """A string column whose values may arrive as JSON numbers (written as their text)."""


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs[ref.rsplit("/", 1)[-1]], defs)
    return node


def _column(name: str, node: Mapping[str, Any], defs: Mapping[str, Any], required: bool) -> Column:
    description = node.get("description")
    node = _resolve(node, defs)
    options = [_resolve(o, defs) for o in node.get("anyOf", [node])]
    options = [o for o in options if o.get("type") != "null"]
    if len(options) == 1 and options[0] is not node:
        # A nullable single type: describe it with the outer description.
        inner = _column(name, options[0], defs, required)
        return Column(
            inner.name,
            inner.kind,
            description,
            inner.fields,
            inner.item,
            required,
            inner.numbers_as_text,
        )
    types = {o.get("type") for o in options}
    if types == {"object"} and len(options) == 1 and options[0].get("properties"):
        props = options[0]["properties"]
        needed = set(options[0].get("required", ()))
        fields = tuple(_column(k, v, defs, k in needed) for k, v in props.items())
        return Column(name, "struct", description, fields=fields, required=required)
    if types == {"array"} and len(options) == 1:
        item = _column("item", options[0].get("items", {}), defs, False)
        return Column(name, "list", description, item=item, required=required)
    kind = _leaf(options, types)
    numbers = kind == "string" and bool(types & {"integer", "number"})
    return Column(name, kind, description, required=required, numbers_as_text=numbers)


def _leaf(options: list[Mapping[str, Any]], types: set[Any]) -> Kind:
    if types == {"string"}:
        formats = {o.get("format") for o in options}
        return "timestamp" if formats == {"date-time"} else "string"
    if types == {"integer"}:
        return "int64"
    if types <= {"integer", "number"} and types:
        return "float64"
    if types == {"boolean"}:
        return "bool"
    if types <= {"string", "integer"} and types:
        return "string"
    return "json"  # objects without declared properties, untyped values, other unions


@cache
def event_columns() -> tuple[Column, ...]:
    """The columns of an event: every declared field of the JSON Schema, in its order.

    Read off the schema of a ``pki.*`` type the library does not catalogue (the generic
    shape every event shares); ``eventType`` is a plain string there.
    """
    schema = json_schema()
    defs = schema["$defs"]
    generic = defs["UnknownPkiEvent"]
    needed = set(generic.get("required", ()))
    columns = []
    for name, node in generic["properties"].items():
        if name == "eventType":
            node = {"type": "string", "description": "Type of the event, e.g. pki.cert.issue."}
        columns.append(_column(name, node, defs, name in needed))
    return tuple(columns)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def fit_number(kind: Kind, value: Any) -> Any:
    """A number as an ``int64`` or ``float64`` column holds it; None when it cannot.

    JSON integers have no bound, Arrow's do: an integer outside int64 (or too large for a
    double) is null in its typed column, and the raw column keeps it.
    """
    if kind == "int64":
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    try:
        return float(value)
    except OverflowError:
        return None


def _value(column: Column, value: Any) -> Any:
    """A wire value in the form its column holds (JSON text, string of a number, ...)."""
    if value is None:
        return None
    kind = column.kind
    if kind == "struct":
        if not isinstance(value, Mapping):
            return None
        return {f.name: _value(f, value.get(f.name)) for f in column.fields}
    if kind == "list":
        if not isinstance(value, list) or column.item is None:
            return None
        return [_value(column.item, v) for v in value]
    if kind == "json":
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if kind in ("int64", "float64"):
        return fit_number(kind, value)
    return value


def row_of(wire: Mapping[str, Any], published: Any) -> dict[str, Any]:
    """One event's row: its declared fields by column (``published`` given as a datetime)."""
    row = {c.name: _value(c, wire.get(c.name)) for c in event_columns()}
    row["published"] = published
    return row


def raw_json(event: LogEvent) -> str:
    """The event's JSON as it arrived (the ``_raw`` column, ``export --format ndjson``).

    A lazy event (``parse_event(text, lazy=True)``, ``iter_records(path, lazy=True)``) gives
    its own text, byte for byte; any other event the keys that arrived with their values,
    re-serialised (key order and spacing may differ from the input).
    """
    raw: str = (
        event.model_dump_json()
        if is_lazy(event)
        else event.model_dump_json(by_alias=True, exclude_unset=True)
    )
    return raw
