"""OCSF events (``OCSF_VERSION``) for every event the parser accepts.

Class: Entity Management (IAM category 3, class 3004): an administrative action on a managed
entity. The activity of each PKI type is one row of ``OCSF_ACTIVITIES`` (the Entity Management
activities OCSF has had since 1.3: Enroll, Activate, Deactivate, Suspend); any other type is
activity Other (99) with ``activity_name`` set to Okta's ``eventType``, as OCSF prescribes for
source-specific values. The tests validate every output against the real OCSF schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..models.entities import Target
from ..models.log_event import LogEvent
from ..models.outcome import OutcomeStatus
from ._ecs import wire_of
from ._paths import prune, valid_ip

__all__ = [
    "OCSF_ACTIVITIES",
    "OCSF_ACTIVITY_NAMES",
    "OCSF_CLASS_UID",
    "OCSF_SEVERITIES",
    "OCSF_VERSION",
    "OCSF_VERSIONS",
    "to_ocsf",
]

OCSF_VERSION = "1.8.0"
"""The OCSF version ``to_ocsf`` writes by default (``metadata.version``): the latest release."""

OCSF_VERSIONS = ("1.3.0", "1.4.0", "1.5.0", "1.6.0", "1.7.0", "1.8.0")
"""The OCSF versions ``to_ocsf(event, version=...)`` writes: every release since 1.3.0, the
first with the Entity Management activities used here (Enroll, Activate, Deactivate,
Suspend). The tests validate the output against each one's schema."""

OCSF_CLASS_UID = 3004
"""Entity Management."""

OCSF_ACTIVITY_NAMES: Mapping[int, str] = MappingProxyType(
    {
        0: "Unknown",
        1: "Create",
        2: "Read",
        3: "Update",
        4: "Delete",
        5: "Move",
        6: "Enroll",
        7: "Unenroll",
        8: "Enable",
        9: "Disable",
        10: "Activate",
        11: "Deactivate",
        12: "Suspend",
        13: "Resume",
        99: "Other",
    }
)
"""The captions of the Entity Management activity ids (OCSF 1.3 and later)."""

OCSF_ACTIVITIES: Mapping[str, int] = MappingProxyType(
    {
        "pki.ca.add": 1,
        "pki.cert.issue": 1,
        "pki.ca.delete": 4,
        "pki.cert.lifecycle.delete": 4,
        # Revocation is permanent ("can never be activated again"): Delete, as ECS's deletion.
        "pki.cert.lifecycle.revoke": 4,
        "pki.cert.revoke": 4,
        # The certificate is bound to its device: "enroll an existing managed entity".
        "pki.cert.bind": 6,
        # On hold is temporary and reversible; suspension follows the device's deactivation.
        "pki.cert.lifecycle.hold": 12,
        "pki.cert.lifecycle.activate": 10,
        "pki.cert.lifecycle.suspend": 11,
        "pki.cert.renew": 3,
        "pki.ca.renew": 3,
        "pki.ca.scope.mapping.update": 3,
        # No entity changes state: a notice about a CA, a CRL that failed to download.
        "pki.ca.expiration.warn": 99,
        "pki.cert.crl_download_failure": 99,
    }
)
"""The OCSF Entity Management activity id of each PKI event type (others: Other, 99)."""

OCSF_SEVERITIES: Mapping[str, tuple[int, str]] = MappingProxyType(
    {
        "DEBUG": (1, "Informational"),
        "INFO": (1, "Informational"),
        "WARN": (3, "Medium"),
        "ERROR": (4, "High"),
    }
)
"""Okta's severity -> OCSF ``severity_id`` and its caption (anything else: Unknown, 0)."""

_STATUS = {1: "Success", 2: "Failure", 0: "Unknown"}
_STATUS_IDS: Mapping[OutcomeStatus | None, int] = MappingProxyType(
    {"success": 1, "failure": 2, "unknown": 0, None: 0}
)  # outcome_status -> OCSF status_id
_USER_TYPES = {"User": 1}  # OCSF user.type_id 1 is "User"; other Okta actor types: Other.


def _entity(event: LogEvent) -> dict[str, Any]:
    """The managed entity: the certificate or CA, else the first target, else the event."""
    subject = "Certificate Authority" if event.event_type.startswith("pki.ca.") else None
    target: Target | None
    if subject is not None:
        target = event.ca_targets[0] if event.ca_targets else None
    elif event.event_type.startswith("pki.cert."):
        subject, target = "Certificate", event.certificate_target
    else:
        target = None
    if target is None and event.target:
        target = event.target[0]
    if target is None:
        return {"type_id": 0, "type": "Unknown", "name": event.event_type}
    entity = prune(
        {
            "uid": target.id,
            "name": target.display_name or target.alternate_id,
            "type_id": 99,
            "type": target.type or subject or "Other",
            "data": target.detail_entry,
        }
    )
    if "uid" not in entity and "name" not in entity:
        entity["name"] = event.event_type
    return entity  # type: ignore[no-any-return]


# OCSF's `email_t` regex (1.8.0 dictionary), anchors dropped for fullmatch: an alternateId
# that merely contains "@" (a login such as "@" or "a@b") is a name, not an email address.
_EMAIL = re.compile(r"[a-zA-Z0-9!#$%&'*+-/=?^_`{|}~.]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+")


