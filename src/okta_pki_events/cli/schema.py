"""``okta-pki-events schema``: the JSON Schema of the PKI events, printed or written."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..models.catalog import CATALOG
from ..models.events import EVENT_MODELS
from ..schema import json_schema
from ._shared import Command, bad_value, closest_types, fail, json_option, plural

__all__ = ["schema"]


@click.command(cls=Command, short_help="Print or write the JSON Schema of the PKI events.")
@click.option("--event-type", "event_type", metavar="TYPE", help="One event type's schema.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one file per event type and one for the union into this directory.",
)
@json_option
def schema(event_type: str | None, out_dir: Path | None, as_json: bool) -> None:
    """Print the JSON Schema (Draft 2020-12) of the PKI events, or write it to files.

    The schema is JSON either way; with --out, --json lists the files written as JSON.
    """
    if event_type is not None and event_type not in EVENT_MODELS:
        bad_value(
            "--event-type",
            f"unknown event type {event_type!r}{closest_types(event_type)} "
            "(see `okta-pki-events catalog`)",
        )
    if out_dir is None:
        click.echo(json.dumps(json_schema(event_type), indent=2, sort_keys=True))
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        types = [event_type] if event_type else list(CATALOG)
        for name in types:
            path = out_dir / f"{name}.schema.json"
            path.write_text(json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n")
            written.append(path)
        if event_type is None:
            path = out_dir / "okta-pki-events.schema.json"
            path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
            written.append(path)
    except OSError as exc:
        fail(f"cannot write {out_dir}: {exc}")
    if as_json:
        click.echo(json.dumps({"written": [str(p) for p in written]}, indent=2))
    else:
        click.echo(f"wrote {plural(len(written), 'schema')} to {out_dir}")
