"""Firehose and CloudWatch Logs models generic in their payload, as the other envelopes are.

``FirehoseEvent[PkiEvent]`` validates each record's base64 ``data`` into a typed event,
``CloudWatchLogsEvent[PkiEvent]`` the base64 gzip ``awslogs.data`` into its log events and
their messages; both usable inside one's own pydantic model. Real AWS shapes
(tests/fixtures/aws, aws-lambda-powertools' events).
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

import pytest
from pydantic import BaseModel, Json, ValidationError

from okta_pki_events import PkiCertIssueEvent, PkiEvent
from okta_pki_events.envelopes import (
    CloudWatchLogEvent,
    CloudWatchLogsData,
    CloudWatchLogsEvent,
    EventBridgeEvent,
    FirehoseEvent,
    FirehoseRecord,
)

from .support import aws_fixture, bridge, cloudwatch, firehose, pki, text


def test_firehose_records_validate_into_typed_events() -> None:
    first = text(pki(1)).encode()
    batch = firehose(first, text(pki(2)).encode())
    typed = FirehoseEvent[PkiEvent].model_validate(batch)
    assert [type(r.data) for r in typed.records] == [PkiCertIssueEvent, PkiCertIssueEvent]
    assert [r.data.uuid for r in typed.records if r.data is not None] == ["u1", "u2"]
    assert typed.records[0].record_id == "r0"  # the metadata as before
    # as JSON text too, and through pydantic's Json, and as the bytes
    assert FirehoseEvent[PkiEvent].model_validate_json(text(batch)).records[1].data is not None
    wrapped = FirehoseEvent[Json[PkiEvent]].model_validate(batch).records[0].data
    assert isinstance(wrapped, PkiCertIssueEvent)
    assert FirehoseEvent[bytes].model_validate(batch).records[0].data == first


def test_an_unparametrised_firehose_record_keeps_its_base64_text() -> None:
    batch = aws_fixture("firehose")
    raw = FirehoseEvent.model_validate(batch)
    assert raw.records[0].data == batch["records"][0]["data"]
    assert raw.model_dump(mode="json", by_alias=True, exclude_unset=True) == batch


def test_a_bad_firehose_record_names_its_path() -> None:
    batch = firehose(text(pki(1)).encode(), "%%% not base64", b"not json")
    with pytest.raises(ValidationError) as info:
        FirehoseEvent[PkiEvent].model_validate(batch)
    paths = [error["loc"] for error in info.value.errors()]
    assert ("records", 1, "data") in paths
    assert ("records", 2, "data") in paths
    assert "base64" in str(info.value)


def test_firehose_of_eventbridge_events() -> None:
    batch = firehose(text(bridge(pki(3))).encode())
    record = FirehoseRecord[EventBridgeEvent[PkiEvent]].model_validate(batch["records"][0])
    assert record.data is not None
    assert isinstance(record.data.detail, PkiCertIssueEvent)


def test_cloudwatch_logs_validate_into_typed_events() -> None:
    delivery = cloudwatch(text(pki(1)), text(pki(2)))
    typed = CloudWatchLogsEvent[PkiEvent].model_validate(delivery)
    data = typed.awslogs.data
    assert isinstance(data, CloudWatchLogsData)
    assert data.log_events is not None
    messages = [e.message for e in data.log_events]
    assert all(isinstance(m, PkiCertIssueEvent) for m in messages)
    assert [m.uuid for m in messages if m is not None] == ["u1", "u2"]
    assert data.log_group == "testLogGroup"


def test_an_unparametrised_cloudwatch_delivery_is_decoded_and_round_trips() -> None:
    raw = aws_fixture("cloudwatch_logs")
    delivery = CloudWatchLogsEvent.model_validate(raw)
    assert isinstance(delivery.awslogs.data, CloudWatchLogsData)
    assert delivery.awslogs.data.log_events is not None
    assert delivery.awslogs.data.log_events[0].message == "[ERROR] First test message"
    # written back as it arrived (the base64 text kept), and decoded() as before
    assert delivery.model_dump(mode="json", by_alias=True, exclude_unset=True) == raw
    assert delivery.model_dump_json(by_alias=True, exclude_unset=True) == text(raw).replace(" ", "")
    assert delivery.decoded() == delivery.awslogs.data


def test_a_cloudwatch_delivery_built_in_code_is_written_encoded() -> None:
    data = CloudWatchLogsData[str](log_group="g", log_events=[CloudWatchLogEvent[str](message="m")])
    built = CloudWatchLogsEvent.model_validate({"awslogs": {"data": data}})
    wire = built.model_dump(mode="json", by_alias=True)
    again = CloudWatchLogsEvent.model_validate(wire)
    assert again.awslogs.data.log_group == "g"
    assert again.awslogs.data.log_events == [CloudWatchLogEvent[str](message="m")]


def test_bad_cloudwatch_data_is_a_validation_error_never_a_crash() -> None:
    bomb = base64.b64encode(gzip.compress(b" " * 40_000_000)).decode()
    for data in (bomb, "%%%", base64.b64encode(b"not gzip").decode()):
        with pytest.raises(ValidationError) as info:
            CloudWatchLogsEvent.model_validate({"awslogs": {"data": data}})
        assert info.value.errors()[0]["loc"] == ("awslogs", "data")
    bad_message = cloudwatch(text(pki(1)), "[ERROR] not an event")
    with pytest.raises(ValidationError) as info:
        CloudWatchLogsEvent[PkiEvent].model_validate(bad_message)
    assert info.value.errors()[0]["loc"][:4] == ("awslogs", "data", "logEvents", 1)


def test_typed_envelopes_inside_a_users_own_model() -> None:
    class Handler(BaseModel):
        logs: CloudWatchLogsEvent[PkiEvent]
        hose: FirehoseEvent[PkiEvent]

    handled = Handler.model_validate(
        {"logs": cloudwatch(text(pki(1))), "hose": firehose(text(pki(2)).encode())}
    )
    assert handled.logs.awslogs.data.log_events is not None
    assert isinstance(handled.logs.awslogs.data.log_events[0].message, PkiCertIssueEvent)
    assert isinstance(handled.hose.records[0].data, PkiCertIssueEvent)


@pytest.mark.parametrize(
    "model_type",
    [FirehoseEvent[PkiEvent], FirehoseEvent[bytes], FirehoseEvent[Json[PkiEvent]], FirehoseEvent],
)
def test_a_parametrised_firehose_batch_is_written_back_as_it_arrived(model_type: Any) -> None:
    # the base64 text as it arrived (not the decoded event), from Python and from JSON
    batch = firehose(text(pki(1)).encode(), text(pki(2)).encode())
    model = model_type.model_validate(batch)
    assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == batch
    assert model.model_dump(by_alias=True, exclude_unset=True) == batch
    again = model_type.model_validate_json(model.model_dump_json(by_alias=True, exclude_unset=True))
    assert again == model
    assert model.records[1].decoded() == base64.b64decode(batch["records"][1]["data"])


def test_a_firehose_record_built_in_code_is_written_encoded() -> None:
    event = FirehoseRecord[PkiEvent].model_validate({"data": base64_of(pki(3))}).data
    assert isinstance(event, PkiCertIssueEvent)
    built = FirehoseRecord[PkiEvent](recordId="r9", data=event)
    wire = built.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert wire["recordId"] == "r9"
    assert isinstance(wire["data"], str)  # base64 of the event's JSON
    assert FirehoseRecord[PkiEvent].model_validate(wire).data == event
    # a copy with another payload writes that payload, not the text of the one before
    other = FirehoseRecord[PkiEvent].model_validate({"data": base64_of(pki(4))})
    swapped = other.model_copy(update={"data": event})
    assert FirehoseRecord[PkiEvent].model_validate(swapped.model_dump(by_alias=True)).data == event
    assert FirehoseRecord[bytes](data=b"\x00raw").model_dump()["data"] == "AHJhdw=="


def test_cloudwatch_messages_are_written_back_as_text() -> None:
    messages = [text(pki(1)), text(pki(2))]
    delivery = cloudwatch(*messages)
    typed = CloudWatchLogsEvent[PkiEvent].model_validate(delivery)
    assert typed.model_dump(mode="json", by_alias=True) == delivery
    data = typed.awslogs.data
    assert data.log_events is not None
    # the decoded data on its own: each message as the text it arrived as
    dumped = data.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert [e["message"] for e in dumped["logEvents"]] == messages
    # a delivery built in code writes messages as text too (read back unparametrised)
    event = data.log_events[0].message
    built = CloudWatchLogsData[PkiEvent](log_events=[CloudWatchLogEvent[PkiEvent](message=event)])
    wire = (
        CloudWatchLogsEvent[PkiEvent]
        .model_validate({"awslogs": {"data": built}})
        .model_dump(mode="json", by_alias=True)
    )
    (message,) = [
        e.message for e in CloudWatchLogsEvent.model_validate(wire).decoded().log_events or ()
    ]
    assert isinstance(message, str)
    assert CloudWatchLogEvent[PkiEvent].model_validate({"message": message}).message == event


def base64_of(value: object) -> str:
    return base64.b64encode(text(value).encode()).decode()
