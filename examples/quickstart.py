"""The library on the example data: what ``make demo`` runs after the command-line tool.

    .venv/bin/python examples/quickstart.py

Typed events from a stream (broken records reported with their line, not fatal), one event's
fields and meaning, and the certificate lifecycle. ``docs/recipes.md`` has the whole jobs.
"""

from __future__ import annotations

import os
from pathlib import Path

from okta_pki_events import (
    ParseFailure,
    PkiCertLifecycleRevokeEvent,
    PkiEvent,
    build_lifecycles,
    classify,
    iter_events,
)

DATA = os.path.relpath(Path(__file__).with_name("pki-events.ndjson"))  # short in messages


def main() -> None:
    """Read the example data, show one revoke, rebuild the lifecycles."""
    stream = iter_events(DATA, on_error="collect")
    events: list[PkiEvent] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            print("broken:", item.message)
        else:
            events.append(item)
    print(stream.stats)  # read = parsed + failed + skipped (the non-PKI records)

    revoke = next(e for e in events if isinstance(e, PkiCertLifecycleRevokeEvent))
    certificate, actor = revoke.certificate_target, revoke.actor  # either may be absent
    who = actor.alternate_id if actor else "?"
    print(
        f"\n{revoke.event_type} at {revoke.published:%Y-%m-%d %H:%M}Z by {who}: "
        f"certificate {certificate.id if certificate else '?'}"
    )
    meaning = classify(revoke)
    print(f"  {meaning.action}, {meaning.lifecycle_effect}; attention: {meaning.attention_reason}")

    report = build_lifecycles(events)
    print(f"\n{report!r}")
    revoked = report.certificates_in("revoked")
    history = report.certificates[revoked[0]]
    print(f"{revoked[0]}: " + " -> ".join(entry.event_type for entry in history.timeline))


if __name__ == "__main__":
    main()
