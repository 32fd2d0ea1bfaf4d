"""The command-line tool: CliRunner on small inline inputs, subprocesses for process behaviour."""

from __future__ import annotations

import gzip
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import EVENT_TYPES
from okta_pki_events.cli import COMMANDS, main
from okta_pki_events.testing import make_unknown_event, make_wire_event, wire_events

from .support import ROOT, cli, pki_fixture, run_cli, write_ndjson

BAD_UUID = '{"published": "2024-08-13T15:58:20.353Z", "eventType": "pki.cert.issue", "uuid": 5}'
CUT = '{"uuid": "u9", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.ce'


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_ndjson(tmp_path / "good.ndjson", *(pki_fixture(t) for t in EVENT_TYPES))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """Line 2: a uuid of the wrong type; line 4: a record cut short; line 5 not PKI."""
    return write_ndjson(
        tmp_path / "broken.ndjson",
        make_wire_event("pki.cert.issue", uuid="u1"),
        BAD_UUID,
        make_wire_event("pki.cert.revoke", uuid="u3"),
        CUT,
        {"uuid": "u5", "published": "2024-08-13T15:58:20.353Z", "eventType": "user.session.start"},
    )


# -- validate ----------------------------------------------------------------------------------


def test_validate_all_valid_exits_0(good: Path) -> None:
    result = cli("validate", good)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "15 records: 15 valid, 0 invalid (all valid)"


def test_validate_reports_every_bad_record_with_its_line_and_exits_1(broken: Path) -> None:
    result = cli("validate", broken)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{broken}:2: uuid: Input should be a valid string"
    assert lines[1].startswith(f"{broken}:4: (record): Invalid JSON: EOF while parsing")
    assert lines[-1] == "5 records: 3 valid (2 PKI events, 1 other), 2 invalid"


def test_validate_only_pki_counts_skipped_records(broken: Path) -> None:
    result = cli("validate", "--only-pki", broken)
    assert result.stdout.splitlines()[-1] == (
        "5 records: 2 valid, 2 invalid, 1 non-PKI record skipped"
    )
    for every_type in ("--all-types", "--all"):  # export's and pull's name, and the old one
        result = cli("validate", "--only-pki", every_type, broken)
        assert result.stdout.splitlines()[-1] == (
            "5 records: 3 valid (2 PKI events, 1 other), 2 invalid"
        )


def test_validate_json_failures_are_structured(broken: Path) -> None:
    result = cli("validate", "--json", broken)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["stopped"] is False
    assert data["stats"] == {"read": 5, "parsed": 3, "failed": 2, "skipped": 0, "filtered": 0}
    assert data["files"] == {str(broken): {"read": 5, "parsed": 3, "failed": 2, "skipped": 0}}
    first, second = data["failures"]
    assert first == {
        "kind": "invalid",
        "source": str(broken),
        "line": 2,
        "index": None,
        "positions": [],
        "uuid": None,  # not a string: not known
        "eventType": "pki.cert.issue",
        "errors": [
            {"loc": ["uuid"], "type": "string_type", "msg": "Input should be a valid string"}
        ],
    }
    assert second["line"] == 4
    assert second["eventType"] is None  # the JSON is cut: nothing is guessed
    assert second["errors"][0]["type"] == "json_invalid"


def test_validate_json_names_the_record_where_known(tmp_path: Path) -> None:
    bad = make_wire_event("pki.cert.revoke", uuid="uuid-7", published="not a time")
    data = json.loads(cli("validate", "--json", write_ndjson(tmp_path / "x.ndjson", bad)).stdout)
    (failure,) = data["failures"]
    assert (failure["uuid"], failure["eventType"]) == ("uuid-7", "pki.cert.revoke")
    assert failure["errors"][0]["loc"] == ["published"]


