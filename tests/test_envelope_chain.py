"""``Record.envelopes``: every envelope a record came in, outermost first (issue 9).

``Record.envelope`` stays the innermost one; the chain tells an SQS message's id and the
EventBridge event inside it apart, whatever the nesting. Real AWS shapes (tests/fixtures/aws).
"""

from __future__ import annotations

from typing import Any

from okta_pki_events import ParseFailure, Record, iter_records
from okta_pki_events.envelopes import (
    CloudWatchLogsData,
    EventBridgeEvent,
    EventHookDelivery,
    FirehoseRecord,
    SnsNotification,
    SnsRecord,
    SqsRecord,
)

from .support import (
    EVENT_HOOK_SAMPLE,
    bridge,
    cloudwatch,
    firehose,
    load_json,
    pki,
    sns,
    sns_notification,
    sqs,
    text,
)


def records(document: Any, **options: Any) -> list[Record[Any]]:
    items = list(iter_records([text(document)], on_error="collect", **options))
    assert not any(isinstance(i, ParseFailure) for i in items), items
    return [i for i in items if isinstance(i, Record)]


def chain(record: Record[Any]) -> list[str]:
    return [type(e).__name__ for e in record.envelopes]


def test_eventbridge_in_sqs_gives_both_outermost_first() -> None:
    (record,) = records(sqs(text(bridge(pki(1)))))
    assert chain(record) == ["SqsRecord", "EventBridgeEvent"]
    outer, inner = record.envelopes
    assert isinstance(outer, SqsRecord)
    assert outer.message_id == "m0"
    assert isinstance(inner, EventBridgeEvent)
    assert record.envelope is inner  # the innermost, as before


def test_eventbridge_in_sns_in_sqs_gives_the_three() -> None:
    note = sns_notification(text(bridge(pki(1))))
    (record,) = records(sqs(text(note)))
    assert chain(record) == ["SqsRecord", "SnsNotification", "EventBridgeEvent"]
    sqs_record, notification, _ = record.envelopes
    assert isinstance(sqs_record, SqsRecord)
    assert isinstance(notification, SnsNotification)
    assert notification.topic_arn == note["TopicArn"]


def test_each_record_of_a_batch_has_its_own_chain() -> None:
    got = records(sqs(text(bridge(pki(1))), text(pki(2)), text(sns_notification(text(pki(3))))))
    assert [chain(r) for r in got] == [
        ["SqsRecord", "EventBridgeEvent"],
        ["SqsRecord"],
        ["SqsRecord", "SnsNotification"],
    ]
    assert [r.envelopes[0].message_id for r in got] == ["m0", "m1", "m2"]  # type: ignore[union-attr]


def test_sns_lambda_firehose_and_cloudwatch_chains() -> None:
    (first, second) = records(sns(text(pki(1)), text(bridge(pki(2)))))
    assert chain(first) == ["SnsRecord"]
    assert chain(second) == ["SnsRecord", "EventBridgeEvent"]
    assert isinstance(second.envelopes[0], SnsRecord)
    (hose,) = records(firehose(text(bridge(pki(3))).encode()))
    assert chain(hose) == ["FirehoseRecord", "EventBridgeEvent"]
    assert isinstance(hose.envelopes[0], FirehoseRecord)
    (logged,) = records(cloudwatch(text(pki(4))))
    assert chain(logged) == ["CloudWatchLogsData"]
    assert isinstance(logged.envelopes[0], CloudWatchLogsData)


def test_bare_events_and_hooks() -> None:
    (bare,) = records(pki(1))
    assert bare.envelopes == ()
    assert bare.envelope is None
    hook: dict[str, Any] = load_json(f"samples/{EVENT_HOOK_SAMPLE}")
    hook["data"]["events"] = [pki(2)]
    (hooked,) = records(hook)
    assert chain(hooked) == ["EventHookDelivery"]
    assert isinstance(hooked.envelope, EventHookDelivery)


def test_an_envelope_whose_metadata_does_not_validate_is_left_out() -> None:
    odd = bridge(pki(1)) | {"time": 5}  # not text: the model refuses it, the event is read
    (record,) = records(sqs(text(odd)))
    assert record.envelope is None
    assert chain(record) == ["SqsRecord"]
