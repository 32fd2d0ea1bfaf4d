"""Arrow and Parquet (extra ``arrow``), and the schema as Spark, DuckDB and Polars see it.

``arrow_schema()`` is read off the column tree of ``_columns`` (itself derived from the JSON
Schema): a struct per object, a list per array, ``published`` as ``timestamp[us, UTC]``,
free-form objects as JSON text (field metadata ``okta_pki_events.json: true``), and the
``_raw`` column: the event's JSON with exactly the keys that arrived. ``to_arrow`` and
``write_parquet`` build record batches of ``batch_size`` events, so memory stays bounded by one
batch whatever the number of events.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..models.log_event import LogEvent
from ._batch import batches
from ._columns import EXTRA_COLUMN, RAW_COLUMN, Column, event_columns

if TYPE_CHECKING:  # pragma: no cover
    import polars
    import pyarrow
    from pyspark.sql.types import StructType

__all__ = [
    "BATCH_SIZE",
    "JSON_METADATA",
    "arrow_schema",
    "duckdb_types",
    "in_place",
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
            EXTRA_COLUMN,
            pa.string(),
            nullable=True,
            metadata={
                **JSON_METADATA,
                b"description": b"The keys no column declares (at any depth), as JSON text; "
                b"null when there are none.",
            },
        )
    )
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


def to_arrow(events: Iterable[LogEvent], *, batch_size: int = BATCH_SIZE) -> pyarrow.Table:
    """A ``pyarrow.Table`` of the events in ``arrow_schema()`` (extra ``arrow``).

    Built one record batch of ``batch_size`` events at a time; an empty input gives an
    empty table with the same schema.
    """
    pa = _pyarrow()
    table: pyarrow.Table = pa.Table.from_batches(
        list(batches(((e, None) for e in events), batch_size)), schema=arrow_schema()
    )
    return table


def in_place(path: str) -> bool:
    """Whether ``path`` is written through, never replaced by a file written beside it.

    A symbolic link (``/dev/stdout``), a device (``/dev/null``) or a pipe: renaming a file
    onto it would replace the link or the device itself, not write to what it stands for.
    """
    return os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path))


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
    temporary file beside it is renamed), so a failure leaves no partial file; a symbolic
    link, a device or a pipe (``in_place``) is written as it goes.
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
    partial = target if in_place(target) else f"{target}.partial"
    count = 0
    try:
        with pq.ParquetWriter(partial, arrow_schema(), compression=compression) as writer:
            for batch in batches(items, batch_size):
                writer.write_table(pa.Table.from_batches([batch]))
                count += batch.num_rows
        if partial != target:
            os.replace(partial, target)
    finally:
        if partial != target and os.path.exists(partial):
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
