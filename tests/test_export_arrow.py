"""Arrow and Parquet: the schema follows the JSON Schema; pyarrow, DuckDB, Polars and Spark
read back what was written; every event the parser accepts fits; nothing is lost."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timezone
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyspark.sql import SparkSession

from okta_pki_events import EVENT_TYPES, LogEvent, iter_events, parse_event
from okta_pki_events.export import (
    EXTRA_COLUMN,
    JSON_METADATA,
    RAW_COLUMN,
    arrow_schema,
    duckdb_types,
    polars_schema,
    spark_schema,
    to_arrow,
    to_dataframe,
    to_records,
    write_parquet,
)
from okta_pki_events.schema import json_schema
from okta_pki_events.testing import make_event, wire_events

from .support import IMPOSSIBLE_DATE_SAMPLE, pki_fixture, sample_event, sample_names

BARE = {"uuid": "u0", "published": "2024-08-13T15:58:20.353Z", "eventType": "user.x"}


def _events() -> list[LogEvent]:
    events: list[LogEvent] = [parse_event(pki_fixture(t)) for t in EVENT_TYPES]
    events += [parse_event(sample_event(n)) for n in sample_names() if n != IMPOSSIBLE_DATE_SAMPLE]
    events.append(parse_event(BARE))
    return events


def _wire(event: LogEvent) -> dict[str, Any]:
    wire: dict[str, Any] = event.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return wire


# -- the schema ---------------------------------------------------------------------------


def test_published_and_required_fields() -> None:
    schema = arrow_schema()
    assert schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert [f.name for f in schema if not f.nullable] == ["uuid", "published", "eventType", "_raw"]
    assert schema.names[-2:] == [EXTRA_COLUMN, RAW_COLUMN]


def test_free_form_objects_are_json_text() -> None:
    schema = arrow_schema()
    debug = schema.field("debugContext").type.field("debugData")
    detail = schema.field("target").type.value_type.field("detailEntry")
    for field in (debug, detail, schema.field(EXTRA_COLUMN), schema.field(RAW_COLUMN)):
        assert field.type == pa.string()
        assert field.metadata is not None
        assert JSON_METADATA.items() <= field.metadata.items()


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    options = [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]
    return _resolve(options[0], defs) if len(options) == 1 and options[0] is not node else node


def _assert_same_shape(field_type: pa.DataType, node: dict[str, Any], defs: dict[str, Any]) -> None:
    node = _resolve(node, defs)
    if "properties" in node:
        assert pa.types.is_struct(field_type)
        assert [f.name for f in field_type] == list(node["properties"])
        for child in field_type:
            _assert_same_shape(child.type, node["properties"][child.name], defs)
    elif node.get("type") == "array":
        assert pa.types.is_list(field_type)
        _assert_same_shape(field_type.value_type, node["items"], defs)


def test_schema_follows_the_json_schema() -> None:
    """Every property of the library's JSON Schema, at every depth, is a field; no other."""
    schema = json_schema()
    generic = schema["$defs"]["UnknownPkiEvent"]
    arrow = arrow_schema()
    assert arrow.names[:-2] == list(generic["properties"])
    for field in arrow:
        if field.name not in (EXTRA_COLUMN, RAW_COLUMN):
            _assert_same_shape(field.type, generic["properties"][field.name], schema["$defs"])


def test_every_field_is_described() -> None:
    def walk(field: pa.Field) -> None:
        assert field.metadata is not None, field.name
        assert field.metadata.get(b"description"), field.name
        if pa.types.is_struct(field.type):
            for child in field.type:
                walk(child)

    for field in arrow_schema():
        walk(field)


# -- to_arrow ------------------------------------------------------------------------------


def test_values_land_in_their_columns() -> None:
    event = parse_event(pki_fixture("pki.cert.lifecycle.revoke"))
    row = to_arrow([event]).to_pylist()[0]
    assert row["uuid"] == event.uuid
    assert row["published"] == event.published.astimezone(timezone.utc)
    assert row["actor"]["alternateId"] == "pki.admin@example.com"
    assert row["client"]["geographicalContext"]["geolocation"] == {"lat": 37.7697, "lon": -122.3933}
    assert row["target"][0]["id"] == "crt1aBcDeFgHiJk0g4"
    assert json.loads(row["debugContext"]["debugData"]) == event.debug_context.debug_data  # type: ignore[union-attr]


def test_empty_input_gives_the_same_schema() -> None:
    table = to_arrow([])
    assert (table.num_rows, table.schema) == (0, arrow_schema())


def test_batches_of_the_requested_size() -> None:
    table = to_arrow((make_event(t) for t in EVENT_TYPES), batch_size=4)
    assert [b.num_rows for b in table.to_batches()] == [4, 4, 4, 3]
    with pytest.raises(ValueError, match="batch_size"):
        to_arrow([], batch_size=0)