def test_validate_json_inside_documents_gives_the_index(tmp_path: Path) -> None:
    page = [
        make_wire_event("pki.cert.issue", uuid="a"),
        {"uuid": "b", "eventType": "pki.cert.bind"},
    ]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=2))
    data = json.loads(cli("validate", "--json", path).stdout)
    (failure,) = data["failures"]
    assert (failure["line"], failure["index"], failure["uuid"]) == (1, 1, "b")


def test_validate_names_every_position_of_a_nested_record(tmp_path: Path) -> None:
    # an SQS batch whose second message's body is an array: each element is its own record,
    # told apart by its position in the body as well as the message's
    good = make_wire_event("pki.cert.issue", uuid="g")
    no_target = make_wire_event("pki.cert.issue", uuid="n")
    no_target["target"] = []
    bodies = [json.dumps(good), json.dumps([{"eventType": 7}, {"uuid": "b"}, no_target])]
    batch = {"Records": [{"messageId": str(i), "body": body} for i, body in enumerate(bodies)]}
    path = write_ndjson(tmp_path / "sqs.ndjson", batch)
    data = json.loads(cli("validate", "--rules", "--json", path).stdout)
    got = [(f["kind"], f["line"], f["index"], f["positions"]) for f in data["failures"]]
    assert got == [
        ("invalid", 1, 1, [1, 0]),
        ("invalid", 1, 1, [1, 1]),
        ("rules", 1, 1, [1, 2]),
    ]
    text = cli("validate", "--rules", path).stdout.splitlines()
    assert any(line.startswith(f"{path}:1[1][2]: ") for line in text), text
    assert not any(line.startswith(f"{path}:1[1]: ") for line in text), text


def test_validate_max_errors_stops_reading(tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "garbage.ndjson", *(["not json"] * 50), make_wire_event(EVENT_TYPES[0])
    )
    result = cli("validate", "--max-errors", "3", path)
    assert result.exit_code == 1
    assert sum(1 for line in result.stdout.splitlines() if "Invalid JSON" in line) == 3
    assert "stopped after 3 invalid records (--max-errors 3)" in result.stderr
    data = json.loads(cli("validate", "--json", "--max-errors", "3", path).stdout)
    assert data["stopped"] is True
    assert data["stats"]["read"] == 3
    assert len(data["failures"]) == 3


@pytest.mark.parametrize("command", ["validate", "summary", "lifecycle"])
@pytest.mark.parametrize("value", ["0", "-1", "x"])
def test_max_errors_must_be_positive(command: str, value: str, good: Path) -> None:
    result = cli(command, "--max-errors", value, good)
    assert result.exit_code == 2
    assert "--max-errors" in result.stderr


def test_validate_rules_runs_the_semantic_rules(tmp_path: Path) -> None:
    no_target = make_wire_event("pki.cert.revoke", uuid="r1", target=[])
    misspelt = make_wire_event("pki.cert.lifecycle.crl_download_failure", uuid="r2")
    path = write_ndjson(
        tmp_path / "rules.ndjson", make_wire_event("pki.cert.issue"), no_target, misspelt
    )
    assert cli("validate", path).exit_code == 0  # structurally valid
    result = cli("validate", "--rules", path)
    assert result.exit_code == 1  # a rule error
    lines = result.stdout.splitlines()
    assert f"{path}:2: target: " in lines[0]
    assert lines[0].endswith("[missing_certificate_target, error]")
    assert any(line.endswith("[misspelt_event_type, info]") for line in lines)
    assert "rules: 1 error in 1 event" in lines[-1]
    data = json.loads(cli("validate", "--rules", "--json", path).stdout)
    assert data["valid"] is False
    assert data["rules"]["events_with_errors"] == 1
    rules = [f for f in data["failures"] if f["kind"] == "rules"]
    assert rules[0]["uuid"] == "r1"
    assert rules[0]["errors"][0]["type"] == "missing_certificate_target"
    assert rules[0]["errors"][0]["severity"] == "error"


