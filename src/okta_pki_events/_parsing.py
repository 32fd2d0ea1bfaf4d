"""Parsing one event: ``parse_event``, ``parse_event_as`` and the validators they share.

The validators are built once, at import. JSON text is validated directly (no intermediate
``json.loads``) through a union discriminated on ``eventType``; only an event whose type is
not one of the catalogued PKI types takes a second, generic pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, TypeAlias, TypeVar, overload

from pydantic import Field, TypeAdapter, ValidationError

from .models.events import (
    EVENT_MODELS,
    PKI_PREFIX,
    BaseKnownPkiEvent,
    KnownPkiEvent,
    PkiEvent,
    UnknownPkiEvent,
)
from .models.log_event import LogEvent

__all__ = [
    "OnUnknown",
    "RawEvent",
    "UnknownEventTypeError",
    "parse_event",
    "parse_event_as",
]

RawEvent: TypeAlias = str | bytes | bytearray | Mapping[str, Any]
"""What ``parse_event`` accepts: JSON text (``str``/``bytes``) or an already-decoded mapping."""

OnUnknown: TypeAlias = Literal["generic", "raise"]
"""What to do with an event that is not of a catalogued PKI type."""

M = TypeVar("M", bound=LogEvent)

_KNOWN_ADAPTER: TypeAdapter[KnownPkiEvent] = TypeAdapter(
    Annotated[KnownPkiEvent, Field(discriminator="event_type")]
)
_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


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


def _validate(model: type[M], data: RawEvent) -> M:
    if isinstance(data, (str, bytes, bytearray)):
        return model.model_validate_json(data)
    return model.model_validate(data)


def _tag_of(exc: ValidationError) -> str | None:
    """The eventType a discriminator error met, or None when ``exc`` is another error."""
    if exc.error_count() != 1:
        return None
    error = exc.errors(include_url=False, include_input=False)[0]
    if error["type"] not in _TAG_ERRORS or error["loc"]:
        return None
    tag = error.get("ctx", {}).get("tag")
    return tag if isinstance(tag, str) else ""


def _model_of_error(exc: ValidationError) -> type[LogEvent]:
    """The model whose errors ``exc`` holds (the first location is the union tag)."""
    first = exc.errors(include_url=False, include_input=False)[0]["loc"]
    return EVENT_MODELS.get(str(first[0]), LogEvent) if first else LogEvent


@overload
def parse_event(
    data: RawEvent, *, on_unknown: Literal["raise"], lazy: bool = False
) -> KnownPkiEvent: ...
@overload
def parse_event(
    data: RawEvent, *, on_unknown: Literal["generic"] = "generic", lazy: bool = False
) -> PkiEvent | LogEvent: ...
def parse_event(
    data: RawEvent, *, on_unknown: OnUnknown = "generic", lazy: bool = False
) -> PkiEvent | LogEvent:
    """Parse one Okta System Log event into its most precise model.

    Args:
        data: the event as JSON text (``str`` or ``bytes``) or an already-decoded mapping.
        on_unknown: ``"generic"`` (the default) returns ``UnknownPkiEvent`` for a ``pki.*``
            type this library does not know and a plain ``LogEvent`` for any other type;
            ``"raise"`` raises ``UnknownEventTypeError`` for both.
        lazy: validate only ``uuid``, ``published``, ``eventType``, ``actor``, ``outcome``
            and ``target`` now, keep the text, and validate the rest on first use (see
            "Lazy parsing" in the docs: an instance of the same class, about twice as fast
            and half the memory; a malformed deferred field raises on first read). Applies
            to JSON text; an already-decoded mapping is parsed eagerly.

    Returns:
        The model of the event's PKI type (``PkiCertRevokeEvent``, ...), ``UnknownPkiEvent``
        or ``LogEvent``.

    Raises:
        pydantic.ValidationError: the input is not valid JSON, not an object, misses a
            required field or has a field of the wrong type; each error names its field path.
        UnknownEventTypeError: with ``on_unknown="raise"``, the type is not a catalogued one.

    Both are ``ValueError``s; no input raises anything else.

    """
    if lazy and isinstance(data, (str, bytes, bytearray)):
        try:
            event = (_LAZY or _load_lazy())(data)
        except ValidationError:
            # Report what the eager parse reports: the model's own title and field paths.
            parse_event(data, on_unknown=on_unknown)
            raise  # pragma: no cover - the eager parse above raised for the same input
        if on_unknown == "raise" and not isinstance(event, BaseKnownPkiEvent):
            raise UnknownEventTypeError(event.event_type)
        return event
    try:
        if isinstance(data, (str, bytes, bytearray)):
            return _KNOWN_ADAPTER.validate_json(data)
        return _KNOWN_ADAPTER.validate_python(data)
    except ValidationError as exc:
        tag = _tag_of(exc)
        if tag is None:
            # A catalogued type with a broken field: the union prefixes every error location
            # with the tag; validate as the type's own model for errors at the field path.
            _validate(_model_of_error(exc), data)
            raise  # pragma: no cover - the model validation above raised the same errors
    # Not a catalogued PKI type: validate generically so a broken record says what is wrong.
    model: type[LogEvent] = UnknownPkiEvent if tag.startswith(PKI_PREFIX) else LogEvent
    event = _validate(model, data)
    if on_unknown == "raise":
        raise UnknownEventTypeError(event.event_type)
    return event


def parse_json_of_type(
    data: str | bytes, event_type: str, on_unknown: OnUnknown = "generic"
) -> LogEvent:
    """Parse JSON text whose ``eventType`` is already known (read by a cheap probe).

    Validates straight against the type's model, skipping the union's dispatch; otherwise
    as ``parse_event``.
    """
    model = EVENT_MODELS.get(event_type)
    if model is not None:
        return model.model_validate_json(data)
    generic: type[LogEvent] = UnknownPkiEvent if event_type.startswith(PKI_PREFIX) else LogEvent
    event = generic.model_validate_json(data)
    if on_unknown == "raise":
        raise UnknownEventTypeError(event.event_type)
    return event


def parse_event_as(model: type[M], data: RawEvent) -> M:
    """Parse one event as the given model, e.g. ``parse_event_as(PkiCertIssueEvent, line)``.

    The result is typed as ``model``; an event of another type fails validation on
    ``eventType``. Raises ``pydantic.ValidationError`` (a ``ValueError``) for bad input.
    """
    return _validate(model, data)
