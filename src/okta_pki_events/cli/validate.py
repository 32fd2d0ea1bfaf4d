"""``okta-pki-events validate``: every bad record with its line and field path."""

from __future__ import annotations

import json
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from .._stream import ParseFailure, Record
from ..models.events import BasePkiEvent
from ..validation import ValidationIssue
from ..validation import validate as check_event
from ._shared import (
    NOTHING_VALID,
    Command,
    EventFilter,
    ReadAs,
    Reading,
    cut_message,
    files_argument,
    filter_options,
    input_options,
    json_option,
    max_errors_option,
    plural,
    read_events,
    stats_dict,
)

__all__ = ["failure_entry", "issue_entry", "validate"]


class _Identity(TypedDict, total=False):
    uuid: Any
    eventType: Any


# Reads only the top-level uuid and eventType of a record's JSON (other values are skipped).
_IDENTITY = TypeAdapter(_Identity)


def _identity(raw: str) -> tuple[str | None, str | None]:
    """The uuid and eventType of a bad record, where its JSON says them; else None."""
    try:
        found = _IDENTITY.validate_json(raw)
    except ValidationError:
        return None, None
    uuid, event_type = found.get("uuid"), found.get("eventType")
    return (
        uuid if isinstance(uuid, str) else None,
        event_type if isinstance(event_type, str) else None,
    )


