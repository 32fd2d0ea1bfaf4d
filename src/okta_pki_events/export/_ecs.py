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

import importlib
import json
import os
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
    "ECS_PKI_CATEGORY_TABLE",
    "ECS_DEBUG_DATA_FIELDS",
    "ECS_FIELDS",
    "ECS_VERSION",
    "EcsCategoryTable",
    "ecs_categorization",
    "ecs_category_table",
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
)
"""The pipeline's own ``event.category`` and ``event.type`` rules (its ``append`` processors):
(field, value, the event types it applies to), in Elastic's order. A value already in the list
is not added twice. The generated table (``ECS_PKI_CATEGORY_TABLE``, ``ecs_category_table``)
is applied after them."""

EcsCategoryTable = Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
"""Elastic's generated Okta table: event type -> (its ``event.category``, its ``event.type``)."""

ECS_PKI_CATEGORY_TABLE: EcsCategoryTable = MappingProxyType(
    {
        "pki.ca.add": (("configuration",), ("creation",)),
        "pki.ca.delete": (("configuration",), ("deletion",)),
        "pki.ca.renew": (("configuration",), ("info",)),
        "pki.cert.bind": (("configuration",), ("info",)),
        "pki.cert.crl_download_failure": (("configuration",), ("info",)),
        "pki.cert.issue": (("configuration",), ("info",)),
        "pki.cert.lifecycle.activate": (("configuration",), ("info",)),
        "pki.cert.lifecycle.delete": (("configuration",), ("deletion",)),
        "pki.cert.lifecycle.hold": (("configuration",), ("info",)),
        "pki.cert.lifecycle.revoke": (("configuration",), ("deletion",)),
        "pki.cert.lifecycle.suspend": (("configuration",), ("info",)),
        "pki.cert.renew": (("configuration",), ("info",)),
        "pki.cert.revoke": (("configuration",), ("deletion",)),
    }
)
"""The rows of Elastic's generated Okta table (the ``ecs_category_type`` pipeline) for the PKI
types, the table ``to_ecs`` applies by default. Elastic's table has none for
``pki.ca.expiration.warn`` and ``pki.ca.scope.mapping.update``. The whole table (about a
thousand Okta types) is Elastic's, under the Elastic License 2.0: this library does not ship
it; ``ecs_category_table`` reads it from your Elastic installation."""


def ecs_category_table(source: Mapping[str, Any] | str | os.PathLike[str]) -> EcsCategoryTable:
    """Elastic's generated Okta table, read from its ``ecs_category_type`` ingest pipeline.

    ``source`` is that pipeline, as a JSON (or, with PyYAML installed, YAML) file or as the
    parsed document: what Elasticsearch answers to ``GET _ingest/pipeline/<id>`` (for the
    Okta integration the id is ``logs-okta.system-<version>-ecs_category_type``), the
    pipeline itself (``{"processors": [{"script": {"params": ...}}]}``, as in the
    integration package's ``ecs_category_type.yml``), or the script's ``params`` alone (event
    type -> ``{"category": [...], "type": [...]}``). Pass the result to
    ``to_ecs(event, categories=...)`` or ``ecs_categorization(event_type, table)``.

    Raises ``ValueError`` naming what does not fit.
    """
    if isinstance(source, (str, os.PathLike)):
        source = _read_document(os.fspath(source))
    params = _params_of(source)
    table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for event_type, row in params.items():
        if not isinstance(row, Mapping):
            raise ValueError(f"{event_type}: a row must be an object, not {type(row).__name__}")
        values = []
        for key in ("category", "type"):
            value = row.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{event_type}.{key}: must be a list of strings")
            values.append(tuple(value))
        table[event_type] = (values[0], values[1])
    return MappingProxyType(table)


def _read_document(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yml", ".yaml")):
        try:
            yaml: Any = importlib.import_module("yaml")
        except ImportError as exc:  # pragma: no cover - PyYAML is usually there
            raise ValueError(f"{path}: reading YAML needs PyYAML (or give the JSON)") from exc
        try:
            return yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError) as exc:  # PyYAML's errors are no ValueError
            raise ValueError(f"{path}: not YAML: {exc}") from exc
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from exc


def _params_of(document: Any) -> Mapping[str, Any]:
    """The script's params, found in a GET response, a pipeline, or given as they are."""
    if not isinstance(document, Mapping):
        raise ValueError("the table must be a JSON object (the ecs_category_type pipeline)")
    if len(document) == 1:
        (only,) = document.values()
        if isinstance(only, Mapping) and "processors" in only:
            document = only  # GET _ingest/pipeline/<id>: {"<id>": {...}}
    if "processors" not in document:
        params: Mapping[str, Any] = document
        return params
    processors = document["processors"]
    for processor in processors if isinstance(processors, list) else ():
        script = processor.get("script") if isinstance(processor, Mapping) else None
        found = script.get("params") if isinstance(script, Mapping) else None
        if isinstance(found, Mapping):
            return found
    raise ValueError("no script processor with params in the pipeline's processors")


