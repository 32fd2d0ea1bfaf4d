"""Who did it and to what: ``actor``, ``target[]`` and a target's ``changeDetails``."""

from __future__ import annotations

from pydantic import Field

from ._base import JsonObject, OktaModel

__all__ = ["Actor", "ChangeDetails", "Target"]


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
