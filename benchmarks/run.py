"""Benchmarks: okta-pki-events against the fastest Python parsers, measured in the same run.

    make bench                    # everything (about 9 minutes; writes benchmarks/data/)
    python -m benchmarks.run --quick  # small data, fewer repeats (a few minutes)

Every figure is the best of several interleaved repetitions (this machine's timings are
noisy); the ratios compare figures of the same run. Nothing here is pass/fail: the targets
are printed beside the ratios and recorded in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pydantic

from okta_pki_events import EVENT_TYPES, gc_paused, iter_events, parse_event
from okta_pki_events.testing import known_event_type, make_wire_event

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SAMPLES = HERE.parent / "tests" / "fixtures" / "samples"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


# -- data --------------------------------------------------------------------------------------


def realistic(
    rng: random.Random, n: int, certificate: str | None = None, event_type: str | None = None
) -> dict[str, Any]:
    """One realistic PKI event of about 2 KB (Okta-SDK compatible: string version)."""
    event_type = event_type or rng.choice(EVENT_TYPES)
    ip = f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    geo = {
        "city": "San Francisco",
        "state": "California",
        "country": "United States",
        "postalCode": "94107",
        "geolocation": {"lat": 37.7697, "lon": -122.3933},
    }
    wire = make_wire_event(
        known_event_type(event_type),
        certificate_id=certificate or f"crt{n:08d}",
        device_id=f"guo{certificate[3:]}" if certificate else f"guo{n:08d}",  # one per certificate
        ca_id=f"ca{n % 50:04d}",
        uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),  # canonical, as Okta sends
        published=T0 + timedelta(seconds=n * 7),
    )
    wire["authenticationContext"] = {
        "authenticationProvider": None,
        "credentialProvider": "OKTA_CREDENTIAL_PROVIDER",
        "credentialType": None,
        "issuer": None,
        "interface": None,
        "authenticationStep": 0,
        "rootSessionId": f"idx{rng.getrandbits(64):016x}",
        "externalSessionId": f"idx{rng.getrandbits(64):016x}",
    }
    wire["securityContext"] = {
        "asNumber": 64496,
        "asOrg": "example networks",
        "isp": "example isp",
        "domain": "example.com",
        "isProxy": False,
    }
    wire["request"] = {
        "ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]
    }
    wire["client"]["ipAddress"] = ip
    wire["debugContext"]["debugData"] |= {
        "requestUri": "/api/v1/devices/guo/lifecycle",
        "url": "/api/v1/devices/guo/lifecycle?",
        "dtHash": f"{rng.getrandbits(256):064x}",
        "threatSuspected": "false",
    }
    return wire


def write_lines(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += 1
    return count


def non_pki_samples() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        if path.name == "MANIFEST.json" or "data" in data or "2017-09-31" in path.read_text():
            continue
        out.append(data)
    return out


# -- timing -------------------------------------------------------------------------------------


def best_rate(runs: dict[str, Callable[[], int]], repeat: int) -> dict[str, float]:
    """Items per second, best of ``repeat`` interleaved rounds."""
    best = dict.fromkeys(runs, 0.0)
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            count = run()
            elapsed = time.perf_counter() - start
            best[name] = max(best[name], count / elapsed)
    return best


def per_line(lines: list[bytes], parse: Callable[[bytes], Any]) -> Callable[[], int]:
    def run() -> int:
        for line in lines:
            parse(line)
        return len(lines)

    return run


def over_file(path: Path, parse: Callable[[bytes], Any]) -> Callable[[], int]:
    def run() -> int:
        count = 0
        with path.open("rb") as handle:
            for line in handle:
                parse(line)
                count += 1
        return count

    return run


def stream(path: Path, fast: bool = True, **options: Any) -> Callable[[], int]:
    """``iter_events`` over a file; ``fast=False``: as without the ``fast`` extra (msgspec)."""
    from okta_pki_events._stream import _probe

    def run() -> int:
        kept = _probe.fast_probe()
        if not fast:
            _probe._FAST = None  # the probe is chosen when the stream starts
        try:
            events = iter_events(path, **options)
        finally:
            _probe._FAST = kept
        for _ in events:
            pass
        return events.stats.read

    return run


# -- the measurements --------------------------------------------------------------------------


def references(lines: list[bytes]) -> dict[str, Callable[[], int]]:
    runs: dict[str, Callable[[], int]] = {"json.loads": per_line(lines, json.loads)}
    try:
        import orjson

        runs["orjson.loads"] = per_line(lines, orjson.loads)
    except ImportError:
        print("(orjson not installed: skipped)")
    try:
        from benchmarks.msgspec_models import decoder

        runs["msgspec Structs"] = per_line(lines, decoder.decode)
    except ImportError:
        print("(msgspec not installed: skipped)")
    try:
        from okta.models.log_event import LogEvent as OktaLogEvent

        def okta_from_json(line: bytes) -> Any:
            try:
                return OktaLogEvent.from_json(line.decode())
            except ValueError:
                return None

        runs["okta SDK from_json"] = per_line(lines, okta_from_json)
        runs["okta SDK model_validate_json"] = per_line(lines, OktaLogEvent.model_validate_json)
    except ImportError:
        print("(okta SDK not installed: skipped)")
    return runs


def retained_bytes_per_event(
    lines: list[bytes], n: int = 5000, parse: Callable[[bytes], Any] = parse_event
) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    # A fresh copy of each line, as read from a file: a lazy event keeps its line.
    kept = [parse(bytes(bytearray(line))) for line in lines[:n]]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(kept)  # --events below n: every line


IMPORTS = {
    "okta_pki_events": "import okta_pki_events",
    "parse_event": "from okta_pki_events import parse_event",
    "iter_events": "from okta_pki_events import iter_events",
    "build_lifecycles": "from okta_pki_events import build_lifecycles",
    "cli": "import okta_pki_events.cli",
    "pydantic": "import pydantic; from pydantic import BaseModel",
}


def keeping(lines: list[bytes], repeat: int) -> dict[str, float]:
    """Events/s of parsing into a list that is kept, with and without ``gc_paused``.

    Freeing each list is left out of the timing; parse-and-drop is the reference.
    """
    variants: dict[str, Callable[[], list[Any]]] = {
        "parse and drop": lambda: [None for line in lines if parse_event(line) is None],
        "keep in a list": lambda: [parse_event(line) for line in lines],
    }

    def paused() -> list[Any]:
        with gc_paused():
            return [parse_event(line) for line in lines]

    variants["keep in a list, gc_paused()"] = paused
    best = dict.fromkeys(variants, 0.0)
    for _ in range(repeat):
        for name, build in variants.items():
            gc.collect()
            start = time.perf_counter()
            kept = build()
            best[name] = max(best[name], len(lines) / (time.perf_counter() - start))
            del kept
    return best


def import_time(repeat: int = 7) -> dict[str, float]:
    """Best wall time of each import in ``IMPORTS`` in a fresh interpreter, interleaved."""

    best = dict.fromkeys(IMPORTS, float("inf"))
    for _ in range(repeat):
        for name, code in IMPORTS.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def lifecycle_section(
    args: argparse.Namespace, rng: random.Random, results: dict[str, Any]
) -> None:
    """The lifecycle: in-stream fold cost, lifecycles_from, memory of a million, engines."""
    from benchmarks import lifecycle as life

    n = min(args.million, 100_000)
    print(f"\n## Lifecycle ({n:,} events in-stream; {args.million:,} for memory)")
    path = DATA / f"lifecycle-{n}.ndjson"
    if not path.exists():
        write_lines(path, life.lifecycle_rows(rng, n, realistic))
    best: dict[str, float] = {}
    python: dict[str, float] = {}  # the report's Python fold, as without numpy
    for _ in range(args.repeat):
        got = life.in_stream(path)
        if not best or got["ratio"] > best["ratio"]:
            best = got
        got = life.in_stream(path, bulk=False)
        if not python or got["ratio"] > python["ratio"]:
            python = got
    print(
        f"in-stream, per event: parse {best['parse_us']:.2f} us, feed {best['feed_us']:.2f} us, "
        f"report {best['report_us']:.2f} us: the fold costs {best['ratio']:.1f}x less than "
        "parsing (target >= 8x; numpy imported); without numpy (or not imported): parse "
        f"{python['parse_us']:.2f} us, feed {python['feed_us']:.2f} us, report "
        f"{python['report_us']:.2f} us: {python['ratio']:.1f}x"
    )
    files = life.from_files(path, args.repeat)
    print(
        f"lifecycles_from {files['lifecycles_from']:.2f} s (exact check), "
        f"{files['lifecycles_from_fields']:.2f} s (check='fields'); without the fast extra "
        f"{files['lifecycles_from_no_extra']:.2f} s and "
        f"{files['lifecycles_from_fields_no_extra']:.2f} s; vs "
        f"build_lifecycles(iter_events) {files['parse_then_fold']:.2f} s (CPU time): best "
        f"{files['ratio']:.2f}x, {files['ratio_fields']:.2f}x; without the extra "
        f"{files['ratio_no_extra']:.2f}x, {files['ratio_fields_no_extra']:.2f}x; median of "
        f"rounds {files['median_ratio']:.2f}x, {files['median_ratio_fields']:.2f}x; without "
        f"{files['median_ratio_no_extra']:.2f}x, {files['median_ratio_fields_no_extra']:.2f}x "
        f"(target >= 3x); same report: {bool(files['same_report'])}"
    )
    big = DATA / f"lifecycle-{args.million}.ndjson"
    if not big.exists():
        write_lines(big, life.lifecycle_rows(rng, args.million, realistic))
    parse_only = life.memory(big, "iter_events", "parse only")
    print(
        f"streaming {args.million:,} events: peak RSS "
        f"{parse_only['peak_rss_mb']:.0f} MB ({parse_only['rss_after_import_mb']:.0f} MB after "
        "import) (target < 100 MB)"
    )
    memory = {}
    for reader in ("lifecycles_from", "iter_events"):
        for mode, target in (("exact", 250), ("windowed", 100)):
            got = life.memory(big, reader, mode)
            memory[f"{reader} {mode}"] = got
            print(
                f"{reader:16s} {mode:9s}: {got['certificates']:,.0f} certificates in "
                f"{got['seconds']:.1f} s, peak RSS {got['peak_rss_mb']:.0f} MB "
                f"({got['rss_after_import_mb']:.0f} MB after import; target < {target} MB), "
                f"late {got['late']:,.0f}"
            )
    engine_n = min(args.million, 50_000)
    engine_path = DATA / f"lifecycle-engines-{engine_n}.ndjson"
    if not engine_path.exists():
        write_lines(engine_path, life.lifecycle_rows(rng, engine_n, realistic))
    parquet = engine_path.with_suffix(".parquet")
    if not parquet.exists():
        from okta_pki_events.export import write_parquet

        write_parquet(engine_path, parquet)
    print(f"engines on {engine_n:,} events (the same report from each, checked):")
    engines = life.engines(engine_path, parquet)
    for name, seconds in engines.items():
        print(f"  {name:52s} {seconds:7.2f} s")
    results["lifecycle"] = {
        "in_stream": best,
        "in_stream_no_extra": python,
        "from_files": files,
        "stream_parse": parse_only,
        "memory": memory,
        "engines_s": engines,
    }


# A hostile source streamed in a fresh process: its peak memory (issue 9's bound: 100 MB).
_HOSTILE_CODE = """
import gzip, io, re, sys, time, zlib
from pathlib import Path
def hwm():
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", text).group(1)) / 1024
from okta_pki_events import iter_events
GIB = 1 << 30
class Endless(io.RawIOBase):  # 1 GiB of one byte, then a line break, made as it is read
    def __init__(self, data): self.left, self.data = GIB, data
    def readable(self): return True
    def readinto(self, buffer):
        size = min(len(buffer), self.left)
        if size == 0: return 0
        buffer[:size] = self.data[:1] * size
        self.left -= size
        return size
