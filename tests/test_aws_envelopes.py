"""The AWS envelopes: typed models generic in their payload, and the stream opening them.

The fixtures are real AWS event shapes (``tests/fixtures/aws``, see its MANIFEST); the tests
put Okta events in them and keep every other key as AWS sends it.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from typing import Any

import pytest
from pydantic import BaseModel, Json, TypeAdapter

from okta_pki_events import ParseFailure, PkiCertIssueEvent, PkiEvent, Record, iter_records
from okta_pki_events._stream.reader import _PROBE
from okta_pki_events.envelopes import (
    CloudWatchLogsData,
    CloudWatchLogsEvent,
    EventBridgeEvent,
    FirehoseEvent,
    FirehoseRecord,
    SnsEvent,
    SnsNotification,
    SnsRecord,
    SqsEvent,
    SqsRecord,
    detect_envelope,
    open_envelope,
)

from .support import (
    aws_fixture,
    bridge,
    cloudwatch,
    firehose,
    pki,
    sns,
    sns_notification,
    sqs,
    text,
)


def read(document: Any, **options: Any) -> list[Any]:
    """Each item as (uuid, index, envelope type) or ("F", line, index)."""
    out: list[Any] = []
    for item in iter_records([text(document)], on_error="collect", **options):
        if isinstance(item, ParseFailure):
            out.append(("F", item.line, item.index))
        else:
            out.append((item.event.uuid, item.index, type(item.envelope).__name__))
    return out


# -- the models: lossless, and generic in their payload --------------------------------------


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("sqs", SqsEvent),
        ("sns", SnsEvent),
        ("firehose", FirehoseEvent),
        ("cloudwatch_logs", CloudWatchLogsEvent),
        ("eventbridge", EventBridgeEvent),
    ],
)
def test_aws_envelopes_round_trip_losslessly(name: str, model: type[BaseModel]) -> None:
    raw = aws_fixture(name)
    parsed = model.model_validate(raw)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == raw


def test_models_are_generic_in_their_payload() -> None:
    event = bridge(pki(1))
    typed = EventBridgeEvent[PkiEvent].model_validate(event)
    assert isinstance(typed.detail, PkiCertIssueEvent)
    batch = SqsEvent[Json[EventBridgeEvent[PkiEvent]]].model_validate(sqs(text(event)))
    body = batch.records[0].body
    assert body is not None
    assert isinstance(body.detail, PkiCertIssueEvent)

    class Handler(BaseModel):  # a user's own model, holding an envelope
        delivery: SnsEvent[Json[PkiEvent]]

    handled = Handler.model_validate({"delivery": sns(text(pki(2)))})
    message = handled.delivery.records[0].sns.message
    assert isinstance(message, PkiCertIssueEvent)
    raw = FirehoseEvent.model_validate(firehose(text(pki(3)).encode())).records[0]
    assert json.loads(raw.decoded())["uuid"] == "u3"


def test_cloudwatch_data_decodes_zlib_and_gzip_and_refuses_bombs() -> None:
    data = CloudWatchLogsEvent.model_validate(aws_fixture("cloudwatch_logs")).awslogs.data
    assert isinstance(data, CloudWatchLogsData)
    assert data.log_group == "testLogGroup"
    assert data.log_events is not None
    assert [e.message for e in data.log_events] == [
        "[ERROR] First test message",
        "[ERROR] Second test message",
    ]
    bomb = base64.b64encode(gzip.compress(b" " * 20_000_000)).decode()
    with pytest.raises(ValueError, match="more than 16,777,216 bytes"):
        CloudWatchLogsEvent.model_validate({"awslogs": {"data": bomb}})  # decoded on validation
    roomy = CloudWatchLogsEvent.model_validate(cloudwatch("x" * 5000))
    with pytest.raises(ValueError, match="more than 1,000 bytes"):
        roomy.decoded(max_bytes=1000)
    with pytest.raises(ValueError, match="base64"):
        CloudWatchLogsEvent.model_validate({"awslogs": {"data": "%%%"}}).decoded()
    with pytest.raises(ValueError, match="base64"):
        FirehoseRecord.model_validate({"data": "not base64!"}).decoded()


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        (sqs("x"), "sqs"),
        (sns("x"), "sns"),
        (sns_notification("x"), "sns"),
        (firehose(b"x"), "firehose"),
        (aws_fixture("cloudwatch_logs"), "cloudwatch_logs"),
        (bridge(pki(1)), "eventbridge"),
        (pki(1) | sqs("x") | {"awslogs": {"data": ""}}, "log_event"),
    ],
)
def test_detection_reads_only_the_probed_keys(document: Any, kind: str) -> None:
    assert detect_envelope(document) == kind
    assert detect_envelope(_PROBE(text(document))) == kind


# -- the stream: every element its own record, nested envelopes opened -----------------------


def test_sqs_of_eventbridge_events() -> None:
    batch = sqs(text(bridge(pki(1))), text(pki(2)), text(bridge({"uuid": "bad"})), "not json")
    assert read(batch) == [
        ("u1", 0, "EventBridgeEvent"),
        ("u2", 1, "SqsRecord"),
        ("F", 1, 2),
        ("F", 1, 3),
    ]


def test_sns_inside_sqs_inside_a_file_line() -> None:
    note = sns_notification(text(bridge(pki(1))))
    assert read(sqs(text(note), text(sns_notification(text(pki(2)))))) == [
        ("u1", 0, "EventBridgeEvent"),
        ("u2", 1, "SnsNotification"),
    ]


def test_sns_lambda_event() -> None:
    assert read(sns(text(pki(1)), text(bridge(pki(2))))) == [
        ("u1", 0, "SnsRecord"),
        ("u2", 1, "EventBridgeEvent"),
    ]


def test_firehose_batch_with_a_bad_record() -> None:
    batch = firehose(text(bridge(pki(1))).encode(), "%%% not base64", text(pki(2)).encode())
    assert read(batch) == [("u1", 0, "EventBridgeEvent"), ("F", 1, 1), ("u2", 2, "FirehoseRecord")]


def test_cloudwatch_logs_subscription() -> None:
    delivery = cloudwatch(text(pki(1)), "[ERROR] not an event", text(pki(2)))
    data = "CloudWatchLogsData"
    assert read(delivery) == [("u1", 0, data), ("F", 1, 1), ("u2", 2, data)]
    assert read(cloudwatch(message_type="CONTROL_MESSAGE")) == []
    broken = {"awslogs": {"data": base64.b64encode(b"not gzip").decode()}}
    assert read(broken) == [("F", 1, None)]


def test_a_named_envelope_is_the_outer_one_and_its_payloads_are_opened() -> None:
    batch = sqs(text(bridge(pki(1))))
    assert read(batch, envelope="sqs") == [("u1", 0, "EventBridgeEvent")]
    assert read(batch, envelope="sns") == [("F", 1, None)]
    assert read(batch, envelope=None) == [("F", 1, None)]


def test_records_of_an_envelope_are_parsed_alone_and_counted() -> None:
    bodies = [text(bridge(pki(n))) for n in range(50)]
    bodies[17] = text(bridge(pki(17) | {"published": "yesterday"}))
    stream = iter_records([text(sqs(*bodies))], on_error="collect")
    items = list(stream)
    assert sum(isinstance(i, Record) for i in items) == 49
    (failure,) = [i for i in items if isinstance(i, ParseFailure)]
    assert failure.index == 17
    assert "published" in failure.message
    assert stream.stats.read == 50


def test_envelope_models_are_usable_in_type_adapters() -> None:
    adapter = TypeAdapter(list[SqsRecord[Json[SnsNotification[Json[PkiEvent]]]]])
    (record,) = adapter.validate_python([sqs(text(sns_notification(text(pki(4)))))["Records"][0]])
    assert record.body is not None
    assert isinstance(record.body.message, PkiCertIssueEvent)
    assert SnsRecord.model_validate(sns("x")["Records"][0]).sns.message == "x"
    assert copy.deepcopy(record) == record


@pytest.mark.parametrize("records", [5, None, "abc", {"Sns": 1}, [], [{"messageId": "m"}], [5]])
@pytest.mark.parametrize("envelope", ["auto", "sns"])
def test_an_sns_notification_with_a_records_key_that_is_no_batch(
    records: Any, envelope: str
) -> None:
    # detection took it for a notification (its Records hold no SNS record), but opening it
    # read Records as a batch: a TypeError escaped the stream ("Records": 5), or its
    # message was never read (a failure for each item of Records instead)
    event = text(pki(1))
    note = sns_notification(event) | {"Records": records}
    assert detect_envelope(note) == "sns"
    assert read(note, envelope=envelope) == [("u1", None, "SnsNotification")]
    assert read(sqs(text(note))) == [("u1", 0, "SnsNotification")]
    ((position, _, message),) = open_envelope("sns", note)
    assert (position, message) == (None, event)
