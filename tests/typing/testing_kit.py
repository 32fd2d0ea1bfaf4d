"""What a type checker infers from the testing kit's builders: each ``assert_type`` holds
under mypy --strict and under pyright (``make typecheck``), and a misspelt event type is an
error under both (an ignore that were not needed would itself be an error under both).

The functions are never called: what is checked is what the checkers infer.
"""

from __future__ import annotations

from hypothesis.strategies import SearchStrategy
from typing_extensions import assert_type

from okta_pki_events import (
    PkiCaAddEvent,
    PkiCertCrlDownloadFailureEvent,
    PkiCertIssueEvent,
    PkiEvent,
    UnknownPkiEvent,
)
from okta_pki_events.testing import (
    EventTypeName,
    events,
    known_event_type,
    make_event,
    make_unknown_event,
    make_wire_event,
)


def each_type_gives_its_model() -> None:
    assert_type(make_event("pki.cert.issue"), PkiCertIssueEvent)
    assert_type(make_event("pki.ca.add", ca_id="ca1"), PkiCaAddEvent)
    assert_type(
        make_event("pki.cert.lifecycle.crl_download_failure"), PkiCertCrlDownloadFailureEvent
    )
    assert_type(events("pki.cert.issue"), SearchStrategy[PkiCertIssueEvent])
    assert_type(events(), SearchStrategy[PkiEvent])
    assert_type(make_unknown_event("pki.cert.quarantine"), UnknownPkiEvent)
    assert_type(known_event_type("pki.cert.issue"), EventTypeName)


def a_typo_is_an_error() -> None:
    make_event("pki.cert.isue")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    make_wire_event("pki.cert.isue")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    make_event("pki.cert.issue", alternate_id="x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
