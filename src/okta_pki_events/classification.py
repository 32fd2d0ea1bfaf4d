"""What a PKI event means: one table (``CLASSIFICATIONS``) and the type guards.

``classify`` answers what the event is about (a certificate or a certificate authority), the
action, its lifecycle effect and whether it needs attention. How ECS and OCSF file an event
type is the export side's to say (``okta_pki_events.export``: ``ecs_categorization``,
``OCSF_ACTIVITIES``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, NamedTuple

from typing_extensions import TypeIs

from .models.catalog import Subject
from .models.events import (
    EVENT_MODELS,
    PKI_PREFIX,
    BasePkiEvent,
    CaEvent,
    CertificateEvent,
    LifecycleEvent,
    PkiCaAddEvent,
    PkiCaDeleteEvent,
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertLifecycleActivateEvent,
    PkiCertLifecycleDeleteEvent,
    PkiCertLifecycleHoldEvent,
    PkiCertLifecycleRevokeEvent,
    PkiCertLifecycleSuspendEvent,
)
from .models.log_event import SUCCESS_RESULTS, LogEvent

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

Action = Literal[
    "issue",
    "bind",
    "renew",
    "hold",
    "suspend",
    "activate",
    "revoke",
    "delete",
    "add",
    "expiration_warning",
    "crl_download_failure",
    "scope_mapping_update",
]
"""What a PKI event does."""


class _Row(NamedTuple):
    subject: Subject
    action: Action
    lifecycle_effect: str
    attention: str | None


# The classification table: one row per canonical PKI event type.
CLASSIFICATIONS: Mapping[str, _Row] = MappingProxyType(
    {
        "pki.ca.add": _Row("certificate_authority", "add", "CA added", None),
        "pki.ca.delete": _Row("certificate_authority", "delete", "CA deleted", None),
        "pki.ca.expiration.warn": _Row(
            "certificate_authority",
            "expiration_warning",
            "none (a CA nears the FastPass enforcement deadline)",
            "a third-party CA certificate expires soon: rotate it",
        ),
        "pki.ca.renew": _Row("certificate_authority", "renew", "CA certificates renewed", None),
        "pki.ca.scope.mapping.update": _Row(
            "certificate_authority", "scope_mapping_update", "CA scopes changed", None
        ),
        "pki.cert.bind": _Row("certificate", "bind", "ISSUED -> ACTIVE", None),
        "pki.cert.crl_download_failure": _Row(
            "certificate",
            "crl_download_failure",
            "none (concerns the CRL, not a certificate)",
            "the CRL could not be downloaded: check the CRL endpoint",
        ),
        "pki.cert.issue": _Row("certificate", "issue", "-> ISSUED", None),
        "pki.cert.lifecycle.activate": _Row("certificate", "activate", "-> ACTIVE", None),
        "pki.cert.lifecycle.delete": _Row("certificate", "delete", "-> DELETED", None),
        "pki.cert.lifecycle.hold": _Row("certificate", "hold", "-> ON_HOLD", None),
        "pki.cert.lifecycle.revoke": _Row(
            "certificate", "revoke", "-> REVOKED", "a certificate was revoked"
        ),
        "pki.cert.lifecycle.suspend": _Row("certificate", "suspend", "-> SUSPENDED", None),
        "pki.cert.renew": _Row("certificate", "renew", "unchanged (renewal counted)", None),
        "pki.cert.revoke": _Row("certificate", "revoke", "-> REVOKED", "a certificate was revoked"),
    }
)
"""The classification of each canonical PKI event type (the CRL alias maps to its type)."""

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

    Given an event, the outcome counts too: a failed outcome needs attention. An unknown
    ``pki.*`` type gets a classification that says so (``known=False``); so does a non-PKI
    type (``is_pki=False``). Never raises.
    """
    if isinstance(event_or_event_type, str):
        event_type, result = event_or_event_type, None
    else:
        event_type = event_or_event_type.event_type
        outcome = event_or_event_type.outcome
        result = outcome.result if outcome is not None else None
    model = EVENT_MODELS.get(event_type)
    failed = result is not None and result not in SUCCESS_RESULTS
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
    row = CLASSIFICATIONS[model.catalog.event_type]
    reason = row.attention or failure_reason
    return Classification(
        event_type=event_type,
        known=True,
        is_pki=True,
        subject=row.subject,
        action=row.action,
        lifecycle_effect=row.lifecycle_effect,
        needs_attention=reason is not None,
        attention_reason=reason,
    )


def is_pki_event_type(event_type: str) -> bool:
    """Whether a raw ``eventType`` string is a PKI one (``pki.*``): a cheap pre-filter."""
    return event_type.startswith(PKI_PREFIX)


def is_pki_event(event: LogEvent) -> TypeIs[BasePkiEvent]:
    """Whether the event is a PKI event (a catalogued model or ``UnknownPkiEvent``)."""
    return isinstance(event, BasePkiEvent)


_CERT_MODELS: tuple[type[BasePkiEvent], ...] = tuple(
    {m for m in EVENT_MODELS.values() if m.catalog.subject == "certificate"}
)
_CA_MODELS: tuple[type[BasePkiEvent], ...] = (
    PkiCaAddEvent,
    PkiCaDeleteEvent,
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
)
_LIFECYCLE_MODELS: tuple[type[BasePkiEvent], ...] = (
    PkiCertLifecycleActivateEvent,
    PkiCertLifecycleDeleteEvent,
    PkiCertLifecycleHoldEvent,
    PkiCertLifecycleRevokeEvent,
    PkiCertLifecycleSuspendEvent,
)


def is_certificate_event(event: LogEvent) -> TypeIs[CertificateEvent]:
    """Whether the event is a catalogued ``pki.cert.*`` event (about a device certificate)."""
    return isinstance(event, _CERT_MODELS)


def is_ca_event(event: LogEvent) -> TypeIs[CaEvent]:
    """Whether the event is a catalogued ``pki.ca.*`` event (about a certificate authority)."""
    return isinstance(event, _CA_MODELS)


def is_lifecycle_event(event: LogEvent) -> TypeIs[LifecycleEvent]:
    """Whether the event is a ``pki.cert.lifecycle.*`` event (activate, delete, hold, ...)."""
    return isinstance(event, _LIFECYCLE_MODELS)