def test_validate_rules_warnings_alone_pass(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "w.ndjson", make_wire_event("pki.cert.bind", device_id=None))
    result = cli("validate", "--rules", path)
    assert result.exit_code == 0, result.output
    assert "[missing_device_target, warning]" in result.stdout


def test_validate_reads_stdin_and_gzip(good: Path, tmp_path: Path) -> None:
    assert cli("validate", "-", stdin=good.read_bytes()).exit_code == 0
    packed = tmp_path / "good.ndjson.gz"
    packed.write_bytes(gzip.compress(good.read_bytes()))
    assert cli("validate", packed).exit_code == 0


# -- nothing valid -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "summary", "lifecycle"])
def test_empty_input_says_so_and_exits_1(command: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ndjson"
    empty.write_text("\n\n")
    result = cli(command, empty)
    assert result.exit_code == 1
    assert f"okta-pki-events: no records in {empty}" in result.stderr
    assert "None" not in result.output


@pytest.mark.parametrize("command", ["validate", "summary", "lifecycle"])
def test_all_invalid_input_says_so_and_exits_1(command: str, tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "junk.ndjson", "junk", "PK\x03\x04", "{}")
    result = cli(command, path)
    assert result.exit_code == 1
    assert f"no valid records in {path}: 3 records read, none valid" in result.stderr


def test_no_pki_events_or_none_matching_is_said_not_tabled(tmp_path: Path) -> None:
    other = {
        "uuid": "o",
        "published": "2024-08-13T15:58:20.353Z",
        "eventType": "user.session.start",
    }
    path = write_ndjson(tmp_path / "other.ndjson", other)
    result = cli("summary", path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"no PKI events in {path} (1 other record)"
    assert "PKI events per type" not in result.stdout
    path = write_ndjson(tmp_path / "one.ndjson", make_wire_event("pki.cert.issue"))
    result = cli("summary", path, "--type", "pki.ca.add")
    assert result.stdout.splitlines()[0] == "no events match the filters (1 PKI event read)"


# -- summary, lifecycle, schema, catalog -----------------------------------------------------


def test_summary_json_is_the_library_summary(broken: Path) -> None:
    result = cli("summary", "--json", broken)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["event_types"] == {"pki.cert.issue": 1, "pki.cert.revoke": 1}
    assert data["total"] == 2
    assert data["needs_attention"] == 1  # the revocation
    assert data["stats"] == {"read": 5, "parsed": 2, "failed": 2, "skipped": 1, "filtered": 0}


def test_summary_human_output_agrees_in_number(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "one.ndjson", make_wire_event("pki.cert.issue"))
    out = cli("summary", path).stdout
    assert "PKI events per type" in out
    assert "1 record: 1 PKI event, 0 other records skipped, 0 invalid" in out
    assert "1 records" not in out
    assert "1 events" not in out


def test_summary_folds_the_crl_alias_into_its_types_row(tmp_path: Path) -> None:
    alias: Final = "pki.cert.lifecycle.crl_download_failure"
    path = write_ndjson(
        tmp_path / "crl.ndjson",
        make_wire_event("pki.cert.crl_download_failure"),
        make_wire_event(alias),
        make_wire_event(alias),
    )
    rows = [line.strip("│ ").split("│") for line in cli("summary", path).stdout.splitlines()]
    cells = [[cell.strip() for cell in row] for row in rows if len(row) == 2]
    assert ["pki.cert.crl_download_failure", "3"] in cells
    assert [f"as {alias} (alias)", "2"] in cells
    assert [alias, "2"] not in cells
    unknown = make_unknown_event("pki.cert.quarantine").model_dump_json(exclude_unset=True)
    later = write_ndjson(tmp_path / "later.ndjson", unknown)
    rows = [line.strip("│ ").split("│") for line in cli("summary", later).stdout.splitlines()]
    assert ["pki.cert.quarantine (not in the catalogue)", "1"] in [
        [cell.strip() for cell in row] for row in rows if len(row) == 2
    ]
    data = json.loads(cli("summary", "--json", path).stdout)
    assert data["event_types"] == {"pki.cert.crl_download_failure": 3}
    assert data["aliases"] == {alias: 2}


def test_lifecycle_report_and_one_certificate(tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "life.ndjson",
        make_wire_event("pki.cert.issue", certificate_id="c1", published="2024-01-01T00:00:00Z"),
        make_wire_event("pki.cert.revoke", certificate_id="c1", published="2024-01-02T00:00:00Z"),
        make_wire_event("pki.cert.issue", certificate_id="c1", published="2024-01-03T00:00:00Z"),
    )
    data = json.loads(cli("lifecycle", "--json", path).stdout)
    assert data["state_counts"] == {"revoked": 1}
    assert [a["kind"] for a in data["anomalies"]] == ["illegal_transition"]
    human = cli("lifecycle", path)
    assert "All 1 anomaly" in human.stdout
    assert "1 certificate, 0 CAs\n" in human.stdout
    assert "3 records: 3 PKI events, 0 other records skipped, 0 invalid\n" in human.stdout
    one = cli("lifecycle", path, "--certificate", "c1")
    assert one.exit_code == 0
    assert "Certificate c1: revoked" in one.stdout
    missing = cli("lifecycle", path, "--certificate", "nope")
    assert missing.exit_code == 1  # not in the input: a result, not a usage error
    assert "no certificate 'nope'" in missing.stderr


@pytest.mark.parametrize("limit", ["-5", "x"])
def test_lifecycle_limit_is_validated(limit: str, good: Path) -> None:
    result = cli("lifecycle", good, "--limit", limit)
    assert result.exit_code == 2
    assert "--limit" in result.stderr


def test_schema_to_stdout_and_files(tmp_path: Path) -> None:
    union = json.loads(cli("schema").stdout)
    assert union["$schema"].endswith("2020-12/schema")
    one = json.loads(cli("schema", "--event-type", "pki.cert.issue").stdout)
    assert one["properties"]["eventType"]["const"] == "pki.cert.issue"
    assert json.loads(cli("schema", "--json").stdout) == union
    out = tmp_path / "schemas"
    result = cli("schema", "--out", out, "--json")
    assert result.exit_code == 0
    written = json.loads(result.stdout)["written"]
    assert len(written) == len(EVENT_TYPES) + 1
    assert sorted(written) == sorted(str(p) for p in out.glob("*.schema.json"))
    assert cli("schema", "--out", out).stdout.strip() == f"wrote 16 schemas to {out}"


def test_catalog() -> None:
    data = json.loads(cli("catalog", "--json").stdout)
    assert [e["event_type"] for e in data] == sorted(EVENT_TYPES)
    assert (
        "PkiCertLifecycleRevokeEvent"
        in CliRunner(env={"COLUMNS": "160"}).invoke(main, ["catalog"]).stdout
    )


def test_tables_take_the_terminal_width_never_200(tmp_path: Path) -> None:
    for width in (70, 120):
        out = CliRunner(env={"COLUMNS": str(width)}).invoke(main, ["catalog"]).stdout
        assert max(len(line) for line in out.splitlines()) <= width
        assert "pki.cert.lifecycle.revoke " in out  # identifiers are never broken


# -- usage errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "nope.ndjson"), "no such file or directory: 'nope.ndjson'"),
        (("summary", "nope-*.ndjson"), "no file matches 'nope-*.ndjson'"),
        (("export", "--format", "csv", "-o", "-", "nope"), "no such file or directory"),
    ],
)
def test_bad_arguments_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_schema_type_is_a_usage_error_naming_the_option() -> None:
    result = cli("schema", "--event-type", "pki.nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--event-type': unknown event type 'pki.nope' "
        "(see `okta-pki-events catalog`)"
    )


