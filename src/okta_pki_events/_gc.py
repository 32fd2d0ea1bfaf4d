"""Keeping many parsed events: the cyclic garbage collector, paused for a batch.

A parsed event is a tree of about 70 objects the cyclic collector tracks (17 models, their
``__dict__``s, fields-sets and extras, lists). Reference counting frees them; the collector
only rescans them, again and again while a batch grows: building a list of parsed events runs
at about a tenth of the rate of parsing and dropping them (``benchmarks/RESULTS.md``). Parsed
events hold no reference cycles, so pausing the collector while they are built loses nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for a block that builds or holds many events.

    >>> from okta_pki_events import gc_paused, parse_event
    >>> line = '{"uuid": "1", "published": "2024-08-13T15:58:20.353Z", "eventType": "pki.x"}'
    >>> with gc_paused():
    ...     events = [parse_event(line) for _ in range(1000)]

    The collector's state is restored on exit, also on an exception; nested blocks leave it
    as the outermost found it. Reference counting goes on: objects are freed as usual, only
    reference cycles created inside the block wait until it ends. The collector is
    process-wide: another thread's block can re-enable it early (that costs speed, never
    correctness).

    Args:
        freeze: on exit, move every object alive into the collector's permanent generation
            (``gc.freeze()``), so later collections never rescan the events kept. Use it for
            events kept until the process ends; a reference cycle among frozen objects is
            only freed after ``gc.unfreeze()``.

    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


gc_paused.__module__ = "okta_pki_events"  # the path users import it from
