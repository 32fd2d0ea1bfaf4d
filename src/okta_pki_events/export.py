"""Export to the tools users already run: Elastic ECS, OCSF, and flat records for notebooks.

- ``to_ecs(event)``: the document Elastic's Okta integration (``okta.system``) would index,
  built from one table (``ECS_FIELDS``: wire path -> ECS fields), nulls and empties dropped.
- ``to_ocsf(event)``: an OCSF 1.3 Entity Management (3004) event for certificates and CAs.
- ``to_records(events)``: one flat dict per event with dotted column names, for
  ``pandas.DataFrame(...)`` or ``polars.DataFrame(...)``; ``to_dataframe(events)`` (extra
  ``dataframe``) returns a polars DataFrame with proper dtypes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .classification import classify
from .models._base import format_okta_datetime
from .models.entities import Target
from .models.log_event import LogEvent

if TYPE_CHECKING:  # pragma: no cover
    import polars

__all__ = [
    "ECS_FIELDS",
    "ECS_VERSION",
    "OCSF_ACTIVITY_IDS",
    "OCSF_VERSION",
    "to_dataframe",
    "to_ecs",
    "to_ocsf",
    "to_records",
]

ECS_VERSION = "8.11.0"
"""The ECS version the documents follow."""

# Wire path (dotted, Okta's names) -> the ECS fields it fills, as Elastic's Okta integration
# maps them. Values are copied as they are; nulls and empty strings are dropped afterwards.
ECS_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("uuid", ("event.id", "okta.uuid")),
    ("eventType", ("event.action", "okta.event_type")),
    ("displayMessage", ("okta.display_message",)),
    ("severity", ("okta.severity",)),
    ("version", ("okta.version",)),
    ("legacyEventType", ("okta.legacy_event_type",)),
    ("actor.id", ("okta.actor.id", "client.user.id", "source.user.id")),
    ("actor.type", ("okta.actor.type",)),
    ("actor.alternateId", ("okta.actor.alternate_id",)),
    (
        "actor.displayName",
        (
            "okta.actor.display_name",
            "client.user.full_name",
            "source.user.full_name",
            "user.full_name",
        ),
    ),
    ("client.device", ("okta.client.device",)),
    ("client.id", ("okta.client.id",)),
    ("client.ipAddress", ("okta.client.ip", "client.ip", "source.ip")),
    ("client.zone", ("okta.client.zone",)),
    ("client.userAgent.browser", ("okta.client.user_agent.browser",)),
    ("client.userAgent.os", ("okta.client.user_agent.os",)),
    (
        "client.userAgent.rawUserAgent",
        ("okta.client.user_agent.raw_user_agent", "user_agent.original"),
    ),
    ("client.geographicalContext.city", ("client.geo.city_name",)),
    ("client.geographicalContext.state", ("client.geo.region_name",)),
    ("client.geographicalContext.country", ("client.geo.country_name",)),
    ("client.geographicalContext.postalCode", ("client.geo.postal_code",)),
    ("client.geographicalContext.geolocation", ("client.geo.location",)),
    ("outcome.result", ("okta.outcome.result",)),
    ("outcome.reason", ("okta.outcome.reason",)),
    ("transaction.id", ("okta.transaction.id",)),
    ("transaction.type", ("okta.transaction.type",)),
    ("debugContext.debugData", ("okta.debug_context.debug_data.flattened",)),
    (
        "debugContext.debugData.deviceFingerprint",
        ("okta.debug_context.debug_data.device_fingerprint",),
    ),
    ("debugContext.debugData.requestId", ("okta.debug_context.debug_data.request_id",)),
    ("debugContext.debugData.requestUri", ("okta.debug_context.debug_data.request_uri",)),
    ("debugContext.debugData.threatSuspected", ("okta.debug_context.debug_data.threat_suspected",)),
    ("debugContext.debugData.url", ("okta.debug_context.debug_data.url",)),
    (
        "authenticationContext.authenticationProvider",
        ("okta.authentication_context.authentication_provider",),
    ),
    (
        "authenticationContext.authenticationStep",
        ("okta.authentication_context.authentication_step",),
    ),
    (
        "authenticationContext.credentialProvider",
        ("okta.authentication_context.credential_provider",),
    ),
    ("authenticationContext.credentialType", ("okta.authentication_context.credential_type",)),
    (
        "authenticationContext.externalSessionId",
        ("okta.authentication_context.external_session_id",),
    ),
    ("authenticationContext.rootSessionId", ("okta.authentication_context.root_session_id",)),
    ("authenticationContext.interface", ("okta.authentication_context.interface",)),
    ("authenticationContext.issuer", ("okta.authentication_context.issuer",)),
    ("securityContext.asNumber", ("okta.security_context.as.number",)),
    (
        "securityContext.asOrg",
        ("okta.security_context.as.organization.name", "client.as.organization.name"),
    ),
    ("securityContext.domain", ("okta.security_context.domain", "client.domain", "source.domain")),
    ("securityContext.isProxy", ("okta.security_context.is_proxy",)),
    ("securityContext.isp", ("okta.security_context.isp",)),
    ("device.id", ("okta.device.id", "device.id")),
    ("device.name", ("okta.device.name",)),
    ("device.os_platform", ("okta.device.os_platform",)),
    ("device.os_version", ("okta.device.os_version",)),
)
"""The ECS table: each wire path and the ECS fields it fills."""

_USER = re.compile(r"[a-zA-Z0-9._-]+")  # Elastic's grok %{USER}, applied to actor.alternateId

OCSF_VERSION = "1.3.0"
"""The OCSF schema version of the events."""

OCSF_ACTIVITY_IDS: Mapping[str, int] = {"Create": 1, "Update": 3, "Delete": 4, "Other": 99}
"""OCSF Entity Management activity ids of the activities the classification chooses."""

_OCSF_CLASS_UID = 3004
_OCSF_CATEGORY_UID = 3
_OCSF_SEVERITY = {"DEBUG": 1, "INFO": 1, "WARN": 3, "ERROR": 4}


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _prune(value: Any) -> Any:
    """Drop nulls, empty strings and what becomes empty, recursively (as Elastic does)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", {}, [])}
    if isinstance(value, list):
        pruned_list = [_prune(v) for v in value]
        return [v for v in pruned_list if v not in (None, "", {}, [])]
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _target_doc(target: Mapping[str, Any]) -> dict[str, Any]:
    return {_snake(k): v for k, v in target.items() if k != "detailEntry"}


