"""What a type checker infers from the parse functions: each ``assert_type`` holds under mypy
--strict and under pyright, both run on this file by ``make typecheck`` (``make test``).

The functions are never called: what is checked is what the checkers infer.
"""

from __future__ import annotations

from typing import Union

from typing_extensions import assert_type

from okta_pki_events import (
    KnownPkiEvent,
    NonPkiEvent,
    PkiCaExpirationWarnEvent,
    PkiCertCrlDownloadFailureEvent,
    PkiCertRevokeEvent,
    PkiEvent,
    UnknownPkiEvent,
    is_pki_event,
    parse_event,
)

RevokeOrOpen = Union[PkiCertRevokeEvent, UnknownPkiEvent, NonPkiEvent]


def default_parse_is_the_union(raw: str) -> None:
    """The default parse is ``PkiEvent | NonPkiEvent``, never folded into ``LogEvent``."""
    event = parse_event(raw)
    assert_type(event, Union[PkiEvent, NonPkiEvent])
    assert_type(parse_event(raw, lazy=True), Union[PkiEvent, NonPkiEvent])


def default_parse_narrows_on_event_type_in_match(raw: str) -> str | None:
    """``match event.event_type`` narrows the default parse's union, under both checkers.

    ``UnknownPkiEvent`` and ``NonPkiEvent`` stay: their ``event_type`` is any string.
    """
    event = parse_event(raw)
    match event.event_type:
        case "pki.cert.revoke":
            assert_type(event, RevokeOrOpen)
            return event.uuid
        case _:
            return None


def default_parse_narrows_on_event_type_equality(raw: str) -> str | None:
    """``event.event_type == ...`` narrows the default parse's union under pyright.

    mypy does not narrow here: it narrows on ``==`` only when the compared attribute's type
    contains a ``Literal``, and ``Literal[...] | str`` is simplified to ``str``. The ignore
    below is for mypy only (pyright runs with ``enableTypeIgnoreComments = false``), and
    mypy's ``warn_unused_ignores`` fails this file the day mypy narrows too.
    """
    event = parse_event(raw)
    if event.event_type == "pki.cert.revoke":
        assert_type(event, RevokeOrOpen)  # type: ignore[assert-type]
        return event.uuid
    return None


def strict_parse_narrows_exactly(raw: str) -> str | None:
    """With ``on_unknown="raise"`` every member has a ``Literal`` type: exact narrowing."""
    event = parse_event(raw, on_unknown="raise")
    assert_type(event, KnownPkiEvent)
    if event.event_type == "pki.cert.revoke":
        assert_type(event, PkiCertRevokeEvent)
        return event.uuid
    if event.event_type == "pki.cert.lifecycle.crl_download_failure":
        assert_type(event, PkiCertCrlDownloadFailureEvent)
        return event.crl_url
    return None


def class_patterns_narrow_exactly(raw: str) -> object:
    """``isinstance`` and class patterns narrow the default parse exactly."""
    event = parse_event(raw)
    match event:
        case PkiCaExpirationWarnEvent():
            assert_type(event, PkiCaExpirationWarnEvent)
            return event.urgency
        case PkiCertRevokeEvent():
            assert_type(event, PkiCertRevokeEvent)
            return event.certificate_target
        case _:
            return None


def is_pki_event_narrows_to_the_union(raw: str) -> None:
    """``is_pki_event`` narrows to the ``PkiEvent`` union, and its other branch to the rest."""
    event = parse_event(raw)
    if is_pki_event(event):
        assert_type(event, PkiEvent)
    else:
        assert_type(event, NonPkiEvent)


def events_hash(raw: str) -> int:
    """Events are hashable (by identity).

    Under mypy an event is also a valid set member or dict key; pyright reports those uses as
    unhashable (it cannot see pydantic's ``frozen`` configuration: pyright issue 4168).
    """
    return hash(parse_event(raw)) ^ hash(parse_event(raw, lazy=True))
