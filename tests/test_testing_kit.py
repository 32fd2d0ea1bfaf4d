"""The testing kit: typed builders, the deterministic mode, envelope builders."""

from __future__ import annotations

import hashlib
import json
import threading
import typing
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import typing_extensions
from hypothesis import given, settings
from hypothesis.strategies import SearchStrategy
from typing_extensions import assert_type

from okta_pki_events import (
    EVENT_TYPES,
    PkiCertCrlDownloadFailureEvent,
    PkiCertIssueEvent,
    PkiCertRevokeEvent,
    PkiEvent,
    UnknownPkiEvent,
    iter_events,
    iter_records,
    parse_event,
)
from okta_pki_events import testing as kit
from okta_pki_events.models import EVENT_MODELS
from okta_pki_events.testing import (
    DEFAULT_START,
    EventTypeName,
    deterministic,
    events,
    known_event_type,
    make_event,
    make_event_hook_delivery,
    make_eventbridge_event,
    make_sqs_event,
    make_unknown_event,
    make_wire_event,
    wire_events,
)

# -- types -------------------------------------------------------------------------------------


def test_each_event_type_gives_its_model_statically_and_at_run_time() -> None:
    # checked by mypy --strict (make test): a wrong model here is a type error
    assert_type(make_event("pki.cert.issue"), PkiCertIssueEvent)
    assert_type(make_event("pki.cert.revoke"), PkiCertRevokeEvent)
    alias = make_event("pki.cert.lifecycle.crl_download_failure")
    assert_type(alias, PkiCertCrlDownloadFailureEvent)
    assert_type(events("pki.cert.issue"), SearchStrategy[PkiCertIssueEvent])
    assert_type(events(), SearchStrategy[PkiEvent])
    assert_type(make_unknown_event("pki.cert.quarantine"), UnknownPkiEvent)
    for name in typing.get_args(EventTypeName):
        assert type(make_event(name)) is EVENT_MODELS[name]


@pytest.mark.parametrize("function", [make_event, events])
def test_the_overloads_agree_with_the_catalogue(function: Any) -> None:
    """The overloads are written out for type checkers: they must say what the catalogue says."""
    seen: dict[str, type[Any]] = {}
    for overload in typing_extensions.get_overloads(function):
        hints = typing.get_type_hints(overload, globalns=vars(kit))
        names = typing.get_args(hints["event_type"])
        returned = hints["return"]
        model = typing.get_args(returned)[0] if typing.get_origin(returned) else returned
        for name in names:
            if name is not None:
                seen[name] = model
    assert seen == dict(EVENT_MODELS)
    assert set(typing.get_args(EventTypeName)) == set(EVENT_MODELS)


def test_a_typo_is_a_type_error_and_a_value_error() -> None:
    # the ignores are checked: were the typo not a type error, mypy would call them unused
    with pytest.raises(ValueError, match=r"did you mean 'pki\.cert\.issue'"):
        make_event("pki.cert.isue")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown PKI event type"):
        make_wire_event("pki.cert.isue")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown PKI event type"):
        events("pki.cert.isue")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown PKI event type"):
        wire_events("pki.nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="make_unknown_event"):
        known_event_type("pki.cert.quarantine")


def test_unknown_keywords_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown option 'alternate_id'"):
        make_event("pki.cert.issue", alternate_id="x")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="did you mean 'displayMessage'"):
        make_wire_event("pki.cert.issue", display_message="x")  # type: ignore[call-arg]
    event = make_event("pki.cert.issue", displayMessage="Issued", severity="WARN")
    assert (event.display_message, event.severity) == ("Issued", "WARN")
    assert event.model_extra == {}


def test_unknown_events() -> None:
    cert = make_unknown_event("pki.cert.quarantine", certificate_id="c9")
    assert cert.certificate_target is not None
    assert cert.certificate_target.id == "c9"
    ca = make_unknown_event("pki.ca.rotate", ca_id="ca9")
    assert [t.id for t in ca.ca_targets] == ["ca9"]
    for wrong in ("pki.cert.issue", "user.session.start"):
        with pytest.raises(ValueError, match="not an unknown PKI type"):
            make_unknown_event(wrong)


# -- deterministic mode ------------------------------------------------------------------------


def _dump(items: list[Any]) -> str:
    return json.dumps(items, default=str, sort_keys=True)


def _build() -> list[Any]:
    issue = make_event("pki.cert.issue")
    revoke = make_event("pki.cert.revoke")
    hook = make_event_hook_delivery([issue, revoke])
    bridge = make_eventbridge_event(revoke)
    return [
        issue.model_dump(mode="json"),
        revoke.model_dump(mode="json"),
        make_wire_event("pki.ca.add"),
        hook,
        bridge,
        make_sqs_event([bridge]),
    ]


