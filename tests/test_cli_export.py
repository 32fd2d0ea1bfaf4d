"""``okta-pki-events export``: every format, the shared filters, streaming, clean failures."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from okta_pki_events import EVENT_TYPES, parse_event
from okta_pki_events.cli import main
from okta_pki_events.export import (
    arrow_schema,
    ecs_categorization,
    ecs_category_table,
    record_columns,
    to_ecs,
    to_ocsf,
)

from .support import DATA_DIR, cli, pki_fixture, sample_event

SESSION = "okta-openapi-spec_ListLogs_user.session.start.json"
BAD = '{"uuid": 5, "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue"}'


@pytest.fixture
def source(tmp_path: Path) -> Path:
    rows: list[Any] = [pki_fixture(t) for t in EVENT_TYPES] + [sample_event(SESSION)]
    path = tmp_path / "events.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + BAD + "\n")
    return path


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_ndjson_to_stdout_is_the_events(source: Path) -> None:
    result = cli("export", "--format", "ndjson", "--output", "-", source)
    assert result.exit_code == 0, result.output
    events = [parse_event(d) for d in _lines(result.stdout)]
    assert [e.event_type for e in events] == list(EVENT_TYPES)
    assert _lines(result.stdout)[0] == pki_fixture(EVENT_TYPES[0])
    assert "15 events written to standard output (ndjson); 1 invalid record left out" in (
        result.stderr
    )


@pytest.mark.parametrize(("output_format", "convert"), [("ecs", to_ecs), ("ocsf", to_ocsf)])
def test_ecs_and_ocsf_lines(source: Path, output_format: str, convert: Any) -> None:
    result = cli("export", "--format", output_format, "-o", "-", source)
    assert result.exit_code == 0, result.output
    expected = [convert(parse_event(pki_fixture(t))) for t in EVENT_TYPES]
    assert _lines(result.stdout) == json.loads(json.dumps(expected))


def test_all_types_exports_other_events_too(source: Path) -> None:
    result = cli("export", "--format", "ocsf", "-o", "-", "--all-types", source)
    assert result.exit_code == 0, result.output
    docs = _lines(result.stdout)
    assert len(docs) == 16
    assert docs[-1]["activity_name"] == "user.session.start"


def test_csv_file(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    result = cli("export", "--format", "csv", "--output", out, source)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == list(record_columns())
    assert len(rows) == 1 + len(EVENT_TYPES)
    issue = dict(zip(rows[0], rows[1 + EVENT_TYPES.index("pki.cert.issue")], strict=True))
    assert issue["target.certificate.id"] == "crt1aBcDeFgHiJk0g4"
    assert issue["published"] == pki_fixture("pki.cert.issue")["published"]
    assert issue["needs_attention"] == "false"
    assert issue["target.ca.id"] == ""


def test_parquet_file(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    result = cli("export", "--format", "parquet", "--output", out, source)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.schema == arrow_schema()
    assert table.column("eventType").to_pylist() == list(EVENT_TYPES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.ndjson", "events.parquet"]


def test_filters_are_the_shared_ones(source: Path) -> None:
    result = cli(
        "export",
        "--format",
        "ndjson",
        "-o",
        "-",
        "--type",
        "pki.cert.lifecycle.*",
        "--since",
        "2000-01-01",
        "--until",
        "2100-01-01",
        source,
    )
    assert result.exit_code == 0, result.output
    types = [d["eventType"] for d in _lines(result.stdout)]
    assert types == [t for t in EVENT_TYPES if t.startswith("pki.cert.lifecycle.")]
    assert "events filtered" in result.stderr


def test_standard_input(source: Path) -> None:
    result = cli("export", "--format", "ecs", "-o", "-", "-", stdin=source.read_text())
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(EVENT_TYPES)


def test_nothing_valid_writes_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text(BAD + "\n")
    for output_format in ("csv", "parquet"):
        out = tmp_path / f"out.{output_format}"
        result = cli("export", "--format", output_format, "-o", out, bad)
        assert result.exit_code == 1, result.output
        assert "no valid records" in result.stderr
        assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ndjson"]


def test_max_errors_stops_and_writes_nothing(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    result = cli("export", "--format", "ndjson", "-o", out, "--max-errors", "1", source)
    assert result.exit_code == 1
    assert "stopped after 1 invalid record" in result.stderr
    assert not out.exists()


def test_only_invalid_input_to_stdout_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text(BAD + "\n")
    for output_format in ("csv", "ndjson", "ecs"):
        result = cli("export", "--format", output_format, "-o", "-", bad)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""  # no CSV header before the error
        assert "no valid records" in result.stderr


def test_csv_of_valid_records_all_filtered_out_is_a_header(source: Path) -> None:
    result = cli("export", "--format", "csv", "-o", "-", source, "--since", "2999-01-01")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [list(record_columns())]


def test_max_errors_on_stdout_says_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    good = [json.dumps(pki_fixture(t)) for t in EVENT_TYPES[:3]]
    path.write_text("\n".join([*good, BAD, *good]) + "\n")
    result = cli("export", "--format", "ndjson", "-o", "-", "--max-errors", "1", path)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert "stopped after 1 invalid record (--max-errors 1)" in result.stderr
    assert "the output is cut short after 3 events" in result.stderr
    assert "nothing written" not in result.stderr
    first = tmp_path / "bad-first.ndjson"
    first.write_text("\n".join([BAD, *good]) + "\n")
    result = cli("export", "--format", "csv", "-o", "-", "--max-errors", "1", first)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing written" in result.stderr


def test_ndjson_keeps_every_key_and_value_that_arrived(tmp_path: Path) -> None:
    # what --help and docs/cli.md promise: the keys and values as they arrived, one line each
    rows = [pki_fixture(t) | {"futureOktaKey": {"n": 1, "s": "x"}} for t in EVENT_TYPES]
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(rows, indent=2))
    result = cli("export", "--format", "ndjson", "-o", "-", path)
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == rows
    assert result.stdout.splitlines()[0] == json.dumps(rows[0], separators=(",", ":"))
    assert "its keys and values re-serialised" in " ".join(cli("export", "--help").stdout.split())


def test_a_record_over_several_lines_keeps_its_tokens(tmp_path: Path) -> None:
    """Pretty JSON is written on one line; strings, numbers and escapes stay as they were."""
    text = json.dumps(pki_fixture(EVENT_TYPES[0]), indent=4)[:-1]
    text += ',\n  "futureOktaKey" :\t{ "n" : 1E3 , "s" : "a  b\\n\\u00e9 \\"q\\" {x}" }\r\n}'
    path = tmp_path / "pretty.json"
    path.write_text(f"[\n{text},\n{text}\n]\n")
    result = cli("export", "--format", "ndjson", "-o", "-", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(',"futureOktaKey":{"n":1E3,"s":"a  b\\n\\u00e9 \\"q\\" {x}"}}')
    assert json.loads(lines[0]) == json.loads(text)


def _odd_lines() -> bytes:
    """Event lines as producers other than ``json.dumps`` write them: no spaces, another key
    order, escaped and raw non-ASCII, exponents, unknown keys, a number where text is usual,
    blanks around a line, and a CRLF line ending."""
    rows = [
        pki_fixture(t) | {"futureOktaKey": {"n": 1e3, "s": "\u00e9t\u00e9"}} for t in EVENT_TYPES
    ]
    lines = [json.dumps(row) for row in rows]
    lines[0] = json.dumps(rows[0], separators=(",", ":"))
    lines[1] = json.dumps(dict(reversed(list(rows[1].items()))))
    lines[2] = json.dumps(
        rows[2] | {"displayMessage": "Zertifikat \u2014 ok \u2713"}, ensure_ascii=False
    )
    lines[3] = lines[3].replace('"version": "0"', '"version": 0').replace("1000.0", "1E3")
    assert '"version": 0' in lines[3]
    assert "1E3" in lines[3]
    lines[4] = "  " + lines[4] + "\t"
    return ("\n".join(lines[:-1]) + "\r\n" + lines[-1] + "\n").encode()


@pytest.mark.parametrize("gzipped", [False, True])
def test_ndjson_is_byte_equal_to_the_input(tmp_path: Path, gzipped: bool) -> None:
    """Each event line is written back exactly as it arrived (the reader keeps its text)."""
    data = _odd_lines()
    path = tmp_path / ("in.ndjson.gz" if gzipped else "in.ndjson")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    out = tmp_path / "out.ndjson"
    result = cli("export", "--format", "ndjson", "-o", out, path)
    assert result.exit_code == 0, result.output
    expected = [line.rstrip(b"\r") for line in data.splitlines()]
    assert out.read_bytes().splitlines() == [line.strip(b" \t") for line in expected]
    assert f"{len(EVENT_TYPES)} events written" in result.stderr


def test_ndjson_from_standard_input_is_byte_equal(tmp_path: Path) -> None:
    data = _odd_lines()
    result = CliRunner().invoke(main, ["export", "--format", "ndjson", "-o", "-", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"".join(
        line.rstrip(b"\r").strip(b" \t") + b"\n" for line in data.splitlines()
    )


def test_ndjson_still_validates_every_field(tmp_path: Path) -> None:
    """Reading lazily keeps the text; a record invalid beyond the first fields still fails."""
    good = [json.dumps(pki_fixture(t)) for t in EVENT_TYPES[:2]]
    deep = pki_fixture(EVENT_TYPES[2])
    deep["client"] = {"geographicalContext": {"geolocation": {"lat": "north"}}}
    path = tmp_path / "deep.ndjson"
    path.write_text("\n".join([good[0], json.dumps(deep), good[1]]) + "\n")
    result = cli("export", "--format", "ndjson", "-o", "-", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == good
    assert "2 events written to standard output (ndjson); 1 invalid record left out" in (
        result.stderr
    )
    shown = cli("export", "--format", "ndjson", "-o", "-", "--max-errors", "1", path)
    assert shown.exit_code == 1
    assert "cut short after 1 event" in shown.stderr


def test_usage_errors(source: Path, tmp_path: Path) -> None:
    result = cli("export", "--format", "parquet", "-o", "-", source)
    assert result.exit_code == 2
    assert "Invalid value for '--output': --format parquet needs a FILE" in result.stderr
    result = cli("export", "--format", "xml", "-o", "-", source)
    assert result.exit_code == 2
    result = cli("export", "--format", "csv", "-o", tmp_path, source)
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_the_output_is_never_one_of_the_inputs(source: Path, tmp_path: Path) -> None:
    # a second run into the directory it reads would read its first run's output again
    output = tmp_path / "all.ndjson"
    first = cli("export", "--format", "ndjson", "-o", output, tmp_path)
    assert first.exit_code == 0, first.output
    written = output.read_bytes()
    for inputs in ([tmp_path], [str(tmp_path / "*.ndjson")], [source, output]):
        again = cli("export", "--format", "ndjson", "-o", output, *inputs)
        assert again.exit_code == 2, inputs
        assert f"cannot write {output}: it is also an input" in again.stderr
        assert output.read_bytes() == written  # untouched


ELASTIC_TABLE = DATA_DIR / "elastic" / "ecs_category_type.json"


@pytest.mark.skipif(not ELASTIC_TABLE.exists(), reason="Elastic's data is not in the sdist")
def test_ecs_with_elastics_category_table(source: Path) -> None:
    result = cli(
        "export", "--format", "ecs", "--all-types", "--elastic-categories", ELASTIC_TABLE,
        "-o", "-", source,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    docs = {d["event"]["action"]: d for d in _lines(result.stdout)}
    table = ecs_category_table(ELASTIC_TABLE)
    session = docs["user.session.start"]["event"]
    assert (tuple(session["category"]), tuple(session["type"])) == ecs_categorization(
        "user.session.start", table
    )
    assert session["category"] == ["session", "authentication"]  # the pipeline's HashSet order
    revoke = docs["pki.cert.revoke"]["event"]
    assert (revoke["category"], revoke["type"]) == (["configuration"], ["deletion"])


def test_elastic_categories_needs_ecs_and_a_table(source: Path, tmp_path: Path) -> None:
    table = tmp_path / "table.json"
    table.write_text('{"x": {"category": ["iam"]}}')
    result = cli("export", "--format", "ocsf", "--elastic-categories", table, "-o", "-", source)
    assert result.exit_code == 2
    assert "--elastic-categories goes with --format ecs" in result.stderr
    table.write_text('{"x": {"category": "iam"}}')
    result = cli("export", "--format", "ecs", "--elastic-categories", table, "-o", "-", source)
    assert result.exit_code == 2  # a usage error: nothing read, nothing written
    assert result.stdout == ""
    assert "cannot read the category table" in result.stderr
    assert "x.category: must be a list of strings" in result.stderr
    assert "Traceback" not in result.output
