"""Small helpers on nested JSON documents: read and write dotted paths, drop empties."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["get_path", "prune", "set_path", "valid_ip"]

_EMPTY: tuple[Any, ...] = (None, "", {}, [])


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None when any step is missing or not an object."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path, creating the objects on the way."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def prune(value: Any) -> Any:
    """Drop nulls, empty strings and whatever becomes empty, recursively.

    This is the first step of Elastic's Okta pipeline, and what OCSF expects of absent
    attributes. The string ``"null"`` is a value and stays. A non-finite number (``NaN``,
    ``Infinity``, which the models keep) has no JSON form: it is dropped as a null is, so that
    the document is JSON (``json.dumps(..., allow_nan=False)`` accepts it).
    """
    if isinstance(value, Mapping):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if not _is_empty(v)}
    if isinstance(value, list):
        return [v for v in (prune(item) for item in value) if not _is_empty(v)]
    return value


def _is_empty(value: Any) -> bool:
    if type(value) is float:
        return not math.isfinite(value)
    return any(value is e or (type(value) is type(e) and value == e) for e in _EMPTY)


def valid_ip(value: Any) -> str | None:
    """The value when it parses as IPv4 or IPv6 (Elastic's ``convert`` to ``ip``), else None.

    Okta writes the string ``"null"`` when it has no address: Elastic drops it, and so do we.
    """
    if not isinstance(value, str):
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value
