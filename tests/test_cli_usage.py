"""The command line, read alike by every command: one shape of usage error, one meaning of PATH.

A usage error (a bad option value, options that exclude each other, a PATH naming nothing, a
bad ``--since``/``--until``) is click's: the usage line, the help hint, ``Error: ...`` naming
the option, exit status 2, nothing on standard output, no traceback. The PATH arguments are
expanded in one place, so every command that reads them reads the same files.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import Result

from okta_pki_events.cli import COMMANDS
from okta_pki_events.cli._shared import USAGE_ERROR
from okta_pki_events.testing import make_wire_event

from .support import PROG, cli, run_cli


def assert_usage_error(result: Result, command: str, named: str) -> None:
    """Click's shape: usage line, help hint, a blank line, one ``Error:`` line naming it."""
    assert isinstance(result.exception, SystemExit), result.exception  # never a traceback
    assert result.exit_code == USAGE_ERROR, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 4, lines
    assert lines[0].startswith(f"Usage: {PROG} {command} [OPTIONS]"), lines
    assert lines[1] == f"Try '{PROG} {command} --help' for help."
    assert lines[2] == ""
    assert lines[3].startswith("Error: "), lines
    assert named in lines[3], lines


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one good input file, an empty folder and a file of another kind."""
    root = tmp_path_factory.mktemp("usage")
    (root / "events.ndjson").write_text(json.dumps(make_wire_event("pki.cert.issue")) + "\n")
    (root / "empty").mkdir()
    (root / "table.json").write_text('{"x": {"category": "iam"}}')  # not a category table
    return root


READING = ["validate", "summary", "lifecycle", "export"]
EXPORT_TO_STDOUT = ["--format", "ndjson", "-o", "-"]

# (arguments after the input file, what the error line names): for every reading command
READING_CASES = [
    (["nope.ndjson"], "'PATH...|-'"),
    (["nope-*.ndjson"], "'PATH...|-'"),
    (["{root}/empty"], "'PATH...|-'"),
    (["--since", "yesterday"], "'--since'"),
    (["--since", "2024-08-14", "--until", "2024-08-13"], "'--since'"),
    (["--until", "99999999w"], "'--until'"),
    (["--type", "pki.cert.isue"], "'--type'"),
    (["--outcome", "WON"], "'--outcome'"),
    (["--max-errors", "0"], "'--max-errors'"),
    (["--input-format", "xml"], "'--input-format'"),
    (["--envelope", "nope"], "'--envelope'"),
    (["--no-such-option"], "--no-such-option"),
]

# (command and its arguments, what the error line names): one command's own options
TABLE_TO_STDOUT = ["--elastic-categories", "{root}/table.json", "-o", "-"]
OWN_CASES = [
    (["lifecycle", "{root}/events.ndjson", "--check", "fields", "-"], "--check"),
    (["lifecycle", "{root}/events.ndjson", "--limit", "-1"], "'--limit'"),
    (["lifecycle", "{root}/events.ndjson", "--state", "lost"], "'--state'"),
    (["export", "{root}/events.ndjson", "--format", "xml", "-o", "-"], "'--format'"),
    (["export", "{root}/events.ndjson", "--format", "parquet", "-o", "-"], "'--output'"),
    (["export", "{root}/events.ndjson", "--format", "csv", "-o", "{root}"], "'--output'"),
    (["export", "{root}", "--format", "csv", "-o", "{root}/events.ndjson"], "'--output'"),
    (["export", "{root}/events.ndjson", "--format", "ocsf", *TABLE_TO_STDOUT], "--elastic-cat"),
    (["export", "{root}/events.ndjson", "--format", "ecs", *TABLE_TO_STDOUT], "'--elastic-cat"),
    (["validate", "{root}/events.ndjson", "--rules=maybe"], "--rules"),
    (["schema", "--event-type", "pki.nope"], "'--event-type'"),
    (["schema", "--out", "{root}/events.ndjson"], "'--out'"),
    (["catalog", "--type", "x"], "--type"),
]

ORG = ["pull", "--org", "https://acme.okta.com"]
PULL_CASES = [
    (["pull", "--org", "ftp://acme.okta.com", "--token-env", "T", "--check"], "'--org'"),
    (["pull", "--org", "http://acme.okta.com", "--token-env", "T", "--check"], "'--org'"),
    ([*ORG, "--token-env", "NOT_SET_ANYWHERE", "--check"], "'--token-env'"),
    ([*ORG, "--check"], "--token-env"),
    ([*ORG, "--token-env", "T", "--client-id", "x", "--check"], "--client-id"),
    ([*ORG, "--token-env", "T", "--private-key", "k.pem", "--check"], "--private-key"),
    ([*ORG, "--client-id", "x", "--check"], "--private-key"),
    ([*ORG, "--token-env", "T"], "--state"),
    ([*ORG, "--token-env", "T", "--all-types", "--filter", "x", "--check"], "--filter"),
    ([*ORG, "--token-env", "T", "--since", "2020-01-01", "--check"], "'--since'"),
    ([*ORG, "--token-env", "T", "--since", "2d", "--until", "3d", "--check"], "'--since'"),
    ([*ORG, "--token-env", "T", "--limit", "0", "--check"], "'--limit'"),
]


def _args(args: list[str], root: Path) -> list[str]:
    return [a.format(root=root) for a in args]


@pytest.mark.parametrize("command", READING)
@pytest.mark.parametrize(("args", "named"), READING_CASES)
def test_a_reading_command_shows_each_usage_error_alike(
    command: str, args: list[str], named: str, inputs: Path
) -> None:
    extra = EXPORT_TO_STDOUT if command == "export" else []
    paths = [] if not args[0].startswith("-") else [str(inputs / "events.ndjson")]
    result = cli(command, *extra, *paths, *_args(args, inputs))
    assert_usage_error(result, command, named)


@pytest.mark.parametrize(("args", "named"), OWN_CASES + PULL_CASES)
def test_each_commands_own_usage_errors_are_shown_alike(
    args: list[str], named: str, inputs: Path
) -> None:
    result = cli(*_args(args, inputs), env={"T": "a-token"})
    assert_usage_error(result, args[0], named)


def test_every_command_has_usage_error_cases() -> None:
    covered = set(READING) | {args[0] for args, _ in OWN_CASES + PULL_CASES}
    assert covered == set(COMMANDS)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "nope.ndjson"],
        ["summary", "-", "--since", "yesterday"],
        ["lifecycle", "-", "--check", "fields"],
        ["export", "-", "--format", "parquet", "-o", "-"],
        ["schema", "--event-type", "pki.nope"],
        ["catalog", "--type", "x"],
        [*ORG, "--token-env", "T", "--all-types", "--filter", "x", "--check"],
    ],
    ids=lambda args: args[0],
)
def test_a_usage_error_in_a_real_process_has_no_traceback(args: list[str]) -> None:
    result = run_cli(*args, stdin=b"", env={"T": "a-token"})
    assert result.returncode == USAGE_ERROR, result.stderr
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    lines = result.stderr.decode().splitlines()
    assert [lines[0].split()[:2], lines[1:3], lines[3][:7]] == [
        ["Usage:", PROG],
        [f"Try '{PROG} {args[0]} --help' for help.", ""],
        "Error: ",
    ], lines


# -- one meaning of PATH -------------------------------------------------------------------------


SIZES = {"logs/a.ndjson": 1, "logs/sub/b.json.gz": 3, "logs/sub/c.jsonl": 9, "other.ndjson": 27}
"""Each file's number of events: a count read says which files were read, and how often."""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paths")
    (root / "logs" / "sub").mkdir(parents=True)
    for name, size in SIZES.items():
        lines = [
            json.dumps(
                make_wire_event("pki.cert.issue", uuid=f"{name}-{n}", certificate_id=f"{name}-{n}")
            )
            for n in range(size)
        ]
        data = ("\n".join(lines) + "\n").encode()
        path = root / name
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    (root / "logs" / "notes.txt").write_text("not an input\n")
    (root / "link.ndjson").symlink_to(root / "other.ndjson")
    return root


