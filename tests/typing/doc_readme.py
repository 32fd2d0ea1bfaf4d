"""The README's usage example, verbatim: mypy --strict and pyright check it here.

Users copy it into typed code; ``tests/test_docs_typed.py`` keeps it equal to the page.
"""

# ruff: noqa: E402
from okta_pki_events import PkiCertLifecycleRevokeEvent, parse_event

raw_json_line = (
    '{"uuid": "5b2c0001-8e1f-11ef-9a4b-4f2d6c0a0001", "published": "2026-03-14T09:26:53.535Z",'
    ' "eventType": "pki.cert.lifecycle.revoke", "version": "0",'
    ' "actor": {"id": "00u1", "type": "User", "alternateId": "pki.admin@example.com"},'
    ' "outcome": {"result": "SUCCESS", "reason": null},'
    ' "target": [{"id": "crt1", "type": "Certificate"}, {"id": "guo1", "type": "Device"}],'
    ' "someFieldOktaAddsNextYear": {"kept": true}}'
)
event = parse_event(raw_json_line)  # str, bytes or an already-decoded dict
if isinstance(event, PkiCertLifecycleRevokeEvent) and event.actor and event.outcome:
    print(event.published, event.actor.alternate_id, event.outcome.result)  # any may be absent

# Lossless: the dump is the input, unknown keys and explicit nulls included.
import json

assert event.model_dump(mode="json", exclude_unset=True) == json.loads(raw_json_line)
assert PkiCertLifecycleRevokeEvent.catalog.oie_only  # catalogue data, without an instance
