"""Lazy ``parse_event`` and lazy ``iter_events``: where the time goes, paired.

    python -m benchmarks.lazy [--events 4000] [--rounds 12] [--instructions JOBS]

Two tables on the lines of ``make bench``'s typed parse (its generator and seed):

- the parse: ``parse_event(..., lazy=True)`` and the stream's lazy parser against the sparse
  validator alone (the control), the JSON syntax floor (a validator of no field), and the
  sparse validator with each eager field dropped or validated as plain JSON (``lossy`` rows
  only price a piece), and ``published``'s parts;
- the stream, over a file of the same lines: lazy ``iter_events`` against ``json.loads`` over
  the file (``make bench``'s reference), the same parses over the lines in memory, the stream
  with each parse replaced by one ready event (what the stream itself costs), and the least a
  reader of lines does (chunks read, each line found and cut).

Every candidate runs once per round, rounds interleaved, each round starting one candidate
further along; the printed figures are medians of rounds (CPU time of this process), the
differences to the control medians of per-round differences. ``--instructions`` counts the
parse table's instructions with callgrind instead (deterministic: the load does not change
them; memory stalls are not in them). Figures are in ``benchmarks/RESULTS.md`` ("The lazy
floor").
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from pydantic_core import SchemaValidator, core_schema

from benchmarks.eager import count_instructions, paired_parser
from benchmarks.run import realistic
from okta_pki_events import iter_events, parse_event
from okta_pki_events._lazy import EAGER_FIELDS, sparse_schema, stream_parser
from okta_pki_events._stream import reader
from okta_pki_events._stream.sources import chunks
from okta_pki_events.models._base import CACHE_STRINGS
from okta_pki_events.models._timestamp import OKTA_CANONICAL_PATTERN

Parse = Callable[[bytes], Any]
PARSE_CONTROL, STREAM_CONTROL = "the sparse validator alone (control)", "iter_events lazy"
_CANONICAL_TEXT = core_schema.str_schema(pattern=OKTA_CANONICAL_PATTERN, strict=True)
PUBLISHED: dict[str, core_schema.CoreSchema] = {
    "published: the canonical chain alone (no Python fallback)": core_schema.chain_schema(
        [_CANONICAL_TEXT, core_schema.datetime_schema()]
    ),
    "lossy: published the pattern only, kept as text": _CANONICAL_TEXT,
    "lossy: published any text": core_schema.str_schema(strict=True),
    "lossy: published a strict datetime (no pattern)": core_schema.datetime_schema(strict=True),
}


def sparse(change: dict[str, core_schema.CoreSchema | None]) -> Parse:
    """The sparse validator with fields replaced (a schema) or dropped (None), as it is called."""
    schema: Any = sparse_schema()
    typed = schema["schema"] if schema["type"] == "definitions" else schema
    for name, replacement in change.items():
        if replacement is None:
            del typed["fields"][name]
        else:
            typed["fields"][name]["schema"] = replacement
    validate = SchemaValidator(schema, {"cache_strings": CACHE_STRINGS}).validate_json
    return lambda line: validate(line, by_alias=True, by_name=False)


def parse_candidates() -> dict[str, Callable[[], Parse]]:
    """The parse table's rows, each built when it is measured."""
    runs: dict[str, Callable[[], Parse]] = {
        "json.loads": lambda: json.loads,
        "parse_event lazy": lambda: lambda line: parse_event(line, lazy=True),
        "the stream's lazy parser (stream_parser)": lambda: stream_parser("pki."),
        PARSE_CONTROL: lambda: sparse({}),
        "floor: JSON syntax only (no field)": lambda: sparse(dict.fromkeys(EAGER_FIELDS)),
    }
    for name in EAGER_FIELDS:
        runs[f"lossy: without {name}"] = partial(sparse, {name: None})
        runs[f"lossy: {name} plain JSON"] = partial(sparse, {name: core_schema.any_schema()})
    for name, schema in PUBLISHED.items():
        runs[name] = partial(sparse, {"published": schema})
    return runs


def over_lines(parse: Parse, lines: list[bytes]) -> int:
    """Parse each line (in memory) once."""
    deque(map(parse, lines), maxlen=0)
    return len(lines)


