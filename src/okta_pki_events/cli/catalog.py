"""``okta-pki-events catalog``: the PKI event types and what they mean."""

from __future__ import annotations

import json

import click

from ..models.catalog import CATALOG
from ..models.events import EVENT_MODELS
from ._shared import Command, json_option, out_console

__all__ = ["catalog"]

_WIDE = 110  # columns from which the table has room for the model names


@click.command(cls=Command)
@json_option
def catalog(as_json: bool) -> None:
    """List the PKI event types with their descriptions."""
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "event_type": e.event_type,
                        "model": EVENT_MODELS[e.event_type].__name__,
                        "subject": e.subject,
                        "summary": e.summary,
                        "description": e.description,
                        "oie_only": e.oie_only,
                        "legacy_event_type": e.legacy_event_type,
                        "introduced_in": e.introduced_in,
                        "aliases": list(e.aliases),
                    }
                    for e in CATALOG.values()
                ],
                indent=2,
            )
        )
        return
    from rich.table import Table

    out = out_console()
    # identifiers never wrap; on a narrow terminal the model column (see --json) gives way
    with_model = out.width >= _WIDE
    table = Table(title="Okta PKI event types", title_justify="left")
    table.add_column("eventType", no_wrap=True)
    if with_model:
        table.add_column("model", no_wrap=True)
    table.add_column("what happened", ratio=1, min_width=20)
    table.add_column("OIE only", no_wrap=True)
    for entry in CATALOG.values():
        model = [EVENT_MODELS[entry.event_type].__name__] if with_model else []
        table.add_row(entry.event_type, *model, entry.summary, "yes" if entry.oie_only else "no")
    out.print(table)
