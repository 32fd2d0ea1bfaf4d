"""The ``okta-pki-events`` command-line tool (extra ``cli``).

Human output is tables; ``--json`` gives JSON for machines. Exit codes: 0 success, 1 invalid
records (``validate``) or nothing valid read, 2 usage errors and inputs or outputs that cannot
be used, 70 a defect of the tool (one line, no traceback), 130 interrupted, 141 a closed
output pipe; ``pull`` adds its own (3 to 6, see its help).

Errors, two shapes: a mistake in the command line itself (a bad option value, options that
exclude each other, a PATH naming no file, ``--since`` not before ``--until``) is a usage
error in click's shape, found before anything is read: the usage line, the help hint and
``Error: Invalid value for '--option': ...`` (``_shared.bad_value``, ``click.UsageError``).
What goes wrong while the command works (a file that cannot be read, an output that cannot
be written, a missing extra) is one line, ``okta-pki-events: error: ...`` (``_shared.fail``).

Layout: one module per command (``validate.py``, ``summary.py``, ...), each defining a click
command (``cls=Command``) named like its module; ``_shared.py`` holds what commands share
(the consoles, the progress display, error handling, reading the inputs, and the options
``--json``, ``--type``, ``--since``, ``--until``, ``--outcome``). A command is added by
writing its module and one line in ``COMMANDS`` below: modules are imported only when their
command runs (or when ``--help`` lists them), so that the tool starts quickly. A module
formats apart from printing: ``format_*`` functions build the text and tables, and one
printing step writes them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from ._shared import Command, quiet_closed_pipe, run_main

__all__ = ["COMMANDS", "main", "run"]

COMMANDS: dict[str, str] = {
    "validate": "validate",
    "summary": "summary",
    "lifecycle": "lifecycle",
    "schema": "schema",
    "catalog": "catalog",
    "pull": "pull",
    "export": "export",
}
"""Command name -> module of this package that defines it (a click command of that name)."""


class _LazyGroup(click.Group):
    """A group whose commands are imported from their modules when first needed."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the tool; as a program (``standalone_mode``), with its exit statuses."""
        if not standalone_mode:
            return click.Group.main(self, args, prog_name, complete_var, False, **extra)
        return run_main(
            lambda: click.Group.main(self, args, prog_name, complete_var, False, **extra)
        )

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a closed output pipe ends the tool quietly (click would exit 1)."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            quiet_closed_pipe()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        command: Any = getattr(module, cmd_name.replace("-", "_"))
        if not isinstance(command, Command):  # pragma: no cover - a layout mistake
            raise TypeError(f"{module.__name__}.{cmd_name} is not a click command of cls=Command")
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="okta-pki-events")
def main() -> None:
    """Parse, check and summarise the PKI events of Okta's System Log.

    PATH is a file, a directory (its .json, .ndjson and .jsonl files, gzip or not,
    recursively), a glob pattern, or - for standard input. A file may be NDJSON or JSON
    documents (API pages, event-hook deliveries, AWS deliveries: EventBridge, SQS, SNS,
    Firehose, CloudWatch Logs), gzip-compressed or not.
    """


def run() -> None:
    """Run the tool: the console entry point (exit 130 on Ctrl-C, quiet on a closed pipe)."""
    main(prog_name="okta-pki-events")
