"""What the CLI commands share: the filter options, lazy commands, import cost."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from okta_pki_events import EVENT_TYPES
from okta_pki_events.cli import COMMANDS, main
from okta_pki_events.cli._shared import EventFilter, event_type_pattern, parse_when
from okta_pki_events.testing import make_event_hook_delivery, make_unknown_event, make_wire_event

T0 = datetime(2024, 8, 13, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Six events: an issue, a revoke, a CRL failure (alias spelling), a CA add, at known times."""
    rows = [
        make_wire_event("pki.cert.issue", uuid="u1", published=T0),
        make_wire_event("pki.cert.revoke", uuid="u2", published=T0 + timedelta(hours=1)),
        make_wire_event(
            "pki.cert.lifecycle.crl_download_failure",
            uuid="u3",
            published=T0 + timedelta(hours=2),
        ),
        make_wire_event("pki.ca.add", uuid="u4", published=T0 + timedelta(hours=3)),
        make_wire_event(
            "pki.cert.issue", uuid="u5", published=T0 + timedelta(hours=4), outcome="FAILURE"
        ),
        {"uuid": "u6", "published": "2024-08-13T12:00:00.000Z", "eventType": "user.session.start"},
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def summary_types(path: Path, *args: str) -> dict[str, int]:
    result = CliRunner().invoke(main, ["summary", "--json", str(path), *args])
    assert result.exit_code == 0, result.output
    types: dict[str, int] = json.loads(result.output)["event_types"]
    return types


def test_no_filter_keeps_every_pki_event(mixed: Path) -> None:
    assert summary_types(mixed) == {
        "pki.ca.add": 1,
        "pki.cert.crl_download_failure": 1,  # the alias spelling, in its type's row
        "pki.cert.issue": 2,
        "pki.cert.revoke": 1,
    }


def test_type_filter_takes_aliases_and_patterns(mixed: Path) -> None:
    assert summary_types(mixed, "--type", "pki.cert.issue") == {"pki.cert.issue": 2}
    # the alias and the canonical spelling select the same events
    alias = summary_types(mixed, "--type", "pki.cert.lifecycle.crl_download_failure")
    assert alias == summary_types(mixed, "--type", "pki.cert.crl_download_failure")
    assert alias == {"pki.cert.crl_download_failure": 1}
    assert summary_types(mixed, "--type", "pki.ca.*") == {"pki.ca.add": 1}
    both = summary_types(mixed, "--type", "pki.ca.*", "--type", "pki.cert.revoke")
    assert both == {"pki.ca.add": 1, "pki.cert.revoke": 1}


def test_filtered_events_are_counted(mixed: Path) -> None:
    result = CliRunner().invoke(main, ["summary", "--json", str(mixed), "--type", "pki.ca.add"])
    stats = json.loads(result.output)["stats"]
    assert stats == {"read": 6, "parsed": 5, "failed": 0, "skipped": 1, "filtered": 4}


def test_time_and_outcome_filters(mixed: Path) -> None:
    window = summary_types(mixed, "--since", "2024-08-13T13:00:00Z", "--until", "2024-08-13T15:00")
    assert window == {"pki.cert.revoke": 1, "pki.cert.crl_download_failure": 1}
    assert summary_types(mixed, "--outcome", "failure") == {
        "pki.cert.issue": 1,
        "pki.cert.crl_download_failure": 1,
    }
    assert summary_types(mixed, "--outcome", "FAILURE", "--type", "pki.cert.issue") == {
        "pki.cert.issue": 1
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "pki.cert.isue"], "did you mean pki.cert.issue"),
        (["--type", "cert.*"], "matches no PKI event type"),
        (["--since", "yesterday"], "is not a time"),
        (["--since", "2024-08-14", "--until", "2024-08-13"], "is not before --until"),
        (["--outcome", "WON"], "WON"),
        (["--since", "99999999d"], "too long ago"),
        (["--until", "99999999w"], "too long ago"),
        (["--since", f"{10**30}s"], "too long ago"),
    ],
)
def test_bad_filter_values_are_usage_errors(mixed: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["summary", str(mixed), *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("command", ["validate", "summary", "lifecycle", "export"])
def test_every_reading_command_takes_the_filters(command: str, mixed: Path) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    for option in ("--type", "--since", "--until", "--outcome", "--max-errors", "--input-format"):
        assert option in result.output


@pytest.mark.parametrize("command", ["validate", "summary", "lifecycle", "catalog", "schema"])
def test_every_reporting_command_takes_json(command: str) -> None:
    """What docs/cli.md promises."""
    assert "--json" in CliRunner().invoke(main, [command, "--help"]).output


def test_parse_when() -> None:
    assert parse_when("2024-08-13") == datetime(2024, 8, 13, tzinfo=timezone.utc)
    assert parse_when("2024-08-13T15:58:20.353Z") == datetime(
        2024, 8, 13, 15, 58, 20, 353000, tzinfo=timezone.utc
    )
    assert parse_when("2024-08-13T17:00+02:00") == datetime(2024, 8, 13, 15, tzinfo=timezone.utc)
    assert parse_when("36h", now=T0) == T0 - timedelta(hours=36)
    assert parse_when("2w", now=T0) == T0 - timedelta(days=14)
    with pytest.raises(ValueError, match="not a time"):
        parse_when("7 days")
    with pytest.raises(ValueError, match="too long ago"):  # not an OverflowError
        parse_when("99999999d", now=T0)


def test_a_duration_beyond_the_calendar_is_a_usage_error_in_validate(mixed: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(mixed), "--until", "99999999w"])
    assert result.exit_code == 2
    assert "too long ago" in result.output
    assert "Traceback" not in result.output


def test_event_type_pattern() -> None:
    assert event_type_pattern("pki.cert.lifecycle.crl_download_failure") == (
        "pki.cert.crl_download_failure"
    )
    assert event_type_pattern("pki.future.*") == "pki.future.*"
    assert event_type_pattern("*revoke") == "*revoke"
    with pytest.raises(ValueError, match="unknown event type"):
        event_type_pattern("pki.cert.nope")


def test_event_filter_matches_unknown_types_by_pattern() -> None:
    future = make_unknown_event("pki.cert.future")
    assert EventFilter(types=("pki.cert.*",)).matches(future)
    assert not EventFilter(types=("pki.cert.issue",)).matches(future)
    assert not EventFilter().active
    assert EventFilter(types=("pki.cert.*",)).active


def test_every_command_is_listed_and_loads() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
        assert main.get_command(None, name) is not None  # type: ignore[arg-type]


def test_json_output_and_help_never_import_rich(tmp_path: Path) -> None:
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(make_wire_event(EVENT_TYPES[0])) + "\n")
    code = (
        "import sys\n"
        "from okta_pki_events.cli import main\n"
        "for args in (['--help'], ['summary', '--json', sys.argv[1]], ['catalog', '--json']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('rich' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip().splitlines()[-1] == "False"


# -- the progress display ----------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class _Terminal(io.StringIO):
    """A stand-in for a terminal: says it is one, records what is drawn."""

    def isatty(self) -> bool:
        return True


def _on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: bytes | io.TextIOBase = b""
) -> list[str]:
    """Run the tool with stdout and stderr on a terminal; the pieces drawn, ANSI removed."""
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    if isinstance(stdin, bytes):
        stdin = io.TextIOWrapper(io.BytesIO(stdin))
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(SystemExit):
        main(args, standalone_mode=False)
    drawn = _ANSI.sub("", out.getvalue() + err.getvalue())
    return [piece for piece in re.split(r"[\r\n]", drawn) if piece.strip()]