def to_ecs(event: LogEvent) -> dict[str, Any]:
    """The ECS document Elastic's Okta integration would produce for the event.

    ``@timestamp`` is ``published``; ``event.category``, ``event.type`` and
    ``event.outcome`` come from ``classify`` (Elastic's table); every other field from
    ``ECS_FIELDS``. Null and empty values are dropped.
    """
    wire = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    kind = classify(event)
    doc: dict[str, Any] = {
        "@timestamp": format_okta_datetime(event.published),
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "module": "okta",
            "dataset": "okta.system",
            "category": list(kind.ecs_category),
            "type": list(kind.ecs_type),
            "outcome": kind.ecs_outcome,
        },
    }
    for path, targets in ECS_FIELDS:
        value = _get(wire, path)
        if value is not None:
            for field in targets:
                _set(doc, field, value)
    alternate = _get(wire, "actor.alternateId")
    user = _USER.search(alternate) if isinstance(alternate, str) else None
    if user:
        for field in ("user.name", "source.user.name", "client.user.name"):
            _set(doc, field, user.group(0))
    target_list = wire.get("target")
    if isinstance(target_list, list):
        _set(doc, "okta.target", [_target_doc(t) for t in target_list if isinstance(t, Mapping)])
    chain = _get(wire, "request.ipChain")
    if isinstance(chain, list):
        _set(
            doc,
            "okta.request.ip_chain",
            [
                {
                    _snake(k): ({_snake(a): b for a, b in v.items()} if isinstance(v, dict) else v)
                    for k, v in hop.items()
                }
                for hop in chain
                if isinstance(hop, Mapping)
            ],
        )
    related_ip = [ip for ip in (_get(wire, "client.ipAddress"),) if isinstance(ip, str)]
    related_user = [name for name in (_get(wire, "actor.displayName"),) if isinstance(name, str)]
    if related_ip or related_user:
        doc["related"] = {"ip": related_ip, "user": related_user}
    pruned: dict[str, Any] = _prune(doc)
    return pruned


def _ocsf_entity(target: Target | None, kind: str) -> dict[str, Any] | None:
    if target is None:
        return None
    entity: dict[str, Any] = _prune(
        {
            "uid": target.id,
            "name": target.display_name or target.alternate_id,
            "type": target.type or kind,
            "data": target.detail_entry,
        }
    )
    return entity


