"""Exports to the systems users run: Elastic ECS, OCSF, DataFrames, Arrow and Parquet.

- ``to_ecs(event)``: the document Elastic's ``okta.system`` pipeline indexes (tables
  ``ECS_FIELDS``, ``ECS_CATEGORIZATION``, ``ECS_DEBUG_DATA_FIELDS``, and Elastic's generated
  category table: its PKI rows, or the whole of it read by ``ecs_category_table``).
- ``to_ocsf(event, version=...)``: a valid OCSF event (``OCSF_VERSIONS``; default
  ``OCSF_VERSION``) for any event the parser accepts.
- ``to_records(events)`` / ``to_dataframe(events)``: one fixed set of flat columns.
- ``to_arrow``, ``write_parquet`` and the schema for DuckDB, Polars and Spark.
- ``raw_json(event)``: the event's JSON as it arrived (a lazy event's own text);
  ``extra_json(event)``: the keys no column declares (the ``_extra`` column).
"""

from __future__ import annotations

from types import FunctionType

from ._arrow import (
    BATCH_SIZE,
    JSON_METADATA,
    arrow_schema,
    duckdb_types,
    polars_schema,
    spark_schema,
    to_arrow,
    write_parquet,
)
from ._columns import EXTRA_COLUMN, RAW_COLUMN, extra_json, raw_json
from ._ecs import (
    ECS_CATEGORIZATION,
    ECS_DEBUG_DATA_FIELDS,
    ECS_FIELDS,
    ECS_PKI_CATEGORY_TABLE,
    ECS_VERSION,
    EcsCategoryTable,
    ecs_categorization,
    ecs_category_table,
    to_ecs,
)
from ._ocsf import (
    OCSF_ACTIVITIES,
    OCSF_ACTIVITY_NAMES,
    OCSF_CLASS_UID,
    OCSF_SEVERITIES,
    OCSF_VERSION,
    OCSF_VERSIONS,
    to_ocsf,
)
from ._records import record_columns, to_dataframe, to_records

__all__ = [
    "BATCH_SIZE",
    "JSON_METADATA",
    "EXTRA_COLUMN",
    "RAW_COLUMN",
    "extra_json",
    "raw_json",
    "arrow_schema",
    "duckdb_types",
    "polars_schema",
    "spark_schema",
    "to_arrow",
    "write_parquet",
    "ECS_CATEGORIZATION",
    "ECS_DEBUG_DATA_FIELDS",
    "ECS_PKI_CATEGORY_TABLE",
    "EcsCategoryTable",
    "ecs_category_table",
    "ECS_FIELDS",
    "ECS_VERSION",
    "OCSF_ACTIVITIES",
    "OCSF_ACTIVITY_NAMES",
    "OCSF_CLASS_UID",
    "OCSF_SEVERITIES",
    "OCSF_VERSION",
    "OCSF_VERSIONS",
    "ecs_categorization",
    "record_columns",
    "to_dataframe",
    "to_ecs",
    "to_ocsf",
    "to_records",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, (type, FunctionType)):  # not the type aliases
        _obj.__module__ = __name__