def test_a_misspelt_schema_type_names_the_closest_as_type_does() -> None:
    for args in (["schema", "--event-type"], ["summary", "-", "--type"]):
        result = cli(*args, "pki.cert.isue", stdin="")
        assert result.exit_code == 2
        assert (
            "unknown event type 'pki.cert.isue'; did you mean pki.cert.issue or"
            in (result.stderr.splitlines()[-1])
        ), args


@pytest.mark.parametrize("args", [("lifecycle",), ("nonsense",), ("summary", "--nope", "x")])
def test_click_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.strip()


def test_broken_gzip_is_a_failure_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:1: corrupt gzip data")
    assert "Traceback" not in result.output


def test_lone_surrogate_in_event_type_prints(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        '[{"uuid": "x", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.\\ud800"}]'
    )
    # JSON's parser refuses a lone surrogate wherever the record stands (in an array or on
    # its own line): it is one invalid record, reported without a crash.
    for command in ("summary", "lifecycle", "validate"):
        result = cli(command, path)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)
    assert "hex escape" in cli("validate", path).stdout


def test_text_from_the_data_is_never_markup(tmp_path: Path) -> None:
    odd = "pki.[/bold] :smile: [red]x"
    path = write_ndjson(
        tmp_path / "m.ndjson",
        {"uuid": "x", "published": "2024-08-13T15:58:20Z", "eventType": odd},
        make_wire_event("pki.cert.issue", certificate_id="[/c1]"),
        make_wire_event("pki.cert.revoke", certificate_id="[/c1]"),
        make_wire_event("pki.cert.issue", certificate_id="[/c1]"),
    )
    runs: list[list[str | Path]] = [
        ["summary", path],
        ["lifecycle", path],
        ["lifecycle", path, "--certificate", "[/c1]"],
    ]
    for args in runs:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
    assert odd in cli("summary", path).stdout
    assert "Certificate [/c1]: revoked" in cli("lifecycle", path, "--certificate", "[/c1]").stdout


