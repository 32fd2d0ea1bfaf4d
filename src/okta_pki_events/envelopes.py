"""The envelopes events are delivered in, as typed models, and how each is opened.

- ``SystemLogPage``: a page of ``GET /api/v1/logs`` (a JSON array).
- ``EventHookDelivery``: the POST body of an Okta event hook (``data.events``).
- ``EventBridgeEvent``: an AWS EventBridge event from Log Streaming (``detail`` is the event).
- ``SqsEvent`` / ``SqsRecord``: an AWS SQS batch as Lambda receives it (``Records[].body``).
- ``SnsEvent`` / ``SnsRecord`` / ``SnsNotification``: an AWS SNS batch as Lambda receives it
  (``Records[].Sns.Message``), or one notification (as SQS receives it from SNS).
- ``FirehoseEvent`` / ``FirehoseRecord``: an Amazon Data Firehose transformation batch
  (``records[].data``, base64; ``FirehoseEvent[PkiEvent]`` decodes and validates it).
- ``CloudWatchLogsEvent`` / ``CloudWatchLogsData``: a CloudWatch Logs subscription delivery
  (``awslogs.data``: base64 of gzip of JSON, decoded on validation, whose
  ``logEvents[].message`` are the events; ``CloudWatchLogsEvent[PkiEvent]`` validates them).

Each model is generic in its payload, so it can be used in one's own pydantic models:
``EventBridgeEvent[PkiEvent]``, ``SqsEvent[Json[EventBridgeEvent[PkiEvent]]]``,
``FirehoseEvent[PkiEvent]``, ``CloudWatchLogsEvent[PkiEvent]``. Unparametrised,
a payload is kept raw (a JSON object, or the text as it arrived), so that one bad event never
makes a whole envelope unreadable; ``iter_events`` opens envelopes with ``open_envelope`` and
parses each event on its own. Like the event models, envelopes are frozen, keep unknown keys
and round-trip losslessly.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Generic, Literal, Union, get_args, get_origin

from pydantic import (
    ConfigDict,
    Field,
    Json,
    ModelWrapValidatorHandler,
    PrivateAttr,
    RootModel,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import from_json, to_json
from typing_extensions import TypedDict, TypeVar

from ._parsing import _records_with, envelope_of
from .models._base import JsonObject, OktaModel, StrOrInt

__all__ = [
    "ENVELOPE_NAMES",
    "EVENTBRIDGE_SOURCE_PREFIX",
    "EVENT_HOOK_EVENT_TYPE",
    "CloudWatchLogEvent",
    "CloudWatchLogsData",
    "CloudWatchLogsEvent",
    "Envelope",
    "EnvelopeKeys",
    "EnvelopeKind",
    "EnvelopeName",
    "EventBridgeEvent",
    "EventHookData",
    "EventHookDelivery",
    "FirehoseEvent",
    "FirehoseRecord",
    "SnsEvent",
    "SnsNotification",
    "SnsRecord",
    "SqsEvent",
    "SqsRecord",
    "SystemLogPage",
    "detect_envelope",
    "open_envelope",
    "unwrap",
]

EVENTBRIDGE_SOURCE_PREFIX = "aws.partner/okta.com/"
"""The ``source`` of every EventBridge event from Okta Log Streaming starts with this."""

EVENT_HOOK_EVENT_TYPE = "com.okta.event_hook"
"""The ``eventType`` of an event-hook delivery (the envelope, not its events)."""

# The messageType of a CloudWatch Logs payload that checks its destination (no events)
_CONTROL_MESSAGE = "CONTROL_MESSAGE"

_GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of gzip data

EnvelopeName = Literal[
    "api_page", "event_hook", "eventbridge", "sqs", "sns", "firehose", "cloudwatch_logs"
]
"""An envelope by name, as ``iter_events(..., envelope=...)`` takes it."""

ENVELOPE_NAMES: tuple[EnvelopeName, ...] = (
    "api_page",
    "event_hook",
    "eventbridge",
    "sqs",
    "sns",
    "firehose",
    "cloudwatch_logs",
)
"""Every envelope name."""

EnvelopeKind = Union[Literal["log_event"], EnvelopeName]
"""What a decoded JSON document is: a bare LogEvent or one of the envelopes."""

EnvelopeKeys = TypedDict(
    "EnvelopeKeys",
    {
        "uuid": Any,
        "eventType": Any,
        "detail": Any,
        "detail-type": Any,
        "source": Any,
        "data": Any,
        "Records": Any,
        "Type": Any,
        "Message": Any,
        "TopicArn": Any,
        "records": Any,
        "awslogs": Any,
        "messageType": Any,
        "logEvents": Any,
    },
    total=False,
)
"""The top-level keys that tell an event from an envelope: all ``detect_envelope`` reads.

