"""CloudWatch Logs through Firehose, control messages, and records nested in nested lists.

A CloudWatch Logs subscription to Firehose delivers each Firehose record's ``data`` as base64
of gzip of the subscription payload (``{"messageType": "DATA_MESSAGE", "logEvents": [...]}``),
which is what a Firehose transformation Lambda receives; CloudWatch Logs also sends a
``CONTROL_MESSAGE`` (one log event of health-check text, no Okta event) to check that the
destination is reachable. A record nested in more than one list (a log event of such a
Firehose record, an element of an array in an SQS message's body) names every position.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from okta_pki_events import ParseFailure, PkiCertIssueEvent, PkiEvent, Record, iter_records
from okta_pki_events.envelopes import (
    CloudWatchLogsData,
    FirehoseEvent,
    FirehoseRecord,
    detect_envelope,
    open_envelope,
)

from .support import bridge, cloudwatch, firehose, pki, run_cli, sqs, text

HEALTH_CHECK = "CWL CONTROL MESSAGE: Checking health of destination Firehose."


def payload(*messages: str, message_type: str = "DATA_MESSAGE") -> dict[str, Any]:
    """A CloudWatch Logs subscription payload (its shape as AWS documents it)."""
    return {
        "messageType": message_type,
        "owner": "123456789012",
        "logGroup": "/okta/system-log",
        "logStream": "pki",
        "subscriptionFilters": ["okta-pki"],
        "logEvents": [
            {"id": f"e{n}", "timestamp": 1510109208016 + n, "message": m}
            for n, m in enumerate(messages)
        ],
    }


def control() -> dict[str, Any]:
    """A CONTROL_MESSAGE as CloudWatch Logs sends it: one log event of health-check text."""
    sent = payload(HEALTH_CHECK, message_type="CONTROL_MESSAGE")
    return sent | {"owner": "CloudwatchLogs", "logGroup": "", "logStream": ""}


def zipped(document: Any) -> bytes:
    return gzip.compress(json.dumps(document).encode())


def broken(n: int) -> dict[str, Any]:
    return pki(n) | {"published": "yesterday"}


def read(document: Any, **options: Any) -> tuple[list[Any], Any]:
    """Each item as (uuid, index, positions, envelope types) or ("F", index, positions,
    message), and the stats."""
    stream = iter_records([text(document)], on_error="collect", **options)
    out: list[Any] = []
    for item in stream:
        if isinstance(item, ParseFailure):
            out.append(("F", item.index, item.positions, item.message))
        else:
            kinds = [type(e).__name__ for e in item.envelopes]
            out.append((item.event.uuid, item.index, item.positions, kinds))
    return out, stream.stats


# -- Firehose records carrying CloudWatch Logs data ---------------------------------------


@pytest.mark.parametrize("envelope", ["auto", "firehose"])
def test_a_firehose_record_of_cloudwatch_logs_data_is_unzipped_and_its_events_read(
    envelope: str,
) -> None:
    logs = payload(text(pki(2)), text(broken(3)), text(bridge(pki(4))))
    batch = firehose(text(pki(1)).encode(), zipped(logs), zipped(control()))
    items, stats = read(batch, envelope=envelope)
    hosed = ["FirehoseRecord", "CloudWatchLogsData"]
    assert items[0] == ("u1", 0, (), ["FirehoseRecord"])
    assert items[1] == ("u2", 1, (1, 0), hosed)
    failure = items[2]
    assert failure[:3] == ("F", 1, (1, 1))
    assert failure[3].startswith("<input>:1[1][1]: published: ")
    assert items[3] == ("u4", 1, (1, 2), [*hosed, "EventBridgeEvent"])
    assert len(items) == 4  # the control message carries no event
    assert (stats.read, stats.parsed, stats.failed) == (4, 3, 1)


def test_the_envelope_models_of_the_chain_are_kept() -> None:
    batch = firehose(zipped(payload(text(pki(1)))))
    (record,) = iter_records([text(batch)])
    hose, logs = record.envelopes
    assert isinstance(hose, FirehoseRecord)
    assert hose.record_id == "r0"
    assert isinstance(logs, CloudWatchLogsData)
    assert logs.log_group == "/okta/system-log"
    assert record.envelope is logs


def test_gzip_that_is_broken_or_too_big_fails_alone() -> None:
    bomb = gzip.compress(b" " * 3_000_000)  # within JSON's blanks: only its size is wrong
    batch = firehose(
        b"\x1f\x8bnot gzip", bomb, zipped(payload(text(pki(1)))), gzip.compress(b"{"), b"[1]"
    )
    items, stats = read(batch, max_record_bytes=1_000_000)
    assert [item[:3] for item in items] == [
        ("F", 0, ()),
        ("F", 1, ()),
        ("u1", 2, (2, 0)),
        ("F", 3, ()),
        ("F", 4, (4, 0)),  # an array: its element 0 is no event
    ]
    assert "records[0].data: the data is not valid gzip" in items[0][3]
    assert "records[1].data: the data decompresses to more than 1,000,000 bytes" in items[1][3]
    assert (stats.read, stats.parsed, stats.failed) == (5, 1, 4)


def test_a_payload_whose_log_events_are_no_array_is_one_failure() -> None:
    odd = {"messageType": "DATA_MESSAGE", "logEvents": {"message": text(pki(1))}}
    items, stats = read(firehose(zipped(odd), text(pki(2)).encode()))
    assert items[0][:3] == ("F", 0, ())
    assert "logEvents is not an array" in items[0][3]
    assert items[1] == ("u2", 1, (), ["FirehoseRecord"])
    assert (stats.read, stats.failed) == (2, 1)


def test_gzip_of_an_event_is_that_event() -> None:
    # the magic bytes decide gzip; what it holds is then read as any record's data is
    items, _ = read(firehose(zipped(pki(1))))
    assert items == [("u1", 0, (), ["FirehoseRecord"])]


def test_a_decoded_subscription_payload_is_known_by_its_own_keys() -> None:
    # Firehose with decompression on writes the payloads out as JSON: a line of such a file
    event = text(pki(1))
    logs = payload(event, "not an event")
    assert detect_envelope(logs) == "cloudwatch_logs"
    assert detect_envelope(pki(1) | {"messageType": "x", "logEvents": []}) == "log_event"
    for envelope in ("auto", "cloudwatch_logs"):
        items, _ = read(logs, envelope=envelope)
        assert items[0] == ("u1", 0, (), ["CloudWatchLogsData"])
        assert items[1][:3] == ("F", 1, ())
    assert [p for _, _, p in open_envelope("cloudwatch_logs", logs)] == [event, "not an event"]


# -- control messages -----------------------------------------------------------------------


def test_a_control_message_carries_no_event_however_it_arrives() -> None:
    wrapped = {"awslogs": {"data": base64.b64encode(zipped(control())).decode()}}
    for document in (wrapped, control(), firehose(zipped(control()))):
        items, stats = read(document)
        assert items == []
        assert (stats.read, stats.failed) == (0, 0)


def test_a_data_message_with_the_health_check_text_is_read_as_any_other() -> None:
    # only the payload's own messageType says it is a control message
    items, _ = read(cloudwatch(HEALTH_CHECK, text(pki(1))))
    assert items[0][:3] == ("F", 0, ())
    assert items[1][:3] == ("u1", 1, ())


# -- typed: FirehoseEvent[CloudWatchLogsData[PkiEvent]] -----------------------------------


def test_the_typed_firehose_model_unzips_cloudwatch_logs_data() -> None:
    batch = firehose(zipped(payload(text(pki(1)))))
    hosed = FirehoseEvent[CloudWatchLogsData[PkiEvent]].model_validate(batch)
    data = hosed.records[0].data
    assert data is not None
    (logged,) = data.log_events or []
    assert isinstance(logged.message, PkiCertIssueEvent)
    # written back as it arrived
    assert hosed.model_dump(mode="json", by_alias=True, exclude_unset=True) == batch
    events = FirehoseEvent[PkiEvent].model_validate(firehose(zipped(pki(3))))
    assert isinstance(events.records[0].data, PkiCertIssueEvent)
    raw = FirehoseEvent[bytes].model_validate(firehose(zipped(pki(3))))
    assert (raw.records[0].data or b"")[:2] == b"\x1f\x8b"  # bytes: as they arrived


# -- a record nested in more than one list names every position ---------------------------


def test_an_array_in_an_sqs_body_keeps_the_message_index() -> None:
    batch = sqs(text(pki(1)), text([pki(2), broken(3), "text"]))
    items, stats = read(batch)
    assert items[0] == ("u1", 0, (), ["SqsRecord"])
    assert items[1] == ("u2", 1, (1, 0), ["SqsRecord"])
    assert items[2][:3] == ("F", 1, (1, 1))
    assert items[2][3].startswith("<input>:1[1][1]: published: ")
    assert items[3][:3] == ("F", 1, (1, 2))
    assert items[3][3].startswith("<input>:1[1][2]: ")
    assert (stats.read, stats.parsed, stats.failed) == (4, 2, 2)


def test_a_hook_in_an_sqs_body_and_a_page_of_batches_keep_every_position() -> None:
    hook = {"data": {"events": [broken(1), pki(2)]}}
    items, _ = read(sqs(text(pki(0)), text(hook)))
    assert items[1][:3] == ("F", 1, (1, 0))
    assert items[2] == ("u2", 1, (1, 1), ["SqsRecord", "EventHookDelivery"])
    # an array of batches, streamed element by element: the batch's index first
    page = [sqs(text(pki(3))), sqs(text(pki(4)), text(broken(5)))]
    items, _ = read(page)
    assert items[0] == ("u3", 0, (0, 0), ["SqsRecord"])
    assert items[1] == ("u4", 1, (1, 0), ["SqsRecord"])
    assert items[2][:3] == ("F", 1, (1, 1))


def test_a_single_payload_envelope_keeps_the_element_index_alone() -> None:
    # EventBridge in an SQS message: one position (the message's), as before
    items, _ = read(sqs(text(pki(0)), text(bridge(broken(1)))))
    assert items[1][:3] == ("F", 1, ())
    assert items[1][3].startswith("<input>:1[1]: published: ")


# -- through the command line ------------------------------------------------------------


def test_the_cli_reads_cloudwatch_logs_through_firehose_and_names_each_position(
    tmp_path: Path,
) -> None:
    logs = payload(text(pki(2)), text(broken(3)))
    batch = firehose(text(pki(1)).encode(), zipped(logs), zipped(control()))
    path = tmp_path / "firehose.json"
    path.write_text(text(batch) + "\n")
    done = run_cli("validate", path)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout.decode().strip().splitlines()
    assert out[0].startswith(f"{path}:1[1][1]: published: ")
    assert out[-1] == "3 records: 2 valid, 1 invalid"
    assert b"Traceback" not in done.stderr


def test_records_of_a_plain_record_have_no_positions() -> None:
    (record,) = iter_records([text(pki(1))])
    assert isinstance(record, Record)
    assert (record.index, record.positions) == (None, ())
