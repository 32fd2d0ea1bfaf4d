"""The lifecycle report: what ``build_lifecycles`` and the trackers give back.

The report is built lazily: per certificate it holds a compact summary, and a
``CertificateHistory`` (with its timeline) materialises when it is read. Counts, tables and
``to_dataframe()`` come from the summaries without building a timeline.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple

from .._stream import ParseFailure
from ..models._base import format_okta_datetime
from ..models.details import ExpirationUrgency
from ._machine import CERT_STATES, AnomalyKind, CaState, CertState

__all__ = [
    "NO_STATE",
    "CaHistory",
    "CertificateHistory",
    "CertificateSummary",
    "CrlFailure",
    "LifecycleAnomaly",
    "LifecycleError",
    "LifecycleReport",
    "TimelineEntry",
    "format_time",
]

NO_STATE = "unknown"
"""The name of a certificate seen only through failed events (its state is None), in
``state_counts`` and ``certificates_in``."""


class TimelineEntry(NamedTuple):
    """One event in a certificate's or CA's history: a compact record, not the whole event."""

    published: datetime
    """When the event was published."""
    uuid: str
    """The event's uuid."""
    event_type: str
    """The event's type."""
    outcome: str | None
    """The event's ``outcome.result``."""
    applied: bool = False
    """Whether the event changed the lifecycle (False: failed outcome or anomaly)."""
    state_before: str | None = None
    """The state the event met (a ``CertState``/``CaState`` value; None: not seen before)."""
    state_after: str | None = None
    """The state after the event."""
    actor: str | None = None
    """Who did it: the actor's ``alternateId`` (its login), else its ``id``."""


@dataclass(frozen=True)
class LifecycleAnomaly:
    """Something the lifecycle did not allow."""

    kind: AnomalyKind
    """What went wrong."""
    subject: str
    """``certificate`` or ``certificate_authority``."""
    key: str
    """The certificate or CA key."""
    event: TimelineEntry
    """The event that met the anomaly."""
    state: str | None
    """The state it met (None: a certificate not seen before)."""
    message: str
    """A sentence saying what happened."""


@dataclass(frozen=True)
class CrlFailure:
    """One failed CRL download (``pki.cert.crl_download_failure``)."""

    event: TimelineEntry
    """The event."""
    crl_url: str | None
    """The CRL's URL, where the event carries it."""
    http_status: int | None
    """The HTTP status, where the event carries it (None when absent or not a number)."""
    certificate_id: str | None
    """The certificate target's id, where there is one."""


def _html_table(title: str, rows: Mapping[str, object]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows.items()
    )
    return f"<table><caption>{html.escape(title)}</caption>{cells}</table>"


@dataclass(frozen=True, repr=False)
class CertificateHistory:
    """Everything known about one certificate."""

    key: str
    """The certificate key."""
    state: CertState | None
    """The current state (None: seen only through failed events)."""
    device_id: str | None
    """The device it is bound to (from bind events, else the first device target seen)."""
    issued_at: datetime | None
    """When it was issued, if the issue event was seen."""
    last_event_at: datetime
    """When its latest event was published."""
    renewals: int
    """How many times it was renewed."""
    complete: bool
    """True when its first successful event is the issue (else the issue fell earlier)."""
    timeline: tuple[TimelineEntry, ...]
    """Its events in (published, uuid) order, failed and refused ones included."""

    def __repr__(self) -> str:
        """Counts, not the timeline."""
        state = self.state.value if self.state else None
        return (
            f"CertificateHistory(key={self.key!r}, state={state!r}, events={len(self.timeline)}, "
            f"renewals={self.renewals}, complete={self.complete})"
        )

    def _repr_html_(self) -> str:
        return _html_table(
            f"certificate {self.key}",
            {
                "state": self.state.value if self.state else NO_STATE,
                "device": self.device_id,
                "issued at": self.issued_at and format_time(self.issued_at),
                "last event at": format_time(self.last_event_at),
                "events": len(self.timeline),
                "renewals": self.renewals,
                "complete": self.complete,
            },
        )


@dataclass(frozen=True, repr=False)
class CaHistory:
    """Everything known about one certificate authority."""

    key: str
    """The CA key (the CA target's id)."""
    state: CaState
    """ACTIVE or DELETED."""
    added_at: datetime | None
    """When it was (last) added, if seen."""
    deleted_at: datetime | None
    """When it was deleted, if it was."""
    renewals: int
    """How many ``pki.ca.renew`` events concerned it."""
    expiration_urgency: ExpirationUrgency | None
    """The latest expiration warning's urgency (6, 3 or 1 months)."""
    scopes: tuple[str, ...]
    """The scopes it serves after the latest scope mapping updates."""
    complete: bool
    """True when its first successful event is ``pki.ca.add``."""
    timeline: tuple[TimelineEntry, ...]
    """Its events in (published, uuid) order."""

    def __repr__(self) -> str:
        """Counts, not the timeline."""
        return (
            f"CaHistory(key={self.key!r}, state={self.state.value!r}, "
            f"events={len(self.timeline)}, scopes={self.scopes!r})"
        )


