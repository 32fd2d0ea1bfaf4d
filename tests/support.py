"""Test fixtures as real JSON files, loaded by one helper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PKI_DIR = FIXTURES / "events"
SAMPLES_DIR = FIXTURES / "samples"
DATA_DIR = Path(__file__).resolve().parent / "data"

IMPOSSIBLE_DATE_SAMPLE = "okta-devdocs_legacy-system-log-reference_user.session.start.json"
EVENT_HOOK_SAMPLE = "okta-devdocs_event-hook-delivery-envelope_user.session.start.json"


def load_json(path: Path | str) -> Any:
    """Load one JSON fixture: a path, or a name relative to ``tests/fixtures``."""
    path = Path(path)
    if not path.is_absolute():
        path = FIXTURES / path
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def pki_fixture(event_type: str) -> dict[str, Any]:
    """The realistic fixture of one PKI event type."""
    data: dict[str, Any] = load_json(PKI_DIR / f"{event_type}.json")
    return data


def pki_fixture_types() -> list[str]:
    """The event types that have a fixture."""
    return sorted(p.stem for p in PKI_DIR.glob("*.json"))


def sample_names() -> list[str]:
    """The real Okta samples copied from ``shared/okta-samples`` (MANIFEST excluded)."""
    return sorted(p.name for p in SAMPLES_DIR.glob("*.json") if p.name != "MANIFEST.json")


def sample_event(name: str) -> dict[str, Any]:
    """One real sample as a bare LogEvent (the event-hook delivery is unwrapped)."""
    data: dict[str, Any] = load_json(SAMPLES_DIR / name)
    if "data" in data and "events" in data["data"]:
        event: dict[str, Any] = data["data"]["events"][0]
        return event
    return data


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (keys of objects, indexes of arrays)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += json_paths(item, (*path, key))
    elif isinstance(value, list):
        for at, item in enumerate(value):
            found += json_paths(item, (*path, at))
    return found