def test_a_batch_joins_the_chunks_it_is_converted_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from okta_pki_events.export import _batch

    monkeypatch.setattr(_batch, "_CONVERT", 3)
    events = _events()
    table = to_arrow(events, batch_size=8)
    sizes = [8] * (len(events) // 8) + ([len(events) % 8] if len(events) % 8 else [])
    assert [b.num_rows for b in table.to_batches()] == sizes
    assert table.to_pylist() == _reference_table(events, len(events)).to_pylist()


def test_raw_column_rebuilds_every_event_exactly() -> None:
    events = _events()
    table = to_arrow(events)
    for event, raw in zip(events, table.column(RAW_COLUMN).to_pylist(), strict=True):
        rebuilt = parse_event(raw)
        assert rebuilt == event
        assert rebuilt.model_dump_json(by_alias=True) == event.model_dump_json(by_alias=True)
        assert json.loads(raw) == _wire(event)


def test_unknown_keys_are_kept_in_the_raw_column() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["futureField"] = {"a": [1, 2]}
    raw["client"]["newThing"] = "x"
    row = to_arrow([parse_event(raw)]).to_pylist()[0]
    kept = json.loads(row[RAW_COLUMN])
    assert (kept["futureField"], kept["client"]["newThing"]) == ({"a": [1, 2]}, "x")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(wire_events(unknown_types=True), min_size=1, max_size=5),
    st.lists(st.text(min_size=1, max_size=12), max_size=5),
)
def test_the_schema_accepts_every_event_the_parser_accepts(
    raws: list[dict[str, Any]], other_types: list[str]
) -> None:
    """PKI events of every type and of unknown pki.* types, and other events (any type)."""
    for raw, event_type in zip(raws, other_types, strict=False):
        raw["eventType"] = event_type  # a few become non-PKI events (or odd pki.* ones)
    events = [parse_event(raw) for raw in raws]
    table = to_arrow(events, batch_size=2)
    assert table.schema == arrow_schema()
    assert table.num_rows == len(events)
    for event, raw in zip(events, table.column(RAW_COLUMN).to_pylist(), strict=True):
        assert parse_event(raw) == event
        assert json.loads(raw) == _wire(event)
    for event, extra in zip(events, table.column(EXTRA_COLUMN).to_pylist(), strict=True):
        assert (json.loads(extra) if extra is not None else None) == _unknown_keys(event)
    assert table.to_pylist() == _reference_table(events, batch_size=2).to_pylist()


def _unknown_keys(event: LogEvent) -> dict[str, Any] | None:
    """Reference for ``_extra``: the event's JSON walked against the JSON Schema's properties."""
    schema = json_schema()
    defs = schema["$defs"]

    def walk(value: Any, node: dict[str, Any]) -> Any:
        node = _resolve(node, defs)
        if isinstance(value, dict) and "properties" in node:
            props = node["properties"]
            out = {k: v for k, v in value.items() if k not in props}
            for key, item in value.items():
                if key in props and (found := walk(item, props[key])) is not None:
                    out[key] = found
            return out or None
        if isinstance(value, list) and node.get("type") == "array":
            items = [walk(item, node["items"]) for item in value]
            return items if any(i is not None for i in items) else None
        return None

    found: dict[str, Any] | None = walk(_wire(event), defs["UnknownPkiEvent"])
    return found


def _reference_table(events: Sequence[LogEvent], batch_size: int) -> pa.Table:
    """The same events through the plain builder only (dumps, fixers, ``pyarrow.array``)."""
    from okta_pki_events.export._batch import plain_batch
    from okta_pki_events.export._columns import extra_json, raw_json

    batches = [
        plain_batch(chunk, [raw_json(e) for e in chunk], [extra_json(e) for e in chunk])
        for chunk in (list(events[i : i + batch_size]) for i in range(0, len(events), batch_size))
    ]
    return pa.Table.from_batches(batches, schema=arrow_schema())


def test_fast_and_plain_builders_agree_on_every_fixture_and_sample() -> None:
    """The fast builder (Arrow's JSON reader) takes these without falling back, and agrees."""
    from okta_pki_events.export._batch import _fast_batch
    from okta_pki_events.export._columns import extras_json, raw_json

    events = _events()
    raws = [raw_json(e) for e in events]
    fast = _fast_batch(events, raws, raws, extras_json(events))
    assert fast.to_pylist() == _reference_table(events, len(events)).to_pylist()
    assert to_arrow(events, batch_size=7).to_pylist() == fast.to_pylist()


def test_a_batch_arrow_refuses_falls_back_to_the_plain_builder() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["authenticationContext"] = {"authenticationStep": 2**70}
    events = [parse_event(raw), parse_event(pki_fixture("pki.ca.add"))]
    table = to_arrow(events)
    assert table.to_pylist() == _reference_table(events, 2).to_pylist()
    assert table.column("authenticationContext")[0].as_py() == {
        f.name: None for f in arrow_schema().field("authenticationContext").type
    }


