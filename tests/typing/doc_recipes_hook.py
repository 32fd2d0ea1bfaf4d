"""The event-hook service of the recipes, verbatim: mypy --strict and pyright check it here.

Users copy it into typed code; ``tests/test_docs_typed.py`` keeps it equal to the page.
"""

import json

from okta_pki_events import ParseFailure, PkiEvent, iter_events
from okta_pki_events.http import Headers, event_hook_verification, verify_authorization
from okta_pki_events.testing import make_event, make_event_hook_delivery

SECRET = "Bearer s3cret"  # the Authorization value you gave Okta for this hook
seen: set[str] = set()  # at-least-once delivery: keep uuids (use a store with a TTL)
handled: list[PkiEvent] = []


def handle(method: str, headers: Headers, body: bytes) -> tuple[int, bytes]:
    if method == "GET":  # the one-time verification
        try:
            return 200, json.dumps(event_hook_verification(headers)).encode()
        except ValueError:
            return 400, b""
    if not verify_authorization(headers, SECRET):
        return 401, b""
    stream = iter_events(body, envelope="event_hook", on_error="collect")
    for event in stream:
        if isinstance(event, ParseFailure):  # a broken event fails alone: log it, go on
            print("bad event:", event.message)
            continue
        if event.uuid in seen:
            continue
        seen.add(event.uuid)
        handled.append(event)  # hand over to a queue; answer Okta fast
    return 200, b""


# The verification request, then a delivery sent twice.
challenge = [("X-Okta-Verification-Challenge", "abc123")]
assert handle("GET", challenge, b"") == (200, b'{"verification": "abc123"}')
delivery = make_event_hook_delivery(
    [
        make_event("pki.cert.issue", uuid="e1"),
        {"uuid": "e3", "eventType": "pki.cert.bind"},  # no published: fails alone
        make_event("pki.cert.revoke", uuid="e2"),
    ]
)
body = json.dumps(delivery).encode()
assert handle("POST", {"Authorization": "Bearer wrong"}, body) == (401, b"")
assert handle("POST", [("authorization", "Bearer s3cret")], body) == (200, b"")
assert handle("POST", {"Authorization": SECRET}, body) == (200, b"")  # a redelivery
assert [e.uuid for e in handled] == ["e1", "e2"]
bare = json.dumps(make_event("pki.cert.issue", uuid="e4").model_dump(mode="json")).encode()
assert handle("POST", {"Authorization": SECRET}, bare) == (200, b"")  # reported, not handled
assert "e4" not in seen
