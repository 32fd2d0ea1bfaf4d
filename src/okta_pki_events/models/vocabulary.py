"""Okta's open vocabularies: the known values of enumerated fields, as ``Literal`` aliases.

Each field that carries one of these is typed ``<Vocabulary> | str``: the known values are
offered for typing and completion, and any value Okta adds later passes through unchanged.
The ``KNOWN_*`` frozensets hold the same values for run-time checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union, get_args

from pydantic import WithJsonSchema

__all__ = [
    "OpenSeverity",
    "OpenOutcomeResult",
    "OpenAuthenticationProvider",
    "OpenCredentialProvider",
    "OpenCredentialType",
    "OpenTransactionType",
    "OpenIpVersion",
    "OpenDiskEncryptionType",
    "OpenScreenLockType",
    "OpenRiskLevel",
    "KNOWN_AUTHENTICATION_PROVIDERS",
    "KNOWN_CREDENTIAL_PROVIDERS",
    "KNOWN_CREDENTIAL_TYPES",
    "KNOWN_OUTCOME_RESULTS",
    "KNOWN_SEVERITIES",
    "AuthenticationProvider",
    "CaCertStatus",
    "CaCertType",
    "CaScope",
    "CredentialProvider",
    "CredentialType",
    "DeviceTrustResult",
    "DeviceTrustVendor",
    "DiskEncryptionType",
    "ExpirationReason",
    "IpVersion",
    "OutcomeResult",
    "RiskLevel",
    "ScreenLockType",
    "Severity",
    "TransactionType",
]

Severity = Literal["DEBUG", "INFO", "WARN", "ERROR"]
"""Known values of ``severity``."""

OutcomeResult = Literal[
    "SUCCESS",
    "FAILURE",
    "SKIPPED",
    "ALLOW",
    "DENY",
    "CHALLENGE",
    "UNKNOWN",
    "RATE_LIMIT",
    "DEFERRED",
    "SCHEDULED",
    "ABANDONED",
    "UNANSWERED",
]
"""Known values of ``outcome.result``."""

AuthenticationProvider = Literal[
    "ACTIVE_DIRECTORY",
    "FACTOR_PROVIDER",
    "FEDERATION",
    "LDAP",
    "OKTA_AUTHENTICATION_PROVIDER",
    "SOCIAL",
]
"""Known values of ``authenticationContext.authenticationProvider``."""

CredentialProvider = Literal[
    "DUO",
    "GOOGLE",
    "OKTA_AUTHENTICATION_PROVIDER",
    "OKTA_CREDENTIAL_PROVIDER",
    "RSA",
    "SYMANTEC",
    "YUBIKEY",
]
"""Known values of ``authenticationContext.credentialProvider``."""

CredentialType = Literal[
    "ASSERTION",
    "CERTIFICATE",
    "DEVICE_UDID",
    "EMAIL",
    "IWA",
    "JWT",
    "OAuth 2.0",
    "OAUTH2",
    "OKTA_CLIENT_SESSION",
    "OTP",
    "PASSWORD",
    "PRE_SHARED_SYMMETRIC_KEY",
    "SMS",
]
"""Known values of ``authenticationContext.credentialType`` (``OAUTH2`` is the older spelling)."""

TransactionType = Literal["WEB", "JOB"]
"""Known values of ``transaction.type``."""

IpVersion = Literal["V4", "V6"]
"""Known values of ``request.ipChain[].version``."""

DiskEncryptionType = Literal[
    "ALL_INTERNAL_VOLUMES",
    "ALL_INTERNAL_VALUES",
    "FULL",
    "NONE",
    "SYSTEM_VOLUME",
    "USER",
]
"""Known values of ``device.disk_encryption_type`` (the spec's ``ALL_INTERNAL_VALUES`` included)."""

ScreenLockType = Literal["BIOMETRIC", "NONE", "PASSCODE"]
"""Known values of ``device.screen_lock_type``."""

RiskLevel = Literal["LOW", "MEDIUM", "HIGH"]
"""Known values of ``securityContext.risk.level`` and ``botProtection.level``."""

CaCertType = Literal[
    "Root Certificate Authority",
    "Intermediate Certificate Authority",
    "Registration Authority",
]
"""Known values of a CA detail entry's ``certType``."""

CaCertStatus = Literal["VALID", "PENDING", "EXPIRED", "REVOKED", "SUSPENDED"]
"""Known values of a CA detail entry's ``certStatus``."""

CaScope = Literal["DEVICE_REGISTRATION", "MANAGEMENT_ATTESTATION"]
"""Known values of the ``scope`` in ``pki.ca.scope.mapping.update`` change details."""

ExpirationReason = Literal["EXPIRING_6_MONTHS", "EXPIRING_3_MONTHS", "EXPIRING_1_MONTH"]
"""Known values of ``outcome.reason`` in ``pki.ca.expiration.warn``."""

DeviceTrustResult = Literal[
    "INVALID_MANAGEMENT_HINT",
    "NOT_ENROLLED",
    "INVALID_OKTA_MOBILE_ID",
    "NOT_VERIFIED",
    "TRUSTED",
]
"""Known values of ``debugData.result`` in Device Trust certificate events."""

DeviceTrustVendor = Literal["AIRWATCH", "MOBILE_IRON", "OMM", "OTHER", "INTUNE", "WORKSPACEONE"]
"""Known values of ``debugData.deviceTrustVendor`` in Device Trust certificate events."""

KNOWN_SEVERITIES: frozenset[str] = frozenset(get_args(Severity))
"""Every known ``severity``."""
KNOWN_OUTCOME_RESULTS: frozenset[str] = frozenset(get_args(OutcomeResult))
"""Every known ``outcome.result``."""
KNOWN_AUTHENTICATION_PROVIDERS: frozenset[str] = frozenset(get_args(AuthenticationProvider))
"""Every known ``authenticationProvider``."""
KNOWN_CREDENTIAL_PROVIDERS: frozenset[str] = frozenset(get_args(CredentialProvider))
"""Every known ``credentialProvider``."""
KNOWN_CREDENTIAL_TYPES: frozenset[str] = frozenset(get_args(CredentialType))
"""Every known ``credentialType``."""


def _open(vocabulary: Any) -> Any:
    """A string field that offers ``vocabulary`` (in its JSON Schema) but accepts any string."""
    known = list(get_args(vocabulary))
    return Annotated[
        str,
        WithJsonSchema({"anyOf": [{"type": "string", "enum": known}, {"type": "string"}]}),
    ]


# Open vocabularies: a Literal of the known values or any string. Type checkers and IDEs see
# the union (completion offers the known values); at run time the field validates as a plain
# string, and the JSON Schema lists the known values.
if TYPE_CHECKING:
    OpenSeverity: TypeAlias = Union[Severity, str]
    OpenOutcomeResult: TypeAlias = Union[OutcomeResult, str]
    OpenAuthenticationProvider: TypeAlias = Union[AuthenticationProvider, str]
    OpenCredentialProvider: TypeAlias = Union[CredentialProvider, str]
    OpenCredentialType: TypeAlias = Union[CredentialType, str]
    OpenTransactionType: TypeAlias = Union[TransactionType, str]
    OpenIpVersion: TypeAlias = Union[IpVersion, str]
    OpenDiskEncryptionType: TypeAlias = Union[DiskEncryptionType, str]
    OpenScreenLockType: TypeAlias = Union[ScreenLockType, str]
    OpenRiskLevel: TypeAlias = Union[RiskLevel, str]
else:
    OpenSeverity = _open(Severity)
    OpenOutcomeResult = _open(OutcomeResult)
    OpenAuthenticationProvider = _open(AuthenticationProvider)
    OpenCredentialProvider = _open(CredentialProvider)
    OpenCredentialType = _open(CredentialType)
    OpenTransactionType = _open(TransactionType)
    OpenIpVersion = _open(IpVersion)
    OpenDiskEncryptionType = _open(DiskEncryptionType)
    OpenScreenLockType = _open(ScreenLockType)
    OpenRiskLevel = _open(RiskLevel)
