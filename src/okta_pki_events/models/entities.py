"""Who did it and to what: ``actor``, ``target[]`` and a target's ``changeDetails``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import JsonObject, OktaModel

__all__ = ["Actor", "ChangeDetails", "Target", "TargetKind", "target_kind"]

TargetKind = Literal["certificate", "device", "certificate_authority"]
"""What a PKI event's target is, read from its free-text ``type``."""


def target_kind(target_type: str | None) -> TargetKind | None:
    """The one target-kind rule: what a target of this ``type`` is, ignoring case.

    A type naming an authority is a certificate authority (``CertificateAuthority``,
    ``CertificateAuthorityScopeMapping``); else one naming a certificate is a certificate
    (``Certificate``, ``DeviceCertificate``); else one naming a device is a device; else None.
    The kinds exclude each other. Used by ``LogEvent.certificate_target``, ``device_target``
    and ``ca_targets``; the lifecycle (certificate and device keys) and the exports should
    call this function (or those accessors) rather than restate the rule.

    >>> target_kind("DeviceCertificate"), target_kind("Device"), target_kind("User")
    ('certificate', 'device', None)
    """
    kind = (target_type or "").casefold()
    if "authority" in kind:
        return "certificate_authority"
    if "certificate" in kind:
        return "certificate"
    if "device" in kind:
        return "device"
    return None


class Actor(OktaModel):
    """The entity that performed the action (``actor``)."""

    id: str | None = Field(None, description="Unique ID of the actor.")
    type: str | None = Field(
        None,
        description="Type of actor: User, SystemPrincipal, PublicClientApp, ... (free text).",
    )
    alternate_id: str | None = Field(None, description="Username or email of the actor.")
    display_name: str | None = Field(None, description="Display name of the actor.")
    detail_entry: JsonObject | None = Field(
        None, description="Further details of the actor, as Okta sent them."
    )


class ChangeDetails(OktaModel):
    """What changed on a target: the values before (``from``) and after (``to``)."""

    from_: JsonObject | None = Field(
        None, alias="from", description="The target's attributes before the change."
    )
    to: JsonObject | None = Field(None, description="The target's attributes after the change.")


class Target(OktaModel):
    """One entity the action was performed on (an entry of ``target[]``).

    PKI events carry a certificate target, a device target, or CA targets whose
    ``detailEntry`` holds the CA details. Look targets up by ``type``, never by position.
    """

    id: str | None = Field(None, description="ID of the target object.")
    type: str | None = Field(
        None, description="Type of the target object (free text, may contain spaces)."
    )
    alternate_id: str | None = Field(
        None, description="Alternate identifier of the target (username, email, name)."
    )
    display_name: str | None = Field(None, description="Display name of the target.")
    detail_entry: JsonObject | None = Field(
        None,
        description=(
            "Further details of the target: for CA events the CA details (certType, notBefore, "
            "notAfter, certStatus, issuerName, ...); for Device Trust events the fingerprint."
        ),
    )
    change_details: ChangeDetails | None = Field(
        None, description="The target's attributes before and after the change, where recorded."
    )

    @property
    def kind(self) -> TargetKind | None:
        """``target_kind(self.type)``: certificate, device, certificate authority, or None."""
        return target_kind(self.type)
