"""Arrow and Parquet (extra ``arrow``), and the schema as Spark, DuckDB and Polars see it.

``arrow_schema()`` is read off the column tree of ``_columns`` (itself derived from the JSON
Schema): a struct per object, a list per array, ``published`` as ``timestamp[us, UTC]``,
free-form objects as JSON text (field metadata ``okta_pki_events.json: true``), and the
``_raw`` column: the event's JSON with exactly the keys that arrived. ``to_arrow`` and
``write_parquet`` build record batches of ``batch_size`` events, so memory stays bounded by one
batch whatever the number of events.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from .._lazy import is_lazy
from ..models.log_event import LogEvent
from ._columns import RAW_COLUMN, Column, event_columns, fit_number, raw_json

if TYPE_CHECKING:  # pragma: no cover
    import polars
    import pyarrow
    from pyspark.sql.types import StructType

__all__ = [
    "BATCH_SIZE",
    "JSON_METADATA",
    "arrow_schema",
    "duckdb_types",
    "polars_schema",
    "spark_schema",
    "to_arrow",
    "write_parquet",
]

BATCH_SIZE = 10_000
"""Events per record batch (and per Parquet row group) by default."""

JSON_METADATA = {b"okta_pki_events.json": b"true"}
"""Field metadata of the columns that hold JSON text."""


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "Arrow and Parquet exports need pyarrow: pip install 'okta-pki-events[arrow]'"
        ) from exc
    return pyarrow


def _arrow_type(pa: Any, column: Column) -> Any:
    kind = column.kind
    if kind == "struct":
        return pa.struct([_arrow_field(pa, f) for f in column.fields])
    if kind == "list":
        assert column.item is not None
        return pa.list_(_arrow_field(pa, column.item))
    return {
        "string": pa.string(),
        "json": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }[kind]


def _arrow_field(pa: Any, column: Column) -> Any:
    metadata = dict(JSON_METADATA) if column.kind == "json" else {}
    if column.description:
        metadata[b"description"] = column.description.encode()
    return pa.field(
        column.name,
        _arrow_type(pa, column),
        nullable=not column.required,
        metadata=metadata or None,
    )


def arrow_schema() -> pyarrow.Schema:
    """The Arrow schema of the events (extra ``arrow``), derived from the JSON Schema.

    One field per declared top-level field (objects as structs, arrays as lists), typed as
    the JSON Schema types them; ``published`` is ``timestamp[us, UTC]``; free-form objects
    are JSON text; the last field, ``_raw``, is the event's JSON as it arrived.
    """
    pa = _pyarrow()
    fields = [_arrow_field(pa, c) for c in event_columns()]
    fields.append(
        pa.field(
            RAW_COLUMN,
            pa.string(),
            nullable=False,
            metadata={
                **JSON_METADATA,
                b"description": b"The event's JSON as it arrived, unknown keys included.",
            },
        )
    )
    schema: pyarrow.Schema = pa.schema(fields)
    return schema


_Plan = dict[str, Any]


def _plan_of(column: Column) -> Any:
    """What a column needs before Arrow's JSON reader takes it, or None."""
    if column.kind == "json":
        return "json"
    if column.kind == "string" and column.numbers_as_text:
        return "text"
    if column.kind in ("int64", "float64"):
        return column.kind
    if column.kind == "struct":
        return _plan(column.fields)
    if column.kind == "list" and column.item is not None:
        inner = _plan_of(column.item)
        return ("list", inner) if inner is not None else None
    return None


def _plan(columns: Iterable[Column]) -> _Plan | None:
    plan = {c.name: p for c in columns if (p := _plan_of(c)) is not None}
    return plan or None


@cache
def _event_plan() -> _Plan:
    return _plan(event_columns()) or {}


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _fix(value: Any, plan: Any) -> Any:
    if plan == "json":
        return _dumps(value)
    if plan == "text":
        return value if isinstance(value, str) else _dumps(value)
    if plan in ("int64", "float64"):
        return fit_number(plan, value)
    if isinstance(plan, dict):
        if isinstance(value, dict):
            _patch(value, plan)
        return value
    if isinstance(value, list):  # ("list", item plan)
        return [None if item is None else _fix(item, plan[1]) for item in value]
    return value


def _patch(data: dict[str, Any], plan: _Plan) -> None:
    """Free-form objects to JSON text, numbers of text columns to text: in place."""
    for key, rule in plan.items():
        value = data.get(key)
        if value is not None:
            data[key] = _fix(value, rule)


def _line(event: LogEvent, where: str | None) -> tuple[bytes, str]:
    """The event as one JSON line Arrow's reader maps onto ``arrow_schema()``, and its raw JSON.

    A lazy event is validated whole here (its typed columns hold the model's values);
    ``where`` (``file:line``) names the record when that fails.
    """
    if not isinstance(event, LogEvent):
        raise TypeError(f"expected parsed events (LogEvent), got {type(event).__name__}")
    raw = raw_json(event)
    try:
        data = (
            event.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if is_lazy(event)
            else json.loads(raw)
        )
    except ValueError as exc:
        if where is not None:
            raise ValueError(f"{where}: {exc}") from exc
        raise
    data.pop(RAW_COLUMN, None)  # an unknown key of that name stays in the raw column only
    _patch(data, _event_plan())
    return _dumps(data).encode(), raw