def test_deterministic_mode_repeats_itself_exactly() -> None:
    with deterministic(seed=3):
        first = _build()
    with deterministic(seed=3):
        again = _build()
    with deterministic(seed=4):
        other = _build()
    assert _dump(first) == _dump(again)
    assert first[0]["uuid"] != other[0]["uuid"]
    assert first[0]["published"] == other[0]["published"]  # times come from the clock only
    uuids = [first[0]["uuid"], first[1]["uuid"], first[2]["uuid"], first[3]["eventId"]]
    assert len(set(uuids)) == 4


def test_deterministic_times_step_from_start_and_explicit_values_win() -> None:
    start = datetime(2025, 5, 1, 12, tzinfo=timezone.utc)
    with deterministic(start=start, step=timedelta(minutes=5)):
        a, b = make_event("pki.cert.issue"), make_event("pki.cert.bind")
        fixed = make_event("pki.cert.renew", uuid="mine", published="2020-01-01T00:00:00.000Z")
        c = make_event("pki.cert.revoke")
    assert [a.published, b.published, c.published] == [
        start,
        start + timedelta(minutes=5),
        start + timedelta(minutes=10),
    ]
    assert (fixed.uuid, fixed.published.year) == ("mine", 2020)


def test_outside_the_block_uuids_are_random_and_times_now() -> None:
    with deterministic():
        inside = make_event("pki.cert.issue")
    before = datetime.now(timezone.utc)
    a, b = make_event("pki.cert.issue"), make_event("pki.cert.issue")
    assert a.uuid != b.uuid
    assert a.published >= before - timedelta(seconds=1)
    assert inside.published == DEFAULT_START


def test_other_threads_are_not_made_deterministic() -> None:
    seen: list[datetime] = []
    with deterministic():
        thread = threading.Thread(target=lambda: seen.append(make_event("pki.cert.bind").published))
        thread.start()
        thread.join()
    assert seen[0] != DEFAULT_START


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": datetime(2024, 1, 1)}, "timezone-aware"),
        ({"step": timedelta(0)}, "positive"),
    ],
)
def test_deterministic_refuses_bad_clocks(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message), deterministic(**kwargs):
        pass  # pragma: no cover


# -- envelopes ---------------------------------------------------------------------------------


def test_event_hook_delivery_is_read_back_as_its_events() -> None:
    built = [make_event(t, uuid=f"h{i}") for i, t in enumerate(EVENT_TYPES[:3])]
    wire = built[1].model_dump(mode="json", by_alias=True, exclude_unset=True)
    body = make_event_hook_delivery([built[0], wire, built[2]])  # models or wire dicts
    assert body["eventType"] == "com.okta.event_hook"
    assert body["source"].startswith("https://example.okta.com/api/v1/eventHooks/")
    records = list(iter_records([json.dumps(body)]))
    assert [r.event for r in records] == built
    assert {type(r.envelope).__name__ for r in records} == {"EventHookDelivery"}


def test_eventbridge_event_is_read_back_as_its_event() -> None:
    event = make_event("pki.cert.revoke", published="2024-08-13T15:58:20.353Z")
    envelope = make_eventbridge_event(event, org="acme.okta.com", stream="pki")
    assert envelope["source"] == "aws.partner/okta.com/acme.okta.com/pki"
    assert envelope["time"] == "2024-08-13T15:58:20Z"
    assert list(iter_events([envelope])) == [event]


def test_sqs_event_carries_its_bodies_as_sqs_does() -> None:
    bridge = make_eventbridge_event(make_event("pki.cert.issue"))
    sqs = make_sqs_event([bridge, "plain text"], queue="q", region="eu-west-1")
    first, second = sqs["Records"]
    assert json.loads(first["body"]) == bridge
    assert second["body"] == "plain text"
    for record in sqs["Records"]:
        assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
        assert record["eventSource"] == "aws:sqs"
        assert record["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:q"
    assert first["messageId"] != second["messageId"]
    assert parse_event(json.loads(first["body"])["detail"]) == make_event_from(bridge)


def make_event_from(bridge: dict[str, Any]) -> Any:
    return parse_event(bridge["detail"])


@settings(max_examples=25, deadline=None)
@given(events())
def test_envelopes_carry_any_event_unchanged(event: Any) -> None:
    assert list(iter_events([make_eventbridge_event(event)])) == [event]
    assert list(iter_events([make_event_hook_delivery([event])])) == [event]
