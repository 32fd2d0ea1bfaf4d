"""Record batches of events in ``arrow_schema()``, for ``to_arrow`` and ``write_parquet``.

Two builders give the same batch:

- the **fast** one lets Arrow's JSON reader (C++) parse each event's ``_raw`` text, which is
  there anyway, against the typed columns, and computes in Python only the leaves Arrow
  cannot read from JSON (``python_leaf``: free-form objects as JSON text, numbers in text
  columns, ``published`` as an instant), column by column from the models, then splices
  them into the struct and list arrays Arrow built;
- the **plain** one dumps each event into Python objects, fixes each column's values with
  its compiled fixer and converts them with ``pyarrow.array``. It is the reference (the
  tests hold the fast one to it) and the fallback for a batch Arrow's reader refuses: a
  number beyond int64 or a double, or a value the model coerced (the text says ``"true"``
  where the model holds ``True``).

``_extra`` (the keys no column declares) is read off the models in both.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from .._gc import gc_paused
from .._lazy import is_lazy
from ..models.log_event import LogEvent
from ._columns import (
    EXTRA_COLUMN,
    RAW_COLUMN,
    Column,
    children_of,
    column_fixer,
    event_columns,
    extras_json,
    raw_json,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

__all__ = ["batches", "python_leaf"]


def python_leaf(column: Column) -> bool:
    """Whether Arrow's JSON reader cannot read the column: it is computed in Python.

    Free-form objects and untyped values (JSON text), strings that may arrive as numbers,
    ``published`` (Arrow parses fewer RFC 3339 forms than the models accept), and lists of
    such values.
    """
    kind = column.kind
    if kind in ("json", "timestamp") or (kind == "string" and column.numbers_as_text):
        return True
    item = column.item
    return kind == "list" and item is not None and item.kind != "struct" and needs_python(item)


def needs_python(column: Column) -> bool:
    """Whether the column is, or holds, a ``python_leaf``."""
    if python_leaf(column):
        return True
    if column.kind == "struct":
        return any(needs_python(f) for f in column.fields)
    item = column.item
    return column.kind == "list" and item is not None and needs_python(item)


# -- the fast builder -------------------------------------------------------------------------


def _read_type(pa: Any, column: Column, arrow_type: Any) -> Any:
    """The type Arrow's reader reads a column as (its Python leaves left out), or None."""
    if python_leaf(column):
        return None
    if column.kind == "struct":
        fields = [
            pa.field(f.name, t, nullable=a.nullable)
            for f, a in zip(column.fields, arrow_type, strict=True)
            if (t := _read_type(pa, f, a.type)) is not None
        ]
        return pa.struct(fields) if fields else None
    if column.kind == "list" and column.item is not None:
        item = _read_type(pa, column.item, arrow_type.value_type)
        return pa.list_(item) if item is not None else None
    return arrow_type


def _spliced(
    pa: Any, column: Column, arrow_type: Any, read: Any, objs: list[Any], fixer: Any
) -> Any:
    """The column's array: as Arrow read it, with its Python leaves computed from ``objs``.

    ``read`` is the array Arrow's reader made (None when it read nothing of the column);
    ``objs`` the models (or values) at this position, one per element.
    """
    if not needs_python(column):
        return read
    if python_leaf(column):
        values = list(objs) if fixer is None else [None if v is None else fixer(v) for v in objs]
        return pa.array(values, type=arrow_type)
    mask = pa.array([o is None for o in objs], type=pa.bool_())
    if column.kind == "struct":
        children = []
        for field, arrow_field in zip(column.fields, arrow_type, strict=True):
            child_read = None
            if read is not None and read.type.get_field_index(field.name) >= 0:
                child_read = read.field(field.name)
            child_objs: list[Any] = []
            if needs_python(field):
                child_objs = children_of(objs, field.name)
            children.append(
                _spliced(
                    pa,
                    field,
                    arrow_field.type,
                    child_read,
                    child_objs,
                    column_fixer(field) if python_leaf(field) else None,
                )
            )
        return pa.StructArray.from_arrays(children, fields=list(arrow_type), mask=mask)
    # A list of structs whose items hold Python leaves.
    assert column.item is not None
    items = [item for o in objs if o is not None for item in o]
    offsets = [0]
    for o in objs:
        offsets.append(offsets[-1] + (len(o) if o is not None else 0))
    values = _spliced(
        pa,
        column.item,
        arrow_type.value_type,
        read.flatten() if read is not None else None,
        items,
        None,
    )
    return pa.ListArray.from_arrays(
        pa.array(offsets, type=pa.int32()), values, type=arrow_type, mask=mask
    )


@cache
def _fast_layout() -> tuple[Any, Any, tuple[tuple[Column, Any, Any], ...]]:
    """The schema, the schema Arrow's reader reads, and per typed column its parts."""
    from ._arrow import arrow_schema

    pa = _pa()
    schema = arrow_schema()
    read_fields = []
    parts = []
    for column in event_columns():
        arrow_type = schema.field(column.name).type
        read_type = _read_type(pa, column, arrow_type)
        if read_type is not None:
            read_fields.append(pa.field(column.name, read_type))
        fixer = column_fixer(column) if python_leaf(column) else None
        parts.append((column, arrow_type, fixer))
    return schema, pa.schema(read_fields), tuple(parts)