A stream reads these keys of each record (and skips the values of every other key) to tell
an event from an envelope without decoding the record.
"""
EnvelopeKeys.__doc__ = (  # for help() and IDEs: a TypedDict call sets no docstring
    "The top-level keys that tell an event from an envelope: all ``detect_envelope`` reads "
    "(a stream reads only these keys of each record)."
)

PayloadT = TypeVar("PayloadT", default=JsonObject)
"""The type of an envelope's events: raw JSON objects unless parametrised."""

TextT = TypeVar("TextT", default=str)
"""The type of a payload that arrives as text (an SQS body, an SNS message): text unless
parametrised (``Json[EventBridgeEvent[PkiEvent]]`` parses it)."""


class SystemLogPage(RootModel[list[PayloadT]], Generic[PayloadT]):
    """One page of ``GET /api/v1/logs``: a JSON array of LogEvents."""

    root: list[PayloadT] = Field(description="The LogEvents of the page.")


class EventHookData(OktaModel, Generic[PayloadT]):
    """The ``data`` of an event-hook delivery."""

    events: list[PayloadT] | None = Field(
        None, description="The LogEvents delivered (raw JSON objects unless parametrised)."
    )


class EventHookDelivery(OktaModel, Generic[PayloadT]):
    """The POST body Okta sends to an event hook (a CloudEvents envelope)."""

    event_type: str | None = Field(
        None, description="Type of the delivery: com.okta.event_hook (not the events' type)."
    )
    event_type_version: StrOrInt | None = Field(
        None, description="Version of the delivery format (kept as it arrived: text or number)."
    )
    cloud_events_version: StrOrInt | None = Field(
        None, description="CloudEvents version (kept as it arrived: text or number)."
    )
    source: str | None = Field(None, description="The event hook's URL in the Okta org.")
    event_id: str | None = Field(None, description="Unique ID of the delivery.")
    event_time: str | None = Field(
        None, description="When the delivery was sent (ISO 8601 text, kept as it arrived)."
    )
    content_type: str | None = Field(None, description="Content type of data, application/json.")
    data: EventHookData[PayloadT] | None = Field(None, description="The delivered events.")

    @property
    def raw_events(self) -> list[PayloadT]:
        """The delivered events (empty when there are none)."""
        return list(self.data.events or ()) if self.data is not None else []


class EventBridgeEvent(OktaModel, Generic[PayloadT]):
    """An AWS EventBridge event (Okta Log Streaming): ``detail`` is one LogEvent."""

    version: StrOrInt | None = Field(
        None, description='EventBridge envelope version, "0" (kept as it arrived: text or number).'
    )
    id: str | None = Field(None, description="EventBridge event ID.")
    detail_type: str | None = Field(
        None,
        alias="detail-type",
        description="Undocumented by Okta (seen as SystemLog and others).",
    )
    source: str | None = Field(
        None, description="aws.partner/okta.com/<org>/<name> for Okta Log Streaming."
    )
    account: str | None = Field(None, description="AWS account ID.")
    time: str | None = Field(None, description="When EventBridge received the event (text).")
    region: str | None = Field(None, description="AWS region.")
    resources: list[Any] | None = Field(None, description="AWS resources (usually empty).")
    detail: PayloadT | None = Field(
        None, description="The LogEvent (a raw JSON object unless parametrised)."
    )