def to_ocsf(event: LogEvent) -> dict[str, Any]:
    """An OCSF 1.3 Entity Management (class 3004) event for a certificate or CA event.

    The activity (Create 1, Update 3, Delete 4, Other 99) comes from ``classify``;
    ``entity`` is the certificate (or the first CA) target, ``actor.user`` the Okta actor,
    ``src_endpoint`` the client, ``metadata.product`` Okta System Log. Fields the mapping does
    not place go to ``unmapped``.
    """
    kind = classify(event)
    activity_id = OCSF_ACTIVITY_IDS[kind.ocsf_activity]
    result = event.outcome.result if event.outcome else None
    status_id = {"success": 1, "failure": 2}.get(kind.ecs_outcome, 0)
    entity_target: Target | None
    if kind.subject == "certificate_authority":
        candidates = event.ca_targets or list(event.target or ())
        entity_target = candidates[0] if candidates else None
    else:
        entity_target = event.certificate_target
    actor = event.actor
    client = event.client
    geo = client.geographical_context if client else None
    doc: dict[str, Any] = {
        "class_uid": _OCSF_CLASS_UID,
        "class_name": "Entity Management",
        "category_uid": _OCSF_CATEGORY_UID,
        "category_name": "Identity & Access Management",
        "activity_id": activity_id,
        "activity_name": kind.ocsf_activity,
        "type_uid": _OCSF_CLASS_UID * 100 + activity_id,
        "time": int(event.published.timestamp() * 1000),
        "severity_id": _OCSF_SEVERITY.get(event.severity or "", 0),
        "severity": event.severity,
        "status_id": status_id,
        "status": {1: "Success", 2: "Failure"}.get(status_id, "Unknown"),
        "status_code": result,
        "status_detail": event.outcome.reason if event.outcome else None,
        "message": event.display_message,
        "metadata": {
            "version": OCSF_VERSION,
            "uid": event.uuid,
            "event_code": event.event_type,
            "product": {"name": "Okta System Log", "vendor_name": "Okta"},
            "log_name": "System Log",
        },
        "actor": {
            "user": {
                "uid": actor.id if actor else None,
                "name": actor.display_name if actor else None,
                "email_addr": actor.alternate_id
                if actor and actor.alternate_id and "@" in actor.alternate_id
                else None,
                "type": actor.type if actor else None,
            },
            "session": {
                "uid": event.authentication_context.external_session_id
                if event.authentication_context
                else None
            },
        },
        "src_endpoint": {
            "ip": client.ip_address if client else None,
            "location": {
                "city": geo.city if geo else None,
                "region": geo.state if geo else None,
                "country": geo.country if geo else None,
                "lat": geo.geolocation.lat if geo and geo.geolocation else None,
                "long": geo.geolocation.lon if geo and geo.geolocation else None,
            },
        },
        "entity": _ocsf_entity(entity_target, kind.subject or "entity"),
        "device": {"uid": event.device_target.id} if event.device_target else None,
        "unmapped": {
            "transaction": event.transaction.model_dump(mode="json", exclude_none=True)
            if event.transaction
            else None,
            "debug_data": event.debug_context.debug_data if event.debug_context else None,
        },
    }
    pruned: dict[str, Any] = _prune(doc)
    return pruned


def _flatten(prefix: str, value: Any, row: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, row)
    elif isinstance(value, list):
        row[prefix] = json.dumps(value, separators=(",", ":"))
    else:
        row[prefix] = value


_TARGET_KINDS = (("certificate", "certificate_target"), ("device", "device_target"))


def to_records(events: Iterable[LogEvent]) -> list[dict[str, Any]]:
    """One flat dict per event, with dotted column names (Okta's wire names).

    Nested objects become columns (``actor.alternateId``,
    ``client.geographicalContext.country``, ``debugContext.debugData.requestId``); the
    certificate, device and first CA targets become ``target.certificate.*``,
    ``target.device.*`` and ``target.ca.*``; other arrays become JSON text. ``published`` is
    an aware datetime. Ready for ``pandas.DataFrame(...)`` or ``polars.DataFrame(...)``.
    """
    rows = []
    for event in events:
        wire = event.model_dump(mode="json", by_alias=True, exclude={"target", "published"})
        row: dict[str, Any] = {"published": event.published}
        _flatten("", wire, row)
        picks: list[tuple[str, Target | None]] = [
            (name, getattr(event, attribute)) for name, attribute in _TARGET_KINDS
        ]
        picks.append(("ca", event.ca_targets[0] if event.ca_targets else None))
        for name, target in picks:
            for attribute, column in (
                ("id", "id"),
                ("type", "type"),
                ("alternate_id", "alternateId"),
                ("display_name", "displayName"),
            ):
                row[f"target.{name}.{column}"] = getattr(target, attribute) if target else None
        row["target.count"] = len(event.target or ())
        rows.append(row)
    return rows


def to_dataframe(events: Iterable[LogEvent]) -> polars.DataFrame:
    """A polars DataFrame of ``to_records(events)`` with proper dtypes (extra ``dataframe``).

    ``published`` is a UTC-aware datetime; ``eventType``, ``severity`` and
    ``outcome.result`` are categoricals. Columns are the union over the events (missing
    values are null).
    """
    try:
        import polars as pl
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "to_dataframe needs polars: pip install 'okta-pki-events[dataframe]'"
        ) from exc
    rows = to_records(events)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    frame = pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in rows], infer_schema_length=None
    )
    casts = [pl.col("published").dt.convert_time_zone("UTC")] if "published" in columns else []
    casts += [
        pl.col(name).cast(pl.Categorical)
        for name in ("eventType", "severity", "outcome.result")
        if name in columns and frame.schema[name] == pl.String
    ]
    return frame.with_columns(casts) if casts else frame
