"""What a PKI event means: ``classify`` and the type guards, read from the catalogue.

``classify`` answers what the event is about (a certificate or a certificate authority), the
action, its lifecycle effect and whether it needs attention: the catalogue entry's columns
(``CatalogEntry.subject``, ``action``, ``lifecycle_effect``, ``attention``) and the one
outcome rule (``outcome_status``: anything but success needs attention). How ECS and OCSF
file an event type is the export side's to say (``okta_pki_events.export``:
``ecs_categorization``, ``OCSF_ACTIVITIES``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from typing_extensions import TypeIs

from .models.catalog import CATALOG, Action, Subject
from .models.events import (
    EVENT_MODELS,
    KNOWN_MODELS,
    PKI_PREFIX,
    BasePkiEvent,
    CaEvent,
    CertificateEvent,
    LifecycleEvent,
    PkiEvent,
    UnknownPkiEvent,
)
from .models.log_event import LogEvent
from .models.outcome import outcome_status

__all__ = [
    "CLASSIFICATIONS",
    "Action",
    "Classification",
    "classify",
    "is_ca_event",
    "is_certificate_event",
    "is_lifecycle_event",
    "is_pki_event",
    "is_pki_event_type",
]


class _Row(NamedTuple):
    subject: Subject
    action: Action
    lifecycle_effect: str
    attention: str | None


CLASSIFICATIONS: Mapping[str, _Row] = MappingProxyType(
    {t: _Row(e.subject, e.action, e.lifecycle_effect, e.attention) for t, e in CATALOG.items()}
)
"""The classification of each canonical PKI event type (the CRL alias maps to its type):
a view of the catalogue entries' classification columns."""

_FAILED_ATTENTION = "the action failed (outcome {result})"


@dataclass(frozen=True)
class Classification:
    """What an event (or event type) means."""

    event_type: str
    """The event type classified (as given; the CRL alias stays as it is)."""
    known: bool
    """True for a catalogued PKI type; False for an unknown ``pki.*`` type or a non-PKI type."""
    is_pki: bool
    """True for any ``pki.*`` type."""
    subject: Subject | None
    """``certificate`` or ``certificate_authority`` (guessed from the prefix when unknown)."""
    action: Action | None
    """What the event does (None when unknown)."""
    lifecycle_effect: str | None
    """Its effect on the certificate or CA lifecycle, in words."""
    needs_attention: bool
    """True for CRL failures, expiration warnings, revocations and failed outcomes."""
    attention_reason: str | None
    """Why it needs attention."""


def classify(event_or_event_type: LogEvent | str) -> Classification:
    """Classify an event, or an event type without an event.

    Given an event, the outcome counts too: an outcome that is not a success
    (``outcome_status`` is ``failure`` or ``unknown``) needs attention. An unknown ``pki.*``
    type gets a classification that says so (``known=False``); so does a non-PKI type
    (``is_pki=False``). Never raises.
    """
    if isinstance(event_or_event_type, str):
        event_type, result = event_or_event_type, None
    else:
        event_type = event_or_event_type.event_type
        outcome = event_or_event_type.outcome
        result = outcome.result if outcome is not None else None
    model = EVENT_MODELS.get(event_type)
    failed = outcome_status(result) not in (None, "success")
    failure_reason = _FAILED_ATTENTION.format(result=result) if failed else None
    if model is None:
        is_pki = event_type.startswith(PKI_PREFIX)
        subject: Subject | None = None
        if event_type.startswith("pki.ca."):
            subject = "certificate_authority"
        elif event_type.startswith("pki.cert."):
            subject = "certificate"
        return Classification(
            event_type=event_type,
            known=False,
            is_pki=is_pki,
            subject=subject,
            action=None,
            lifecycle_effect=None,
            needs_attention=failed,
            attention_reason=failure_reason,
        )
    entry = model.catalog
    reason = entry.attention or failure_reason
    return Classification(
        event_type=event_type,
        known=True,
        is_pki=True,
        subject=entry.subject,
        action=entry.action,
        lifecycle_effect=entry.lifecycle_effect,
        needs_attention=reason is not None,
        attention_reason=reason,
    )


def is_pki_event_type(event_type: str) -> bool:
    """Whether a raw ``eventType`` string is a PKI one (``pki.*``): a cheap pre-filter."""
    return event_type.startswith(PKI_PREFIX)


_PKI_MODELS: tuple[type[BasePkiEvent], ...] = (*KNOWN_MODELS, UnknownPkiEvent)


def is_pki_event(event: LogEvent) -> TypeIs[PkiEvent]:
    """Whether the event is a PKI event (a catalogued model or ``UnknownPkiEvent``).

    Narrows to the ``PkiEvent`` union (then ``event.event_type == "pki.cert.revoke"`` or a
    ``match`` narrows further); the other branch keeps what is not a PKI event.
    """
    return isinstance(event, _PKI_MODELS)


# The type guards' model tuples, derived from the catalogue entries of the models.
_CERT_MODELS = tuple(m for m in KNOWN_MODELS if m.catalog.subject == "certificate")
_CA_MODELS = tuple(m for m in KNOWN_MODELS if m.catalog.subject == "certificate_authority")
_LIFECYCLE_MODELS = tuple(m for m in KNOWN_MODELS if m.catalog.is_lifecycle)


def is_certificate_event(event: LogEvent) -> TypeIs[CertificateEvent]:
    """Whether the event is a catalogued ``pki.cert.*`` event (about a device certificate)."""
    return isinstance(event, _CERT_MODELS)


def is_ca_event(event: LogEvent) -> TypeIs[CaEvent]:
    """Whether the event is a catalogued ``pki.ca.*`` event (about a certificate authority)."""
    return isinstance(event, _CA_MODELS)


def is_lifecycle_event(event: LogEvent) -> TypeIs[LifecycleEvent]:
    """Whether the event is a ``pki.cert.lifecycle.*`` event (activate, delete, hold, ...)."""
    return isinstance(event, _LIFECYCLE_MODELS)
