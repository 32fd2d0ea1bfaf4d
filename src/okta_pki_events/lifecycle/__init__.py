"""Certificate and CA lifecycles, rebuilt from a pile of PKI events.

Feed it events in any order, with duplicates, as Okta's at-least-once channels deliver
them: per certificate (and per CA) the events are applied in (``published``, ``uuid``)
order, each ``uuid`` once, through one transition table (``TRANSITIONS``). What the table
does not allow is reported as an anomaly, never silently applied.

>>> from okta_pki_events.testing import make_event
>>> report = build_lifecycles([
...     make_event("pki.cert.bind", certificate_id="c1", published="2026-01-02T00:00:00.000Z"),
...     make_event("pki.cert.issue", certificate_id="c1", published="2026-01-01T00:00:00.000Z"),
... ])
>>> report.certificates["c1"].state
<CertState.ACTIVE: 'active'>
"""

from __future__ import annotations

import warnings
from typing import Any

from ._machine import (
    CA_EVENT_TYPES,
    CA_TRANSITIONS,
    TRANSITIONS,
    AnomalyKind,
    CaState,
    CaTransition,
    CertState,
    Transition,
    lifecycle_diagram,
)
from ._records import (
    KeyFunction,
    LifecycleRecord,
    ca_keys,
    certificate_key,
    record_of,
    record_signature,
)
from ._report import (
    CaHistory,
    CertificateHistory,
    CertificateSummary,
    CrlFailure,
    LifecycleAnomaly,
    LifecycleError,
    LifecycleReport,
    TimelineEntry,
)
from ._sources import expand_sources, lifecycles_from
from ._tracker import LifecycleChange, LifecycleTracker, build_lifecycles, merge

__all__ = [
    "CA_EVENT_TYPES",
    "CA_TRANSITIONS",
    "TRANSITIONS",
    "AnomalyKind",
    "CaHistory",
    "CaState",
    "CaTransition",
    "CertState",
    "CertificateHistory",
    "CertificateSummary",
    "CrlFailure",
    "KeyFunction",
    "LifecycleAnomaly",
    "LifecycleChange",
    "LifecycleError",
    "LifecycleRecord",
    "LifecycleReport",
    "LifecycleTracker",
    "TimelineEntry",
    "Transition",
    "build_lifecycles",
    "ca_keys",
    "certificate_key",
    "expand_sources",
    "lifecycle_diagram",
    "lifecycles_from",
    "merge",
    "record_of",
    "record_signature",
]

for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith(__name__ + "."):
        _obj.__module__ = __name__


def __getattr__(name: str) -> Any:
    """``Record``, the old name of ``LifecycleRecord``: deprecated.

    It was also the name of ``okta_pki_events.Record``, a stream's record.
    """
    if name == "Record":
        warnings.warn(
            "okta_pki_events.lifecycle.Record is deprecated: use LifecycleRecord",
            DeprecationWarning,
            stacklevel=2,
        )
        return LifecycleRecord
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
