"""MkDocs hooks: pages generated from the library's own data, never hand-copied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from okta_pki_events.models import CATALOG, EVENT_MODELS


def _catalog_markdown() -> str:
    lines = [
        "| eventType | model | about | OIE only | legacy type | introduced |",
        "|---|---|---|---|---|---|",
    ]
    for event_type, entry in CATALOG.items():
        name = EVENT_MODELS[event_type].__name__
        lines.append(
            f"| [`{event_type}`](#{event_type.replace('.', '')}) | `{name}` | "
            f"{entry.subject.replace('_', ' ')} | {'yes' if entry.oie_only else 'no'} | "
            f"{f'`{entry.legacy_event_type}`' if entry.legacy_event_type else ''} | "
            f"{entry.introduced_in or ''} |"
        )
    for event_type, entry in CATALOG.items():
        model = EVENT_MODELS[event_type]
        lines += [
            "",
            f"## {event_type}",
            "",
            f"**Model:** `{model.__name__}`. {entry.summary}",
            "",
            f"> {entry.description}",
            "",
        ]
        if entry.aliases:
            lines.append("Also parsed from: " + ", ".join(f"`{a}`" for a in entry.aliases) + ".")
            lines.append("")
        if entry.source == "okta-facts":
            lines.append(
                "*Not yet in Okta's catalogue text; description written from Okta's release "
                "notes and event metadata.*"
            )
            lines.append("")
    return "\n".join(lines)


def _diagram_markdown() -> str:
    from okta_pki_events.lifecycle import lifecycle_diagram

    return f"```mermaid\n{lifecycle_diagram()}\n```"


def _transition_table_markdown() -> str:
    from okta_pki_events.lifecycle import TRANSITIONS

    lines = ["| event | allowed from | to | first seen as |", "|---|---|---|---|"]
    for row in TRANSITIONS:
        sources = sorted("(new)" if s is None else s.name for s in row.allowed_from)
        to = row.to.name if row.to else "unchanged"
        note = f" ({row.note})" if row.note else ""
        events = ", ".join(f"`{t}`" for t in row.event_types)
        lines.append(f"| {events} | {', '.join(sources)} | {to}{note} | {row.first_seen.name} |")
    return "\n".join(lines)


def _classification_markdown() -> str:
    from okta_pki_events.classification import CLASSIFICATIONS
    from okta_pki_events.export import OCSF_ACTIVITIES, OCSF_ACTIVITY_NAMES, ecs_categorization

    lines = [
        "| eventType | subject | action | lifecycle effect | needs attention "
        "| ECS event.type | OCSF activity |",
        "|---|---|---|---|---|---|---|",
    ]
    for event_type, row in CLASSIFICATIONS.items():
        ecs_type = ", ".join(ecs_categorization(event_type)[1]) or "(Elastic maps none)"
        ocsf = OCSF_ACTIVITY_NAMES[OCSF_ACTIVITIES[event_type]]
        lines.append(
            f"| `{event_type}` | {row.subject} | {row.action} | {row.lifecycle_effect} | "
            f"{row.attention or 'no (unless the outcome failed)'} | {ecs_type} | {ocsf} |"
        )
    return "\n".join(lines)


def _validation_markdown() -> str:
    from okta_pki_events.validation import RULES

    lines = ["| code | severity | field | checks |", "|---|---|---|---|"]
    for rule in RULES:
        doc = (rule.check.__doc__ or "").strip() or rule.code.replace("_", " ")
        lines.append(f"| `{rule.code}` | {rule.severity} | `{rule.path}` | {doc} |")
    return "\n".join(lines)


GENERATORS = {
    "<!-- generated:classification-table -->": _classification_markdown,
    "<!-- generated:validation-rules -->": _validation_markdown,
    "<!-- generated:catalog -->": _catalog_markdown,
    "<!-- generated:lifecycle-diagram -->": _diagram_markdown,
    "<!-- generated:transition-table -->": _transition_table_markdown,
}


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace each generated-section marker with its content."""
    for marker, generate in GENERATORS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, generate())
    return markdown


def on_pre_build(config: Any, **_: Any) -> None:
    """Copy the changelog into the docs so that there is one source."""
    root = Path(config["config_file_path"]).parent
    (root / "docs" / "changelog.md").write_text(
        (root / "CHANGELOG.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
