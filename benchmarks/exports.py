"""Benchmark of the Parquet export: ``write_parquet`` against the parse rate, and peak memory.

    python -m benchmarks.exports              # a million events (writes benchmarks/data/)
    python -m benchmarks.exports --events 50000

Each measurement runs in a fresh process over the same NDJSON file: ``parse`` streams it
with ``iter_events`` (the rate an export cannot beat), ``parquet`` streams it through
``write_parquet(iter_events(file), out)``, ``path`` through ``write_parquet(file, out)``
(lazy records, the raw column byte for byte). Peak memory is the process's high-water mark
(VmHWM); it stays bounded by one batch of events whatever the file's size. Nothing here is
pass/fail.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

from benchmarks.run import DATA, realistic, write_lines

_CODE = r"""
import re, sys, time
from pathlib import Path
def hwm():
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024
from okta_pki_events import iter_events
from okta_pki_events.export import write_parquet
base = hwm()
start = time.perf_counter()
if sys.argv[2] == "parse":
    count = sum(1 for _ in iter_events(sys.argv[1]))
elif sys.argv[2] == "path":
    count = write_parquet(sys.argv[1], sys.argv[3], batch_size=int(sys.argv[4]))
else:
    count = write_parquet(iter_events(sys.argv[1]), sys.argv[3], batch_size=int(sys.argv[4]))
print(count, time.perf_counter() - start, base, hwm())
"""


def measure(path: Path, mode: str, out: Path, batch_size: int) -> dict[str, float]:
    """Run one measurement in a fresh process: events, seconds, RSS at start and peak (MB)."""
    result = subprocess.run(
        [sys.executable, "-c", _CODE, str(path), mode, str(out), str(batch_size)],
        check=True,
        capture_output=True,
        text=True,
    )
    count, seconds, base, peak = (float(x) for x in result.stdout.split())
    return {"events": count, "seconds": seconds, "rss_at_start_mb": base, "peak_rss_mb": peak}


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.exports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="events in the file (default 1,000,000)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=10_000, help="write_parquet's batch (default 10,000)"
    )
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    source = DATA / f"exports-{args.events}.ndjson"
    if not source.exists():
        rng = random.Random(12)
        write_lines(source, (realistic(rng, n) for n in range(args.events)))
    out = DATA / f"exports-{args.events}.parquet"
    size = source.stat().st_size
    print(f"# Parquet export: {args.events:,} PKI events, {size / 2**20:,.0f} MiB of NDJSON")
    parse = measure(source, "parse", out, args.batch_size)
    parquet = measure(source, "parquet", out, args.batch_size)
    from_path = measure(source, "path", out, args.batch_size)
    parse_rate = parse["events"] / parse["seconds"]
    parquet_rate = parquet["events"] / parquet["seconds"]
    path_rate = from_path["events"] / from_path["seconds"]
    results = {
        "events": args.events,
        "ndjson_bytes": size,
        "parquet_bytes": out.stat().st_size,
        "batch_size": args.batch_size,
        "parse": parse,
        "parquet": parquet,
        "parse_rate": parse_rate,
        "parquet_rate": parquet_rate,
        "parquet_vs_parse": parquet_rate / parse_rate,
        "path": from_path,
        "path_rate": path_rate,
        "path_vs_parse": path_rate / parse_rate,
    }
    print(f"iter_events:                 {parse_rate:10,.0f} events/s")
    print(
        f"iter_events + write_parquet: {parquet_rate:10,.0f} events/s "
        f"({parquet_rate / parse_rate:.2f}x the parse rate)"
    )
    print(
        f"write_parquet(file) (lazy):  {path_rate:10,.0f} events/s "
        f"({path_rate / parse_rate:.2f}x the parse rate), peak RSS "
        f"{from_path['peak_rss_mb']:,.0f} MB"
    )
    print(
        f"peak RSS: parse {parse['peak_rss_mb']:,.0f} MB, parquet {parquet['peak_rss_mb']:,.0f} MB "
        f"(at start {parquet['rss_at_start_mb']:,.0f} MB); Parquet file "
        f"{results['parquet_bytes'] / 2**20:,.0f} MiB (zstd)"
    )
    (DATA / "exports-last.json").write_text(json.dumps(results, indent=2))
    print(f"results written to {DATA / 'exports-last.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
