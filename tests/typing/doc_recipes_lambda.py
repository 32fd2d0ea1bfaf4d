"""The Lambda of the recipes (EventBridge, SQS), verbatim: mypy --strict and pyright check it.

Users copy it into typed code; ``tests/test_docs_typed.py`` keeps it equal to the page.
"""

from typing import Any

from okta_pki_events import ParseFailure, iter_events
from okta_pki_events.testing import make_event, make_eventbridge_event, make_sqs_event


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    stream = iter_events([event], on_error="collect")
    revoked: list[str | None] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            print("bad record:", item.message)  # CloudWatch Logs
        elif item.event_type in ("pki.cert.revoke", "pki.cert.lifecycle.revoke"):
            target = item.certificate_target
            revoked.append(target.id if target is not None else None)
    stats = stream.stats
    return {"revoked": revoked, "parsed": stats.parsed, "failed": stats.failed}


sqs = make_sqs_event(
    [
        make_eventbridge_event(make_event("pki.cert.issue", certificate_id="c1")),
        make_eventbridge_event(make_event("pki.cert.revoke", certificate_id="c1")),
        "not json",  # a poisoned message
    ]
)
assert handler(sqs, None) == {"revoked": ["c1"], "parsed": 2, "failed": 1}
