"""Eager ``parse_event`` against ``json.loads``, and an ablation of its validator, paired.

    python -m benchmarks.eager [--events 4000] [--rounds 15] [--clock cpu|wall] [--only WORD]

Every candidate parses the same lines once per round, rounds interleaved, each round starting
one candidate further along (no candidate always runs after the same one); ratios are taken
round by round and the median of those is printed (a shared machine's speed drifts between
rounds: a ratio taken within one round is what stays comparable). The clock is this
process's CPU time by default; ``--clock wall`` times as ``make bench`` does.

The ablation rebuilds the catalogued types' validator from the models' own core schemas
with one change each, every model class's validator rebuilt with it (``changed_models``:
pydantic-core reuses each model class's prebuilt validator, so a change made only in the
schema given to it is silently ignored, as it was in this script's earlier variants).
A ``lossy`` row breaks the library's promises (types, values or extras) and only prices a
piece; the others give equal events and equal dumps on these lines (checked before timing).
Figures are recorded in ``benchmarks/RESULTS.md`` ("Eager parse", "The eager ablation").
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator, core_schema, from_json

from benchmarks.run import realistic
from okta_pki_events import parse_event
from okta_pki_events._parsing import _KNOWN_JSON
from okta_pki_events.models._base import CACHE_STRINGS
from okta_pki_events.models._timestamp import OKTA_CANONICAL_PATTERN
from okta_pki_events.models.events import EVENT_MODELS

Change = Callable[[dict[str, Any]], dict[str, Any]]
Parse = Callable[[Any], Any]
_OPAQUE = ("cls", "function", "serialization", "metadata", "config")


def _walk(node: Any, change: Change) -> Any:
    if isinstance(node, dict):
        node = change(node)
        return {k: v if k in _OPAQUE else _walk(v, change) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(item, change) for item in node]
    return node


def _nested_models(node: Any, found: set[type[BaseModel]]) -> set[type[BaseModel]]:
    if isinstance(node, dict):
        if node.get("type") == "model":
            found.add(node["cls"])
        for key, value in node.items():
            if key not in _OPAQUE:
                _nested_models(value, found)
    elif isinstance(node, list):
        for item in node:
            _nested_models(item, found)
    return found


def _children_first(models: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every model class the schemas of ``models`` use, each after the classes it uses."""
    uses = {}
    todo = list(models)
    while todo:
        cls = todo.pop()
        if cls not in uses:
            uses[cls] = _nested_models(cls.__pydantic_core_schema__, set()) - {cls}
            todo.extend(uses[cls])
    ordered: list[type[BaseModel]] = []
    while len(ordered) < len(uses):
        ordered += [c for c, used in uses.items() if c not in ordered and used <= set(ordered)]
    return ordered


@contextlib.contextmanager
def changed_models(change: Change, config: core_schema.CoreConfig) -> Iterator[None]:
    """Every model class's validator rebuilt from its schema with ``change``, for a while.

    pydantic-core takes a ``model`` node's validator from its class's prebuilt
    ``__pydantic_validator__`` whatever the node's schema says (a change below it would be
    silently ignored), and that sharing is part of the speed: the 15 event models use one
    validator of each sub-model (inlined copies measured 20% slower). So each class, children
    first, gets a validator of its changed schema (its sub-models prebuilt, already changed);
    a validator built meanwhile keeps them, the classes get theirs back after. (A class's
    own node is prebuilt too unless the class is marked incomplete while it is built.)
    """
    kept: dict[type[BaseModel], Any] = {}
    try:
        for cls in _children_first(list(EVENT_MODELS.values())):
            kept[cls] = cls.__dict__["__pydantic_validator__"]
            type.__setattr__(cls, "__pydantic_complete__", False)  # its own node: not prebuilt
            try:
                rebuilt = SchemaValidator(_walk(cls.__pydantic_core_schema__, change), config)
            finally:
                type.__setattr__(cls, "__pydantic_complete__", True)
            type.__setattr__(cls, "__pydantic_validator__", rebuilt)
        yield
    finally:
        for cls, validator in kept.items():
            type.__setattr__(cls, "__pydantic_validator__", validator)


def variant(
    change: Change = lambda node: node, config: core_schema.CoreConfig | None = None
) -> Parse:
    """The validator of the catalogued types (as ``parse_event`` builds it), changed."""
    settings: core_schema.CoreConfig = {"cache_strings": CACHE_STRINGS, **(config or {})}
    with changed_models(change, settings):
        choices = {
            name: _walk(model.__pydantic_core_schema__, change)
            for name, model in EVENT_MODELS.items()
        }
        schema = core_schema.tagged_union_schema(choices, discriminator="eventType")
        validate = SchemaValidator(schema, settings)
    return lambda line: validate.validate_json(line, by_alias=True, by_name=False)


