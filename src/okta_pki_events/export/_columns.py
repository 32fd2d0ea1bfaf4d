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

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import to_json

from .._lazy import is_lazy
from ..models.log_event import LogEvent
from ..schema import json_schema

__all__ = [
    "EXTRA_COLUMN",
    "RAW_COLUMN",
    "Column",
    "Fixer",
    "Kind",
    "column_fixer",
    "event_columns",
    "event_fixers",
    "extra_json",
    "attribute_of",
    "children_of",
    "extras_json",
    "fit_number",
    "raw_json",
    "row_of",
]

Kind = Literal["string", "int64", "float64", "bool", "timestamp", "json", "struct", "list"]
"""The kind of a column."""

RAW_COLUMN = "_raw"
"""The column holding each event's JSON as it arrived (unknown keys included)."""

EXTRA_COLUMN = "_extra"
"""The column holding the keys no column declares, at any depth, as JSON text (else null)."""


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


def _encode(value: Any) -> str:
    """JSON text, compact, non-ASCII kept (pydantic-core's encoder: no Python per value)."""
    return to_json(value).decode()


Fixer = Callable[[Any], Any]
"""A function from a value (not None) to the form its column holds."""


def _json_text(value: Any) -> str:
    return _encode(value)


def _number_text(value: Any) -> str:
    return value if type(value) is str else _encode(value)


def _int64(value: Any) -> Any:
    return value if type(value) is int and _INT64_MIN <= value <= _INT64_MAX else None


def _float64(value: Any) -> Any:
    if type(value) is float:
        return value
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return None


def _struct_fixer(fields: tuple[tuple[str, Fixer], ...]) -> Fixer:
    def fix(value: Any) -> Any:
        if type(value) is not dict:
            return None
        get = value.get
        for key, fixer in fields:
            item = get(key)
            if item is not None:
                value[key] = fixer(item)
        return value

    return fix


def _list_fixer(item_fixer: Fixer) -> Fixer:
    def fix(value: Any) -> Any:
        if type(value) is not list:
            return None
        return [None if item is None else item_fixer(item) for item in value]

    return fix


def column_fixer(column: Column) -> Fixer | None:
    """The function that puts a column's value in the form the column holds; None: as it is.

    Free-form objects and untyped values become JSON text, numbers in a text column their
    text, numbers what ``fit_number`` keeps; a struct or list is fixed in place, field by
    field and item by item (only the fields that need it are visited). Compiled once per
    column from the column tree, so a batch pays no dispatch on kinds.
    """
    kind = column.kind
    if kind == "json":
        return _json_text
    if kind == "string":
        return _number_text if column.numbers_as_text else None
    if kind == "int64":
        return _int64
    if kind == "float64":
        return _float64
    if kind == "struct":
        fields = tuple((f.name, x) for f in column.fields if (x := column_fixer(f)) is not None)
        return _struct_fixer(fields) if fields else None
    if kind == "list" and column.item is not None:
        item = column_fixer(column.item)
        return _list_fixer(item) if item is not None else None
    return None


@cache
def event_fixers() -> tuple[tuple[str, Fixer | None], ...]:
    """``column_fixer`` of each of ``event_columns()``, by name, in order."""
    return tuple((c.name, column_fixer(c)) for c in event_columns())


def row_of(wire: dict[str, Any], published: Any) -> dict[str, Any]:
    """One event's row: its declared fields by column (``published`` given as a datetime).

    ``wire`` is a fresh dump of the event (``model_dump(mode="json", by_alias=True)``): its
    nested objects are fixed in place.
    """
    row = {}
    for name, fixer in event_fixers():
        value = wire.get(name)
        row[name] = value if fixer is None or value is None else fixer(value)
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


# -- the models' names -------------------------------------------------------------------


