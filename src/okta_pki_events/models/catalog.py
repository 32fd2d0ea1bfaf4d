"""The PKI event catalogue as data: one ``CatalogEntry`` per event type.

The descriptions are Okta's catalogue text, verbatim, for the 14 original types;
``pki.ca.scope.mapping.update`` (added in 2026.07.0) is not in that text yet and carries a
description written from Okta's release notes and event metadata (``source="okta-facts"``).
``introduced_in`` is the Okta release that introduced a type where Okta states it, else None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "CATALOG",
    "CATALOG_BY_ANY_TYPE",
    "LIFECYCLE_PREFIX",
    "Action",
    "CatalogEntry",
    "Subject",
]

Subject = Literal["certificate", "certificate_authority"]
"""What a PKI event is about: a (device) certificate, or a certificate authority."""

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


@dataclass(frozen=True, kw_only=True)
class CatalogEntry:
    """Okta's catalogue entry for one PKI event type, and how the library classifies it.

    The one home of every per-type fact: the models, the registries (``EVENT_MODELS``), the
    type guards and ``classify`` are derived from these entries.
    """

    event_type: str
    """The canonical ``eventType``."""
    summary: str
    """One line saying what happened."""
    description: str
    """Okta's catalogue description, verbatim."""
    subject: Subject
    """Whether the event is about a certificate or a certificate authority."""
    action: Action
    """What the event does."""
    lifecycle_effect: str
    """Its effect on the certificate or CA lifecycle, in words (the machine is ``TRANSITIONS``)."""
    attention: str | None = None
    """Why every event of this type needs attention; None when only a failed outcome does."""
    oie_only: bool = True
    """True when the event is only generated on Okta Identity Engine orgs."""
    legacy_event_type: str | None = None
    """The older event type (``legacyEventType``), where there is one."""
    introduced_in: str | None = None
    """The Okta release that introduced the type, where Okta states it."""
    aliases: tuple[str, ...] = ()
    """Other spellings of the type that Okta uses (parsed by the same model)."""
    source: Literal["okta-catalog", "okta-facts"] = "okta-catalog"
    """Where the description comes from: Okta's catalogue text, or its release notes."""

    @property
    def is_lifecycle(self) -> bool:
        """True for the ``pki.cert.lifecycle.*`` types (``LifecycleEvent``)."""
        return self.event_type.startswith(LIFECYCLE_PREFIX)


LIFECYCLE_PREFIX = "pki.cert.lifecycle."
"""The prefix of the certificate lifecycle event types."""