def _actor(event: LogEvent) -> dict[str, Any] | None:
    actor = event.actor
    if actor is None:
        return None
    kind = actor.type
    user = prune(
        {
            "uid": actor.id,
            "name": actor.alternate_id,
            "full_name": actor.display_name,
            "email_addr": actor.alternate_id
            if actor.alternate_id and _EMAIL.fullmatch(actor.alternate_id)
            else None,
            "type_id": _USER_TYPES.get(kind, 99) if kind else None,
            "type": kind,
        }
    )
    if not ({"uid", "name"} & user.keys()):
        return None
    session = (
        event.authentication_context.external_session_id if event.authentication_context else None
    )
    return prune({"user": user, "session": {"uid": session}})  # type: ignore[no-any-return]


# What ``network_endpoint`` needs at least one of, among the attributes written here: OCSF
# added ``domain`` to that constraint in 1.4.0.
_ENDPOINT_IDENTIFIERS = {"1.3.0": frozenset({"ip"})}
_ENDPOINT_IDENTIFIERS_SINCE_1_4 = frozenset({"ip", "domain"})


def _src_endpoint(wire: Mapping[str, Any], version: str) -> dict[str, Any] | None:
    client = wire.get("client") or {}
    geo = client.get("geographicalContext") or {}
    point = geo.get("geolocation") or {}
    ip = client.get("ipAddress")
    security = wire.get("securityContext") or {}
    endpoint = prune(
        {
            "ip": valid_ip(ip),
            "domain": security.get("domain"),
            "location": {
                "city": geo.get("city"),
                "region": geo.get("state"),
                "country": geo.get("country"),
                "postal_code": _text_or_none(geo.get("postalCode")),
                "lat": point.get("lat"),
                "long": point.get("lon"),
            },
        }
    )
    location = endpoint.get("location", {})
    if not ({"city", "country", "postal_code", "region"} & location.keys()):
        endpoint.pop("location", None)
    if not (_ENDPOINT_IDENTIFIERS.get(version, _ENDPOINT_IDENTIFIERS_SINCE_1_4) & endpoint.keys()):
        return None
    return endpoint  # type: ignore[no-any-return]


def to_ocsf(event: LogEvent, *, version: str = OCSF_VERSION) -> dict[str, Any]:
    """The OCSF Entity Management (3004) event for any Okta event.

    ``version`` is the OCSF version written to ``metadata.version``: one of
    ``OCSF_VERSIONS`` (1.3.0 to 1.8.0; default ``OCSF_VERSION``, 1.8.0), and the event
    validates against that version's schema (1.3.0 has no ``src_endpoint`` with only a
    ``domain``, which that version does not accept alone). Any other version raises
    ``ValueError``.

    ``activity_id`` from ``OCSF_ACTIVITIES`` (Other, 99, with ``activity_name`` = the Okta
    ``eventType``, for a type it does not list); ``entity`` the certificate or CA (else the
    first target); ``actor.user`` the Okta actor; ``device`` the device target;
    ``src_endpoint`` the client; ``metadata.profiles`` declares ``host`` whenever ``actor``
    or ``device`` is present; ``severity`` is the caption of ``severity_id`` (Okta's own
    severity is kept in ``unmapped.okta_severity``). Fields without an OCSF home go to
    ``unmapped``. Nulls and empty values are left out.
    """
    if version not in OCSF_VERSIONS:
        raise ValueError(
            f"OCSF version {version!r} is not supported: choose one of {', '.join(OCSF_VERSIONS)}"
        )
    wire = wire_of(event)
    activity_id = OCSF_ACTIVITIES.get(event.event_type, 99)
    activity_name = event.event_type if activity_id == 99 else OCSF_ACTIVITY_NAMES[activity_id]
    severity_id, severity = OCSF_SEVERITIES.get(event.severity or "", (0, "Unknown"))
    result = event.outcome.result if event.outcome else None
    status_id = _STATUS_IDS[event.outcome_status]
    device_target = event.device_target
    device = (
        prune({"uid": device_target.id, "name": device_target.display_name, "type_id": 0})
        if device_target is not None
        else None
    )
    if device is not None and not ({"uid", "name"} & device.keys()):
        device = None
    actor = _actor(event)
    profiles = ["host"] if actor is not None or device is not None else []
    doc: dict[str, Any] = {
        "class_uid": OCSF_CLASS_UID,
        "class_name": "Entity Management",
        "category_uid": 3,
        "category_name": "Identity & Access Management",
        "activity_id": activity_id,
        "activity_name": activity_name,
        "type_uid": OCSF_CLASS_UID * 100 + activity_id,
        "type_name": f"Entity Management: {OCSF_ACTIVITY_NAMES[activity_id]}",
        "time": int(event.published.timestamp() * 1000),
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": _STATUS[status_id],
        "status_code": result,
        "status_detail": event.outcome.reason if event.outcome else None,
        "message": event.display_message,
        "metadata": {
            "version": version,
            "uid": event.uuid,
            "event_code": event.event_type,
            "original_time": wire["published"],
            "product": {"name": "Okta System Log", "vendor_name": "Okta"},
            "log_name": "System Log",
            "profiles": profiles,
        },
        "actor": actor,
        "device": device,
        "src_endpoint": _src_endpoint(wire, version),
        "entity": _entity(event),
        "unmapped": {
            "okta_severity": event.severity,
            "transaction": wire.get("transaction"),
            "debug_data": (wire.get("debugContext") or {}).get("debugData"),
        },
    }
    pruned: dict[str, Any] = prune(doc)
    return pruned


def _text_or_none(value: Any) -> str | None:
    """A string attribute: Okta sends some (postal codes) as numbers at times."""
    return None if value is None else str(value)