def _broken_lines(tmp_path: Path) -> Path:
    rows = [json.dumps(make_wire_event(EVENT_TYPES[i % 15])) for i in range(300)]
    for at in (10, 100, 200):
        rows[at] = rows[at][:40]  # cut short
    path = tmp_path / "cut.ndjson"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_progress_never_glues_itself_to_a_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _broken_lines(tmp_path)
    pieces = _on_a_terminal(monkeypatch, ["validate", str(path)])
    errors = [p for p in pieces if "Invalid JSON" in p]
    assert len(errors) == 3
    assert all(p.startswith(f"{path}:") for p in errors)  # nothing drawn before them
    # a file of known size: a bar with bytes (and rate and time left)
    assert any(re.search(r"\d+(\.\d+)?/\d+(\.\d+)? kB", p) for p in pieces)
    assert pieces[-1].startswith("300 records: 297 valid, 3 invalid")


def test_a_file_name_is_shown_as_it_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "[bold] export.ndjson"
    path.write_bytes(_broken_lines(tmp_path).read_bytes())
    pieces = _on_a_terminal(monkeypatch, ["validate", str(path)])
    assert any(p.startswith("[bold] export.ndjson ") for p in pieces)


def test_a_stream_gets_a_spinner_not_a_bar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = _broken_lines(tmp_path).read_bytes()
    pieces = _on_a_terminal(monkeypatch, ["validate", "-"], stdin=data)
    assert not any(" kB" in p for p in pieces)
    assert any(p[:1] in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" for p in pieces)
    assert sum(1 for p in pieces if p.startswith("<stdin>:")) == 3


def test_standard_input_from_a_file_gets_a_bar(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with _broken_lines(tmp_path).open() as redirected:  # okta-pki-events validate - < file
        pieces = _on_a_terminal(monkeypatch, ["validate", "-"], stdin=redirected)
    assert any(re.search(r"/\d+(\.\d+)? kB", p) for p in pieces)


def test_nothing_is_drawn_off_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_broken_lines(tmp_path))])
    assert "\x1b" not in result.output
    assert "kB" not in result.output