_ENTRIES = (
    CatalogEntry(
        event_type="pki.ca.add",
        summary=(
            "An admin created an Okta CA (root or intermediate) or uploaded a third-party chain."
        ),
        description=(
            "Triggered when an admin creates an Okta CA (ROOT or Intermediate certs) or uploads a "
            "3rd party certificate chain. You can use the event to audit the Okta CA or 3rd party "
            "certificate authority status change. When triggered, the Okta CA or 3rd party "
            "certificate authority will appear in the Admin Console."
        ),
        subject="certificate_authority",
        action="add",
        lifecycle_effect="CA added",
    ),
    CatalogEntry(
        event_type="pki.ca.delete",
        summary="An admin deleted a third-party certificate chain.",
        description=(
            "Triggered when an admin deletes a 3rd party certificate chain. You can use the event "
            "to audit the 3rd party certificate authority status change. When triggered, the 3rd "
            "party certificate authority is no longer available to the org."
        ),
        subject="certificate_authority",
        action="delete",
        lifecycle_effect="CA deleted",
    ),
    CatalogEntry(
        event_type="pki.ca.expiration.warn",
        summary="A third-party CA nears the FastPass enforcement deadline (6, 3 or 1 months).",
        description=(
            "Warn about approaching third-party CA certificate expiration. Monitor certificate "
            "expiration timelines to proactively rotate third-party CA certificates and avoid "
            "FastPass authentication failures when strict enforcement begins. Fires at 6-month, "
            "3-month, and 1-month intervals before the enforcement deadline. The target resource "
            "identifies the specific certificate. Use outcome.reason to filter by urgency "
            "interval (EXPIRING_6_MONTHS, EXPIRING_3_MONTHS, EXPIRING_1_MONTH)."
        ),
        subject="certificate_authority",
        action="expiration_warning",
        lifecycle_effect="none (a CA nears the FastPass enforcement deadline)",
        attention="a third-party CA certificate expires soon: rotate it",
        introduced_in="2026.05.0",
    ),
    CatalogEntry(
        event_type="pki.ca.renew",
        summary=(
            "One or more CA certificates were renewed; carries the old certificates and their "
            "replacements."
        ),
        description=(
            "Triggered when one or more certificates that belong to a certificate authority are "
            "renewed. Use to audit certificate renewals that belong to a certificate authority. "
            "You can also use it as a notification to download the renewed certificates. When "
            "triggered, this event includes the old certificates and the new certificate "
            "replacements."
        ),
        subject="certificate_authority",
        action="renew",
        lifecycle_effect="CA certificates renewed",
        introduced_in="2024.05.1",
    ),
    CatalogEntry(
        event_type="pki.ca.scope.mapping.update",
        summary="Which CAs serve which scope changed.",
        description=(
            "Triggered when the mapping of certificate authorities to scopes changes: which CAs "
            "serve which scope (DEVICE_REGISTRATION or MANAGEMENT_ATTESTATION). The target's "
            "changeDetails carry the CA ids and scope before (from) and after (to) the change."
        ),
        subject="certificate_authority",
        action="scope_mapping_update",
        lifecycle_effect="CA scopes changed",
        introduced_in="2026.07.0",
        source="okta-facts",
    ),
    CatalogEntry(
        event_type="pki.cert.bind",
        summary="A certificate was bound to a device (the device shows as managed).",
        description=(
            "Triggered when a certificate is bound to a device. You can use the event to audit "
            "certificate device binding relationship. When triggered, the device appears in the "
            "Admin Console as managed device."
        ),
        subject="certificate",
        action="bind",
        lifecycle_effect="ISSUED -> ACTIVE",
    ),
    CatalogEntry(
        event_type="pki.cert.crl_download_failure",
        summary="Downloading the CRL at the URL in the certificate failed.",
        description=(
            "A failure outcome indicates that there was an issue downloading the Certificate "
            "Revocation List (CRL) from the URL specified in the certificate and may require "
            "action to address it. When an administrator observes a "
            "pki.cert.lifecycle.crl_download_failure event with a failure outcome they should "
            "ensure that the CRL endpoint is up and running properly and has not been changed by "
            "the issuing Certificate Authority (CA). When fired, this event will include the URL "
            "of the CRL that is having an issue along with a corresponding HTTP error code."
        ),
        subject="certificate",
        action="crl_download_failure",
        lifecycle_effect="none (concerns the CRL, not a certificate)",
        attention="the CRL could not be downloaded: check the CRL endpoint",
        aliases=("pki.cert.lifecycle.crl_download_failure",),
    ),
    CatalogEntry(
        event_type="pki.cert.issue",
        summary="A Device Trust certificate was issued.",
        description=("Device Trust certificate issuance."),
        subject="certificate",
        action="issue",
        lifecycle_effect="-> ISSUED",
        oie_only=False,
        legacy_event_type="core.user_auth.pki.cert.issue",
    ),
    CatalogEntry(
        event_type="pki.cert.lifecycle.activate",
        summary=(
            "A certificate was taken off hold, or inactive renewed Okta CA certificates were "
            "activated."
        ),
        description=(
            "Triggered when a certificate marked as hold is removed from the CRL or when renewed "
            "Okta CA certificates marked as inactive are activated. You can use the event to "
            "audit certificate lifecycle change. When an admin activates/unsuspends a device, the "
            "certificate associated with the device is activated when used in the next Okta "
            "Verify flow. Additionally when an admin or activation job activates an inactive "
            "certificate it can then be used to issue client certificates in SCEP."
        ),
        subject="certificate",
        action="activate",
        lifecycle_effect="-> ACTIVE",
    ),
    CatalogEntry(
        event_type="pki.cert.lifecycle.delete",
        summary="A certificate was deleted because an admin deleted the bound device.",
        description=(
            "Triggered when a certificate is deleted as a result of an admin deleting the binding "
            "device. You can use the event to audit certificate lifecycle change. When triggered, "
            "the certificate no longer appears in the Admin Console."
        ),
        subject="certificate",
        action="delete",
        lifecycle_effect="-> DELETED",
    ),
    CatalogEntry(
        event_type="pki.cert.lifecycle.hold",
        summary="A certificate was put on hold (listed on the CRL); it can be activated again.",
        description=(
            "Triggered when a certificate is temporarily on hold and appears on CRL. You can use "
            "the event to audit certificate lifecycle change. A certificate on hold can be "
            "activated after it is removed from CRL."
        ),
        subject="certificate",
        action="hold",
        lifecycle_effect="-> ON_HOLD",
    ),
    CatalogEntry(
        event_type="pki.cert.lifecycle.revoke",
        summary="A certificate was revoked (listed on the CRL); it can never be activated again.",
        description=(
            "Triggered when a certificate is revoked and appears on CRL. You can use the event to "
            "audit certificate lifecycle change. Once revoked, a certificates can not be "
            "activated."
        ),
        subject="certificate",
        action="revoke",
        lifecycle_effect="-> REVOKED",
        attention="a certificate was revoked",
    ),
    CatalogEntry(
        event_type="pki.cert.lifecycle.suspend",
        summary="A certificate was suspended because an admin deactivated the bound device.",
        description=(
            "Triggered when a certificate is suspended as a result of an admin deactivating the "
            "binding device. You can use the event to audit certificate lifecycle change. When "
            "triggered, the certificate can not be used to send the management hint."
        ),
        subject="certificate",
        action="suspend",
        lifecycle_effect="-> SUSPENDED",
    ),
    CatalogEntry(
        event_type="pki.cert.renew",
        summary="A Device Trust certificate was renewed.",
        description=("Triggered when a Device Trust certificate is renewed."),
        subject="certificate",
        action="renew",
        lifecycle_effect="unchanged (renewal counted)",
        oie_only=False,
        legacy_event_type="core.user_auth.pki.cert.renew",
    ),
    CatalogEntry(
        event_type="pki.cert.revoke",
        summary="A Device Trust certificate was revoked.",
        description=("Device Trust certificate revocation."),
        subject="certificate",
        action="revoke",
        lifecycle_effect="-> REVOKED",
        attention="a certificate was revoked",
        oie_only=False,
        legacy_event_type="core.user_auth.pki.cert.revoke",
    ),
)

CATALOG: Mapping[str, CatalogEntry] = MappingProxyType({e.event_type: e for e in _ENTRIES})
"""The catalogue entry of each canonical PKI event type, in alphabetical order."""

CATALOG_BY_ANY_TYPE: Mapping[str, CatalogEntry] = MappingProxyType(
    {name: e for e in _ENTRIES for name in (e.event_type, *e.aliases)}
)
"""The catalogue entry of each PKI event type, its aliases included."""
