"""``okta-pki-events validate``: every bad record with its line and field path."""

from __future__ import annotations

import json
import sys

import click

from .._stream import ParseFailure, describe_error
from ._shared import (
    EventFilter,
    files_argument,
    filter_options,
    json_option,
    read_events,
    stats_dict,
)

__all__ = ["validate"]


@click.command()
@files_argument
@click.option(
    "--only-pki/--all",
    default=False,
    help="Validate PKI records only, skipping others (default: validate every record).",
)
@filter_options
@json_option
def validate(
    files: tuple[str, ...], only_pki: bool, event_filter: EventFilter, as_json: bool
) -> None:
    """Parse every record and report each bad one with its line and field path.

    Exits 0 when every record is valid, 1 when any failed.
    """
    reading = read_events(files, event_filter=event_filter, only_pki=only_pki, on_error="collect")
    failures: list[ParseFailure] = []
    for item in reading:
        if isinstance(item, ParseFailure):
            failures.append(item)
            if not as_json:
                click.echo(item.message)
    total = reading.stats
    if as_json:
        click.echo(
            json.dumps(
                {
                    "valid": total.failed == 0,
                    "stats": reading.counts(),
                    "files": {name: stats_dict(s) for name, s in reading.files.items()},
                    "failures": [
                        {
                            "source": f.source,
                            "line": f.line,
                            "index": f.index,
                            "errors": describe_error(f.error),
                        }
                        for f in failures
                    ],
                },
                indent=2,
            )
        )
    else:
        verdict = "all valid" if total.failed == 0 else f"{total.failed} invalid"
        click.echo(
            f"{total.read} records: {total.parsed} parsed, {total.failed} failed, "
            f"{total.skipped} skipped ({verdict})"
        )
    sys.exit(1 if total.failed else 0)