# (PATH arguments, the files read, in order)
LOGS = ["logs/a.ndjson", "logs/sub/b.json.gz", "logs/sub/c.jsonl"]
PATH_CASES = [
    (["logs"], LOGS),
    (["logs/sub/c.jsonl", "logs"], ["logs/sub/c.jsonl", "logs/a.ndjson", "logs/sub/b.json.gz"]),
    (["logs/**/*.*json*", "other.ndjson"], [*LOGS, "other.ndjson"]),
    (["other.ndjson", "link.ndjson", "*.ndjson"], ["other.ndjson"]),
    (["link.ndjson", "logs/a.ndjson", "logs/*.ndjson"], ["link.ndjson", "logs/a.ndjson"]),
]

READERS = {
    "validate": ["validate", "--json"],
    "summary": ["summary", "--json"],
    "lifecycle": ["lifecycle", "--json"],
    "lifecycle (full reader)": ["lifecycle", "--json", "--max-record-bytes", "1000000"],
    "lifecycle (fields)": ["lifecycle", "--json", "--check", "fields"],
    "export": ["export", "--format", "ndjson", "-o", "-"],
}


def _read_count(reader: str, result: Result) -> int:
    if reader == "export":
        return len(result.stdout.splitlines())
    stats: dict[str, int] = json.loads(result.stdout)["stats"]
    return stats["read"]


@pytest.mark.parametrize(("paths", "read"), PATH_CASES)
def test_every_command_reads_the_same_files_for_the_same_paths(
    tree: Path, paths: list[str], read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    expected = sum(SIZES["other.ndjson" if name == "link.ndjson" else name] for name in read)
    for reader, args in READERS.items():
        result = cli(*args, *paths)
        assert result.exit_code == 0, (reader, result.output)
        assert _read_count(reader, result) == expected, reader
    validated = json.loads(cli("validate", "--json", *paths).stdout)
    assert list(validated["files"]) == read  # named as given, in the order given
