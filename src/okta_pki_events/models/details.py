"""Typed views of the PKI-specific data Okta puts in free-form places.

CA details live in ``target[].detailEntry``, scope mappings in ``target[].changeDetails``,
and the CRL URL and HTTP status in ``debugContext.debugData``. These views read them
tolerantly: a missing or malformed value gives ``None``, never an exception, and the raw
data stays available.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .entities import Target

__all__ = [
    "CRL_STATUS_KEYS",
    "CRL_URL_KEYS",
    "CaDetails",
    "ExpirationUrgency",
    "ScopeMapping",
    "epoch_millis_to_datetime",
]


class ExpirationUrgency(str, Enum):
    """How soon a third-party CA reaches the FastPass enforcement deadline."""

    EXPIRING_6_MONTHS = "EXPIRING_6_MONTHS"
    EXPIRING_3_MONTHS = "EXPIRING_3_MONTHS"
    EXPIRING_1_MONTH = "EXPIRING_1_MONTH"

    @property
    def months(self) -> int:
        """The number of months before the deadline: 6, 3 or 1."""
        return _MONTHS[self]

    @classmethod
    def from_reason(cls, reason: str | None) -> ExpirationUrgency | None:
        """The urgency named by an ``outcome.reason``, or None for any other reason."""
        try:
            return cls(reason) if reason is not None else None
        except ValueError:
            return None


_MONTHS = {
    ExpirationUrgency.EXPIRING_6_MONTHS: 6,
    ExpirationUrgency.EXPIRING_3_MONTHS: 3,
    ExpirationUrgency.EXPIRING_1_MONTH: 1,
}


def epoch_millis_to_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from epoch milliseconds given as a number or a string, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        millis = float(value)
        return datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class CaDetails:
    """The CA details of a target's ``detailEntry`` (CA events), as typed values."""

    cert_type: str | None
    """Root Certificate Authority, Intermediate Certificate Authority, Registration Authority."""
    authority_instance_id: str | None
    """ID of the authority instance."""
    not_before: datetime | None
    """Start of validity (from epoch milliseconds, a number or a string)."""
    not_after: datetime | None
    """End of validity (from epoch milliseconds, a number or a string)."""
    cert_status: str | None
    """VALID, PENDING, EXPIRED, REVOKED, SUSPENDED (other values pass through)."""
    cert_name: str | None
    """Name of the certificate."""
    issuer_name: str | None
    """Distinguished name of the issuer."""
    raw: Mapping[str, Any] = field(repr=False)
    """The ``detailEntry`` as Okta sent it."""

    @classmethod
    def from_detail_entry(cls, entry: Mapping[str, Any]) -> CaDetails:
        """Read the CA details of one ``detailEntry`` (keys in camelCase or snake_case)."""

        def get(camel: str, snake: str) -> Any:
            return entry.get(camel, entry.get(snake))

        return cls(
            cert_type=_text(get("certType", "cert_type")),
            authority_instance_id=_text(get("authorityInstanceId", "authority_instance_id")),
            not_before=epoch_millis_to_datetime(get("notBefore", "not_before")),
            not_after=epoch_millis_to_datetime(get("notAfter", "not_after")),
            cert_status=_text(get("certStatus", "cert_status")),
            cert_name=_text(get("certName", "cert_name")),
            issuer_name=_text(get("issuerName", "issuer_name")),
            raw=entry,
        )

    @classmethod
    def from_target(cls, target: Target) -> CaDetails | None:
        """The CA details of a target, or None when it has no ``detailEntry``."""
        entry = target.detail_entry
        return cls.from_detail_entry(entry) if entry else None


@dataclass(frozen=True)
class ScopeMapping:
    """Which CAs serve a scope: one side (``from`` or ``to``) of a scope mapping change."""

    ca_ids: tuple[str, ...]
    """The IDs of the CAs that serve the scope."""
    scope: str | None
    """DEVICE_REGISTRATION or MANAGEMENT_ATTESTATION (other values pass through)."""

    @classmethod
    def from_side(cls, side: Mapping[str, Any] | None) -> ScopeMapping | None:
        """Read one side of ``changeDetails``; None when the side is absent."""
        if side is None:
            return None
        ids = side.get("caIds", side.get("ca_ids"))
        ca_ids = tuple(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else ()
        return cls(ca_ids=ca_ids, scope=_text(side.get("scope")))


CRL_URL_KEYS: tuple[str, ...] = (
    "crlUrl",
    "crlURL",
    "crl_url",
    "crlDistributionPoint",
    "crlDownloadUrl",
    "cdpUrl",
)
"""The ``debugData`` keys read, in order, for the URL of a CRL that failed to download."""

CRL_STATUS_KEYS: tuple[str, ...] = (
    "httpStatusCode",
    "httpStatus",
    "httpErrorCode",
    "statusCode",
    "http_status",
    "responseCode",
)
"""The ``debugData`` keys read, in order, for the HTTP status of a failed CRL download.

When none holds an integer, a three-digit ``HTTP nnn`` in ``outcome.reason`` is used.
"""

# Each optional part owns its own whitespace, so no two runs of \s compete for the same
# blanks: the search stays linear in the text's length (it was quadratic on long blank runs).
_HTTP_IN_TEXT = re.compile(r"\bHTTP(?:\s+status)?(?:\s*[:=])?\s*([1-5][0-9][0-9])\b", re.IGNORECASE)


def first_text(data: Mapping[str, Any] | None, keys: tuple[str, ...]) -> str | None:
    """The first non-empty string among ``keys`` of ``data``."""
    if not data:
        return None
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def http_status_of(data: Mapping[str, Any] | None, reason: str | None) -> int | None:
    """The HTTP status found under ``CRL_STATUS_KEYS`` of ``data``, else in ``reason``."""
    for key in CRL_STATUS_KEYS if data else ():
        value = data.get(key) if data else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = value.strip() if isinstance(value, str) else ""
        if text.isascii() and text.isdigit() and len(text) <= 18:  # no "²", no 5,000 digits
            return int(text)
    match = _HTTP_IN_TEXT.search(reason or "")
    return int(match.group(1)) if match else None
