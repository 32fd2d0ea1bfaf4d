"""The top-level ``device`` object. Its wire keys are snake_case, unlike the rest of Okta's."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from ._base import OktaModel, OptBool
from .vocabulary import OpenDiskEncryptionType, OpenScreenLockType

__all__ = ["Device"]


class Device(OktaModel):
    """The device the event concerns (top-level ``device``; snake_case keys on the wire)."""

    model_config = ConfigDict(alias_generator=None)

    id: str | None = Field(None, description="Okta device ID.")
    name: str | None = Field(None, description="Device name or model.")
    os_platform: str | None = Field(
        None, description="Operating system platform (OSX, WINDOWS, ...)."
    )
    os_version: str | None = Field(None, description="Operating system version.")
    managed: OptBool = Field(None, description="Whether the device is managed.")
    registered: OptBool = Field(None, description="Whether the device is registered with Okta.")
    device_integrator: Any = Field(
        None, description="The device integrator, as Okta sent it (often null)."
    )
    disk_encryption_type: OpenDiskEncryptionType | None = Field(
        None,
        description=(
            "Disk encryption: ALL_INTERNAL_VOLUMES (the spec says ALL_INTERNAL_VALUES), FULL, "
            "NONE, SYSTEM_VOLUME, USER."
        ),
    )
    screen_lock_type: OpenScreenLockType | None = Field(
        None, description="Screen lock: BIOMETRIC, NONE, PASSCODE."
    )
    jailbreak: OptBool = Field(None, description="Whether the device is jailbroken or rooted.")
    secure_hardware_present: OptBool = Field(
        None, description="Whether the device has secure hardware (TPM, Secure Enclave)."
    )