# -- the changes ------------------------------------------------------------------------------


def _published(replacement: core_schema.CoreSchema) -> Change:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        return dict(replacement) if node.get("custom_error_type") == "okta_datetime" else node

    return change


_CANONICAL_TEXT = core_schema.str_schema(pattern=OKTA_CANONICAL_PATTERN, strict=True)
PUBLISHED: dict[str, core_schema.CoreSchema] = {
    "fast chain only, no Python fallback": core_schema.chain_schema(
        [_CANONICAL_TEXT, core_schema.datetime_schema()]
    ),
    "text without the pattern -> datetime (lossy)": core_schema.chain_schema(
        [core_schema.str_schema(strict=True), core_schema.datetime_schema()]
    ),
    "a strict datetime (lossy)": core_schema.datetime_schema(strict=True),
    "the pattern only, kept as text (lossy)": _CANONICAL_TEXT,
    "any text (lossy)": core_schema.str_schema(),
}


def _model_is(name: str, node: dict[str, Any]) -> bool:
    return node.get("type") == "model" and (name == "*" or node["cls"].__name__ == name)


_EVENTS = {model.__name__ for model in EVENT_MODELS.values()}


def _sub_model_as_typed_dict(name: str) -> Change:
    """Lossy: sub-model ``name`` (``*``: every one) a typed dict of the same fields and extras."""

    def change(node: dict[str, Any]) -> dict[str, Any]:
        if not _model_is(name, node) or node["cls"].__name__ in _EVENTS:
            return node
        fields = {
            key: {
                "type": "typed-dict-field",
                "required": False,
                **{k: v for k, v in field.items() if k in ("schema", "validation_alias")},
            }
            for key, field in node["schema"]["fields"].items()
        }
        return {"type": "typed-dict", "fields": fields, "extra_behavior": "allow"}

    return change


def _sub_model_as_any(name: str) -> Change:
    """Lossy: sub-model ``name`` kept as the JSON value (dicts: no instance, no field checks)."""

    def change(node: dict[str, Any]) -> dict[str, Any]:
        return {"type": "any"} if _model_is(name, node) else node

    return change


def _sub_models_as_any(node: dict[str, Any]) -> dict[str, Any]:
    """Lossy: every sub-model kept as the JSON value (the event a model of dicts)."""
    if node.get("type") == "model" and node["cls"].__name__ not in _EVENTS:
        return {"type": "any"}
    return node


def _extras_ignored(node: dict[str, Any]) -> dict[str, Any]:
    """Lossy: unknown keys dropped (no extras dict, no check of which keys were used)."""
    if node.get("type") == "model-fields":
        return {**node, "extra_behavior": "ignore"}
    if node.get("type") == "model":
        return {**node, "config": {**node.get("config", {}), "extra_fields_behavior": "ignore"}}
    return node


def _union_flipped(members: list[str]) -> Change:
    def change(node: dict[str, Any]) -> dict[str, Any]:
        if node.get("type") == "union" and [c.get("type") for c in node["choices"]] == members:
            return {**node, "choices": node["choices"][::-1]}
        return node

    return change


def _unions_left_to_right(node: dict[str, Any]) -> dict[str, Any]:
    return {**node, "mode": "left_to_right"} if node.get("type") == "union" else node


def _free_form_dicts_untyped(node: dict[str, Any]) -> dict[str, Any]:
    """``dict[str, Any]`` as a bare dict schema (for JSON input the keys are strings anyway)."""
    keys, values = node.get("keys_schema", {}), node.get("values_schema", {})
    if node.get("type") == "dict" and keys.get("type") == "str" and values.get("type") == "any":
        return {"type": "dict"}
    return node


def _wire_names_in_the_config(node: dict[str, Any]) -> dict[str, Any]:
    if node.get("type") == "model" and "config" in node:
        return {**node, "config": {**node["config"], "validate_by_name": False}}
    return node


def _no_options(change: Change = _wire_names_in_the_config) -> Parse:
    """Each model's config reads wire names only (``change`` does), so the call passes none."""
    settings: core_schema.CoreConfig = {"cache_strings": CACHE_STRINGS}
    with changed_models(change, settings):
        choices = {
            name: _walk(model.__pydantic_core_schema__, change)
            for name, model in EVENT_MODELS.items()
        }
        schema = core_schema.tagged_union_schema(choices, discriminator="eventType")
        return SchemaValidator(schema, settings).validate_json


def _unions_reordered(node: dict[str, Any]) -> dict[str, Any]:
    """``Number`` float first (smart: an integer still wins as the exact match), the other
    unions left to right (their members refuse each other's values: the same winner)."""
    flipped = _union_flipped(["int", "float"])(node)
    return flipped if flipped is not node else _unions_left_to_right(node)