def _java_string_hash(text: str) -> int:
    """Java's ``String.hashCode()`` (over UTF-16 code units), as an unsigned 32-bit int."""
    data = text.encode("utf-16-be")
    value = 0
    for i in range(0, len(data), 2):
        value = (31 * value + (data[i] << 8 | data[i + 1])) & 0xFFFFFFFF
    return value


def _add_unique(dst: tuple[str, ...], src: tuple[str, ...]) -> tuple[str, ...]:
    """The pipeline script's ``addUnique``: ``new ArrayList(new HashSet(dst) + src)``.

    The union comes out in ``java.util.HashSet``'s iteration order (by hash bucket, then
    insertion), so the arrays are the ones Elasticsearch indexes, in their order. An empty
    ``src`` leaves ``dst`` as it is.

    >>> _add_unique(("authentication", "session"), ("session",))
    ('session', 'authentication')
    """
    if not src:
        return dst
    capacity = 16
    while capacity < int(len(dst) / 0.75) + 1:
        capacity *= 2
    entries: list[str] = []
    for value in (*dst, *src):
        if value not in entries:
            entries.append(value)
            if len(entries) > int(capacity * 0.75):
                capacity *= 2
    mask = capacity - 1

    def bucket(value: str) -> int:
        code = _java_string_hash(value)
        return (code ^ (code >> 16)) & mask

    return tuple(sorted(entries, key=bucket))  # stable: insertion order within a bucket


def ecs_categorization(
    event_type: str, table: EcsCategoryTable | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ECS ``event.category`` and ``event.type`` Elastic gives an event type.

    The pipeline's own rules (``ECS_CATEGORIZATION``), then the generated table's row for the
    type, merged as the pipeline's script merges it (``addUnique``: a set union in
    ``java.util.HashSet`` order). ``table`` is Elastic's whole table (``ecs_category_table``);
    by default its PKI rows (``ECS_PKI_CATEGORY_TABLE``). Both are empty for a type neither
    maps.

    >>> ecs_categorization("pki.cert.revoke")
    (('configuration',), ('deletion',))
    >>> ecs_categorization("user.session.start")
    (('authentication', 'session'), ('start', 'info'))
    """
    found: dict[str, list[str]] = {"event.category": [], "event.type": []}
    for field, value, event_types in ECS_CATEGORIZATION:
        if event_type in event_types and value not in found[field]:
            found[field].append(value)
    categories, types = tuple(found["event.category"]), tuple(found["event.type"])
    row = (ECS_PKI_CATEGORY_TABLE if table is None else table).get(event_type)
    if row is not None:
        types = _add_unique(types, row[1])
        categories = _add_unique(categories, row[0])
    return categories, types


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


def _json_or_text(text: str) -> Any:
    """The JSON value a text holds, as the pipeline's ``json`` processor reads it; else the text.

    Text that is not JSON, or JSON nested deeper than the decoder recurses, stays as it is.
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _debug_data(doc: dict[str, Any], data: Any) -> None:
    """The ``okta.debug_context.debug_data`` fields: the flattened copy and what derives."""
    if not isinstance(data, Mapping):
        return
    flat: dict[str, Any] = dict(data)
    security = flat.get("logOnlySecurityData")
    if isinstance(security, str):
        flat["logOnlySecurityData"] = _json_or_text(security)
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


def to_ecs(event: LogEvent, *, categories: EcsCategoryTable | None = None) -> dict[str, Any]:
    """The ECS document Elastic's Okta integration indexes for the event.

    Every field Elastic's ``okta.system`` ingest pipeline derives from the event itself, from
    the tables ``ECS_FIELDS``, ``ECS_CATEGORIZATION`` and ``ECS_DEBUG_DATA_FIELDS``, and
    ``event.category``/``event.type`` from Elastic's generated table: ``categories``, the
    whole table read by ``ecs_category_table`` from your Elastic installation, or by default
    its PKI rows (``ECS_PKI_CATEGORY_TABLE``); plus
    ``event.module: okta`` and ``event.dataset: okta.system`` (which Elastic's data stream
    sets). Nulls and empty values are dropped, as the pipeline drops them. The differences
    that remain are listed in the docs (Classification, validation and export).
    """
    json_data: dict[str, Any] = prune(wire_of(event))
    category, types = ecs_categorization(event.event_type, categories)
    doc: dict[str, Any] = {
        "@timestamp": format_okta_datetime(event.published),
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "module": "okta",
            "dataset": "okta.system",
            "category": list(category),
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
        doc["okta"]["device"]["device_integrator"] = _json_or_text(integrator)
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