@cache
def _attributes() -> dict[str, str]:
    """Okta's (wire) name -> the models' attribute name, over every field of every model."""
    from ..models.events import EVENT_MODELS, NonPkiEvent, UnknownPkiEvent

    names: dict[str, str] = {}
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.setdefault(info.alias or name, name)
            for inner in _models_in(info.annotation):
                visit(inner)

    models: list[type[BaseModel]] = [*EVENT_MODELS.values(), UnknownPkiEvent, NonPkiEvent]
    for model in models:
        visit(model)
    return names


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg)


def attribute_of(wire_name: str) -> str:
    """The models' attribute name of a field Okta names ``wire_name``."""
    return _attributes().get(wire_name, wire_name)


def children_of(objs: list[Any], wire_name: str) -> list[Any]:
    """Each model's field named ``wire_name`` (None for a None), in one pass.

    The models at one position of the column tree; read from the instance dict, so a field
    a class does not declare is None rather than a trip through ``__getattr__``.
    """
    attribute = attribute_of(wire_name)
    return [None if o is None else o.__dict__.get(attribute) for o in objs]


# -- unknown keys --------------------------------------------------------------------------

# Finds, for each of a list of models, its keys no column declares, at any depth (None where
# there are none): the unknown keys of every event of a batch, one position of the column
# tree at a time, so that the models are read in list comprehensions, not a call per object.
_Finder = Callable[[list[Any]], "list[dict[str, Any] | None]"]


def _finder(columns: tuple[Column, ...]) -> _Finder:
    """The finder at a position whose declared fields are ``columns`` (compiled once).

    A model's unknown keys are its extras (``model_extra``) that no column names. Below a
    declared object its unknown keys sit under the object's name; in a declared list each
    item is its unknown keys or null, so positions are kept.
    """
    known = frozenset(c.name for c in columns)
    objects = tuple((c.name, _finder(c.fields)) for c in columns if c.kind == "struct" and c.fields)
    lists = tuple(
        (c.name, _finder(c.item.fields))
        for c in columns
        if c.kind == "list" and c.item is not None and c.item.kind == "struct"
    )

    def find(objs: list[Any]) -> list[dict[str, Any] | None]:
        if not any(objs):  # nothing at this position (models are truthy)
            return [None] * len(objs)
        found: list[dict[str, Any] | None] = [
            ({k: v for k, v in e.items() if k not in known} or None)
            if o is not None and (e := o.__pydantic_extra__)
            else None
            for o in objs
        ]
        for name, inner in objects:
            below = inner(children_of(objs, name))
            for i in [i for i, b in enumerate(below) if b is not None]:
                found[i] = {**(found[i] or {}), name: below[i]}
        for name, inner in lists:
            owned = children_of(objs, name)
            items = inner([item for row in owned if row for item in row])
            if any(item is not None for item in items):
                at = 0
                for i, row in enumerate(owned):
                    mine = items[at : at + (len(row) if row else 0)]
                    at += len(mine)
                    if any(item is not None for item in mine):
                        found[i] = {**(found[i] or {}), name: mine}
        return found

    return find


@cache
def _event_finder() -> _Finder:
    return _finder(event_columns())


def extras_json(events: Sequence[LogEvent]) -> list[str | None]:
    """The ``_extra`` column of events: each one's keys no column declares, as JSON text.

    Unknown keys at any depth, under the names they arrived with: below a declared object
    under its name, in a declared list as one entry per item (null where an item has none);
    None for an event without any. Free-form objects (``detailEntry``, ``debugData``) are
    whole in their own JSON columns: nothing in them is extra.
    """
    return [None if f is None else _encode(f) for f in _event_finder()(list(events))]


def extra_json(event: LogEvent) -> str | None:
    """The ``_extra`` column of one event (see ``extras_json``).

    >>> from okta_pki_events import parse_event
    >>> extra_json(parse_event({"uuid": "u1", "published": "2024-08-13T15:58:20.353Z",
    ...     "eventType": "pki.cert.issue", "futureKey": 1, "actor": {"id": "a", "newer": [1]},
    ...     "target": [{"id": "t1"}, {"id": "t2", "x": True}]}))
    '{"futureKey":1,"actor":{"newer":[1]},"target":[null,{"x":true}]}'
    """
    return extras_json([event])[0]
