"""Semantic validation: checks beyond structure, never run by parsing.

``validate(event)`` returns the ``ValidationIssue``s of one parsed event. Each rule is a row
of ``RULES`` (its code, severity and what it checks); ``strict=True`` raises
``EventValidationError`` when any issue is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from .classification import is_ca_event, is_certificate_event
from .models.details import ExpirationUrgency
from .models.events import (
    PkiCaExpirationWarnEvent,
    PkiCaRenewEvent,
    PkiCaScopeMappingUpdateEvent,
    PkiCertBindEvent,
    PkiCertCrlDownloadFailureEvent,
    UnknownPkiEvent,
)
from .models.log_event import LogEvent

__all__ = [
    "CLOCK_SKEW",
    "MISSPELT_CRL_TYPE",
    "RULES",
    "EventValidationError",
    "Rule",
    "Severity",
    "ValidationIssue",
    "validate",
]

Severity = Literal["error", "warning", "info"]
"""How serious an issue is: ``error`` fails ``strict`` validation."""

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future ``published`` may be before it is an error."""

MISSPELT_CRL_TYPE = "pki.cert.lifecycle.crl_download_failure"
"""The spelling of the CRL failure type that Okta's own description uses."""


@dataclass(frozen=True)
class ValidationIssue:
    """One thing a semantic check found."""

    code: str
    """A stable, snake_case identifier of the rule."""
    message: str
    """What is wrong, in a sentence."""
    path: str
    """The field path concerned (dotted wire names, e.g. ``outcome.reason``)."""
    severity: Severity
    """``error``, ``warning`` or ``info``."""


class EventValidationError(ValueError):
    """Raised by ``validate(..., strict=True)`` when an event has errors."""

    def __init__(self, event: LogEvent, issues: list[ValidationIssue]) -> None:
        """Name the event and its errors."""
        self.event = event
        self.issues = issues
        details = "; ".join(f"{i.path}: {i.message} [{i.code}]" for i in issues)
        super().__init__(f"event {event.uuid} ({event.event_type}): {details}")


@dataclass(frozen=True)
class Rule:
    """One semantic check."""

    code: str
    """The code of the issues it reports."""
    severity: Severity
    """The severity of those issues."""
    path: str
    """The field it looks at."""
    check: Callable[[LogEvent, datetime], Iterator[str]]
    """Yields a message per problem found in an event (given the current time)."""


def _expiration_reason(event: LogEvent, _: datetime) -> Iterator[str]:
    """An expiration warning whose reason is none of the three urgencies."""
    if isinstance(event, PkiCaExpirationWarnEvent) and event.urgency is None:
        reason = event.outcome.reason if event.outcome else None
        known = ", ".join(u.value for u in ExpirationUrgency)
        yield f"outcome.reason is {reason!r}, none of {known}"


def _certificate_target(event: LogEvent, _: datetime) -> Iterator[str]:
    """A certificate event (but the CRL failure) without a certificate target."""
    if (
        is_certificate_event(event)
        and not isinstance(event, PkiCertCrlDownloadFailureEvent)
        and event.certificate_target is None
    ):
        yield f"{event.event_type} has no certificate target"


def _device_target(event: LogEvent, _: datetime) -> Iterator[str]:
    """A bind without a device target."""
    if isinstance(event, PkiCertBindEvent) and event.device_target is None:
        yield "pki.cert.bind has no device target: the device it was bound to is unknown"


def _crl_url(event: LogEvent, _: datetime) -> Iterator[str]:
    """A CRL failure without the CRL's URL."""
    if isinstance(event, PkiCertCrlDownloadFailureEvent) and event.crl_url is None:
        yield "the CRL failure carries no CRL URL in debugContext.debugData"


def _crl_status(event: LogEvent, _: datetime) -> Iterator[str]:
    """A CRL failure without an HTTP status."""
    if isinstance(event, PkiCertCrlDownloadFailureEvent) and event.http_status is None:
        yield "the CRL failure carries no HTTP status"


def _ca_details(event: LogEvent, _: datetime) -> Iterator[str]:
    """A CA event (but the scope mapping update) without CA details."""
    if (
        is_ca_event(event)
        and not isinstance(event, PkiCaScopeMappingUpdateEvent)
        and not event.ca_details
    ):
        yield f"{event.event_type} has no CA target with CA details (detailEntry)"


def _scope_change(event: LogEvent, _: datetime) -> Iterator[str]:
    """A scope mapping update without ``changeDetails.to``."""
    if isinstance(event, PkiCaScopeMappingUpdateEvent) and event.scope_after is None:
        yield "the scope mapping update has no changeDetails.to"


def _renewal(event: LogEvent, _: datetime) -> Iterator[str]:
    """A CA renewal that names no new certificate."""
    if isinstance(event, PkiCaRenewEvent) and event.ca_details and not event.new_certificates:
        yield "the CA renewal names no new (VALID or PENDING) certificate"


def _future(event: LogEvent, now: datetime) -> Iterator[str]:
    """A ``published`` later than now (plus ``CLOCK_SKEW``)."""
    if event.published > now + CLOCK_SKEW:
        yield f"published {event.published.isoformat()} is in the future"


def _misspelt(event: LogEvent, _: datetime) -> Iterator[str]:
    """The misspelt CRL failure type."""
    if event.event_type == MISSPELT_CRL_TYPE:
        yield (
            "eventType uses the misspelling of Okta's description; "
            "the catalogued type is pki.cert.crl_download_failure"
        )


def _unknown_type(event: LogEvent, _: datetime) -> Iterator[str]:
    """A ``pki.*`` type this library does not know."""
    if isinstance(event, UnknownPkiEvent):
        yield f"{event.event_type} is not a PKI type this library knows: upgrade it for a model"


RULES: tuple[Rule, ...] = (
    Rule("expiration_reason_unknown", "warning", "outcome.reason", _expiration_reason),
    Rule("missing_certificate_target", "error", "target", _certificate_target),
    Rule("missing_device_target", "warning", "target", _device_target),
    Rule("crl_missing_url", "warning", "debugContext.debugData", _crl_url),
    Rule("crl_missing_status", "warning", "debugContext.debugData", _crl_status),
    Rule("ca_missing_details", "warning", "target", _ca_details),
    Rule("scope_mapping_missing_change", "warning", "target.changeDetails", _scope_change),
    Rule("ca_renewal_without_new_certificate", "warning", "target", _renewal),
    Rule("published_in_future", "error", "published", _future),
    Rule("misspelt_event_type", "info", "eventType", _misspelt),
    Rule("unknown_pki_event_type", "info", "eventType", _unknown_type),
)
"""Every semantic check, in the order it runs."""


def validate(
    event: LogEvent, *, strict: bool = False, now: datetime | None = None
) -> list[ValidationIssue]:
    """Run every semantic check (``RULES``) on a parsed event.

    Args:
        event: the parsed event.
        strict: raise ``EventValidationError`` (a ``ValueError``) when an issue is an error.
        now: the current time for the "published in the future" check (default: now, UTC);
            an aware ``datetime`` (a naive one raises ``ValueError``: its zone is unknown).

    Returns:
        The issues found, in rule order (empty when the event makes sense).

    """
    if now is not None and now.utcoffset() is None:
        raise ValueError(
            f"now must be an aware datetime (with a time zone), not the naive {now.isoformat()}"
        )
    moment = now or datetime.now(timezone.utc)
    issues = [
        ValidationIssue(rule.code, message, rule.path, rule.severity)
        for rule in RULES
        for message in rule.check(event, moment)
    ]
    if strict:
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise EventValidationError(event, errors)
    return issues
