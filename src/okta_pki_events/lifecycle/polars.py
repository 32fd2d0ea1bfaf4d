"""The lifecycle from Polars (extra ``dataframe``): a frame of JSON events, folded exactly.

A ``DataFrame`` or ``LazyFrame`` with one column of JSON text (``_raw`` of the library's
Parquet export, read by ``pl.scan_parquet``; or lines read as text) is streamed in batches
(``collect_batches`` on a lazy frame) to the library's fold. The report equals
``build_lifecycles`` of the same events, timelines included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from ._engine import fold_texts
from ._report import LifecycleReport

if TYPE_CHECKING:
    import polars

__all__ = ["polars_lifecycles"]


def _texts(frame: polars.DataFrame | polars.LazyFrame, column: str) -> Iterator[str]:
    import polars as pl

    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    for batch in lazy.select(column).collect_batches():
        yield from batch.get_column(column).to_list()


def polars_lifecycles(
    frame: polars.DataFrame | polars.LazyFrame,
    *,
    column: str = "_raw",
    window: timedelta | None = None,
    on_error: Literal["raise", "collect", "skip"] = "collect",
) -> LifecycleReport:
    """The lifecycle report of a Polars frame with a column of JSON events."""
    texts = _texts(frame, column)
    return fold_texts(texts, f"polars {column}", window=window, on_error=on_error)
