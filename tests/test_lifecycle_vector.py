"""The exact fold's bulk path (numpy, ``lifecycle._vector``) against the Python fold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_pki_events import LifecycleReport, LifecycleTracker, LogEvent, build_lifecycles
from okta_pki_events.lifecycle import _fold, _store, _vector
from okta_pki_events.lifecycle._store import uuid_id
from okta_pki_events.testing import EventTypeName, make_event

from .lifecycle_oracle import CERT_TYPES, any_certificate_events, events_with_copies

np = pytest.importorskip("numpy")

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _uuid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-000000000000"


def _everything(report: LifecycleReport) -> tuple[object, ...]:
    # the summaries come from the fold's compact states; the histories fold again
    return list(report.summaries()), report.to_json(), dict(report.certificates.items()), report


def _python(events: list[LogEvent]) -> tuple[object, ...]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_vector, "AVAILABLE", False)
        return _everything(build_lifecycles(events))


@pytest.fixture(autouse=True)
def _small_batches() -> Iterator[None]:
    # batches of a few records and short certificates: every branch of the bulk path
    # (several batches, certificates left to Python for their length) on small inputs
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_vector, "SMALLEST", 0)
        patch.setattr(_vector, "CHUNK", 5)
        patch.setattr(_vector, "LONGEST", 4)
        yield


# Many certificates, few events each, drawn times (ties), types (illegal transitions),
# outcomes (events not applied), uuids reused (copies and conflicting copies).
_rows = st.lists(
    st.tuples(
        st.sampled_from([*CERT_TYPES, "pki.cert.crl_download_failure", "pki.ca.add"]),
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=0, max_value=12),
        st.sampled_from(["SUCCESS", "FAILURE", None]),
        st.integers(min_value=0, max_value=60),
        st.sampled_from(["d1", "d2", None]),
    ),
    max_size=40,
)


@SETTINGS
@given(_rows, st.data())
def test_the_bulk_fold_gives_the_python_folds_report(
    rows: list[tuple[EventTypeName, int, int, str | None, int, str | None]], data: st.DataObject
) -> None:
    events: list[LogEvent] = [
        make_event(
            t,
            certificate_id=f"c{c}",
            ca_id=f"c{c}",
            device_id=d,
            published=T0 + timedelta(minutes=m),
            uuid=_uuid(u),
            outcome=o,
        )
        for t, c, m, o, u, d in rows
    ]
    events = data.draw(st.permutations(events + events[: data.draw(st.integers(0, 3))]))
    assert _everything(build_lifecycles(events)) == _python(events)


@SETTINGS
@given(events_with_copies([_uuid(n) for n in range(8)] + ["odd-1"], ["c1", "c2", "c3"]))
def test_copies_and_odd_uuids_give_the_python_folds_report(events: list[LogEvent]) -> None:
    events = events + events[:2]
    assert _everything(build_lifecycles(events)) == _python(events)


@SETTINGS
@given(any_certificate_events())
def test_any_targets_and_actors_give_the_python_folds_report(events: list[LogEvent]) -> None:
    assert _everything(build_lifecycles(events)) == _python(events)


def _certificate(name: str, rows: list[tuple[EventTypeName, int, int]]) -> list[LogEvent]:
    return [
        make_event(
            t,
            certificate_id=name,
            device_id=f"d-{name}",
            published=T0 + timedelta(minutes=m),
            uuid=_uuid(u),
        )
        for t, m, u in rows
    ]


_RENEWALS: list[tuple[EventTypeName, int, int]] = [
    ("pki.cert.renew", m, 7 + m) for m in range(1, 5)
]  # 5 records: over LONGEST


def test_only_plain_certificates_are_folded_in_bulk() -> None:
    # Each certificate but the first has one reason to be left to the Python fold.
    events = [
        *_certificate("plain", [("pki.cert.bind", 1, 1), ("pki.cert.issue", 0, 2)]),
        *_certificate("tie", [("pki.cert.issue", 0, 3), ("pki.cert.bind", 0, 4)]),
        *_certificate("illegal", [("pki.cert.issue", 0, 5), ("pki.cert.issue", 1, 6)]),
        *_certificate("long", [("pki.cert.issue", 0, 7), *_RENEWALS]),
        *_certificate("copied", [("pki.cert.issue", 0, 20), ("pki.cert.issue", 0, 20)]),
        *_certificate("shared", [("pki.cert.issue", 0, 21)]),
        *_certificate("odd", [("pki.cert.issue", 0, 22)]),
    ]
    events[-1] = make_event("pki.cert.issue", certificate_id="odd", published=T0, uuid="odd-1")
    others: list[LogEvent] = [make_event("pki.ca.add", ca_id="ca1", published=T0, uuid=_uuid(21))]
    data = LifecycleTracker().feed_all(events + others)._data
    ids = [uuid_id(record.uuid, data.strings) for record in data.others]
    states, suspect = _vector.fold_plain(data.certs, ids, data.odd_keys)
    found = dict(zip(data.certs, zip(states, suspect, strict=True), strict=True))
    assert {key for key, (state, _) in found.items() if state is not None} == {"plain"}
    assert {key for key, (_, maybe) in found.items() if maybe} == {"copied", "shared"}
    items = _fold._sorted_items("plain", data.certs["plain"], data)
    assert found["plain"][0] == _fold.fold_certificate("plain", items, data.strings, [])


def _thirty_on_hold() -> list[LogEvent]:
    """30 plain certificates (120 records), each issued, bound, renewed and put on hold."""
    return [
        event
        for n in range(30)
        for event in _certificate(
            f"c{n}",
            [
                ("pki.cert.issue", 0, 4 * n),
                ("pki.cert.bind", 1, 4 * n + 1),
                ("pki.cert.renew", 2, 4 * n + 2),
                ("pki.cert.lifecycle.hold", 3, 4 * n + 3),
            ],
        )
    ]


def _counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[tuple[Any, ...]]:
    """Wrap ``owner.name`` for the test: the list of the arguments of each call to it."""
    calls: list[tuple[Any, ...]] = []
    original = getattr(owner, name)

    def counted(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.mark.parametrize("smallest", [0, 120, 121])
def test_plain_certificates_are_not_folded_in_python(
    monkeypatch: pytest.MonkeyPatch, smallest: int
) -> None:
    # With numpy, the report of plain certificates never calls the Python fold, unless it
    # holds fewer than SMALLEST certificate records (here 120).
    monkeypatch.setattr(_vector, "SMALLEST", smallest)
    monkeypatch.setattr(_vector, "numpy_loaded", lambda: True)
    events = _thirty_on_hold()
    expected = _python(events)
    calls = _counted(monkeypatch, _fold, "_fold")
    report = build_lifecycles(events)
    # (before any history is read: a timeline is folded in Python)
    assert len(calls) == (0 if smallest <= len(events) else 30)
    assert report.state_counts == {"on_hold": 30}
    assert _everything(report) == expected


@pytest.mark.parametrize(
    ("loaded", "worth", "bulk"),
    [(True, 10**9, True), (False, 10**9, False), (False, 120, True), (False, 121, False)],
)
def test_numpy_is_imported_for_a_report_only_where_it_pays(
    monkeypatch: pytest.MonkeyPatch, loaded: bool, worth: int, bulk: bool
) -> None:
    # numpy's import (50-90 ms) is paid only by a report of WORTH_IMPORTING records or more;
    # once numpy is imported, from SMALLEST records (here 120 records, SMALLEST 0).
    monkeypatch.setattr(_vector, "SMALLEST", 0)
    monkeypatch.setattr(_vector, "WORTH_IMPORTING", worth)
    monkeypatch.setattr(_vector, "numpy_loaded", lambda: loaded)
    events = _thirty_on_hold()
    expected = _python(events)
    used = _counted(monkeypatch, _vector, "fold_plain")
    report = build_lifecycles(events)
    assert bool(used) is bulk
    assert _everything(report) == expected


def test_numpy_loaded_tells_an_imported_numpy() -> None:
    import numpy  # noqa: F401  # the tests' environment has the fast extra

    assert _vector.numpy_loaded()
    assert _vector.pays(_vector.SMALLEST)
    assert not _vector.pays(_vector.SMALLEST - 1)


def _field_values(code: str) -> st.SearchStrategy[Any]:
    if code.endswith("s"):
        return st.binary(min_size=int(code[:-1]), max_size=int(code[:-1]))
    bits = {"B": 8, "I": 32, "q": 64}[code]
    low = -(1 << (bits - 1)) if code.islower() else 0
    high = (1 << (bits - 1)) - 1 if code.islower() else (1 << bits) - 1
    return st.integers(min_value=low, max_value=high)


@pytest.mark.parametrize(
    ("fields", "layout", "order"),
    [(_store.RECORD_FIELDS, _store._FORMAT, "<"), (_store.STATE_FIELDS, _store.STATE, ">")],
    ids=["record", "state"],
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_numpy_reads_each_field_of_the_stores_layouts(
    fields: tuple[tuple[str, str], ...], layout: Any, order: str, data: st.DataObject
) -> None:
    # packed by ``_store``'s struct, read by the bulk fold's numpy view: every field equal
    values = [data.draw(_field_values(code), label=name) for name, code in fields]
    read = np.frombuffer(layout.pack(*values), dtype=_vector.numpy_layout(fields, order))
    assert read.dtype.itemsize == layout.size
    got = [
        read[name].tobytes() if code.endswith("s") else read[name][0].item()
        for name, code in fields
    ]
    assert got == values