def _batches(
    items: Iterable[tuple[LogEvent, str | None]], batch_size: int
) -> Iterator[pyarrow.RecordBatch]:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    pa = _pyarrow()
    import pyarrow.json as pa_json

    schema = arrow_schema()
    typed = pa.schema(list(schema)[:-1])  # every column but the raw one
    parse_options = pa_json.ParseOptions(explicit_schema=typed, unexpected_field_behavior="ignore")
    lines = (_line(event, where) for event, where in items)
    while chunk := list(islice(lines, batch_size)):
        block = b"\n".join(line for line, _ in chunk)
        read_options = pa_json.ReadOptions(block_size=len(block) + 1)
        table = pa_json.read_json(
            io.BytesIO(block), read_options=read_options, parse_options=parse_options
        )
        columns = [table.column(name) for name in typed.names]
        columns.append(pa.chunked_array([pa.array([raw for _, raw in chunk], pa.string())]))
        yield from pa.Table.from_arrays(columns, schema=schema).to_batches(max_chunksize=batch_size)


def to_arrow(events: Iterable[LogEvent], *, batch_size: int = BATCH_SIZE) -> pyarrow.Table:
    """A ``pyarrow.Table`` of the events in ``arrow_schema()`` (extra ``arrow``).

    Built one record batch of ``batch_size`` events at a time; an empty input gives an
    empty table with the same schema.
    """
    pa = _pyarrow()
    table: pyarrow.Table = pa.Table.from_batches(
        list(_batches(((e, None) for e in events), batch_size)), schema=arrow_schema()
    )
    return table


def write_parquet(
    events: Iterable[LogEvent] | str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    batch_size: int = BATCH_SIZE,
    compression: str = "zstd",
) -> int:
    """Write events to a Parquet file in ``arrow_schema()``; return how many (extra ``arrow``).

    ``events`` is an iterable of parsed events (``iter_events(...)`` with the error policy
    you choose), or a path, read with ``iter_records(path, lazy=True)``: the ``_raw`` column
    then holds each record's text exactly as it is in the file, and a bad record raises,
    naming its line. One row group of ``batch_size`` events is written as it fills, so memory
    stays bounded by one batch. The file is written to ``path`` only once complete (a
    temporary file beside it is renamed), so a failure leaves no partial file.
    """
    pa = _pyarrow()
    import pyarrow.parquet as pq

    items: Iterable[tuple[LogEvent, str | None]]
    if isinstance(events, (str, os.PathLike)):
        from .._stream import iter_records

        records = iter_records(os.fspath(events), lazy=True)
        items = ((r.event, f"{r.source or os.fspath(events)}:{r.line}") for r in records)
    else:
        items = ((event, None) for event in events)
    target = os.fspath(path)
    partial = f"{target}.partial"
    count = 0
    try:
        with pq.ParquetWriter(partial, arrow_schema(), compression=compression) as writer:
            for batch in _batches(items, batch_size):
                writer.write_table(pa.Table.from_batches([batch]))
                count += batch.num_rows
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return count


def spark_schema() -> StructType:
    """The Spark ``StructType`` of ``arrow_schema()`` (extra ``spark``).

    Converted by Spark's own Arrow converter: ``published`` is a ``TimestampType``, structs
    and lists as in Arrow, JSON text as ``StringType`` (parse it with ``from_json`` or
    ``parse_json``).
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    schema: StructType = from_arrow_schema(arrow_schema())
    return schema


def _duckdb_type(pa: Any, arrow_type: Any) -> str:
    if pa.types.is_struct(arrow_type):
        inner = ", ".join(f'"{f.name}" {_duckdb_type(pa, f.type)}' for f in arrow_type)
        return f"STRUCT({inner})"
    if pa.types.is_list(arrow_type):
        return f"{_duckdb_type(pa, arrow_type.value_type)}[]"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP WITH TIME ZONE"
    names = {
        pa.string(): "VARCHAR",
        pa.int64(): "BIGINT",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
    }
    return names[arrow_type]


def duckdb_types() -> dict[str, str]:
    """The DuckDB type of each column of ``arrow_schema()``, e.g. for ``CREATE TABLE``.

    ``published`` is ``TIMESTAMP WITH TIME ZONE``; structs are ``STRUCT(...)`` and lists
    ``...[]``, as DuckDB reads the Parquet files ``write_parquet`` writes.
    """
    pa = _pyarrow()
    return {field.name: _duckdb_type(pa, field.type) for field in arrow_schema()}


def polars_schema() -> polars.Schema:
    """The Polars schema of ``arrow_schema()`` (extras ``arrow`` and ``dataframe``).

    Converted by Polars from the Arrow schema: ``published`` is ``Datetime("us", "UTC")``.
    """
    import polars as pl

    frame = pl.from_arrow(arrow_schema().empty_table())
    assert isinstance(frame, pl.DataFrame)
    return frame.schema