def _file_json(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
            count += 1
    return count


def _stream(path: Path) -> int:
    events = iter_events(path, lazy=True)
    deque(events, maxlen=0)
    return events.stats.read


def _stream_unparsed(path: Path, event: Any) -> int:
    """Lazy ``iter_events`` with each parse replaced by ``event``: the stream's own cost."""
    kept = vars(reader)["stream_parser"]
    setattr(reader, "stream_parser", lambda keep: lambda text: event)  # noqa: B010
    try:
        events = iter_events(path, lazy=True)
    finally:
        setattr(reader, "stream_parser", kept)  # noqa: B010
    deque(events, maxlen=0)
    return events.stats.read


def _cut_lines(path: Path) -> int:
    """The least a reader of lines does: chunks read, each line found, cut and stripped."""
    count, buf, pos = 0, b"", 0
    for chunk in chunks(path):
        assert type(chunk) is bytes
        buf, pos = buf[pos:] + chunk, 0
        find = buf.find
        while (newline := find(b"\n", pos)) >= 0:
            buf[pos:newline].strip(b" \t\r")
            pos = newline + 1
            count += 1
    return count


def _file_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def stream_candidates(path: Path, lines: list[bytes]) -> dict[str, Callable[[], int]]:
    """The stream table's rows: each reads every line once and returns how many it read."""
    lazy = stream_parser("pki.")
    event = lazy(lines[0])
    return {
        "json.loads over the file (make bench's reference)": partial(_file_json, path),
        STREAM_CONTROL: partial(_stream, path),
        "stream_parser over the lines in memory": partial(over_lines, lazy, lines),
        "the sparse validator over the lines in memory": partial(over_lines, sparse({}), lines),
        "iter_events lazy, each parse one ready event": partial(_stream_unparsed, path, event),
        "chunks read, lines found and cut (no parse)": partial(_cut_lines, path),
        "for line in file (no parse)": partial(_file_lines, path),
    }


def _check(runs: Mapping[str, Parse], lines: list[bytes]) -> None:
    """The rows that claim to be lossless give the control's fields; the changes took effect."""
    expected = [runs[PARSE_CONTROL](line) for line in lines[:200]]
    for name, parse in runs.items():
        if name.startswith("published:"):
            assert [parse(line) for line in lines[:200]] == expected, name
    assert "target" not in runs["lossy: without target"](lines[0])
    assert isinstance(runs["lossy: published any text"](lines[0])["published"], str)


def _table(
    seconds: dict[str, list[float]], control: str, base: str, count: int, rounds: int
) -> None:
    with open("/proc/loadavg") as handle:
        load = " ".join(handle.read().split()[:3])
    print(f"{count:,} lines, {rounds} interleaved rounds, CPU time, load {load}")
    print(f"{'candidate':58s} {'µs/line':>8s} {'Δµs':>6s} {'x base':>7s}")
    for name, times in seconds.items():
        us = statistics.median(times) / count * 1e6
        delta = statistics.median(
            (t - c) / count * 1e6 for t, c in zip(times, seconds[control], strict=True)
        )
        to_base = statistics.median(b / t for b, t in zip(seconds[base], times, strict=True))
        print(f"{name:58s} {us:8.3f} {delta:+6.3f} {to_base:7.3f}")


def _rounds(runs: Mapping[str, Callable[[], int]], rounds: int) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            start = time.process_time()
            runs[name]()
            seconds[name].append(time.process_time() - start)
    return seconds


def _lines(events: int) -> list[bytes]:
    rng = random.Random(20261125)
    return [json.dumps(realistic(rng, n), separators=(",", ":")).encode() for n in range(events)]


def _run_once(name: str, lines: list[bytes]) -> None:
    """The child of ``--instructions``: warm up, then parse every line inside one C call."""
    parse = parse_candidates()[name]()
    for line in lines[:50]:  # warm-up (the lazy classes built on first use), not counted
        parse(line)
    deque(map(parse, lines), maxlen=0)  # what callgrind counts: ``consume_iterator``


def _instructions(lines: list[bytes], jobs: int) -> None:
    count = partial(count_instructions, "benchmarks.lazy", len(lines))
    names = list(parse_candidates())
    with ThreadPoolExecutor(jobs) as pool:
        counts = dict(zip(names, pool.map(count, names), strict=True))
    print(f"{len(lines):,} lines, instructions counted by callgrind (Ir) a line")
    for name, ir in counts.items():
        print(f"{name:58s} {ir:9,.0f} {ir - counts[PARSE_CONTROL]:+8,.0f}")


def main() -> None:
    """Print the parse table and the stream table (or the parse table's instructions)."""
    parser = paired_parser("benchmarks.lazy", __doc__, 12, "lines")
    args = parser.parse_args()
    lines = _lines(args.events)
    if args.run:
        _run_once(args.run, lines)
        return
    if args.instructions:
        _instructions(lines, args.instructions)
        return
    parses = {name: build() for name, build in parse_candidates().items()}
    _check(parses, lines)
    runs = {name: partial(over_lines, parse, lines) for name, parse in parses.items()}
    print("## The lazy parse, per line in memory")
    _table(_rounds(runs, args.rounds), PARSE_CONTROL, "json.loads", len(lines), args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pki.ndjson"
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        streams = stream_candidates(path, lines)
        print("\n## The lazy stream, per line of a file")
        seconds = _rounds(streams, args.rounds)
        base = "json.loads over the file (make bench's reference)"
        _table(seconds, STREAM_CONTROL, base, len(lines), args.rounds)


if __name__ == "__main__":
    main()