class CertificateSummary(NamedTuple):
    """The compact form of one certificate's history (what the report keeps per certificate)."""

    state: CertState | None
    """The current state."""
    device_id: str | None
    """The device it is bound to."""
    issued_at: datetime | None
    """When it was issued, if seen."""
    last_event_at: datetime
    """When its latest event was published."""
    renewals: int
    """Its renewals."""
    complete: bool
    """Whether its history starts with the issue."""
    events: int
    """The events in its timeline."""
    anomalies: int
    """The anomalies it met."""


class _Certificates(Mapping[str, CertificateHistory]):
    """Certificate key -> history, materialised when read (the states stay compact).

    Iterated in key order: the keys are sorted when first iterated (counts never need it).
    """

    __slots__ = ("_history", "_keys", "_states", "summary")

    def __init__(
        self,
        states: Mapping[str, bytes],
        summary: Callable[[str], CertificateSummary],
        history: Callable[[str], CertificateHistory],
    ) -> None:
        self._states = states
        self.summary = summary
        self._history = history
        self._keys: list[str] | None = None

    def __getitem__(self, key: str) -> CertificateHistory:
        if key not in self._states:
            raise KeyError(key)
        return self._history(key)

    def __iter__(self) -> Iterator[str]:
        if self._keys is None:
            self._keys = sorted(self._states)
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: object) -> bool:
        return key in self._states

    def __repr__(self) -> str:
        return f"<{len(self)} certificates>"

    def states(self) -> Iterator[tuple[str, CertState | None]]:
        """(key, state) per certificate, read from the first byte of each compact state."""
        states = self._states
        for key in self:
            yield key, CERT_STATES[states[key][0]]

    def state_counts(self) -> Counter[CertState | None]:
        """Certificates per state, in no order (no sort of the keys)."""
        return Counter(CERT_STATES[packed[0]] for packed in self._states.values())


def certificates_mapping(
    states: Mapping[str, bytes],
    summary: Callable[[str], CertificateSummary],
    history: Callable[[str], CertificateHistory],
) -> Mapping[str, CertificateHistory]:
    """A lazy certificate mapping over compact states (``states`` gives the keys, in order)."""
    return _Certificates(states, summary, history)


def _summaries(
    certificates: Mapping[str, CertificateHistory], anomalies: tuple[LifecycleAnomaly, ...]
) -> Iterator[tuple[str, CertificateSummary]]:
    if isinstance(certificates, _Certificates):
        for key in certificates:
            yield key, certificates.summary(key)
        return
    for key, history in certificates.items():  # a report built by hand
        found = sum(1 for a in anomalies if a.subject == "certificate" and a.key == key)
        yield (
            key,
            CertificateSummary(
                history.state,
                history.device_id,
                history.issued_at,
                history.last_event_at,
                history.renewals,
                history.complete,
                len(history.timeline),
                found,
            ),
        )


def format_time(value: datetime) -> str:
    """A timestamp in Okta's format; an instant UTC cannot write keeps its own offset."""
    try:
        return format_okta_datetime(value)
    except (OverflowError, ValueError):
        exact = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
        return value.isoformat(timespec=exact)