# -- the process: entry point, signals, pipes --------------------------------------------------


def test_python_dash_m_and_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert b"okta-pki-events, version" in result.stdout


def test_closed_stdin_is_an_error_not_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "okta_pki_events", "summary", "-"],
        stdin=subprocess.DEVNULL if sys.platform == "win32" else None,
        capture_output=True,
        check=False,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "okta-pki-events: error: standard input is closed"


@pytest.mark.parametrize(
    "args",
    [
        ["schema"],
        ["catalog"],  # the rich tables: rich's own broken-pipe handler exited 1
        ["summary", "examples/pki-events.ndjson"],
        ["lifecycle", "examples/pki-events.ndjson"],
        ["validate", "--rules", "examples/pki-events.ndjson"],
    ],
    ids=lambda args: args[0],
)
def test_closed_pipe_ends_quietly(args: list[str]) -> None:
    reader, writer = os.pipe()
    os.close(reader)
    result = subprocess.run(
        [sys.executable, "-m", "okta_pki_events", *args],
        cwd=ROOT,
        stdout=writer,
        stderr=subprocess.PIPE,
        check=False,
        timeout=60,
    )
    os.close(writer)
    assert result.returncode == 141
    assert result.stderr == b""


_READ = {"x86_64": "0", "aarch64": "63"}
"""The number of the read system call, where /proc/PID/syscall says it (Linux)."""


def _wait_reading_stdin(pid: int, timeout: float = 120) -> None:
    """Until the process waits in a read of its standard input (on a busy machine its start
    can take seconds: a fixed pause signalled it while Python was still starting)."""
    call = Path(f"/proc/{pid}/syscall")
    read = _READ.get(platform.machine())
    if read is None or not call.exists():
        time.sleep(1.5)
        return
    deadline = time.monotonic() + timeout
    while call.read_text().split()[:2] != [read, "0x0"]:  # read(0, ...)
        assert time.monotonic() < deadline, "the tool never waited for its input"
        time.sleep(0.05)


