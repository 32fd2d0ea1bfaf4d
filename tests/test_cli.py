"""The command-line tool, run as a subprocess like a user would."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from okta_pki_events import EVENT_TYPES

from .support import ROOT, pki_fixture

EXAMPLE = ROOT / "examples" / "pki-events.ndjson"


def run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okta_pki_events", *map(str, args)],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def good_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "good.ndjson"
    path.write_text("\n".join(json.dumps(pki_fixture(t)) for t in EVENT_TYPES) + "\n")
    return path


def test_validate_all_valid_exits_0(good_file: Path) -> None:
    result = run("validate", good_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "15 records: 15 parsed, 0 failed, 0 skipped (all valid)"


def test_validate_reports_every_bad_record_and_exits_1() -> None:
    result = run("validate", EXAMPLE)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{EXAMPLE}:1058: uuid: Field required" in lines
    assert sum(1 for line in lines if line.startswith(str(EXAMPLE))) == 4
    assert lines[-1].endswith("4 failed, 0 skipped (4 invalid)")
    assert result.stderr == ""


def test_validate_json_output() -> None:
    result = run("validate", "--json", EXAMPLE)
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["stats"]["failed"] == 4
    stats = data["stats"]
    assert stats["parsed"] + stats["failed"] + stats["skipped"] == stats["read"]
    assert {f["line"] for f in data["failures"]} == {840, 1058, 1416, 2347}


def test_validate_reads_stdin_and_gzip(good_file: Path, tmp_path: Path) -> None:
    result = run("validate", "-", stdin=good_file.read_bytes())
    assert result.returncode == 0, result.stderr
    packed = tmp_path / "good.ndjson.gz"
    packed.write_bytes(gzip.compress(good_file.read_bytes()))
    assert run("validate", packed).returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "does-not-exist.ndjson"),
        ("summary", "."),
        ("lifecycle",),
        ("schema", "--event-type", "pki.nope"),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_missing_file_is_a_one_line_message() -> None:
    result = run("summary", "nope.ndjson")
    assert result.stderr.strip().splitlines() == [
        "okta-pki-events: error: nope.ndjson: no such file"
    ]


def test_broken_gzip_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip")
    result = run("validate", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_summary_json_counts_types_outcomes_and_range() -> None:
    result = run("summary", "--json", EXAMPLE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(EVENT_TYPES) <= set(data["event_types"])
    assert data["event_types"]["pki.cert.lifecycle.crl_download_failure"] == 4
    assert data["outcomes"]["FAILURE"] > 0
    assert data["first_published"] < data["last_published"]
    assert data["stats"]["skipped"] == 30


def test_summary_human_output_has_tables() -> None:
    result = run("summary", EXAMPLE)
    assert result.returncode == 0
    assert "PKI events per type" in result.stdout
    assert "pki.ca.scope.mapping.update" in result.stdout


def test_lifecycle_report_and_one_certificate() -> None:
    result = run("lifecycle", "--json", EXAMPLE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = {a["kind"] for a in data["anomalies"]}
    # the example data shows every anomaly kind
    assert kinds == {
        "illegal_transition",
        "event_after_delete",
        "duplicate_add",
        "conflicting_duplicate",
    }
    assert data["duplicates"] > 0
    assert sum(data["state_counts"].values()) == len(data["certificates"])
    key = data["anomalies"][0]["key"]
    one = run("lifecycle", EXAMPLE, "--certificate", key)
    assert one.returncode == 0
    assert key in one.stdout
    assert "pki.cert" in one.stdout
    missing = run("lifecycle", EXAMPLE, "--certificate", "no-such-cert")
    assert missing.returncode == 2


def test_schema_to_stdout_and_files(tmp_path: Path) -> None:
    result = run("schema")
    assert json.loads(result.stdout)["discriminator"]["propertyName"] == "eventType"
    one = json.loads(run("schema", "--event-type", "pki.cert.issue").stdout)
    assert one["properties"]["eventType"]["const"] == "pki.cert.issue"
    out = tmp_path / "schemas"
    assert run("schema", "--out", out).returncode == 0
    assert len(list(out.glob("*.schema.json"))) == 16


def test_catalog() -> None:
    data = json.loads(run("catalog", "--json").stdout)
    assert [e["event_type"] for e in data] == sorted(EVENT_TYPES)
    human = run("catalog").stdout
    assert "PkiCertLifecycleRevokeEvent" in human