@dataclass(frozen=True, repr=False)
class LifecycleReport:
    """The result of ``build_lifecycles``: every certificate and CA, and what went wrong.

    Every field is a function of the set of events fed (``duplicates`` of their multiset),
    never of their order.
    """

    certificates: Mapping[str, CertificateHistory]
    """Certificate key -> history (each history is built when read)."""
    authorities: Mapping[str, CaHistory]
    """CA key -> history."""
    anomalies: tuple[LifecycleAnomaly, ...]
    """Every anomaly, in (published, uuid, kind, key) order."""
    crl_failures: tuple[CrlFailure, ...]
    """Every failed CRL download, in (published, uuid) order."""
    duplicates: int
    """Deliveries beyond the first of each uuid (redeliveries, conflicting or not)."""
    unkeyed: tuple[TimelineEntry, ...]
    """PKI events with no certificate (or CA) key: reported, never dropped silently."""
    ignored: int
    """Non-PKI events seen (ignored)."""
    unknown_types: Mapping[str, int] = field(default_factory=dict)
    """``pki.*`` types this library does not know, with their counts (not applied)."""
    scope_mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Scope -> the CA ids that serve it, after the latest scope mapping updates."""
    late: int = 0
    """Windowed mode: events that arrived after their window closed (counted, not applied)."""
    failures: tuple[ParseFailure, ...] = ()
    """``lifecycles_from(..., on_error="collect")``: the records that could not be read."""

    def summaries(self) -> Iterator[tuple[str, CertificateSummary]]:
        """(key, summary) per certificate, in key order: counts, no timeline built."""
        return _summaries(self.certificates, self.anomalies)

    @property
    def state_counts(self) -> dict[str, int]:
        """Certificates per state; ``"unknown"`` counts those seen only through failures."""
        if isinstance(self.certificates, _Certificates):
            found = self.certificates.state_counts()
        else:
            found = Counter(state for _, state in self._states())
        counts = {state.value if state else NO_STATE: n for state, n in found.items()}
        return dict(sorted(counts.items()))

    def certificates_in(self, state: CertState | str | None) -> list[str]:
        """The keys of the certificates in ``state``: a key of ``state_counts``.

        None, or ``"unknown"`` as ``state_counts`` names it: seen only through failures.
        """
        wanted = CertState(state) if state is not None and state != NO_STATE else None
        return [key for key, state in self._states() if state is wanted]

    def _states(self) -> Iterator[tuple[str, CertState | None]]:
        if isinstance(self.certificates, _Certificates):
            return self.certificates.states()
        return ((key, s.state) for key, s in self.summaries())

    def to_dict(self, *, timelines: bool = True) -> dict[str, Any]:
        """The report as JSON-ready data (timestamps in Okta's format, states as strings).

        With ``timelines=False`` each certificate and CA gives its counts, not its events:
        the size stays proportional to the certificates.
        """
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "certificates" and not timelines:
                data[f.name] = {row["certificate"]: row for row in self.to_table()}
                continue
            data[f.name] = _jsonable(value)
            if f.name == "authorities" and not timelines:
                for ca in data[f.name].values():
                    ca["events"] = len(ca.pop("timeline"))
        data["state_counts"] = self.state_counts
        return data

    def to_json(self, *, indent: int | None = None, timelines: bool = True) -> str:
        """The report as JSON text (see ``to_dict``)."""
        return json.dumps(self.to_dict(timelines=timelines), indent=indent)

    def to_table(self) -> list[dict[str, Any]]:
        """One flat row per certificate (no timeline is built), JSON-ready."""
        rows = []
        for key, summary in self.summaries():
            rows.append(
                {
                    "certificate": key,
                    "state": summary.state.value if summary.state else None,
                    "device_id": summary.device_id,
                    "issued_at": summary.issued_at and format_time(summary.issued_at),
                    "last_event_at": format_time(summary.last_event_at),
                    "renewals": summary.renewals,
                    "complete": summary.complete,
                    "events": summary.events,
                    "anomalies": summary.anomalies,
                }
            )
        return rows

    def to_dataframe(self) -> Any:
        """One row per certificate as a ``polars.DataFrame`` (extra ``dataframe``)."""
        try:
            import polars as pl
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_dataframe() needs polars: pip install 'okta-pki-events[dataframe]'"
            ) from exc
        schema = {
            "certificate": pl.String,
            "state": pl.String,
            "device_id": pl.String,
            "issued_at": pl.String,
            "last_event_at": pl.String,
            "renewals": pl.Int64,
            "complete": pl.Boolean,
            "events": pl.Int64,
            "anomalies": pl.Int64,
        }
        frame = pl.DataFrame(self.to_table(), schema=schema, orient="row")
        return frame.with_columns(
            pl.col("issued_at", "last_event_at").str.to_datetime(
                "%Y-%m-%dT%H:%M:%S%.fZ", time_unit="us", time_zone="UTC", strict=False
            )
        )

    def _counts(self) -> dict[str, object]:
        return {
            "certificates": len(self.certificates),
            "states": self.state_counts,
            "authorities": len(self.authorities),
            "anomalies": len(self.anomalies),
            "crl_failures": len(self.crl_failures),
            "duplicates": self.duplicates,
            "unkeyed": len(self.unkeyed),
            "ignored": self.ignored,
            "late": self.late,
            "failures": len(self.failures),
        }

    def __repr__(self) -> str:
        """Counts, not timelines."""
        inner = ", ".join(f"{k}={v!r}" for k, v in self._counts().items())
        return f"LifecycleReport({inner})"

    def _repr_html_(self) -> str:
        return _html_table("lifecycle report", self._counts())


def _jsonable(value: Any) -> Any:
    """Turn report objects into JSON-ready data."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, ParseFailure):
        where = {"source": value.source, "line": value.line, "index": value.index}
        return where | {"message": value.message}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _jsonable(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class LifecycleError(ValueError):
    """Raised with ``strict=True`` at the first anomaly."""

    def __init__(self, anomaly: LifecycleAnomaly) -> None:
        """Name the event's uuid, its type and the state it met."""
        self.anomaly = anomaly
        super().__init__(anomaly.message)
