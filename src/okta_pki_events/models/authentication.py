"""How the actor authenticated (``authenticationContext``)."""

from __future__ import annotations

from pydantic import Field

from ._base import OktaModel, OptInt
from .vocabulary import OpenAuthenticationProvider, OpenCredentialProvider, OpenCredentialType

__all__ = ["AuthenticationContext", "Issuer"]


class Issuer(OktaModel):
    """The issuer of the credential (``authenticationContext.issuer``)."""

    id: str | None = Field(None, description="ID of the issuer.")
    type: str | None = Field(None, description="Type of the issuer.")


class AuthenticationContext(OktaModel):
    """The context of the actor's authentication (``authenticationContext``)."""

    authentication_provider: OpenAuthenticationProvider | None = Field(
        None,
        description=(
            "Who authenticated the actor: ACTIVE_DIRECTORY, FACTOR_PROVIDER, FEDERATION, LDAP, "
            "OKTA_AUTHENTICATION_PROVIDER, SOCIAL."
        ),
    )
    credential_provider: OpenCredentialProvider | None = Field(
        None,
        description=(
            "Who provided the credential: DUO, GOOGLE, OKTA_AUTHENTICATION_PROVIDER, "
            "OKTA_CREDENTIAL_PROVIDER, RSA, SYMANTEC, YUBIKEY."
        ),
    )
    credential_type: OpenCredentialType | None = Field(
        None,
        description=(
            "Kind of credential: ASSERTION, CERTIFICATE, DEVICE_UDID, EMAIL, IWA, JWT, "
            "OAuth 2.0, OKTA_CLIENT_SESSION, OTP, PASSWORD, PRE_SHARED_SYMMETRIC_KEY, SMS."
        ),
    )
    issuer: Issuer | None = Field(None, description="The issuer of the credential.")
    interface: str | None = Field(None, description="The interface used (free text).")
    authentication_step: OptInt = Field(None, description="The step of a multi-step flow.")
    external_session_id: str | None = Field(
        None, description="Session ID correlating the events of one user session."
    )
    root_session_id: str | None = Field(
        None, description="Root session ID (in real data, not in Okta's spec)."
    )