if sys.argv[1] == "bomb":  # 1 GiB of zeros, gzip-compressed to about 1 MB
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"\\0" * (1 << 20)) for _ in range(1024)]
    source = io.BytesIO(b"".join(parts) + packer.flush())
else:  # one line of 1 GiB
    source = io.BufferedReader(Endless(b"x"))
base = hwm()
start = time.perf_counter()
events = iter_events(source, on_error="collect")
for _ in events:
    pass
print(events.stats.failed, time.perf_counter() - start, base, hwm())
"""


def hostile_in_subprocess(kind: str) -> dict[str, float]:
    """Stream a gzip bomb or a 1 GiB line in a fresh process: time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", _HOSTILE_CODE, kind], check=True, capture_output=True, text=True
    )
    failed, elapsed, base, peak = out.stdout.split()
    return {
        "failed": float(failed),
        "seconds": float(elapsed),
        "rss_at_start_mb": float(base),
        "peak_rss_mb": float(peak),
    }


def parse_lazy(line: bytes) -> Any:
    return parse_event(line, lazy=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small data, fewer repeats (5,000 / 50,000 / 3)"
    )
    parser.add_argument(
        "--events", type=int, default=20_000, help="events of the per-line rows (default 20,000)"
    )
    parser.add_argument(
        "--million",
        type=int,
        default=1_000_000,
        help="events of the large-file and memory rows (default 1,000,000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="interleaved repetitions per row (default 5)"
    )
    args = parser.parse_args()
    if args.quick:
        args.events, args.million, args.repeat = 5_000, 50_000, 3
    rng = random.Random(20261125)
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.processor() or '?'}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        "pydantic": pydantic.VERSION,
    }
    print(f"# okta-pki-events benchmarks ({results['machine']}, pydantic {pydantic.VERSION})")

    pki_path = DATA / "pki.ndjson"
    write_lines(pki_path, (realistic(rng, n) for n in range(args.events)))
    lines = pki_path.read_bytes().splitlines()
    size = sum(map(len, lines)) / len(lines)
    print(f"\n## Typed parse: {len(lines):,} PKI events of {size:,.0f} bytes, all 15 types")
    runs = references(lines)
    runs["parse_event per line"] = per_line(lines, parse_event)
    runs["parse_event lazy per line"] = per_line(lines, parse_lazy)
    runs["json.loads per line (file)"] = over_file(pki_path, json.loads)
    runs["iter_events (file)"] = stream(pki_path)
    runs["iter_events lazy (file)"] = stream(pki_path, lazy=True)
    if "msgspec Structs" in runs:
        from benchmarks.msgspec_models import decoder

        runs["msgspec Structs per line (file)"] = over_file(pki_path, decoder.decode)
    rates = best_rate(runs, args.repeat)
    base = rates["json.loads"]
    for name, rate in rates.items():
        print(f"{name:32s} {rate:12,.0f} events/s {rate / base:6.2f}x json.loads")
    ours = rates["iter_events (file)"]
    file_json = rates["json.loads per line (file)"]
    print(
        f"\niter_events vs json.loads over the same file: {ours / file_json:.2f}x (target >= 1.0x)"
    )
    if "msgspec Structs" in rates:
        print(f"iter_events vs msgspec: {ours / rates['msgspec Structs']:.2f}x (target >= 0.45x)")
    if "okta SDK from_json" in rates:
        sdk = rates["okta SDK from_json"]
        print(f"iter_events vs Okta SDK from_json: {ours / sdk:.2f}x (target >= 2x)")
    eager = rates["parse_event per line"]
    print(f"eager parse_event vs json.loads: {eager / base:.2f}x (target >= 0.72x)")
    lazy = rates["parse_event lazy per line"]
    print(f"lazy parse_event vs json.loads: {lazy / base:.2f}x (target >= 1.5x)")
    if "msgspec Structs" in rates:
        versus = lazy / rates["msgspec Structs"]
        print(f"lazy parse_event vs msgspec: {versus:.2f}x (target >= 0.5x)")
    lazy_file = rates["iter_events lazy (file)"]
    print(
        f"iter_events lazy vs json.loads over the same file: {lazy_file / file_json:.2f}x "
        "(target >= 1.5x)"
    )
    if "msgspec Structs per line (file)" in rates:
        versus = lazy_file / rates["msgspec Structs per line (file)"]
        print(f"iter_events lazy vs msgspec over the same file: {versus:.2f}x (target >= 0.5x)")
    results["typed"] = rates

    print("\n## Mixed stream: 1% PKI events among Log Streaming's other types")
    others = non_pki_samples()
    mixed_path = DATA / "mixed.ndjson"

    def mixed_rows() -> Iterable[dict[str, Any]]:
        for n in range(args.events * 5):
            if rng.random() < 0.01:
                yield realistic(rng, n)
            else:
                row = dict(rng.choice(others))
                row["uuid"] = f"nonpki-{n}"
                yield row

    write_lines(mixed_path, mixed_rows())
    mixed = best_rate(
        {
            "json.loads per line (file)": over_file(mixed_path, json.loads),
            "iter_events only_pki (file)": stream(mixed_path),
            "iter_events only_pki, no fast extra": stream(mixed_path, fast=False),
            "iter_events all types (file)": stream(mixed_path, only_pki=False),
        },
        args.repeat,
    )
    for name, rate in mixed.items():
        print(f"{name:36s} {rate:12,.0f} records/s")
    from okta_pki_events._stream._probe import fast_probe

    base = mixed["json.loads per line (file)"]
    ratio = mixed["iter_events only_pki (file)"] / base
    if fast_probe() is not None:
        print(f"pre-filter speed-up vs json.loads, fast extra: {ratio:.2f}x (target >= 4.5x)")
    else:
        print("(msgspec not installed: the fast extra is not measured)")
    ratio = mixed["iter_events only_pki, no fast extra"] / base
    print(f"pre-filter speed-up vs json.loads, no fast extra: {ratio:.2f}x (target >= 2.8x)")
    print(
        "pre-filter speed-up vs validating every record: "
        f"{mixed['iter_events only_pki (file)'] / mixed['iter_events all types (file)']:.2f}x"
    )
    results["mixed"] = mixed

    print("\n## Hostile sources: one failure each, in bounded memory (target < 100 MB)")
    for kind in ("bomb", "line"):
        figures = hostile_in_subprocess(kind)
        label = "gzip bomb (1 GiB of zeros)" if kind == "bomb" else "one 1 GiB line"
        print(
            f"{label:28s} {figures['seconds']:6.1f} s, peak RSS {figures['peak_rss_mb']:.0f} MB "
            f"(at start {figures['rss_at_start_mb']:.0f} MB), {figures['failed']:.0f} failure"
        )
        results[f"hostile_{kind}"] = figures

    print("\n## Memory")
    per_event = retained_bytes_per_event(lines)
    print(f"retained memory per parsed event: {per_event:,.0f} bytes ({size:,.0f} bytes of JSON)")
    results["retained_bytes_per_event"] = per_event
    lazy_event = retained_bytes_per_event(lines, parse=parse_lazy)
    print(
        f"retained memory per lazy event, its line included: {lazy_event:,.0f} bytes = "
        f"{lazy_event / per_event:.2f}x an eager event (target <= 0.5x)"
    )
    results["retained_bytes_per_lazy_event"] = lazy_event

    lifecycle_section(args, rng, results)

    print("\n## Keeping parsed events: the garbage collector")
    kept = keeping(lines, args.repeat)
    for name, rate in kept.items():
        print(f"{name:32s} {rate:12,.0f} events/s {rate / kept['parse and drop']:6.2f}x drop")
    results["keeping"] = kept

    print("\n## Import")
    imports = import_time()
    for name, seconds in imports.items():
        print(f"python -c '{IMPORTS[name]}': {seconds * 1000:.0f} ms")
    results["import_s"] = imports
    (DATA / "last.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults written to {DATA / 'last.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
