"""The ECS document Elastic's Okta integration indexes for an event (``okta.system``).

The mapping follows Elastic's ingest pipeline for the ``okta.system`` data stream
(elastic/integrations, ``packages/okta/data_stream/system/elasticsearch/ingest_pipeline/``)
for every field the pipeline derives from the event itself. Ingest metadata and enrichment
(GeoIP ``source.geo``/``source.as``, the ``user_agent`` parser, ``event.original``,
``tags``, ``_id``) are Elasticsearch's to add. Three tables hold the facts:

- ``ECS_FIELDS``: wire path -> the ECS fields its value is copied to;
- ``ECS_CATEGORIZATION``: the pipeline's ``event.category`` / ``event.type`` rules per
  event type, in the pipeline's order;
- ``ECS_DEBUG_DATA_FIELDS``: the ``debugData`` keys the pipeline lifts to their own fields.

The few rules that are not plain copies (an IP that must parse, the targets, the IP chain,
the derived risk fields, ``related.*``, ``event.outcome``) are functions below, one each.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..models import format_okta_datetime
from ..models.log_event import LogEvent
from ..models.outcome import OutcomeStatus
from ._paths import get_path, prune, set_path, valid_ip

__all__ = [
    "ECS_CATEGORIZATION",
    "ECS_DEBUG_DATA_FIELDS",
    "ECS_FIELDS",
    "ECS_VERSION",
    "ecs_categorization",
    "to_ecs",
]

ECS_VERSION = "8.11.0"
"""The ECS version of the documents (the version Elastic's pipeline stamps)."""

ECS_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("displayMessage", ("okta.display_message",)),
    ("eventType", ("okta.event_type", "event.action")),
    ("uuid", ("okta.uuid", "event.id")),
    (
        "actor.alternateId",
        ("okta.actor.alternate_id", "user.name", "source.user.name", "client.user.name"),
    ),
    (
        "actor.displayName",
        (
            "okta.actor.display_name",
            "client.user.full_name",
            "source.user.full_name",
            "user.full_name",
        ),
    ),
    ("actor.id", ("okta.actor.id", "client.user.id", "source.user.id")),
    ("actor.type", ("okta.actor.type",)),
    ("client.device", ("okta.client.device",)),
    ("device", ("okta.device",)),
    ("client.geographicalContext.geolocation", ("client.geo.location",)),
    ("client.geographicalContext.city", ("client.geo.city_name",)),
    ("client.geographicalContext.state", ("client.geo.region_name",)),
    ("client.geographicalContext.country", ("client.geo.country_name",)),
    ("client.id", ("okta.client.id",)),
    ("client.userAgent.browser", ("okta.client.user_agent.browser",)),
    ("client.userAgent.os", ("okta.client.user_agent.os",)),
    (
        "client.userAgent.rawUserAgent",
        ("okta.client.user_agent.raw_user_agent", "user_agent.original"),
    ),
    ("client.zone", ("okta.client.zone",)),
    ("outcome.reason", ("okta.outcome.reason",)),
    ("outcome.result", ("okta.outcome.result",)),
    ("transaction.id", ("okta.transaction.id",)),
    ("transaction.type", ("okta.transaction.type",)),
    (
        "transaction.detail.requestApiTokenId",
        ("okta.transaction.detail.request_api_token_id",),
    ),
    ("transaction.detail.rootApiTokenId", ("okta.transaction.detail.root_api_token_id",)),
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
    ("authenticationContext.issuer", ("okta.authentication_context.issuer",)),
    ("securityContext.asNumber", ("okta.security_context.as.number",)),
    (
        "securityContext.asOrg",
        ("okta.security_context.as.organization.name", "client.as.organization.name"),
    ),
    ("securityContext.domain", ("okta.security_context.domain", "client.domain", "source.domain")),
    ("securityContext.isProxy", ("okta.security_context.is_proxy",)),
    ("securityContext.isp", ("okta.security_context.isp",)),
)
"""The ECS table: each wire path (Okta's names) and the ECS fields its value is copied to."""

ECS_DEBUG_DATA_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "deviceFingerprint": "device_fingerprint",
        "requestId": "request_id",
        "requestUri": "request_uri",
        "threatSuspected": "threat_suspected",
        "url": "url",
        "dtHash": "dt_hash",
        "clientSecret": "client_secret",
        "requestedScopes": "requested_scopes",
        "grantedScopes": "granted_scopes",
        "grantType": "grant_type",
    }
)
"""``debugData`` keys lifted to ``okta.debug_context.debug_data.<name>`` (the whole
``debugData`` also goes to ``okta.debug_context.debug_data.flattened``)."""

