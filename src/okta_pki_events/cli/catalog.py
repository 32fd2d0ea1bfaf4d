"""``okta-pki-events catalog``: the PKI event types and what they mean."""

from __future__ import annotations

import json

import click

from ..models.catalog import CATALOG
from ..models.events import EVENT_MODELS
from ._shared import json_option, out_console

__all__ = ["catalog"]


@click.command()
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

    table = Table(title="Okta PKI event types", title_justify="left")
    for column in ("eventType", "model", "what happened", "OIE only"):
        table.add_column(column)
    for entry in CATALOG.values():
        table.add_row(
            entry.event_type,
            EVENT_MODELS[entry.event_type].__name__,
            entry.summary,
            "yes" if entry.oie_only else "no",
        )
    out_console().print(table)
