"""Parsing one event: ``parse_event``, ``parse_event_as`` and the validators they share.

Dispatch is a registry lookup on ``eventType`` and one validation (githubkit's shape), with
wire names only (Okta's camelCase keys; a ``event_type`` key is an unknown key, kept):

- JSON text goes first to one pydantic-core validator built from the registry: a map from
  each catalogued ``eventType`` to its model, looked up and validated in Rust in one pass.
- Anything else (a mapping, or text whose type is not catalogued or whose fields are broken)
  takes ``model_for(eventType)`` and that model's validator once. Its errors name the field's
  own path; nothing reads the errors of the first attempt.
- A document that is an envelope (an event-hook delivery, an EventBridge event, an API page,
  SQS, SNS, Firehose, CloudWatch Logs) and not an event fails naming the envelope and the
  call that reads it: ``iter_events(..., envelope=...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias, TypeVar, Union, cast, overload

from pydantic import ValidationError
from pydantic_core import (
    InitErrorDetails,
    PydanticCustomError,
    SchemaValidator,
    core_schema,
    from_json,
)

from .models._base import CACHE_STRINGS
from .models.events import (
    EVENT_MODELS,
    PKI_PREFIX,
    BaseKnownPkiEvent,
    KnownPkiEvent,
    NonPkiEvent,
    PkiEvent,
    model_for,
)
from .models.log_event import LogEvent

__all__ = [
    "OnUnknown",
    "RawEvent",
    "UnknownEventTypeError",
    "envelope_of",
    "parse_event",
    "parse_event_as",
]

RawEvent: TypeAlias = str | bytes | bytearray | Mapping[str, Any]
"""What ``parse_event`` accepts: JSON text (``str``/``bytes``) or an already-decoded mapping."""

OnUnknown: TypeAlias = Literal["generic", "raise"]
"""What to do with an event that is not of a catalogued PKI type."""

M = TypeVar("M", bound=LogEvent)
_Parsed: TypeAlias = Union[PkiEvent, NonPkiEvent]

# The catalogued types' models keyed by eventType (aliases included), for JSON text.
_KNOWN = SchemaValidator(
    core_schema.tagged_union_schema(
        {name: model.__pydantic_core_schema__ for name, model in EVENT_MODELS.items()},
        discriminator="eventType",
    ),
    {"cache_strings": CACHE_STRINGS},  # the models' own setting: read from the top level only
)
_KNOWN_JSON = _KNOWN.validate_json
_TEXT = (str, bytes, bytearray)
# Reads only the top-level eventType of JSON text (any JSON type), for the registry lookup.
_EVENT_TYPE = SchemaValidator(
    core_schema.typed_dict_schema(
        {"eventType": core_schema.typed_dict_field(core_schema.any_schema(), required=False)},
        extra_behavior="ignore",
    )
)


_LAZY: Callable[[str | bytes | bytearray], LogEvent] | None = None


def _load_lazy() -> Callable[[str | bytes | bytearray], LogEvent]:
    """The lazy parser, imported on first use (``import okta_pki_events`` does not pay it)."""
    global _LAZY
    from ._lazy import parse_lazy

    _LAZY = parse_lazy
    return parse_lazy


class UnknownEventTypeError(ValueError):
    """Raised with ``on_unknown="raise"`` for an event that is not of a catalogued PKI type."""

    def __init__(self, event_type: str) -> None:
        """Name the event type that was not recognised."""
        self.event_type = event_type
        kind = "unknown PKI" if event_type.startswith(PKI_PREFIX) else "non-PKI"
        super().__init__(f"{kind} event type {event_type!r}")

    def __reduce__(self) -> tuple[type[UnknownEventTypeError], tuple[str]]:
        """Pickle and copy with the event type (``ValueError``'s own would pass the message)."""
        return (UnknownEventTypeError, (self.event_type,))


# -- envelopes: recognised by their own required keys, only to say what was given ----------


def _records_with(document: Mapping[str, Any], records: str, key: str) -> bool:
    items = document.get(records)
    return isinstance(items, list) and any(isinstance(i, Mapping) and key in i for i in items)


def _is_mapping_at(document: Mapping[str, Any], key: str, inner: str) -> bool:
    value = document.get(key)
    return isinstance(value, Mapping) and inner in value


_ENVELOPES: tuple[tuple[str, str, Callable[[Mapping[str, Any]], bool]], ...] = (
    ("event_hook", "an Okta event-hook delivery", lambda d: _is_mapping_at(d, "data", "events")),
    (
        "eventbridge",
        "an AWS EventBridge event",
        lambda d: {"detail", "detail-type", "source"} <= d.keys(),
    ),
    ("sqs", "an AWS SQS batch", lambda d: _records_with(d, "Records", "body")),
    ("sns", "an AWS SNS batch", lambda d: _records_with(d, "Records", "Sns")),
    ("sns", "an AWS SNS notification", lambda d: {"Type", "Message", "TopicArn"} <= d.keys()),
    (
        "firehose",
        "an Amazon Data Firehose batch",
        lambda d: _records_with(d, "records", "recordId"),
    ),
    (
        "cloudwatch_logs",
        "a CloudWatch Logs subscription delivery",
        lambda d: _is_mapping_at(d, "awslogs", "data"),
    ),
    (  # as a Firehose record carries it (gzip), or as Firehose writes it out decompressed
        "cloudwatch_logs",
        "a CloudWatch Logs subscription payload",
        lambda d: {"messageType", "logEvents"} <= d.keys(),
    ),
)


def envelope_of(document: Any) -> tuple[str, str] | None:
    """Say which delivery envelope a decoded JSON document is, by the envelope's own keys.

    Returns ``(envelope, description)``, where ``envelope`` is the value of
    ``iter_events(..., envelope=...)`` that reads it (``"api_page"`` for a JSON array,
    ``"event_hook"``, ``"eventbridge"``, ``"sqs"``, ``"sns"``, ``"firehose"``,
    ``"cloudwatch_logs"``), or None. An object with ``uuid`` and ``eventType`` is an event,
    never an envelope. Used by ``parse_event`` to name what it was given instead of an event.
    """
    if isinstance(document, list):
        return "api_page", "a JSON array (a page of the System Log API)"
    if not isinstance(document, Mapping) or {"uuid", "eventType"} <= document.keys():
        return None
    for envelope, description, matches in _ENVELOPES:
        if matches(document):
            return envelope, description
    return None


def _envelope_error(data: RawEvent, exc: ValidationError) -> ValidationError | None:
    """The error for an envelope given where an event is expected, or None."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            document: Any = from_json(data)
        except (ValueError, TypeError):  # TypeError: a str that is not UTF-8 encodable
            return None
    else:
        document = data
    found = envelope_of(document)
    if found is None:
        return None
    envelope, description = found
    error = PydanticCustomError(
        "envelope_not_event",
        f"Input is {description}, not an Okta event: read the events it carries with "
        f"iter_events(..., envelope={envelope!r})",
    )
    details: list[InitErrorDetails] = [{"type": error, "loc": (), "input": data}]
    return ValidationError.from_exception_data(exc.title, details)


# -- dispatch ------------------------------------------------------------------------------


def _validate(model: type[M], data: RawEvent) -> M:
    """Validate ``data`` as ``model``, wire names only."""
    validator = model.__pydantic_validator__
    if isinstance(data, (str, bytes, bytearray)):
        event: M = validator.validate_json(data, by_alias=True, by_name=False)
    else:
        event = validator.validate_python(data, by_alias=True, by_name=False)
    return event


def _event_type_of(data: RawEvent) -> object:
    """The top-level ``eventType`` of the input (None when absent or not an object)."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            found: dict[str, Any] = _EVENT_TYPE.validate_json(data)
        except ValidationError:
            return None  # not JSON, or not an object: ``LogEvent`` says so, in its own name
        return found.get("eventType")
    return data.get("eventType") if isinstance(data, Mapping) else None


def _dispatch(data: RawEvent) -> LogEvent:
    """The registry path: ``model_for(eventType)`` and one validation of the model found.

    Taken by mappings, and by JSON text that the catalogued types' validator did not accept
    (a type it does not know, or a broken field): its errors name the field's own path.
    """
    try:
        return _validate(model_for(_event_type_of(data)), data)
    except ValidationError as exc:
        envelope = _envelope_error(data, exc)
        if envelope is not None:
            raise envelope from None
        raise


@overload
def parse_event(
    data: RawEvent, *, on_unknown: Literal["raise"], lazy: bool = False
) -> KnownPkiEvent: ...
@overload
def parse_event(
    data: RawEvent, *, on_unknown: Literal["generic"] = "generic", lazy: bool = False
) -> PkiEvent | NonPkiEvent: ...
def parse_event(
    data: RawEvent, *, on_unknown: OnUnknown = "generic", lazy: bool = False
) -> PkiEvent | NonPkiEvent:
    """Parse one Okta System Log event into its most precise model.

    The model is looked up from ``eventType`` (``model_for``) and the event validated once,
    reading Okta's wire names only: a key spelt like a Python field name (``event_type``,
    ``display_message``) is an unknown key, kept in ``model_extra`` and written back.

    Args:
        data: the event as JSON text (``str`` or ``bytes``) or an already-decoded mapping.
        on_unknown: ``"generic"`` (the default) returns ``UnknownPkiEvent`` for a ``pki.*``
            type this library does not know and ``NonPkiEvent`` for any other type;
            ``"raise"`` raises ``UnknownEventTypeError`` for both.
        lazy: validate only ``uuid``, ``published``, ``eventType``, ``actor``, ``outcome``
            and ``target`` now, keep the text, and validate the rest on first use (see
            "Lazy parsing" in the docs: an instance of the same class, about twice as fast
            and half the memory; a malformed deferred field raises on first read). Applies
            to JSON text; an already-decoded mapping is parsed eagerly.

    Returns:
        The model of the event's PKI type (``PkiCertRevokeEvent``, ...), ``UnknownPkiEvent``
        or ``NonPkiEvent``; typed as the union ``PkiEvent | NonPkiEvent`` (with
        ``on_unknown="raise"``, the catalogued models only: ``KnownPkiEvent``).

    Raises:
        pydantic.ValidationError: the input is not valid JSON, not an object, misses a
            required field or has a field of the wrong type; each error names its field path.
            Given an envelope instead of an event (an event-hook delivery, an EventBridge
            event, an API page, an SQS/SNS/Firehose/CloudWatch Logs delivery), the one error
            (``envelope_not_event``) names the envelope and the call that reads it,
            ``iter_events(..., envelope=...)``.
        UnknownEventTypeError: with ``on_unknown="raise"``, the type is not a catalogued one.

    Both are ``ValueError``s; no input raises anything else.

    """
    if isinstance(data, _TEXT):
        if lazy:  # inlined: a call is about 1% of a lazy parse
            try:
                lazy_event = (_LAZY or _load_lazy())(data)
            except ValidationError:
                _raise_eager_error(data, on_unknown)
                raise  # pragma: no cover - the eager parse raised for the same input
            if on_unknown == "raise" and not isinstance(lazy_event, BaseKnownPkiEvent):
                raise UnknownEventTypeError(lazy_event.event_type)
            return lazy_event  # type: ignore[return-value]
        try:
            # The catalogued types, looked up on eventType and validated in one pass (Rust).
            event: LogEvent = _KNOWN_JSON(data, by_alias=True, by_name=False)
        except ValidationError:
            event = _dispatch(data)
    else:
        event = _dispatch(data)
    if on_unknown == "raise" and event.event_type not in EVENT_MODELS:
        raise UnknownEventTypeError(event.event_type)
    # model_for gives a PKI model or NonPkiEvent for any string eventType, and LogEvent
    # (whose validation fails) for none.
    return event  # type: ignore[return-value]


def _raise_eager_error(data: str | bytes | bytearray, on_unknown: OnUnknown) -> None:
    """For text the lazy parse refused: raise what the eager parse raises for it.

    The model's own title and field paths, rather than the sparse validator's.
    """
    parse_event(data, on_unknown=on_unknown)


def parse_json_of_type(
    data: str | bytes, event_type: str, on_unknown: OnUnknown = "generic"
) -> PkiEvent | NonPkiEvent:
    """Parse JSON text whose ``eventType`` is already known (read by a cheap probe).

    Validates straight against ``model_for(event_type)``; otherwise as ``parse_event``.
    """
    event = _validate(model_for(event_type), data)
    if on_unknown == "raise" and event.event_type not in EVENT_MODELS:
        raise UnknownEventTypeError(event.event_type)
    return cast("_Parsed", event)


def parse_event_as(model: type[M], data: RawEvent) -> M:
    """Parse one event as the given model, e.g. ``parse_event_as(PkiCertIssueEvent, line)``.

    The result is typed as ``model``; an event of another type fails validation on
    ``eventType``. Wire names only, as ``parse_event``. Raises ``pydantic.ValidationError``
    (a ``ValueError``) for bad input.
    """
    return _validate(model, data)


# Under the path users import them from (as httpx does): okta_pki_events.UnknownEventTypeError.
for _obj in (parse_event, parse_event_as, UnknownEventTypeError):
    _obj.__module__ = "okta_pki_events"