def test_unknown_keys_at_any_depth_are_in_the_extra_column() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["futureField"] = {"a": [1, 2]}
    raw["client"]["newThing"] = "x"
    raw["client"]["geographicalContext"]["newer"] = True
    raw["target"][-1]["surprise"] = 1
    raw["debugContext"]["debugData"]["notExtra"] = "free-form"
    event = parse_event(raw)
    extra = to_arrow([event]).to_pylist()[0][EXTRA_COLUMN]
    targets: list[Any] = [None] * (len(raw["target"]) - 1) + [{"surprise": 1}]
    assert json.loads(extra) == {
        "futureField": {"a": [1, 2]},
        "client": {"newThing": "x", "geographicalContext": {"newer": True}},
        "target": targets,
    }
    assert json.loads(extra) == _unknown_keys(event)
    plain = to_arrow([parse_event(pki_fixture("pki.cert.issue"))])
    assert plain.column(EXTRA_COLUMN)[0].as_py() is None
    assert to_records([event])[0][EXTRA_COLUMN] == extra


def test_published_in_every_form_the_parser_accepts() -> None:
    """Lowercase t/z, offsets and 7+ fractional digits: Arrow's own parser refuses some."""
    for text in ("2024-08-13t15:58:20.353z", "2024-08-13T17:58:20.3534567+02:00"):
        event = parse_event({**BARE, "published": text})
        assert to_arrow([event]).to_pylist()[0]["published"] == event.published


# -- Parquet and the engines ---------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[LogEvent]]:
    events = _events()
    path = tmp_path_factory.mktemp("parquet") / "events.parquet"
    assert write_parquet(events, path, batch_size=5) == len(events)
    return path, events


def _expected_rows(events: list[LogEvent]) -> list[tuple[Any, ...]]:
    rows = []
    for event in events:
        target = event.target[0].id if event.target else None
        city = (
            event.client.geographical_context.city
            if event.client and event.client.geographical_context
            else None
        )
        rows.append((event.uuid, event.published, event.event_type, target, city))
    return rows