_USER_LIFECYCLE = (
    "user.lifecycle.activate",
    "user.lifecycle.create",
    "user.lifecycle.deactivate",
    "user.lifecycle.suspend",
    "user.lifecycle.unsuspend",
)
_GROUP_MEMBERSHIP = ("group.user_membership.add", "group.user_membership.remove")
_APP_MEMBERSHIP = (
    "application.user_membership.add",
    "application.user_membership.remove",
    "application.user_membership.change_username",
)
_SESSION = ("user.session.start", "user.session.end")
_RATE_LIMIT = (
    "system.org.rate_limit.warning",
    "system.org.rate_limit.violation",
    "core.concurrency.org.limit.violation",
)

ECS_CATEGORIZATION: tuple[tuple[str, str, frozenset[str]], ...] = (
    # Elastic's pipeline: one ``append`` per row, in this order.
    ("event.category", "iam", frozenset(_GROUP_MEMBERSHIP + _USER_LIFECYCLE)),
    (
        "event.category",
        "configuration",
        frozenset(
            {
                "policy.lifecycle.activate",
                "policy.lifecycle.create",
                "policy.lifecycle.deactivate",
                "policy.lifecycle.delete",
                "policy.lifecycle.update",
                "policy.rule.activate",
                "policy.rule.add",
                "policy.rule.deactivate",
                "policy.rule.delete",
                "policy.rule.update",
                "application.lifecycle.create",
                "application.lifecycle.delete",
                "application.lifecycle.activate",
                "application.lifecycle.deactivate",
                "application.lifecycle.update",
            }
        ),
    ),
    (
        "event.category",
        "authentication",
        frozenset({*_SESSION, "user.authentication.sso", "policy.evaluate_sign_on"}),
    ),
    ("event.category", "session", frozenset(_SESSION)),
    ("event.type", "info", frozenset(_RATE_LIMIT)),
    ("event.type", "network", frozenset({*_RATE_LIMIT, "security.request.blocked"})),
    ("event.type", "start", frozenset({"user.session.start"})),
    ("event.type", "end", frozenset({"user.session.end"})),
    ("event.type", "group", frozenset(_GROUP_MEMBERSHIP)),
    (
        "event.type",
        "info",
        frozenset({*_USER_LIFECYCLE, "user.authentication.sso", *_SESSION, *_APP_MEMBERSHIP}),
    ),
    (
        "event.type",
        "change",
        frozenset(
            {
                "user.lifecycle.activate",
                "user.lifecycle.deactivate",
                "user.lifecycle.suspend",
                "user.lifecycle.unsuspend",
                *_GROUP_MEMBERSHIP,
                "policy.lifecycle.activate",
                "policy.lifecycle.deactivate",
                "policy.lifecycle.update",
                "policy.rule.activate",
                "policy.rule.add",
                "policy.rule.deactivate",
                "policy.rule.update",
                *_APP_MEMBERSHIP,
            }
        ),
    ),
    (
        "event.type",
        "creation",
        frozenset(
            {"user.lifecycle.create", "policy.lifecycle.create", "application.lifecycle.create"}
        ),
    ),
    (
        "event.type",
        "deletion",
        frozenset({"policy.lifecycle.delete", "application.lifecycle.delete"}),
    ),
    ("event.type", "info", frozenset({"policy.evaluate_sign_on"})),
    # Elastic's generated Okta table (ecs_category_type.yml): its rows for the PKI types.
    # It has none for pki.ca.expiration.warn and pki.ca.scope.mapping.update.
    (
        "event.category",
        "configuration",
        frozenset(
            {
                "pki.ca.add",
                "pki.ca.delete",
                "pki.ca.renew",
                "pki.cert.bind",
                "pki.cert.crl_download_failure",
                "pki.cert.issue",
                "pki.cert.lifecycle.activate",
                "pki.cert.lifecycle.delete",
                "pki.cert.lifecycle.hold",
                "pki.cert.lifecycle.revoke",
                "pki.cert.lifecycle.suspend",
                "pki.cert.renew",
                "pki.cert.revoke",
            }
        ),
    ),
    ("event.type", "creation", frozenset({"pki.ca.add"})),
    (
        "event.type",
        "deletion",
        frozenset(
            {
                "pki.ca.delete",
                "pki.cert.lifecycle.delete",
                "pki.cert.lifecycle.revoke",
                "pki.cert.revoke",
            }
        ),
    ),
    (
        "event.type",
        "info",
        frozenset(
            {
                "pki.ca.renew",
                "pki.cert.bind",
                "pki.cert.crl_download_failure",
                "pki.cert.issue",
                "pki.cert.lifecycle.activate",
                "pki.cert.lifecycle.hold",
                "pki.cert.lifecycle.suspend",
                "pki.cert.renew",
            }
        ),
    ),
)
"""``event.category`` and ``event.type`` rules: (field, value, the event types it applies to),
in Elastic's order. A value already in the list is not added twice."""


