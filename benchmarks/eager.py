"""Eager ``parse_event`` against ``json.loads`` and against variants of its validator, paired.

    python -m benchmarks.eager [--events 5000] [--rounds 40] [--clock cpu|wall]

Every candidate parses the same lines once per round, rounds interleaved, each round starting
one candidate further along (no candidate always runs after the same one); the ratio of a
candidate to ``json.loads`` is taken round by round, and the median of those ratios is
printed beside the best-of-rounds figure (a shared machine's speed drifts between rounds: a
ratio taken within one round is what stays comparable). The clock is this process's CPU time
by default (time spent waiting for a core that other jobs hold is left out); ``--clock wall``
times as ``make bench`` does. The variants rebuild the catalogued types' validator from the
models' own core schemas with one change each; the ``lossy`` ones break the library's
promises and only say what a piece costs. Figures are recorded in ``benchmarks/RESULTS.md``
("Eager parse").
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from pydantic_core import SchemaValidator, core_schema

from benchmarks.run import realistic
from okta_pki_events import parse_event
from okta_pki_events._parsing import _KNOWN_JSON
from okta_pki_events.models._base import CACHE_STRINGS
from okta_pki_events.models.events import EVENT_MODELS

Change = Callable[[dict[str, Any]], dict[str, Any]]
_OPAQUE = ("cls", "function", "serialization", "metadata", "config")


def _walk(node: Any, change: Change) -> Any:
    if isinstance(node, dict):
        node = change(node)
        return {k: v if k in _OPAQUE else _walk(v, change) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(item, change) for item in node]
    return node


def variant(
    change: Change = lambda node: node, config: core_schema.CoreConfig | None = None
) -> Callable[[bytes], Any]:
    """The validator of the catalogued types (as ``parse_event`` builds it), changed."""
    choices = {
        name: _walk(model.__pydantic_core_schema__, change) for name, model in EVENT_MODELS.items()
    }
    schema = core_schema.tagged_union_schema(choices, discriminator="eventType")
    validate = SchemaValidator(schema, {"cache_strings": CACHE_STRINGS, **(config or {})})
    return lambda line: validate.validate_json(line, by_alias=True, by_name=False)


def _free_form_dicts_untyped(node: dict[str, Any]) -> dict[str, Any]:
    """``dict[str, Any]`` as a bare dict schema (for JSON input the keys are strings anyway)."""
    keys, values = node.get("keys_schema", {}), node.get("values_schema", {})
    if node.get("type") == "dict" and keys.get("type") == "str" and values.get("type") == "any":
        return {"type": "dict"}
    return node


def _unions_left_to_right(node: dict[str, Any]) -> dict[str, Any]:
    return {**node, "mode": "left_to_right"} if node.get("type") == "union" else node


def _wire_names_in_the_config(node: dict[str, Any]) -> dict[str, Any]:
    """Each model's config reads wire names only, so the call passes no options."""
    if node.get("type") == "model" and "config" in node:
        return {**node, "config": {**node["config"], "validate_by_name": False}}
    return node


def _published_as_plain_datetime(node: dict[str, Any]) -> dict[str, Any]:
    """Lossy: no canonical-text check, no other forms kept (what the ``published`` rule costs)."""
    if node.get("custom_error_type") == "okta_datetime":
        return {"type": "datetime"}
    return node


def _no_options() -> Callable[[bytes], Any]:
    choices = {
        name: _walk(model.__pydantic_core_schema__, _wire_names_in_the_config)
        for name, model in EVENT_MODELS.items()
    }
    schema = core_schema.tagged_union_schema(choices, discriminator="eventType")
    return SchemaValidator(schema, {"cache_strings": CACHE_STRINGS}).validate_json


def candidates() -> dict[str, Callable[[bytes], Any]]:
    """What is compared: the references, the library, and one change each."""
    return {
        "json.loads": json.loads,
        "parse_event": parse_event,
        "the validator alone (no Python)": lambda line: _KNOWN_JSON(
            line, by_alias=True, by_name=False
        ),
        "rebuilt, unchanged (control)": variant(),
        "free-form dicts untyped": variant(_free_form_dicts_untyped),
        "unions left to right": variant(_unions_left_to_right),
        'cache_strings="none"': variant(config={"cache_strings": "none"}),
        'cache_strings="keys"': variant(config={"cache_strings": "keys"}),
        "wire names in the config, no call options": _no_options(),
        "strict=True at the call": lambda line: _KNOWN_JSON(
            line, by_alias=True, by_name=False, strict=True
        ),
        "lossy: published a plain datetime": variant(_published_as_plain_datetime),
    }


def main() -> None:
    """Print each candidate's events/s and its ratios to ``json.loads`` and ``parse_event``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.eager",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=5_000, help="events (default 5,000)")
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds (default 40)")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: this process's CPU time (default); wall: as make bench",
    )
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    rng = random.Random(20261125)
    # the lines of ``make bench``'s typed parse (its generator and seed, compact JSON)
    lines = [
        json.dumps(realistic(rng, n), separators=(",", ":")).encode() for n in range(args.events)
    ]
    runs = candidates()
    for parse in runs.values():  # every candidate gives an event for every line
        assert all(parse(line) is not None for line in lines[:100])
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            parse = runs[name]
            gc.collect()
            start = clock()
            for line in lines:
                parse(line)
            seconds[name].append(clock() - start)
    base, library = seconds["json.loads"], seconds["parse_event"]
    print(f"{len(lines):,} events of ~{sum(map(len, lines)) / len(lines):,.0f} bytes, ", end="")
    print(f"{args.rounds} interleaved rounds, {args.clock} time; ", end="")
    print("ratios: best of rounds, median of paired rounds")
    print(f"{'candidate':36s} {'events/s':>9s} {'x json.loads':>14s} {'x parse_event':>14s}")
    for name, times in seconds.items():
        paired = statistics.median(b / t for b, t in zip(base, times, strict=True))
        ours = statistics.median(b / t for b, t in zip(library, times, strict=True))
        rate = len(lines) / min(times)
        best, best_ours = min(base) / min(times), min(library) / min(times)
        print(f"{name:36s} {rate:9,.0f} {best:6.3f} {paired:6.3f} {best_ours:6.3f} {ours:6.3f}")


if __name__ == "__main__":
    main()
