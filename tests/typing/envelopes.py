"""What a type checker infers from the AWS envelopes parametrised by the event type: each
``assert_type`` holds under mypy --strict and under pyright (``make typecheck``).

The functions are never called: what is checked is what the checkers infer.
"""

from __future__ import annotations

from typing import Union

from typing_extensions import assert_type

from okta_pki_events import PkiEvent
from okta_pki_events.envelopes import CloudWatchLogsData, CloudWatchLogsEvent, FirehoseEvent


def firehose_data_is_the_event(raw: bytes) -> None:
    """``FirehoseEvent[PkiEvent]``: each record's data is the event (base64 decoded)."""
    batch = FirehoseEvent[PkiEvent].model_validate_json(raw)
    assert_type(batch.records[0].data, Union[PkiEvent, None])
    assert_type(FirehoseEvent.model_validate_json(raw).records[0].data, Union[str, None])


def cloudwatch_messages_are_the_events(raw: bytes) -> None:
    """``CloudWatchLogsEvent[PkiEvent]``: the decoded data, its messages the events."""
    delivery = CloudWatchLogsEvent[PkiEvent].model_validate_json(raw)
    assert_type(delivery.awslogs.data, CloudWatchLogsData[PkiEvent])
    events = delivery.awslogs.data.log_events or []
    assert_type(events[0].message, Union[PkiEvent, None])
    plain = CloudWatchLogsEvent.model_validate_json(raw).awslogs.data.log_events or []
    assert_type(plain[0].message, Union[str, None])