def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "okta_pki_events", "summary", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None
        process.stdin.write((json.dumps(make_wire_event("pki.cert.issue")) + "\n").encode())
        process.stdin.flush()
        _wait_reading_stdin(process.pid)  # started, read the line, waiting for more input
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().strip() == "okta-pki-events: interrupted"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=60),
            st.text(max_size=60).map(str.encode),
            wire_events().map(lambda raw: json.dumps(raw).encode()),
        ),
        max_size=6,
    )
)
def test_any_input_gets_an_answer_never_a_traceback(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "any.ndjson"
    path.write_bytes(b"\n".join(lines))
    for command in ("validate", "summary", "lifecycle"):
        result = cli(command, path)
        assert result.exit_code in (0, 1), (command, result.output)
        assert isinstance(result.exception, (SystemExit, type(None))), result.exception


@pytest.mark.parametrize("command", ["validate", "summary", "export", "lifecycle"])
def test_every_reading_command_takes_directories_and_patterns(command: str, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    (folder / "old").mkdir(parents=True)
    write_ndjson(folder / "a.ndjson", make_wire_event("pki.cert.issue", certificate_id="c1"))
    line = json.dumps(make_wire_event("pki.cert.issue", certificate_id="c2"))
    (folder / "old" / "b.jsonl.gz").write_bytes(gzip.compress((line + "\n").encode()))
    (folder / "notes.txt").write_text("not an input\n")
    extra = ["--format", "ndjson", "-o", "-"] if command == "export" else ["--json"]
    for paths in ([folder], [str(folder / "**" / "*.*json*")], [folder / "a.ndjson", "-"]):
        result = cli(command, *extra, *paths, stdin=line)
        assert result.exit_code == 0, (paths, result.stderr)
        if command == "export":
            assert len(result.stdout.splitlines()) == 2, paths
        elif command == "lifecycle":
            assert json.loads(result.stdout)["certificates_total"] == 2, paths
        else:
            assert json.loads(result.stdout)["stats"]["read"] == 2, paths
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli(command, *extra, empty)
    assert result.exit_code == 2
    assert "no input files in" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "summary", "export", "lifecycle"])
def test_a_file_named_twice_is_read_once(command: str, tmp_path: Path) -> None:
    # named directly, through its directory, a pattern and a link: one file, read once
    folder = tmp_path / "logs"
    (folder / "sub").mkdir(parents=True)
    write_ndjson(
        folder / "sub" / "b.ndjson", make_wire_event("pki.cert.issue", certificate_id="c1")
    )
    write_ndjson(folder / "a.ndjson", make_wire_event("pki.cert.issue", certificate_id="c2"))
    (tmp_path / "link.ndjson").symlink_to(folder / "sub" / "b.ndjson")
    extra = ["--format", "ndjson", "-o", "-"] if command == "export" else ["--json"]
    link = tmp_path / "link.ndjson"
    names: list[str | Path] = [
        folder / "sub" / "b.ndjson",
        folder,
        str(folder / "**" / "b.*"),
        link,
    ]
    result = cli(command, *extra, *names)
    assert result.exit_code == 0, result.stderr
    if command == "export":
        assert len(result.stdout.splitlines()) == 2
    elif command == "lifecycle":
        report = json.loads(result.stdout)
        assert report["certificates_total"] == 2
        assert report["stats"]["read"] == 2, report["stats"]
    else:
        assert json.loads(result.stdout)["stats"]["read"] == 2


def test_the_command_list_is_never_cut() -> None:
    # click cuts a command's first docstring sentence to fit 80 columns ("... states,...")
    text = CliRunner(env={"COLUMNS": "80"}).invoke(main, ["--help"]).stdout
    listed = text.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    for line in listed:
        assert not line.rstrip().endswith("..."), line
        assert line.rstrip().endswith("."), line
        assert len(line) <= 80
