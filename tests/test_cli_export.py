"""``okta-pki-events export``: every format, the shared filters, streaming, clean failures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from okta_pki_events import EVENT_TYPES, parse_event
from okta_pki_events.cli import main
from okta_pki_events.export import arrow_schema, record_columns, to_ecs, to_ocsf

from .support import pki_fixture, sample_event

SESSION = "okta-openapi-spec_ListLogs_user.session.start.json"
BAD = '{"uuid": 5, "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue"}'


def cli(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin)


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
    assert "as they arrived, re-serialised" in " ".join(cli("export", "--help").stdout.split())


def test_usage_errors(source: Path, tmp_path: Path) -> None:
    result = cli("export", "--format", "parquet", "-o", "-", source)
    assert result.exit_code == 2
    assert "needs --output FILE" in result.stderr
    result = cli("export", "--format", "xml", "-o", "-", source)
    assert result.exit_code == 2
    result = cli("export", "--format", "csv", "-o", tmp_path, source)
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
