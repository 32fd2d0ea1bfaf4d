"""The lifecycle state machines as data: certificate and CA transition tables, compiled.

Everything else (the fold, the diagram, the docs' table, the testing kit's sequences) derives
from ``TRANSITIONS`` and ``CA_TRANSITIONS``. The fold reads the compiled form: integer type
and state codes and a list-of-lists table, ``NEXT[type_code][state_code]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..models.events import EVENT_MODELS

__all__ = [
    "CA_EVENT_TYPES",
    "CA_TRANSITIONS",
    "CERT_EVENT_TYPES",
    "CRL_FAILURE_TYPE",
    "TRANSITIONS",
    "AnomalyKind",
    "CaState",
    "CaTransition",
    "CertState",
    "Transition",
    "lifecycle_diagram",
]


class CertState(str, Enum):
    """The state of a device certificate."""

    ISSUED = "issued"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    DELETED = "deleted"


class CaState(str, Enum):
    """The state of a certificate authority."""

    ACTIVE = "active"
    DELETED = "deleted"


class AnomalyKind(str, Enum):
    """What went wrong in a lifecycle."""

    ILLEGAL_TRANSITION = "illegal_transition"
    """A certificate event the transition table does not allow from the state it met."""
    EVENT_AFTER_DELETE = "event_after_delete"
    """A CA event after the CA was deleted."""
    DUPLICATE_ADD = "duplicate_add"
    """A CA added again while it was present."""
    CONFLICTING_DUPLICATE = "conflicting_duplicate"
    """Two events with the same uuid but different content (one of them was applied)."""
    LATE_EVENT = "late_event"
    """Windowed mode: an event older than what was already applied (counted, not applied)."""


_LIVE = frozenset({CertState.ISSUED, CertState.ACTIVE})
_NOT_ENDED = _LIVE | {CertState.ON_HOLD, CertState.SUSPENDED}


@dataclass(frozen=True)
class Transition:
    """One row of the certificate transition table."""

    event_types: tuple[str, ...]
    """The event types of the row (canonical names)."""
    allowed_from: frozenset[CertState | None]
    """The states it may be applied in; None is a certificate not seen before."""
    to: CertState | None
    """The state it leads to; None leaves the state unchanged."""
    first_seen: CertState
    """The state of a certificate first seen through this event (its issue fell earlier)."""
    note: str = ""
    """What else it does."""


TRANSITIONS: tuple[Transition, ...] = (
    Transition(("pki.cert.issue",), frozenset({None}), CertState.ISSUED, CertState.ISSUED),
    Transition(
        ("pki.cert.bind",),
        frozenset({CertState.ISSUED}),
        CertState.ACTIVE,
        CertState.ACTIVE,
        "remembers the device",
    ),
    Transition(("pki.cert.renew",), _LIVE, None, CertState.ACTIVE, "counts the renewal"),
    Transition(("pki.cert.lifecycle.hold",), _LIVE, CertState.ON_HOLD, CertState.ON_HOLD),
    Transition(("pki.cert.lifecycle.suspend",), _LIVE, CertState.SUSPENDED, CertState.SUSPENDED),
    Transition(("pki.cert.lifecycle.activate",), _NOT_ENDED, CertState.ACTIVE, CertState.ACTIVE),
    Transition(
        ("pki.cert.lifecycle.revoke", "pki.cert.revoke"),
        _NOT_ENDED,
        CertState.REVOKED,
        CertState.REVOKED,
    ),
    Transition(
        ("pki.cert.lifecycle.delete",),
        frozenset(CertState) - {CertState.DELETED},
        CertState.DELETED,
        CertState.DELETED,
    ),
)
"""The certificate transition table: the one source of the state machine and its diagram."""


@dataclass(frozen=True)
class CaTransition:
    """One row of the certificate authority table."""

    event_type: str
    """The CA event type."""
    allowed_from: frozenset[CaState | None]
    """The states it may be applied in; None is a CA not seen before."""
    to: CaState | None
    """The state it leads to; None leaves the state unchanged."""
    first_seen: CaState
    """The state of a CA first seen through this event."""
    refused: AnomalyKind
    """The anomaly reported when it meets a state outside ``allowed_from``."""
    note: str = ""
    """What else it does."""


_CA_PRESENT = frozenset({None, CaState.ACTIVE})
CA_TRANSITIONS: tuple[CaTransition, ...] = (
    CaTransition(
        "pki.ca.add",
        frozenset({None, CaState.DELETED}),
        CaState.ACTIVE,
        CaState.ACTIVE,
        AnomalyKind.DUPLICATE_ADD,
        "sets added_at, clears deleted_at",
    ),
    CaTransition(
        "pki.ca.delete",
        _CA_PRESENT,
        CaState.DELETED,
        CaState.DELETED,
        AnomalyKind.EVENT_AFTER_DELETE,
        "sets deleted_at",
    ),
    CaTransition(
        "pki.ca.renew",
        _CA_PRESENT,
        None,
        CaState.ACTIVE,
        AnomalyKind.EVENT_AFTER_DELETE,
        "counts the renewal",
    ),
    CaTransition(
        "pki.ca.expiration.warn",
        _CA_PRESENT,
        None,
        CaState.ACTIVE,
        AnomalyKind.EVENT_AFTER_DELETE,
        "sets the expiration urgency",
    ),
    CaTransition(
        "pki.ca.scope.mapping.update",
        _CA_PRESENT,
        None,
        CaState.ACTIVE,
        AnomalyKind.EVENT_AFTER_DELETE,
        "sets the CAs of a scope (scope mappings are global)",
    ),
)
"""The certificate authority table: what each CA event does and what it refuses."""

CERT_EVENT_TYPES: tuple[str, ...] = tuple(n for row in TRANSITIONS for n in row.event_types)
"""The event types applied to certificates, in table order."""
CA_EVENT_TYPES: frozenset[str] = frozenset(
    t for t, m in EVENT_MODELS.items() if m.catalog.subject == "certificate_authority"
)
"""The event types tracked on certificate authorities."""
CRL_FAILURE_TYPE = "pki.cert.crl_download_failure"
"""The event type listed in ``report.crl_failures`` (it changes no certificate)."""

assert {row.event_type for row in CA_TRANSITIONS} == CA_EVENT_TYPES, "CA table is incomplete"

# -- compiled form, for the fold --------------------------------------------------------------

CERT_STATES: tuple[CertState | None, ...] = (None, *CertState)
"""State code -> state; code 0 is a certificate not seen before."""
STATE_CODE: dict[CertState | None, int] = {s: i for i, s in enumerate(CERT_STATES)}
STATE_VALUES: tuple[str | None, ...] = tuple(s.value if s else None for s in CERT_STATES)
TYPE_CODE: dict[str, int] = {name: i for i, name in enumerate(CERT_EVENT_TYPES)}
"""Certificate event type -> type code (its index in ``CERT_EVENT_TYPES``)."""
ILLEGAL = -1
NEXT: list[list[int]] = [[ILLEGAL] * len(CERT_STATES) for _ in CERT_EVENT_TYPES]
"""``NEXT[type_code][state_code]``: the state code it leads to, or ``ILLEGAL``.