def _lossless_together(node: dict[str, Any]) -> dict[str, Any]:
    """The lossless changes that saved instructions, at once: ``Number`` float first (smart:
    an integer still wins as the exact match), the other unions left to right, wire names in
    the config (and no call options)."""
    return _unions_reordered(_wire_names_in_the_config(node))


def _direct(lines: list[bytes]) -> Parse:
    """Each line's own model validator, picked before timing (the tagged union's price)."""
    validators = {name: model.__pydantic_validator__ for name, model in EVENT_MODELS.items()}
    picked = {id(line): validators[json.loads(line)["eventType"]] for line in lines}
    return lambda line: picked[id(line)].validate_json(line, by_alias=True, by_name=False)


# Sub-models of the benchmark's events, with how many of each one event builds.
SUB_MODELS = {
    "Actor": 1,
    "Client": 1,
    "UserAgent": 1,
    "GeographicalContext": 2,
    "Geolocation": 2,
    "AuthenticationContext": 1,
    "SecurityContext": 1,
    "DebugContext": 1,
    "Outcome": 1,
    "Target": 2,
    "Transaction": 1,
    "Request": 1,
    "IpAddress": 1,
}


def _validator(line: Any) -> Any:
    return _KNOWN_JSON(line, by_alias=True, by_name=False)


def _schema(schema: core_schema.CoreSchema) -> Parse:
    return SchemaValidator(schema, {"cache_strings": CACHE_STRINGS}).validate_json


def candidates(lines: list[bytes]) -> dict[str, Callable[[], Parse]]:
    """What is compared (each built on demand): references, the library, one change each."""
    runs: dict[str, Callable[[], Parse]] = {
        "json.loads": lambda: json.loads,
        "parse_event": lambda: parse_event,
        CONTROL: lambda: _validator,
        "the validator, str input": lambda: lambda line: _validator(line.decode()),
        "floor: JSON syntax only (empty TypedDict)": lambda: _schema(
            core_schema.typed_dict_schema({}, extra_behavior="ignore")
        ),
        "floor: Python values (dict[str, Any])": lambda: _schema(core_schema.dict_schema()),
        "floor: pydantic_core.from_json": lambda: from_json,
        "rebuilt, unchanged": variant,
        "each line's model directly (no tagged union)": lambda: _direct(lines),
        "wire names in the config, no call options": _no_options,
        "every lossless change that saved instructions, together": partial(
            _no_options, _lossless_together
        ),
        'cache_strings="keys"': lambda: variant(config={"cache_strings": "keys"}),
        'cache_strings="none"': lambda: variant(config={"cache_strings": "none"}),
        "strict=True at the call": lambda: (
            lambda line: _KNOWN_JSON(line, by_alias=True, by_name=False, strict=True)
        ),
        "every union left to right": lambda: variant(_unions_left_to_right),
        "Number: float before int": lambda: variant(_union_flipped(["int", "float"])),
        "unions: Number float first, the others left to right": lambda: variant(_unions_reordered),
        "StrOrInt: int before str": lambda: variant(_union_flipped(["str", "int"])),
        "free-form dicts untyped": lambda: variant(_free_form_dicts_untyped),
        "lossy: unknown keys ignored (extra=ignore)": lambda: variant(_extras_ignored),
        "lossy: every sub-model a typed dict": lambda: variant(_sub_model_as_typed_dict("*")),
        "lossy: every sub-model plain JSON": lambda: variant(_sub_models_as_any),
    }
    for label, schema in PUBLISHED.items():
        runs[f"published: {label}"] = partial(variant, _published(schema))
    for name, count in SUB_MODELS.items():
        runs[f"lossy: {name} (x{count}) a typed dict"] = partial(
            variant, _sub_model_as_typed_dict(name)
        )
        runs[f"lossy: {name} (x{count}) plain JSON"] = partial(variant, _sub_model_as_any(name))
    return runs


BASE, CONTROL = "json.loads", "the validator alone (control)"


def _lines(events: int) -> list[bytes]:
    """The lines of ``make bench``'s typed parse (its generator and seed, compact JSON)."""
    rng = random.Random(20261125)
    return [json.dumps(realistic(rng, n), separators=(",", ":")).encode() for n in range(events)]


def _selected(lines: list[bytes], only: list[str]) -> dict[str, Callable[[], Parse]]:
    return {
        name: build
        for name, build in candidates(lines).items()
        if not only or name in (BASE, CONTROL) or any(word in name for word in only)
    }


def _check(runs: dict[str, Parse], lines: list[bytes]) -> None:
    """The method takes effect; the lossless candidates give the library's events and dumps."""
    changed = variant(_published(core_schema.str_schema()))(lines[0])
    assert isinstance(changed.published, str), "a change below a model node was ignored"
    expected = [_validator(line) for line in lines[:200]]
    dumps = [event.model_dump_json() for event in expected]
    for name, parse in runs.items():
        if "lossy" not in name and "floor" not in name and name != BASE:
            got = [parse(line) for line in lines[:200]]
            assert got == expected, name
            assert [event.model_dump_json() for event in got] == dumps, name


