"""``gc_paused``: the collector is off inside, restored after, whatever happens."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from okta_pki_events import gc_paused, parse_event

from .support import pki_fixture


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_and_restored_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
        events = [parse_event(pki_fixture("pki.cert.issue")) for _ in range(100)]
    assert gc.isenabled()
    assert len({id(e) for e in events}) == 100


@pytest.mark.usefixtures("collector_on")
def test_nested_blocks_leave_it_as_the_outermost_found_it() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_restored_on_an_exception() -> None:
    with pytest.raises(ValueError, match="boom"), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_freeze_moves_what_lives_to_the_permanent_generation() -> None:
    before = gc.get_freeze_count()
    try:
        with gc_paused(freeze=True):
            kept = [parse_event(pki_fixture("pki.cert.bind")) for _ in range(10)]
        assert gc.get_freeze_count() > before
        assert len(kept) == 10
    finally:
        gc.unfreeze()