Column 0, a certificate not seen before, holds each row's ``first_seen``: the first applied
event of a certificate starts its history, whatever it is (only the issue makes it
``complete``)."""
for _row in TRANSITIONS:
    for _name in _row.event_types:
        for _source in _row.allowed_from:
            NEXT[TYPE_CODE[_name]][STATE_CODE[_source]] = STATE_CODE[
                _row.to or _source or _row.first_seen
            ]
        NEXT[TYPE_CODE[_name]][0] = STATE_CODE[_row.first_seen]
ISSUE, BIND = TYPE_CODE["pki.cert.issue"], TYPE_CODE["pki.cert.bind"]
RENEW = TYPE_CODE["pki.cert.renew"]
assert {ISSUE, BIND, RENEW} == {0, 1, 2}, "the fold tests ``code <= RENEW`` for these three"
CA_ROWS: dict[str, CaTransition] = {row.event_type: row for row in CA_TRANSITIONS}


def lifecycle_diagram() -> str:
    """A Mermaid state diagram of the certificate lifecycle, drawn from ``TRANSITIONS``."""
    lines = ["stateDiagram-v2"]
    for row in TRANSITIONS:
        label = ", ".join(row.event_types)
        for source in sorted(row.allowed_from, key=lambda s: "" if s is None else s.value):
            start = "[*]" if source is None else source.name
            end = (row.to or source or row.first_seen).name
            lines.append(f"    {start} --> {end}: {label}")
    return "\n".join(lines)