class AwsModel(OktaModel):
    """Base of the AWS envelopes: as ``OktaModel``, but every wire name given explicitly."""

    model_config = ConfigDict(alias_generator=None)


class SqsRecord(AwsModel, Generic[TextT]):
    """One message of an SQS batch, as Lambda receives it."""

    message_id: str | None = Field(None, alias="messageId", description="SQS message ID.")
    receipt_handle: str | None = Field(
        None, alias="receiptHandle", description="Handle to delete the message with."
    )
    body: TextT | None = Field(
        None, description="The message body: text unless parametrised (Json[...] parses it)."
    )
    attributes: JsonObject | None = Field(None, description="SQS system attributes.")
    message_attributes: JsonObject | None = Field(
        None, alias="messageAttributes", description="The sender's message attributes."
    )
    md5_of_body: str | None = Field(None, alias="md5OfBody", description="MD5 of the body.")
    event_source: str | None = Field(None, alias="eventSource", description="aws:sqs.")
    event_source_arn: str | None = Field(
        None, alias="eventSourceARN", description="ARN of the queue."
    )
    aws_region: str | None = Field(None, alias="awsRegion", description="AWS region.")


class SqsEvent(AwsModel, Generic[TextT]):
    """An SQS batch, as Lambda receives it: ``Records``."""

    records: list[SqsRecord[TextT]] = Field(alias="Records", description="The messages.")


class SnsNotification(AwsModel, Generic[TextT]):
    """One SNS notification (as Lambda gets it in ``Sns``, or SQS in a message body)."""

    type: str | None = Field(None, alias="Type", description="Notification.")
    message_id: str | None = Field(None, alias="MessageId", description="SNS message ID.")
    topic_arn: str | None = Field(None, alias="TopicArn", description="ARN of the topic.")
    subject: str | None = Field(None, alias="Subject", description="The subject, if any.")
    message: TextT | None = Field(
        None, alias="Message", description="The message: text unless parametrised."
    )
    timestamp: str | None = Field(None, alias="Timestamp", description="When it was published.")
    signature_version: str | None = Field(
        None, alias="SignatureVersion", description="Version of the signature."
    )
    signature: str | None = Field(None, alias="Signature", description="The signature.")
    signing_cert_url: str | None = Field(
        None, alias="SigningCertUrl", description="URL of the signing certificate (Lambda)."
    )
    unsubscribe_url: str | None = Field(
        None, alias="UnsubscribeUrl", description="URL to unsubscribe (Lambda)."
    )
    message_attributes: JsonObject | None = Field(
        None, alias="MessageAttributes", description="The sender's message attributes."
    )


class SnsRecord(AwsModel, Generic[TextT]):
    """One record of an SNS batch, as Lambda receives it."""

    event_source: str | None = Field(None, alias="EventSource", description="aws:sns.")
    event_version: str | None = Field(None, alias="EventVersion", description="Version.")
    event_subscription_arn: str | None = Field(
        None, alias="EventSubscriptionArn", description="ARN of the subscription."
    )
    sns: SnsNotification[TextT] = Field(alias="Sns", description="The notification.")


class SnsEvent(AwsModel, Generic[TextT]):
    """An SNS batch, as Lambda receives it: ``Records``."""

    records: list[SnsRecord[TextT]] = Field(alias="Records", description="The notifications.")