# -- framing options ---------------------------------------------------------------------------


def test_format_and_envelope_are_passed_to_the_reader(tmp_path: Path) -> None:
    hook = make_event_hook_delivery([make_wire_event("pki.cert.issue", uuid="h1")])
    path = tmp_path / "hooks.ndjson"
    path.write_text(json.dumps(hook) + "\n")
    ok = CliRunner().invoke(main, ["validate", "--envelope", "event_hook", str(path)])
    assert ok.exit_code == 0, ok.output
    # told that records are bare events, the delivery is one invalid record
    bare = CliRunner().invoke(main, ["validate", "--envelope", "none", "--json", str(path)])
    assert bare.exit_code == 1
    assert json.loads(bare.stdout)["stats"]["failed"] == 1
    pretty = tmp_path / "page.json"
    pretty.write_text(json.dumps([make_wire_event("pki.cert.issue")], indent=2))
    as_lines = CliRunner().invoke(main, ["summary", "--input-format", "ndjson", str(pretty)])
    assert as_lines.exit_code == 1  # each line alone is no record
    as_json = CliRunner().invoke(main, ["summary", "--input-format", "json", str(pretty)])
    assert as_json.exit_code == 0


@pytest.mark.parametrize("option", ["--input-format", "--envelope"])
def test_framing_values_are_checked(option: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["summary", option, "xml", str(tmp_path)])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_export_takes_the_framing_options(tmp_path: Path) -> None:
    hook = make_event_hook_delivery([make_wire_event("pki.cert.issue", uuid="h1")])
    path = tmp_path / "hooks.ndjson"
    path.write_text(json.dumps(hook) + "\n")
    args = ["export", "--format", "ndjson", "-o", "-", "--envelope", "event_hook", str(path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["uuid"] == "h1"
    refused = CliRunner().invoke(main, [*args[:-3], "--envelope", "sqs", str(path)])
    assert refused.exit_code == 1  # told it is SQS, the record is no SQS event: nothing valid
