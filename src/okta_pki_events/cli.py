"""The ``okta-pki-events`` command-line tool (extra ``cli``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from ._parsing import UnknownEventTypeError, parse_event

try:
    import click
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise SystemExit(
        "the okta-pki-events command needs its extra: pip install 'okta-pki-events[cli]'"
    ) from exc

__all__ = ["main"]


@click.group()
@click.version_option(package_name="okta-pki-events")
def main() -> None:
    """Parse, check and summarise the PKI events of Okta's System Log."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def summary(paths: tuple[str, ...]) -> None:
    """Count the parsed events of each type in NDJSON files."""
    counts: Counter[str] = Counter()
    failed = 0
    for path in paths:
        with Path(path).open("rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    counts[parse_event(line, on_unknown="raise").event_type] += 1
                except UnknownEventTypeError as exc:
                    counts[f"(other) {exc.event_type}"] += 1
                except ValidationError:
                    failed += 1
    for event_type, count in sorted(counts.items()):
        click.echo(f"{count:8d}  {event_type}")
    click.echo(f"{sum(counts.values()):8d}  parsed; {failed} failed")