class FirehoseRecord(AwsModel, Generic[TextT]):
    """One record of an Amazon Data Firehose transformation batch.

    Unparametrised, ``data`` is the base64 text as it arrived (``decoded()`` gives the
    bytes); ``FirehoseRecord[bytes]`` decodes it; ``FirehoseRecord[PkiEvent]`` (any other
    type) decodes it and validates its JSON into that type. Either way it is written back as
    the base64 text it arrived as (data set in code is encoded: bytes, or its JSON).
    """

    record_id: str | None = Field(None, alias="recordId", description="Firehose record ID.")
    approximate_arrival_timestamp: int | float | None = Field(
        None, alias="approximateArrivalTimestamp", description="Arrival time (epoch ms)."
    )
    data: TextT | None = Field(
        None,
        description="The record's data: base64 text unless parametrised (then decoded, and "
        "validated as the type parameter).",
    )
    kinesis_record_metadata: JsonObject | None = Field(
        None, alias="kinesisRecordMetadata", description="Kinesis metadata, from a stream."
    )

    _wire: tuple[str, Any] | None = PrivateAttr(None)

    @field_validator("data", mode="before")
    @classmethod
    def _decode_data(cls, value: Any) -> Any:
        return _typed_payload(cls, value, _b64decode, unzip=True)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_wire(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return _kept(handler(value), value, "data")

    @field_serializer("data")
    def _encode_data(self, data: Any) -> Any:
        return _written(self._wire, data, _b64encode)

    def decoded(self) -> bytes:
        """The record's data, base64-decoded. Raises ``ValueError`` when it is not base64.

        Parametrised, the data as it arrived (as it was built: encoded as it is written).
        """
        written = _written(self._wire, self.data, _b64encode)
        return _b64decode(written)


class FirehoseEvent(AwsModel, Generic[TextT]):
    """An Amazon Data Firehose transformation batch, as Lambda receives it."""

    invocation_id: str | None = Field(None, alias="invocationId", description="Invocation ID.")
    delivery_stream_arn: str | None = Field(
        None, alias="deliveryStreamArn", description="ARN of the delivery stream."
    )
    source_kinesis_stream_arn: str | None = Field(
        None, alias="sourceKinesisStreamArn", description="ARN of the source stream, if any."
    )
    region: str | None = Field(None, description="AWS region.")
    records: list[FirehoseRecord[TextT]] = Field(description="The records.")


class CloudWatchLogEvent(AwsModel, Generic[TextT]):
    """One log event of a CloudWatch Logs subscription delivery."""

    id: str | None = Field(None, description="Log event ID.")
    timestamp: int | None = Field(None, description="When it was logged (epoch ms).")
    message: TextT | None = Field(
        None,
        description="The logged text (an Okta event's JSON): text unless parametrised "
        "(then validated as the type parameter).",
    )

    _wire: tuple[str, Any] | None = PrivateAttr(None)

    @field_validator("message", mode="before")
    @classmethod
    def _decode_message(cls, value: Any) -> Any:
        return _typed_payload(cls, value, _utf8)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_wire(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return _kept(handler(value), value, "message")

    @field_serializer("message")
    def _encode_message(self, message: Any) -> Any:
        return _written(self._wire, message, _text)


class CloudWatchLogsData(AwsModel, Generic[TextT]):
    """The decoded ``awslogs.data`` of a CloudWatch Logs subscription delivery."""

    message_type: str | None = Field(
        None, alias="messageType", description="DATA_MESSAGE, or CONTROL_MESSAGE (no events)."
    )
    owner: str | None = Field(None, description="AWS account ID of the log group.")
    log_group: str | None = Field(None, alias="logGroup", description="The log group.")
    log_stream: str | None = Field(None, alias="logStream", description="The log stream.")
    subscription_filters: list[str] | None = Field(
        None, alias="subscriptionFilters", description="The subscription filters that matched."
    )
    log_events: list[CloudWatchLogEvent[TextT]] | None = Field(
        None, alias="logEvents", description="The log events."
    )


class CloudWatchLogsAwslogs(AwsModel, Generic[TextT]):
    """The ``awslogs`` object of a CloudWatch Logs subscription delivery."""

    data: CloudWatchLogsData[TextT] = Field(
        description="The log data, decoded from the base64 of gzip of its JSON as it arrived "
        "(written back as it arrived)."
    )
    _wire: tuple[str, Any] | None = PrivateAttr(None)

    @field_validator("data", mode="before")
    @classmethod
    def _decode_data(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return from_json(_gunzip_bounded(_b64decode(value), _MAX_DECODED_BYTES))

    @model_validator(mode="wrap")
    @classmethod
    def _keep_wire(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return _kept(handler(value), value, "data")

    @field_serializer("data")
    def _encode_data(self, data: CloudWatchLogsData[TextT]) -> str:
        wire = self._wire
        if wire is not None and wire[1] is data:
            return wire[0]
        text = data.model_dump_json(by_alias=True, exclude_unset=True)
        return base64.b64encode(gzip.compress(text.encode("utf-8"))).decode("ascii")


class CloudWatchLogsEvent(AwsModel, Generic[TextT]):
    """A CloudWatch Logs subscription delivery, as Lambda receives it: ``awslogs.data``.

    The data is decoded on validation (base64, then gzip, at most 16 MiB: a larger one is a
    validation error) and written back as it arrived. ``CloudWatchLogsEvent[PkiEvent]``
    validates each log event's message into that type; unparametrised, messages are text.
    """

    awslogs: CloudWatchLogsAwslogs[TextT] = Field(
        description="The log data (base64 gzip JSON on the wire)."
    )

    def decoded(self, max_bytes: int = 16 * 1024 * 1024) -> CloudWatchLogsData[TextT]:
        """The log data (``awslogs.data``, decoded on validation).

        Raises ``ValueError`` when it decompresses to more than ``max_bytes``: the limit of
        validation is 16 MiB; a smaller one is checked on the data as it arrived.
        """
        data = self.awslogs.data
        wire = self.awslogs._wire
        if max_bytes < _MAX_DECODED_BYTES and wire is not None and wire[1] is data:
            _gunzip_bounded(_b64decode(wire[0]), max_bytes)
        return data


_MAX_DECODED_BYTES = 16 * 1024 * 1024


Envelope = Union[
    EventHookDelivery,
    EventBridgeEvent,
    SqsRecord,
    SnsRecord,
    SnsNotification,
    FirehoseRecord,
    CloudWatchLogsData,
]
"""The envelope a stream's record was delivered in (the innermost one)."""


def detect_envelope(document: Any) -> EnvelopeKind:
    """Say what a decoded JSON document is: a bare LogEvent or which envelope.

    Each envelope is known by its own required keys, never by the values of its metadata;
    an object with ``uuid`` and ``eventType`` is an event, whatever else it holds; an array is
    an API page; anything else is taken as a bare LogEvent (and validated as one).
    """
    found = envelope_of(document)
    return "log_event" if found is None else found[0]  # type: ignore[return-value]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _kept(model: Any, value: Any, field: str) -> Any:
    """The model, noting a payload field's text as it arrived (and the value it became)."""
    if isinstance(value, Mapping):
        wire = value.get(field)
        if isinstance(wire, str):
            model._wire = (wire, getattr(model, field))
    return model


def _written(wire: tuple[str, Any] | None, value: Any, encode: Callable[[bytes], str]) -> Any:
    """A payload that arrives as text, as it is written back.

    The text it arrived as, while the value is still the one that text became; else the value
    encoded: text as it is, bytes encoded, anything else as its JSON, encoded.
    """
    if wire is not None and wire[1] is value:
        return wire[0]
    if value is None or isinstance(value, str):
        return value
    return encode(value if isinstance(value, bytes) else to_json(value, by_alias=True))


def _typed_payload(model: Any, value: Any, decode: Any, *, unzip: bool = False) -> Any:
    """A payload that arrives as text, for the model's type parameter.

    Unparametrised (or ``str``): the text as it is. ``bytes``: decoded (base64 for Firehose).
    Pydantic's ``Json[...]``: decoded, its JSON parsed by ``Json``. Any other type: decoded,
    and its JSON parsed for that type to validate. ``unzip``: JSON that arrives as gzip (by
    its magic bytes; a Firehose record from CloudWatch Logs) is decompressed first, at most
    16 MiB. ``ValueError`` when it cannot be.
    """
    args = model.__pydantic_generic_metadata__["args"]
    if not args or args[0] is str or not isinstance(value, str):
        return value
    data = decode(value)
    wanted = args[0]
    if wanted is bytes:
        return data
    if unzip and data[:2] == _GZIP_MAGIC:
        data = _gunzip_bounded(data, _MAX_DECODED_BYTES)
    if get_origin(wanted) is Annotated and any(
        m is Json or type(m) is Json for m in get_args(wanted)[1:]
    ):
        return data
    try:
        return from_json(data)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None


def _b64decode(data: Any) -> bytes:
    if not isinstance(data, str):
        raise ValueError("the data is not base64 text")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the data is not valid base64: {exc}") from None


def _gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Every gzip member of ``data`` (as ``gzip.decompress`` reads them), at most ``max_bytes``."""
    parts: list[bytes] = []
    size = 0
    while True:
        inflater = zlib.decompressobj(wbits=47)  # gzip or zlib
        try:
            part = inflater.decompress(data, max_bytes + 1 - size)
        except zlib.error as exc:
            raise ValueError(f"the data is not valid gzip: {exc}") from None
        parts.append(part)
        size += len(part)
        if size > max_bytes:
            raise ValueError(f"the data decompresses to more than {max_bytes:,} bytes")
        if not inflater.eof:
            raise ValueError("the data is truncated gzip")
        data = inflater.unused_data
        if not data:
            return b"".join(parts)


def _validated(model: Any, document: Any) -> Any:
    """The envelope's model, or None when its metadata does not validate (events are read)."""
    try:
        return model.model_validate(document, by_alias=True, by_name=False)
    except ValidationError:
        return None


def _text_of(value: Any, what: str) -> Any:
    return value if isinstance(value, str) else ValueError(f"{what} is not a string")


def open_envelope(
    kind: EnvelopeName, document: Any, *, max_bytes: int = 16 * 1024 * 1024
) -> Iterator[tuple[int | None, Envelope | None, Any]]:
    """The payloads of an envelope: ``(position, envelope, payload)`` for each.

    ``position`` is the payload's index in the envelope's list (None for an envelope of one);
    ``envelope`` the model of the innermost envelope (None when its metadata does not
    validate: metadata never decides whether the payload is read); ``payload`` the event as
    it is in the document (a JSON object, or JSON text for the AWS envelopes that carry text),
    or a ``ValueError`` for an element that is broken (it fails alone).

    Raises ``ValueError`` when ``document`` is not that envelope, or when the envelope itself
    cannot be opened (CloudWatch Logs data that is not base64 gzip JSON).
    """
    if kind == "api_page":
        if not isinstance(document, list):
            raise ValueError("not an API page: expected a JSON array of events")
        yield from ((n, None, item) for n, item in enumerate(document))
        return
    found = envelope_of(document)
    if found is None or found[0] != kind:
        raise ValueError(f"not {_DESCRIPTIONS[kind]}: {_KEYS[kind]}")
    if kind == "eventbridge":
        yield None, _validated(EventBridgeEvent, document), document["detail"]
    elif kind == "event_hook":
        events = document["data"]["events"]
        if not isinstance(events, list):
            raise ValueError("not an event-hook delivery: data.events is not an array")
        envelope = _validated(EventHookDelivery, document)
        yield from ((n, envelope, event) for n, event in enumerate(events))
    elif kind == "sqs":
        for n, record in enumerate(document["Records"]):
            body = record.get("body") if isinstance(record, Mapping) else None
            yield n, _validated(SqsRecord, record), _text_of(body, f"Records[{n}].body")
    elif kind == "sns" and _records_with(document, "Records", "Sns"):  # else a notification
        for n, record in enumerate(document["Records"]):
            sns = record.get("Sns") if isinstance(record, Mapping) else None
            message = sns.get("Message") if isinstance(sns, Mapping) else None
            yield n, _validated(SnsRecord, record), _text_of(message, f"Records[{n}].Sns.Message")
    elif kind == "sns":
        message = _text_of(document["Message"], "Message")
        yield None, _validated(SnsNotification, document), message
    elif kind == "firehose":
        for n, record in enumerate(document["records"]):
            data = record.get("data") if isinstance(record, Mapping) else None
            try:
                payload: Any = _firehose_data(data, max_bytes)
            except ValueError as exc:
                payload = ValueError(f"records[{n}].data: {exc}")
            yield n, _validated(FirehoseRecord, record), payload
    else:  # cloudwatch_logs: a subscription delivery (awslogs.data), or its decoded payload
        yield from _log_events(document, max_bytes)


def _firehose_data(data: Any, max_bytes: int) -> bytes:
    """A Firehose record's data: base64-decoded, then decompressed when it is gzip.

    A CloudWatch Logs subscription delivers each record's data as gzip of its payload. The
    gzip magic bytes decide (no JSON text starts with them); at most ``max_bytes``.
    """
    decoded = _b64decode(data)
    if decoded[:2] == _GZIP_MAGIC:
        return _gunzip_bounded(decoded, max_bytes)
    return decoded


def _log_events(
    document: Mapping[str, Any], max_bytes: int
) -> Iterator[tuple[int | None, Envelope | None, Any]]:
    """The messages of a CloudWatch Logs payload (``awslogs.data`` decoded first, if wrapped).

    A ``CONTROL_MESSAGE`` (CloudWatch Logs checking that the destination is reachable) carries
    no events: its log event, a health-check text, is not read.
    """
    wrapped = document.get("awslogs")
    if isinstance(wrapped, Mapping) and "data" in wrapped:
        raw = _gunzip_bounded(_b64decode(wrapped["data"]), max_bytes)
        try:
            decoded = from_json(raw)
        except ValueError as exc:
            raise ValueError(f"awslogs.data is not JSON: {exc}") from None
        where = "awslogs.data"
    else:
        decoded, where = document, "the payload"
    if not isinstance(decoded, Mapping):
        raise ValueError(f"{where} is not a JSON object")
    envelope = _validated(CloudWatchLogsData, decoded)
    if decoded.get("messageType") == _CONTROL_MESSAGE:
        return
    log_events = decoded.get("logEvents")
    if not isinstance(log_events, list):
        raise ValueError(f"{where}: logEvents is not an array")
    for n, log_event in enumerate(log_events):
        message = log_event.get("message") if isinstance(log_event, Mapping) else None
        yield n, envelope, _text_of(message, f"logEvents[{n}].message")


_DESCRIPTIONS = {
    "event_hook": "an event-hook delivery",
    "eventbridge": "an EventBridge event",
    "sqs": "an SQS batch",
    "sns": "an SNS batch or notification",
    "firehose": "a Firehose batch",
    "cloudwatch_logs": "a CloudWatch Logs delivery",
}
_KEYS = {
    "event_hook": "expected data.events",
    "eventbridge": "expected detail-type, detail and source",
    "sqs": "expected Records with a body",
    "sns": "expected Records with Sns, or Type, Message and TopicArn",
    "firehose": "expected records with a recordId",
    "cloudwatch_logs": "expected awslogs.data, or messageType and logEvents",
}


def unwrap(document: Any) -> tuple[Envelope | None, list[Any]]:
    """Split a decoded document into its envelope model (None for a bare event) and payloads.

    The payloads are returned as they are in the document (raw), one level deep, for parsing
    one by one. Raises ``ValueError`` when the envelope cannot be opened.
    """
    kind = detect_envelope(document)
    if kind == "log_event":
        return None, [document]
    opened = list(open_envelope(kind, document))
    envelope = opened[0][1] if opened else None
    return envelope, [payload for _, _, payload in opened]
