"""Lifecycle benchmarks (``make bench`` runs them after the parse benchmarks).

- in-stream cost of the fold against the parse: each event parsed by ``iter_events`` and
  fed at once, parse and fold timed separately in the same loop (target: fold >= 8x the
  parse rate);
- ``lifecycles_from`` against ``build_lifecycles(iter_events(path))`` on the same file,
  same report (target >= 3x);
- peak memory of a million events (250,000 certificates) in fresh processes: exact mode
  (target < 250 MB, report included) and windowed mode (target < 100 MB);
- Spark (local mode), DuckDB, Polars and one process side by side on the same data.
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from okta_pki_events import build_lifecycles, iter_events
from okta_pki_events.lifecycle import LifecycleTracker, lifecycles_from

KINDS = ["pki.cert.issue", "pki.cert.bind", "pki.cert.renew", "pki.cert.lifecycle.hold"]


Realistic = Callable[..., dict[str, Any]]


def lifecycle_rows(rng: random.Random, n: int, realistic: Realistic) -> Iterable[dict[str, Any]]:
    """``n`` realistic events following certificate lifecycles, locally out of order.

    Event ``i`` is step ``i % 4`` of certificate ``i // 4`` (issue, bind, renew, hold); each
    certificate has its own device and every uuid is canonical (``realistic`` sees to both).
    """
    window: list[dict[str, Any]] = []
    for i in range(n):
        window.append(realistic(rng, i, certificate=f"crt{i // 4:08d}", event_type=KINDS[i % 4]))
        if len(window) == 64:
            rng.shuffle(window)
            yield from window
            window = []
    rng.shuffle(window)
    yield from window


def in_stream(path: Path, *, bulk: bool = True) -> dict[str, float]:
    """Parse each event and feed it at once; time both apart (best of the loop's own).

    ``bulk=True``: numpy (the ``fast`` extra) imported first, as in a process that uses numpy,
    pandas, pyarrow or polars: the report folds its plain certificates in bulk (a report of
    fewer than ``_vector.WORTH_IMPORTING`` records does not import numpy for it).
    ``bulk=False``: the report folds in Python, as without numpy.
    """
    from okta_pki_events.lifecycle import _vector

    if bulk and _vector.AVAILABLE:
        import numpy  # noqa: F401  # see the docstring

    tracker = LifecycleTracker()
    events = iter_events(path)
    parse = feed = 0.0
    clock = time.perf_counter
    count = 0
    while True:
        start = clock()
        try:
            event = next(events)
        except StopIteration:
            break
        middle = clock()
        tracker.feed(event)
        parse += middle - start
        feed += clock() - middle
        count += 1
    available, _vector.AVAILABLE = _vector.AVAILABLE, _vector.AVAILABLE and bulk
    try:
        start = clock()
        report = tracker.report()
        assert sum(report.state_counts.values()) == len(report.certificates)
        end = clock()
    finally:
        _vector.AVAILABLE = available
    fold = feed + end - start
    return {
        "events": count,
        "parse_us": parse / count * 1e6,
        "feed_us": feed / count * 1e6,
        "report_us": (end - start) / count * 1e6,
        "ratio": parse / fold,
    }


def from_files(path: Path, repeat: int) -> dict[str, float]:
    """``lifecycles_from`` (exact check and ``check="fields"``, each with and without the
    ``fast`` extra) against parse-then-fold.

    Interleaved rounds (the order reversed every other round), timed in CPU time of this
    process (``time.process_time``: other work on a shared machine does not count); each
    ratio as the best of ``repeat`` and as the median of the per-round ratios; each report
    checked equal to parse-then-fold's.
    """
    from okta_pki_events.lifecycle import _checked, _fields, _vector

    def without_extra(check: Any) -> Callable[[], Any]:
        def run() -> Any:
            kept = _fields._STRUCTS, _checked._MIRROR, _vector.AVAILABLE
            _fields._STRUCTS = _checked._MIRROR = False  # as without msgspec: pydantic-core
            _vector.AVAILABLE = False  # and without numpy: the report's Python fold
            try:
                return lifecycles_from(path, check=check)
            finally:
                _fields._STRUCTS, _checked._MIRROR, _vector.AVAILABLE = kept

        return run

    runs: dict[str, Callable[[], Any]] = {
        "parse_then_fold": lambda: build_lifecycles(iter_events(path)),
        "lifecycles_from": lambda: lifecycles_from(path),
        "lifecycles_from_fields": lambda: lifecycles_from(path, check="fields"),
        "lifecycles_from_no_extra": without_extra("full"),
        "lifecycles_from_fields_no_extra": without_extra("fields"),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    same = True
    for round_ in range(repeat):
        reports = {}
        for name in list(runs)[:: -1 if round_ % 2 else 1]:
            gc.collect()
            start = time.process_time()
            reports[name] = runs[name]()
            times[name].append(time.process_time() - start)
        reference = reports["parse_then_fold"]
        for report in reports.values():
            same = (
                same
                and report.to_table() == reference.to_table()
                and report.anomalies == reference.anomalies
            )
    best: dict[str, float] = {name: min(seconds) for name, seconds in times.items()}
    base = times["parse_then_fold"]
    for suffix, name in (
        ("", "lifecycles_from"),
        ("_fields", "lifecycles_from_fields"),
        ("_no_extra", "lifecycles_from_no_extra"),
        ("_fields_no_extra", "lifecycles_from_fields_no_extra"),
    ):
        best["ratio" + suffix] = best["parse_then_fold"] / best[name]
        rounds = sorted(a / b for a, b in zip(base, times[name], strict=True))
        best["median_ratio" + suffix] = rounds[len(rounds) // 2]
    best["same_report"] = float(same)
    return best


_MEMORY_CODE = """
import re, sys, time
from datetime import timedelta
from pathlib import Path
def hwm():  # peak RSS of this process (VmHWM is reset by exec, unlike ru_maxrss)
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", text).group(1)) / 1024
from okta_pki_events import iter_events
from okta_pki_events.lifecycle import LifecycleTracker, lifecycles_from
base = hwm()
path, reader, mode = sys.argv[1], sys.argv[2], sys.argv[3]
window = timedelta(minutes=15) if mode == "windowed" else None
start = time.perf_counter()
if mode == "parse only":
    report = None
    for event in iter_events(path):
        pass
elif reader == "lifecycles_from":
    report = lifecycles_from(path, window=window)
else:
    tracker = LifecycleTracker(window=window)
    for event in iter_events(path):
        tracker.feed(event)
    report = tracker.report()
rows = 0 if report is None else sum(1 for _ in report.summaries())
counts = None if report is None else report.state_counts
elapsed = time.perf_counter() - start
print(rows, elapsed, base, hwm(), 0 if report is None else report.late)
"""


def memory(path: Path, reader: str, mode: str) -> dict[str, float]:
    """Peak RSS of a fresh process folding ``path`` (the report built and read).

    ``reader``: ``lifecycles_from`` or ``iter_events`` (parse, then feed a tracker); ``mode``:
    ``exact``, ``windowed`` (15 minutes) or ``parse only`` (``iter_events``, no fold).
    """
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_CODE, str(path), reader, mode],
        check=True,
        capture_output=True,
        text=True,
    )
    certificates, seconds, base, peak, late = out.stdout.split()
    return {
        "certificates": float(certificates),
        "seconds": float(seconds),
        "rss_after_import_mb": float(base),
        "peak_rss_mb": float(peak),
        "late": float(late),
    }


def engines(path: Path, parquet: Path) -> dict[str, float]:
    """Seconds for the same report by one process, Polars, DuckDB and Spark (local[2])."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    reference = lifecycles_from(path)
    times["one process: lifecycles_from (NDJSON)"] = time.perf_counter() - start
    start = time.perf_counter()
    build_lifecycles(iter_events(path))
    times["one process: build_lifecycles(iter_events) (NDJSON)"] = time.perf_counter() - start

    def check(name: str, report: Any) -> None:
        if report.to_table() != reference.to_table():
            raise AssertionError(f"{name} disagrees with the single-process report")

    try:
        import polars as pl

        from okta_pki_events.lifecycle.polars import polars_lifecycles

        start = time.perf_counter()
        check("polars", polars_lifecycles(pl.scan_parquet(parquet)))
        times["Polars: scan_parquet _raw"] = time.perf_counter() - start
    except ImportError:
        print("(polars not installed: skipped)")
    try:
        import duckdb

        from okta_pki_events.lifecycle.duckdb import duckdb_lifecycles

        start = time.perf_counter()
        check("duckdb", duckdb_lifecycles(duckdb.read_parquet(str(parquet))))
        times["DuckDB: read_parquet _raw"] = time.perf_counter() - start
    except ImportError:
        print("(duckdb not installed: skipped)")
    try:
        from pyspark.sql import SparkSession

        from okta_pki_events.lifecycle.spark import spark_lifecycles

        os.environ["PYSPARK_PYTHON"] = sys.executable
        start = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        times["Spark: session start"] = time.perf_counter() - start
        start = time.perf_counter()
        check("spark", spark_lifecycles(spark.read.parquet(str(parquet)), column="_raw"))
        times["Spark local[2]: read.parquet _raw"] = time.perf_counter() - start
        start = time.perf_counter()
        check("spark text", spark_lifecycles(spark.read.text(str(path))))
        times["Spark local[2]: read.text NDJSON"] = time.perf_counter() - start
        spark.stop()
    except ImportError:
        print("(pyspark not installed: skipped)")
    return times