def _pa() -> Any:
    from ._arrow import _pyarrow

    return _pyarrow()


def _fast_batch(
    events: list[LogEvent], raws: list[str], lines: list[str], extras: list[str | None]
) -> Any:
    """One batch: Arrow's JSON reader over ``lines``, plus the Python leaves (see the module)."""
    import pyarrow.json as pa_json

    pa = _pa()
    schema, read_schema, parts = _fast_layout()
    block = "\n".join(lines).encode()
    table = pa_json.read_json(
        io.BytesIO(block),
        read_options=pa_json.ReadOptions(block_size=len(block) + 1),
        parse_options=pa_json.ParseOptions(
            explicit_schema=read_schema, unexpected_field_behavior="ignore"
        ),
    )
    columns = []
    for column, arrow_type, fixer in parts:
        read = None
        if read_schema.get_field_index(column.name) >= 0:
            read = table.column(column.name).combine_chunks()
        objs = children_of(events, column.name) if needs_python(column) else []
        columns.append(_spliced(pa, column, arrow_type, read, objs, fixer))
    columns.append(pa.array(extras, type=pa.string()))
    columns.append(pa.array(raws, type=pa.string()))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


# -- the plain builder ------------------------------------------------------------------------


@cache
def _plain_layout() -> tuple[Any, tuple[tuple[str, Any, Any], ...]]:
    from ._arrow import arrow_schema

    schema = arrow_schema()
    fixers = {c.name: column_fixer(c) for c in event_columns()}
    typed = tuple(
        (field.name, fixers[field.name], field.type)
        for field in schema
        if field.name not in (EXTRA_COLUMN, RAW_COLUMN)
    )
    return schema, typed


def plain_batch(events: list[LogEvent], raws: list[str], extras: list[str | None]) -> Any:
    """One batch from Python dumps of the events, column by column (see the module)."""
    pa = _pa()
    schema, typed = _plain_layout()
    rows = [event.model_dump(by_alias=True, exclude_unset=True) for event in events]
    columns = []
    for name, fixer, arrow_type in typed:
        values = [row.get(name) for row in rows]
        if fixer is not None:
            values = [None if v is None else fixer(v) for v in values]
        columns.append(pa.array(values, type=arrow_type))
    columns.append(pa.array(extras, type=pa.string()))
    columns.append(pa.array(raws, type=pa.string()))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


# -- batches ----------------------------------------------------------------------------------


def _eager(event: LogEvent, where: str | None) -> tuple[LogEvent, str, str]:
    """The event as an eager model, its ``_raw`` text, and the line Arrow's reader reads.

    A lazy event is validated whole here (``copy.copy`` fills it in and gives an eager twin:
    its typed columns hold the model's values); ``where`` (``file:line``) names it when that
    fails. Its raw text is its own; Arrow reads the twin's dump, since the text may spell
    names and values otherwise (snake_case names, values the model coerced). An eager event's
    raw JSON is its dump, read as it is.
    """
    if not isinstance(event, LogEvent):
        raise TypeError(f"expected parsed events (LogEvent), got {type(event).__name__}")
    raw = raw_json(event)
    if not is_lazy(event):
        return event, raw, raw
    try:
        twin: LogEvent = copy.copy(event)
    except ValueError as exc:
        if where is not None:
            raise ValueError(f"{where}: {exc}") from exc
        raise
    return twin, raw, twin.model_dump_json(by_alias=True, exclude_unset=True)


_CONVERT = 200
"""Events converted at a time: the models of at most this many are alive (fewer, less memory
and cache churn; more, less overhead per call into Arrow: 200 measured best here)."""


def _convert(chunk: list[tuple[LogEvent, str | None]]) -> Any:
    """One record batch of a chunk of events: the fast builder, the plain one as fallback."""
    pa = _pa()
    triples = [_eager(event, where) for event, where in chunk]
    events = [event for event, _, _ in triples]
    raws = [raw for _, raw, _ in triples]
    extras = extras_json(events)
    try:
        return _fast_batch(events, raws, [line for _, _, line in triples], extras)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, AttributeError, TypeError):
        # What the fast builder may meet that only the plain one handles (see the module).
        return plain_batch(events, raws, extras)


def batches(
    items: Iterable[tuple[LogEvent, str | None]], batch_size: int
) -> Iterator[pyarrow.RecordBatch]:
    """Record batches of ``batch_size`` events (the last one shorter), in order.

    The events are read and converted ``_CONVERT`` at a time with the cyclic garbage
    collector paused (``gc_paused``: a list of parsed events is otherwise rescanned again and
    again as it grows), so that at most that many parsed events are alive; the Arrow data of
    a batch is then joined into one record batch.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    pa = _pa()
    items = iter(items)
    while True:
        parts = []
        count = 0
        while count < batch_size:
            with gc_paused():
                chunk = list(islice(items, min(_CONVERT, batch_size - count)))
                size = len(chunk)
                if size:
                    parts.append(_convert(chunk))
                # Freed here, by reference counting: the collector, enabled again, finds no
                # young events to scan.
                del chunk
            if not size:
                break
            count += size
        if not parts:
            return
        if len(parts) == 1:
            yield parts[0]
        else:
            table = pa.Table.from_batches(parts).combine_chunks()
            yield table.to_batches(max_chunksize=count)[0]
        if count < batch_size:
            return
