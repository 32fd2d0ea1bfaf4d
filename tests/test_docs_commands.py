"""Every ``okta-pki-events`` command line in the README and the docs names real options."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from okta_pki_events.cli import main

from .support import ROOT, cli

DOC_FILES = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "changelog.md"),
]


def command_lines(text: str) -> list[str]:
    """The ``okta-pki-events ...`` commands of a page's shell blocks (pipes, comments cut)."""
    found = []
    for block in re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("|"):
                command = re.split(r"\s#\s|\s[0-9]?>", part)[0].strip()
                if command.startswith("okta-pki-events"):
                    found.append(command)
    return found


def problem(command: str) -> str | None:
    """Why click would refuse the command line's options (None: it would not)."""
    args = shlex.split(command)[1:]
    if not args or args[0].startswith("-"):
        return None  # the tool's own --help, --version
    name, rest = args[0], args[1:]
    ctx = click.Context(main, info_name="okta-pki-events")
    sub = main.get_command(ctx, name)
    if sub is None:
        return f"no command {name!r}"
    sub_ctx = click.Context(sub, info_name=name, parent=ctx)
    try:  # the parser alone: options and their arity, no value checked (files need not exist)
        sub.make_parser(sub_ctx).parse_args(rest)
    except click.UsageError as exc:
        return exc.format_message()
    return None


EXAMPLES = [(p.name, c) for p in DOC_FILES for c in command_lines(p.read_text(encoding="utf-8"))]


def test_the_pages_show_commands() -> None:
    assert len(EXAMPLES) > 20
    assert {"cli.md", "pull.md", "recipes.md"} <= {page for page, _ in EXAMPLES}


def test_a_stale_option_is_caught() -> None:
    assert problem("okta-pki-events export --format ocsf --ocsf-versionn 1.8.0 x") is not None
    assert problem("okta-pki-events summarise x.ndjson") == "no command 'summarise'"
    assert problem("okta-pki-events summary --type pki.cert.issue x.ndjson") is None


@pytest.mark.parametrize(("page", "command"), EXAMPLES)
def test_each_command_line_names_real_options(page: str, command: str) -> None:
    assert problem(command) is None


def test_the_output_the_cli_page_quotes_is_the_tool_s() -> None:
    page = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    example = ROOT / "examples" / "pki-events.ndjson"
    quoted = re.search(r"The last line counts what was read: `([^`]+)`", page)
    assert quoted, "docs/cli.md quotes validate's last line"
    result = cli("validate", example)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == quoted.group(1)
    cut = re.search(r"`(okta-pki-events: error: cannot write missing/out\.csv: [^`]+)`", page)
    assert cut, "docs/cli.md quotes the error of an output that cannot be written"
    written = cli("export", "--format", "csv", "-o", "missing/out.csv", example)
    assert written.exit_code == 2
    assert written.stderr.strip() == cut.group(1)