def _time(runs: dict[str, Parse], lines: list[bytes], rounds: int, clock: str) -> None:
    timer = time.process_time if clock == "cpu" else time.perf_counter
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            parse = runs[name]
            gc.collect()
            start = timer()
            for line in lines:
                parse(line)
            seconds[name].append(timer() - start)
    with open("/proc/loadavg") as handle:
        load = " ".join(handle.read().split()[:3])
    print(f"{len(lines):,} events of ~{sum(map(len, lines)) / len(lines):,.0f} bytes, ", end="")
    print(f"{rounds} interleaved rounds, {clock} time, load {load}; medians of rounds")
    print(f"{'candidate':56s} {'µs/event':>8s} {'Δµs':>6s} {'x json.loads':>12s} {'x control':>9s}")
    for name, times in seconds.items():
        us = statistics.median(times) / len(lines) * 1e6
        delta = statistics.median(
            (t - c) / len(lines) * 1e6 for t, c in zip(times, seconds[CONTROL], strict=True)
        )
        to_json = statistics.median(b / t for b, t in zip(seconds[BASE], times, strict=True))
        to_ctl = statistics.median(c / t for c, t in zip(seconds[CONTROL], times, strict=True))
        print(f"{name:56s} {us:8.2f} {delta:+6.2f} {to_json:12.3f} {to_ctl:9.3f}")


def _run_once(name: str, lines: list[bytes]) -> None:
    """The child of ``--instructions``: warm up, then parse every line inside one C call."""
    parse = candidates(lines)[name]()
    for line in lines[:50]:
        parse(line)
    deque(map(parse, lines), maxlen=0)  # what callgrind counts: ``consume_iterator``


def count_instructions(module: str, events: int, name: str) -> float:
    """Instructions an event of ``python -m module --events N --run NAME``, by callgrind.

    Only what runs inside ``consume_iterator`` (the child's one C call over the lines) is
    counted. The load does not change the count; memory stalls are not in it.
    """
    with tempfile.NamedTemporaryFile(prefix="bench-cg.") as out:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=consume_iterator",
                f"--callgrind-out-file={out.name}",
                sys.executable,
                "-m",
                module,
                "--events",
                str(events),
                "--run",
                name,
            ],
            check=True,
            capture_output=True,
        )
        text = Path(out.name).read_text()
    total = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    assert total is not None, text[:500]
    return int(total.group(1)) / events


def _instructions(names: list[str], events: int, jobs: int) -> None:
    """Instructions per event of each candidate, counted by callgrind."""
    count = partial(count_instructions, "benchmarks.eager", events)
    with ThreadPoolExecutor(jobs) as pool:
        counts = dict(zip(names, pool.map(count, names), strict=True))
    print(f"{events:,} events, instructions counted by callgrind (Ir), per event")
    print(f"{'candidate':56s} {'Ir/event':>9s} {'Δ':>8s} {'x control':>9s}")
    for name, ir in counts.items():
        ctl = counts[CONTROL]
        print(f"{name:56s} {ir:9,.0f} {ir - ctl:+8,.0f} {ctl / ir:9.3f}")


def paired_parser(module: str, doc: str | None, rounds: int, unit: str) -> argparse.ArgumentParser:
    """The options of a paired benchmark (``--events``, ``--rounds``, ``--instructions``).

    And ``--run NAME``, hidden: the child ``count_instructions`` runs under callgrind.
    """
    parser = argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=4_000, help=f"{unit} (default 4,000)")
    parser.add_argument(
        "--rounds", type=int, default=rounds, help=f"interleaved rounds (default {rounds})"
    )
    parser.add_argument(
        "--instructions",
        type=int,
        metavar="JOBS",
        help="count instructions with callgrind instead of timing, JOBS processes at once",
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)  # one candidate, for callgrind
    return parser


def main() -> None:
    """Time the candidates (or count their instructions) and print the table."""
    parser = paired_parser("benchmarks.eager", __doc__, 15, "events")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: this process's CPU time (default); wall: as make bench",
    )
    parser.add_argument("--only", action="append", default=[], help="only candidates naming WORD")
    args = parser.parse_args()
    lines = _lines(args.events)
    if args.run:
        _run_once(args.run, lines)
    elif args.instructions:
        _instructions(list(_selected(lines, args.only)), args.events, args.instructions)
    else:
        runs = {name: build() for name, build in _selected(lines, args.only).items()}
        _check(runs, lines)
        _time(runs, lines, args.rounds, args.clock)


if __name__ == "__main__":
    main()
