"""The lifecycle from DuckDB (extra ``duckdb``): any relation DuckDB can read, folded exactly.

DuckDB reads the data where it lies (Parquet of the library's export, NDJSON, S3) and
streams one column of JSON text in Arrow batches (``to_arrow_reader``); the library's fold
takes them, with bounded memory per batch. The report equals ``build_lifecycles`` of the
same events, timelines included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from ._engine import fold_texts
from ._report import LifecycleReport

if TYPE_CHECKING:
    import duckdb

__all__ = ["duckdb_lifecycles"]


def _texts(relation: duckdb.DuckDBPyRelation, column: str, batch_size: int) -> Iterator[str]:
    reader = relation.select(column).to_arrow_reader(batch_size)
    for batch in reader:
        yield from batch.column(0).to_pylist()


def duckdb_lifecycles(
    relation: duckdb.DuckDBPyRelation | str,
    *,
    column: str = "_raw",
    connection: duckdb.DuckDBPyConnection | None = None,
    window: timedelta | None = None,
    on_error: Literal["raise", "collect", "skip"] = "collect",
    batch_size: int = 65_536,
) -> LifecycleReport:
    """The lifecycle report of a DuckDB relation (or SQL text) with a column of JSON events.

    ``column`` is ``_raw`` for the library's Parquet export, ``json`` or ``value`` for text
    read otherwise; ``window`` as for ``LifecycleTracker``.
    """
    if isinstance(relation, str):
        import duckdb

        relation = (connection or duckdb).sql(relation)
    texts = _texts(relation, column, batch_size)
    return fold_texts(texts, f"duckdb {column}", window=window, on_error=on_error)