def failure_entry(failure: ParseFailure) -> dict[str, Any]:
    """A record that could not be parsed, as JSON: where, which record, each problem."""
    error = failure.error
    errors: list[dict[str, Any]]
    if isinstance(error, ValidationError):
        errors = [
            {"loc": list(item["loc"]), "type": item["type"], "msg": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
    else:
        errors = [{"loc": [], "type": "value_error", "msg": str(error)}]
    uuid, event_type = _identity(failure.raw)
    return {
        "kind": "invalid",
        "source": failure.source,
        "line": failure.line,
        "index": failure.index,
        "positions": _positions(failure.index, failure.positions),
        "uuid": uuid,
        "eventType": event_type,
        "errors": errors,
    }


def issue_entry(record: Record[Any], issues: list[ValidationIssue]) -> dict[str, Any]:
    """A parsed event that the semantic rules question, as JSON (same shape as a failure)."""
    return {
        "kind": "rules",
        "source": record.source or "<stdin>",
        "line": record.line,
        "index": record.index,
        "positions": _positions(record.index, record.positions),
        "uuid": record.event.uuid,
        "eventType": record.event.event_type,
        "errors": [
            {
                "loc": issue.path.split("."),
                "type": issue.code,
                "msg": issue.message,
                "severity": issue.severity,
            }
            for issue in issues
        ],
    }


def _positions(index: int | None, positions: tuple[int, ...]) -> list[int]:
    """Every position of a record, outermost first: ``[]`` for a record on its own line."""
    if positions:
        return list(positions)
    return [] if index is None else [index]


def _where(source: str | None, line: int, positions: list[int]) -> str:
    return f"{source or '<stdin>'}:{line}" + "".join(f"[{p}]" for p in positions)


class _JsonWriter:
    """One JSON document, written as it goes: memory stays flat whatever the failures."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.pending: str | None = None
        reading.echo('{\n  "failures": [')

    def add(self, entry: dict[str, Any]) -> None:
        if self.pending is not None:
            self.reading.echo(self.pending + ",")
        self.pending = "    " + json.dumps(entry)

    def close(self, tail: dict[str, Any]) -> None:
        if self.pending is not None:
            self.reading.echo(self.pending)
        body = json.dumps(tail, indent=2)[1:-1].strip("\n")  # the members, without braces
        click.echo("  ],\n" + body + "\n}")


@click.command(cls=Command, short_help="Report each bad record with its line and field path.")
@files_argument
@click.option(
    "--only-pki/--all-types",
    " /--all",
    "only_pki",
    default=False,
    help="Validate PKI records only, skipping others (default: every record, as "
    "export's and pull's --all-types).",
)
@click.option(
    "--rules",
    is_flag=True,
    help="Also run the semantic rules (the library's validate()) on every parsed event: "
    "an issue of severity error makes the run fail; warnings and notes are reported.",
)
@input_options
@max_errors_option
@filter_options
@json_option
def validate(
    files: tuple[str, ...],
    only_pki: bool,
    rules: bool,
    max_errors: int | None,
    read_as: ReadAs,
    event_filter: EventFilter,
    as_json: bool,
) -> None:
    """Parse every record and report each bad one with its line and field path.

    Exits 0 when every record is valid, 1 when any is not (or none was read, or a rule
    found an error with --rules), 2 on a usage error.
    """
    reading = read_events(
        files,
        event_filter=event_filter,
        only_pki=only_pki,
        failures=True,
        records=rules,
        max_errors=max_errors,
        read_as=read_as,
    )
    writer = _JsonWriter(reading) if as_json else None
    found = {"error": 0, "warning": 0, "info": 0}
    flagged = 0  # events with a rule error
    pki = 0  # PKI events among the valid records (the others are valid LogEvents)
    for item in reading:
        if isinstance(item, ParseFailure):
            if writer is not None:
                writer.add(failure_entry(item))
            else:
                reading.echo(item.message)
            continue
        if isinstance(item.event if rules else item, BasePkiEvent):
            pki += 1
        if not rules:
            continue
        issues = check_event(item.event)
        if not issues:
            continue
        for issue in issues:
            found[issue.severity] += 1
        flagged += any(issue.severity == "error" for issue in issues)
        if writer is not None:
            writer.add(issue_entry(item, issues))
        else:
            where = _where(item.source, item.line, _positions(item.index, item.positions))
            for issue in issues:
                reading.echo(
                    f"{where}: {issue.path}: {issue.message} [{issue.code}, {issue.severity}]"
                )
    total = reading.stats
    empty = reading.nothing_valid()
    valid = total.failed == 0 and flagged == 0 and empty is None and not reading.stopped
    if writer is not None:
        tail: dict[str, Any] = {
            "valid": valid,
            "stopped": reading.stopped,
            "stats": reading.counts(),
            "files": {name: stats_dict(s) for name, s in reading.files.items()},
        }
        if rules:
            tail["rules"] = {"events_with_errors": flagged} | found
        writer.close(tail)
    else:
        click.echo(_footer(reading, rules, found, flagged, valid, pki))
    if reading.stopped:
        click.echo(
            f"okta-pki-events: stopped after {plural(total.failed, 'invalid record')} "
            f"(--max-errors {max_errors}); the counts cover what was read",
            err=True,
        )
    cut = cut_message(reading.cut)
    if cut:  # reported at its line as a failure; this says the rest of the input was not read
        click.echo(f"okta-pki-events: {cut}", err=True)
    if empty:
        click.echo(f"okta-pki-events: {empty}", err=True)
    if not valid:
        raise SystemExit(NOTHING_VALID)


def _footer(
    reading: Reading, rules: bool, found: dict[str, int], flagged: int, valid: bool, pki: int
) -> str:
    total = reading.stats
    valid_text = f"{total.parsed:,} valid"
    if not reading.only_pki and not reading.filtered and 0 < pki < total.parsed:
        others = total.parsed - pki
        valid_text += f" ({plural(pki, 'PKI event')}, {plural(others, 'other')})"
    parts = [f"{plural(total.read, 'record')}: {valid_text}, {total.failed:,} invalid"]
    if total.skipped:
        parts.append(f"{plural(total.skipped, 'non-PKI record')} skipped")
    text = ", ".join(parts)
    if reading.filtered:
        text += f"; {plural(reading.filtered, 'event')} left out by the filters"
    if rules:
        text += (
            f"; rules: {plural(found['error'], 'error')} in {plural(flagged, 'event')}, "
            f"{plural(found['warning'], 'warning')}, {plural(found['info'], 'note')}"
        )
    return f"{text} (all valid)" if valid else text