def ecs_categorization(event_type: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ECS ``event.category`` and ``event.type`` Elastic gives an event type.

    Both are empty for a type Elastic does not map.

    >>> ecs_categorization("pki.cert.revoke")
    (('configuration',), ('deletion',))
    >>> ecs_categorization("user.session.start")
    (('authentication', 'session'), ('start', 'info'))
    """
    found: dict[str, list[str]] = {"event.category": [], "event.type": []}
    for field, value, event_types in ECS_CATEGORIZATION:
        if event_type in event_types and value not in found[field]:
            found[field].append(value)
    return tuple(found["event.category"]), tuple(found["event.type"])


_ECS_OUTCOME: Mapping[OutcomeStatus | None, str] = MappingProxyType(
    {"success": "success", "failure": "failure", "unknown": "unknown", None: "unknown"}
)
"""``outcome_status`` -> ECS ``event.outcome`` (the pipeline sets ``unknown`` without a result)."""


_KEEP_DETAIL = ("methodTypeUsed", "methodUsedVerifiedProperties")


def _targets(doc: dict[str, Any], targets: Any) -> None:
    """``okta.target`` and ``user.target.*``, as the pipeline's target script writes them."""
    if not isinstance(targets, list):
        return
    out: list[dict[str, Any]] = []
    for target in targets:
        if not isinstance(target, Mapping):
            continue
        item = {k: v for k, v in target.items() if k not in ("alternateId", "displayName")}
        item["alternate_id"] = target.get("alternateId")
        item["display_name"] = target.get("displayName")
        detail = target.get("detailEntry")
        if isinstance(detail, Mapping):
            kept = {k: v for k, v in detail.items() if k in _KEEP_DETAIL}
            if kept:
                item["detailEntry"] = kept
            else:
                item.pop("detailEntry")
        out.append(item)
    set_path(doc, "okta.target", out)
    user = _first_of_type(out, "user")
    if user is not None:
        set_path(doc, "user.target.full_name", user.get("display_name"))
        set_path(doc, "user.target.id", user.get("id"))
        set_path(doc, "user.target.email", user.get("login"))
    group = _first_of_type(out, "usergroup")
    if group is not None:
        set_path(doc, "user.target.group.name", group.get("display_name"))
        set_path(doc, "user.target.group.id", group.get("id"))


def _first_of_type(targets: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    for target in targets:
        if isinstance(target.get("type"), str) and target["type"].lower() == kind:
            return target
    return None


def _ip_chain(chain: Any) -> list[Any] | None:
    if not isinstance(chain, list):
        return None
    hops: list[Any] = []
    for hop in chain:
        if isinstance(hop, Mapping):
            hop = dict(hop)
            geo = hop.pop("geographicalContext", None)
            if isinstance(geo, Mapping):
                geo = dict(geo)
                if "postalCode" in geo:
                    geo["postal_code"] = geo.pop("postalCode")
            if geo is not None:
                hop["geographical_context"] = geo
        hops.append(hop)
    return hops


_BRACED = re.compile(r"^\{(.*)\}$", re.DOTALL)
_RISK_LEVEL = re.compile(r"level=(\S+)")
_RISK_REASONS = (re.compile(r"reasons=(.*?), \S+="), re.compile(r"reasons=(.*?)$"))


def _unbrace(value: str) -> str:
    match = _BRACED.match(value)
    return match.group(1) if match else value


def _kv(text: str) -> dict[str, str] | None:
    """Elastic's ``kv`` processor (``", "`` and ``=``); None where a pair has no ``=``."""
    pairs: dict[str, str] = {}
    for token in text.split(", "):
        key, sep, value = token.partition("=")
        if not sep:
            return None
        pairs[key] = value
    return pairs


def _debug_data(doc: dict[str, Any], data: Any) -> None:
    """The ``okta.debug_context.debug_data`` fields: the flattened copy and what derives."""
    if not isinstance(data, Mapping):
        return
    flat: dict[str, Any] = dict(data)
    security = flat.get("logOnlySecurityData")
    if isinstance(security, str):
        with contextlib.suppress(ValueError):
            flat["logOnlySecurityData"] = json.loads(security)
    behaviors = flat.get("behaviors")
    if isinstance(behaviors, str):
        parsed = _kv(_unbrace(behaviors))
        if parsed is not None:
            flat["behaviors"] = parsed
    risk = flat.get("risk")
    if isinstance(risk, str):
        parsed = _kv(_unbrace(risk))
        if parsed is None:
            flat["risk_object"] = risk
            text = _unbrace(risk)
            salvaged: dict[str, str] = {}
            level = _RISK_LEVEL.search(text)
            if level:
                salvaged["level"] = level.group(1)
            for pattern in _RISK_REASONS:
                reasons = pattern.search(text)
                if reasons:
                    salvaged["reasons"] = reasons.group(1)
                    break
            flat["risk"] = salvaged or text
        else:
            flat["risk"] = parsed
    set_path(doc, "okta.debug_context.debug_data.flattened", flat)
    for key, name in ECS_DEBUG_DATA_FIELDS.items():
        if key in data:
            set_path(doc, f"okta.debug_context.debug_data.{name}", data[key])
    level_value = get_path(flat, "logOnlySecurityData.risk.level")
    if level_value in (None, ""):
        level_value = get_path(flat, "risk.level")
    if level_value not in (None, ""):
        set_path(doc, "okta.debug_context.debug_data.risk_level", _text(level_value))
    reasons_value = get_path(flat, "logOnlySecurityData.risk.reasons")
    if reasons_value in (None, ""):
        reasons_value = get_path(flat, "risk.reasons")
    if isinstance(reasons_value, str) and reasons_value:
        set_path(
            doc, "okta.debug_context.debug_data.risk_reasons", re.split(r",\s*", reasons_value)
        )
    factor = flat.get("factor")
    if factor not in (None, ""):
        set_path(doc, "okta.debug_context.debug_data.factor", _text(factor))
    if isinstance(flat.get("behaviors"), Mapping):
        positive = [k for k, v in flat["behaviors"].items() if v == "POSITIVE"]
        if positive:
            set_path(doc, "okta.debug_context.debug_data.risk_behaviors", positive)


def _text(value: Any) -> str:
    """A value as Elastic's mustache template writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _append_unique(values: list[Any], value: Any) -> None:
    if value not in (None, "") and value not in values:
        values.append(value)


def wire_of(event: LogEvent) -> dict[str, Any]:
    """The event as JSON data under Okta's names, unknown keys included."""
    wire: dict[str, Any] = event.model_dump(mode="json", by_alias=True)
    return wire


def to_ecs(event: LogEvent) -> dict[str, Any]:
    """The ECS document Elastic's Okta integration indexes for the event.

    Every field Elastic's ``okta.system`` ingest pipeline derives from the event itself, from
    the tables ``ECS_FIELDS``, ``ECS_CATEGORIZATION`` and ``ECS_DEBUG_DATA_FIELDS``, plus
    ``event.module: okta`` and ``event.dataset: okta.system`` (which Elastic's data stream
    sets). Nulls and empty values are dropped, as the pipeline drops them. The differences
    that remain are listed in the docs (Classification, validation and export).
    """
    json_data: dict[str, Any] = prune(wire_of(event))
    categories, types = ecs_categorization(event.event_type)
    doc: dict[str, Any] = {
        "@timestamp": format_okta_datetime(event.published),
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "module": "okta",
            "dataset": "okta.system",
            "category": list(categories),
            "type": list(types),
            "outcome": _ECS_OUTCOME[event.outcome_status],
        },
    }
    for path, fields in ECS_FIELDS:
        value = get_path(json_data, path)
        if value is not None:
            for field in fields:
                set_path(doc, field, value)
    interface = get_path(json_data, "authenticationContext.interface")
    provider = "okta.authentication_context.authentication_provider"
    if interface is not None and get_path(doc, provider) is None:
        # Elastic renames ``interface`` onto ``authentication_provider`` (when that is free).
        set_path(doc, provider, interface)
    integrator = get_path(doc, "okta.device.device_integrator")
    if isinstance(integrator, str):
        with contextlib.suppress(ValueError):
            doc["okta"]["device"]["device_integrator"] = json.loads(integrator)
    ip = valid_ip(get_path(json_data, "client.ipAddress"))
    if ip is not None:
        for field in ("okta.client.ip", "client.ip", "source.ip"):
            set_path(doc, field, ip)
    _targets(doc, json_data.get("target"))
    chain = _ip_chain(get_path(json_data, "request.ipChain"))
    if chain is not None:
        set_path(doc, "okta.request.ip_chain", chain)
    _debug_data(doc, get_path(json_data, "debugContext.debugData"))
    related_user: list[Any] = []
    for path in ("okta.actor.display_name", "user.target.full_name", "user.name"):
        _append_unique(related_user, get_path(doc, path))
    related_ip: list[Any] = []
    _append_unique(related_ip, get_path(doc, "source.ip"))
    doc["related"] = {"user": related_user, "ip": related_ip}
    pruned: dict[str, Any] = prune(doc)
    return pruned