def test_parquet_with_pyarrow(parquet: tuple[Path, list[LogEvent]]) -> None:
    path, events = parquet
    file = pq.ParquetFile(path)
    assert file.schema_arrow == arrow_schema()
    assert file.metadata.num_row_groups == -(-len(events) // 5)
    assert file.read().equals(to_arrow(events))


def test_write_parquet_reads_a_path(tmp_path: Path) -> None:
    source = tmp_path / "events.ndjson"
    source.write_text("".join(json.dumps(pki_fixture(t)) + "\n" for t in EVENT_TYPES))
    out = tmp_path / "out.parquet"
    assert write_parquet(source, out) == len(EVENT_TYPES)
    assert pq.read_table(out).column("eventType").to_pylist() == list(EVENT_TYPES)
    assert not (tmp_path / "out.parquet.partial").exists()


def test_write_parquet_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    with pytest.raises(TypeError, match="LogEvent"):
        write_parquet([make_event("pki.cert.issue"), {"not": "an event"}], out)  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []


def test_parquet_with_duckdb(parquet: tuple[Path, list[LogEvent]]) -> None:
    path, events = parquet
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        columns = ", ".join(f'"{name}" {kind}' for name, kind in duckdb_types().items())
        con.execute(f"CREATE TABLE declared ({columns})")
        declared = con.execute("DESCRIBE declared").fetchall()
        read = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        assert [row[:2] for row in declared] == [row[:2] for row in read]
        rows = con.execute(
            "SELECT uuid, published, eventType, target[1].id, client.geographicalContext.city "
            f"FROM read_parquet('{path}')"
        ).fetchall()
        result = con.execute(f"SELECT * FROM read_parquet('{path}')")
        names = [column[0] for column in result.description]
        whole = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    assert rows == _expected_rows(events)
    assert whole == to_arrow(events).to_pylist()  # every column of every row


def test_parquet_with_polars(parquet: tuple[Path, list[LogEvent]]) -> None:
    path, events = parquet
    frame = pl.read_parquet(path)
    assert frame.schema == polars_schema()
    got = frame.select(
        "uuid",
        "published",
        "eventType",
        pl.col("target").list.first().struct.field("id"),
        pl.col("client").struct.field("geographicalContext").struct.field("city"),
    ).rows()
    assert got == _expected_rows(events)
    assert frame.to_dicts() == to_arrow(events).to_pylist()  # every column of every row


def test_parquet_with_spark(parquet: tuple[Path, list[LogEvent]], spark: SparkSession) -> None:
    path, events = parquet
    frame = spark.read.parquet(str(path))
    assert frame.schema.simpleString() == spark_schema().simpleString()
    got = [
        (r[0], r[1].replace(tzinfo=timezone.utc), r[2], r[3], r[4])
        for r in frame.selectExpr(
            "uuid",
            "published",
            "eventType",
            "target[0].id",
            "client.geographicalContext.city",
        ).collect()
    ]
    assert got == _expected_rows(events)
    whole = [_utc(r.asDict(recursive=True)) for r in frame.collect()]
    assert whole == to_arrow(events).to_pylist()  # every column of every row


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """Spark returns timestamps as naive datetimes of the session's zone (UTC here)."""
    return {**row, "published": row["published"].replace(tzinfo=timezone.utc)}


def test_spark_reads_the_raw_column_back_into_events(
    parquet: tuple[Path, list[LogEvent]], spark: SparkSession
) -> None:
    path, events = parquet
    raws = [r[0] for r in spark.read.parquet(str(path)).select(RAW_COLUMN).collect()]
    assert [parse_event(raw) for raw in raws] == events


def test_iter_events_output_fits(tmp_path: Path) -> None:
    source = tmp_path / "mixed.ndjson"
    lines = [json.dumps(pki_fixture(t)) for t in EVENT_TYPES] + [json.dumps(BARE)]
    source.write_text("\n".join(lines) + "\n")
    table = to_arrow(iter_events(source, only_pki=False))
    assert table.num_rows == len(lines)


def test_raw_column_of_a_lazy_event_is_its_text_exactly() -> None:
    text = json.dumps(pki_fixture("pki.cert.issue"), indent=1) + "  "
    event = parse_event(text, lazy=True)
    row = to_arrow([event]).to_pylist()[0]
    assert row[RAW_COLUMN] == text
    assert row["target"][0]["id"] == "crt1aBcDeFgHiJk0g4"


def test_an_unknown_key_named_like_the_raw_column_stays_in_it() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw[RAW_COLUMN] = {"user": "data"}
    row = to_arrow([parse_event(raw)]).to_pylist()[0]
    assert json.loads(row[RAW_COLUMN])[RAW_COLUMN] == {"user": "data"}
    assert row["uuid"] == raw["uuid"]


def test_parquet_from_a_path_keeps_each_record_byte_for_byte(tmp_path: Path) -> None:
    """The raw column of a file's records is the file's text: nothing rewritten."""
    lines = []
    for event_type in EVENT_TYPES:
        fixture = pki_fixture(event_type)
        reordered = dict(reversed(list(fixture.items())))  # another key order
        lines.append(json.dumps(reordered, indent=None, separators=(", ", " : ")))
    source = tmp_path / "events.ndjson"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.parquet"
    assert write_parquet(source, out) == len(lines)
    table = pq.read_table(out)
    assert table.column(RAW_COLUMN).to_pylist() == lines
    assert table.column("uuid").to_pylist() == [pki_fixture(t)["uuid"] for t in EVENT_TYPES]


def test_a_lazy_event_is_validated_whole_before_it_is_written(tmp_path: Path) -> None:
    raw = pki_fixture("pki.cert.bind")
    raw["device"] = {"id": 5}  # not a string: lazy parsing accepts it until first read
    text = json.dumps(raw)
    with pytest.raises(ValueError, match=r"device\.id"):
        to_arrow([parse_event(text, lazy=True)])
    source = tmp_path / "bad.ndjson"
    source.write_text(json.dumps(pki_fixture("pki.cert.issue")) + "\n" + text + "\n")
    out = tmp_path / "out.parquet"
    with pytest.raises(ValueError, match=r"(?s)bad\.ndjson:2: .*device\.id"):
        write_parquet(source, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ndjson"]


def test_numbers_beyond_arrow_types_are_null_and_kept_raw() -> None:
    raw = pki_fixture("pki.cert.issue")
    raw["authenticationContext"] = {"authenticationStep": 2**70}
    raw["client"]["geographicalContext"]["geolocation"] = {"lat": 10**400, "lon": -(2**64)}
    raw["request"]["ipChain"][0]["geographicalContext"]["geolocation"] = {"lat": 10**400}
    event = parse_event(json.dumps(raw))
    row = to_arrow([event]).to_pylist()[0]
    assert row["authenticationContext"]["authenticationStep"] is None
    assert row["client"]["geographicalContext"]["geolocation"] == {"lat": None, "lon": -(2.0**64)}
    assert row["request"]["ipChain"][0]["geographicalContext"]["geolocation"]["lat"] is None
    assert json.loads(row[RAW_COLUMN])["authenticationContext"]["authenticationStep"] == 2**70
    record = to_records([event])[0]
    assert record["authenticationContext.authenticationStep"] is None
    assert record["client.geographicalContext.geolocation.lat"] is None
    assert to_dataframe([event]).height == 1
