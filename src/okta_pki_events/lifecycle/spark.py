"""The lifecycle on Spark (extra ``spark``): the fold where years of events already are.

    report = spark_lifecycles(spark.read.text("s3://logs/okta/*.ndjson.gz"))

Input: a DataFrame with one column of JSON text per event (``value`` from
``spark.read.text``, or ``_raw`` of the library's Parquet export). Stage 0 extracts item rows
in Python workers (``mapInArrow``); copies of one uuid with different content are resolved
with the same total order as ``build_lifecycles``; each certificate is folded in a worker
(``groupBy(key).applyInArrow``); CA events, CRL failures and unkeyed events (few) are folded
on the driver. ``certificate_frame`` gives the per-certificate DataFrame (state, counts,
anomalies, and timelines on request), ``spark_lifecycles`` the ``LifecycleReport`` (counts,
and the timelines asked for), equal to the single-process report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ._engine import (
    Timelines,
    assemble,
    certificate_schema,
    group_folder,
    item_schema,
    items_from_arrow,
    items_of_texts,
    items_to_arrow,
    record_of_row,
    resolve_copies,
)
from ._records import CERT, Record
from ._report import LifecycleReport

if TYPE_CHECKING:
    import pyarrow
    from pyspark.sql import DataFrame

__all__ = ["certificate_frame", "item_frame", "spark_lifecycles"]


def _extractor(column: str) -> Any:
    def extract(batches: Iterator[pyarrow.RecordBatch]) -> Iterator[pyarrow.RecordBatch]:
        for batch in batches:
            texts = batch.column(column).to_pylist()
            yield from items_to_arrow(items_of_texts(texts, f"{column} row")).to_batches()

    return extract


def item_frame(frame: DataFrame, column: str = "value") -> DataFrame:
    """Stage 0: the item rows (``item_schema()``) of a DataFrame of JSON text."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return frame.select(column).mapInArrow(_extractor(column), from_arrow_schema(item_schema()))


def _stages(frame: DataFrame, column: str) -> tuple[DataFrame, DataFrame, list[Record], int]:
    from pyspark.sql import functions as F  # noqa: N812

    items = item_frame(frame, column).cache()
    records = items.filter(F.col("item") == "record")
    counts = records.agg(F.count("*").alias("n"), F.countDistinct("uuid").alias("u")).collect()[0]
    contested = (
        records.groupBy("uuid")
        .agg(F.countDistinct("signature").alias("copies"))
        .filter(F.col("copies") > 1)
        .select("uuid")
    )
    copies = [record_of_row(r.asDict()) for r in records.join(contested, "uuid").collect()]
    dropped, losers = resolve_copies(copies)
    kept = records
    if dropped:
        spark = frame.sparkSession
        gone = spark.createDataFrame(sorted(dropped), "uuid string, signature string")
        kept = records.join(gone, ["uuid", "signature"], "left_anti")
    is_cert = (F.col("kind") == CERT) & F.col("key").isNotNull()
    certs = kept.filter(is_cert)
    others = kept.filter(~is_cert).unionByName(items.filter(F.col("item") != "record"))
    return certs, others, losers, int(counts["n"]) - int(counts["u"])


def _folded(certs: DataFrame, timelines: Timelines) -> DataFrame:
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = from_arrow_schema(certificate_schema())
    return certs.groupBy("key").applyInArrow(group_folder(timelines), schema)


def certificate_frame(
    frame: DataFrame, column: str = "value", *, timelines: Timelines = False
) -> DataFrame:
    """One row per certificate (``CERTIFICATE_COLUMNS``): state, counts, anomalies.

    ``timelines``: True for every certificate's timeline in the ``timeline`` column (JSON),
    or a collection of certificate keys for theirs only; the others' is null.
    """
    certs, _, _, _ = _stages(frame, column)
    return _folded(certs, timelines)


def spark_lifecycles(
    frame: DataFrame, column: str = "value", *, timelines: Timelines = False
) -> LifecycleReport:
    """The lifecycle report of a DataFrame of JSON events, folded by Spark.

    Equal to ``build_lifecycles`` of the same events; certificate histories carry counts,
    and timelines on request: ``timelines=True`` for all (they travel to the driver: mind
    its memory), or a collection of certificate keys (``{"crt0042"}``) for theirs only.
    CA histories always have theirs. Failures (records that could not be read) are in
    ``report.failures``.
    """
    certs, others, losers, duplicates = _stages(frame, column)
    folded = _folded(certs, timelines)
    rows = folded.toArrow().to_pylist()
    rest = list(items_from_arrow(others.toArrow()))
    return assemble(rows, rest, losers, duplicates)
