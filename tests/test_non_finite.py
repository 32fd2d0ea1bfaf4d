"""Non-finite numbers (``NaN``, ``Infinity``, ``-Infinity``): kept, and written back as they came.

They are not JSON (RFC 8259), but Python's ``json`` writes them and pydantic-core reads them,
so a log shipper can put one into an event. The rule (docs/parsing.md, "Non-finite numbers"):
accepted wherever a number is (unknown keys, free-form values, typed float fields), kept, and
written back as the same token by the eager dump (the lazy dump is the text itself), so the
library re-reads its own dump; a number beyond a double's range (``1e400``) reads as infinite
and the eager dump writes ``Infinity``. Streams agree with and without the ``fast`` extra
(msgspec refuses them and leaves the record to the exact path). Exports to JSON schemas (ECS,
OCSF) leave them out as a null, so that their documents stay JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import to_json

from okta_pki_events import iter_events, parse_event
from okta_pki_events.export import to_arrow, to_ecs, to_ocsf
from okta_pki_events.testing import make_wire_event, wire_events

from .support import fast_extra, run_cli

NON_FINITE = [math.nan, math.inf, -math.inf]
TOKENS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def refuse(token: str) -> Any:
    raise ValueError(f"not JSON: {token}")


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: a non-finite token is an error."""
    return json.loads(text, parse_constant=refuse)


def same(a: Any, b: Any) -> bool:
    """Equal JSON values, a NaN equal to a NaN (and 1 never equal to 1.0 or True)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def dump(event: Any) -> str:
    text: str = event.model_dump_json(by_alias=True, exclude_unset=True)
    return text


def odd_event() -> dict[str, Any]:
    raw = make_wire_event("pki.cert.issue", uuid="u1")
    raw["client"]["geographicalContext"]["geolocation"] = {"lat": math.nan, "lon": math.inf}
    raw["debugContext"]["debugData"]["ratio"] = -math.inf
    raw["shipperScore"] = [math.nan, {"x": math.inf}]
    return raw


# -- the property ----------------------------------------------------------------------------


@st.composite
def with_non_finite(draw: st.DrawFn) -> dict[str, Any]:
    """A wire event with non-finite numbers put into drawn objects (and the typed floats)."""
    raw: dict[str, Any] = draw(wire_events(unknown_types=True))
    objects: list[dict[str, Any]] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            objects.append(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(raw)
    for n in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(objects))
        value = draw(
            st.sampled_from([*NON_FINITE, [math.nan, 1.5], {"v": -math.inf}, [[math.inf]], 1e308])
        )
        target[f"nonFinite{n}"] = value
    client = raw.get("client")
    if isinstance(client, dict) and draw(st.booleans()):
        place = client.setdefault("geographicalContext", {}) or {}
        client["geographicalContext"] = place
        place["geolocation"] = {
            "lat": draw(st.sampled_from(NON_FINITE)),
            "lon": draw(st.sampled_from([*NON_FINITE, 12.5])),
        }
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_non_finite(), st.booleans())
def test_every_accepted_input_round_trips_and_is_reread(raw: dict[str, Any], pretty: bool) -> None:
    text = json.dumps(raw, indent=1 if pretty else None)  # as Python's json writes them
    event = parse_event(text)
    written = dump(event)
    # nothing lost: the same values, NaN included
    assert same(json.loads(written), json.loads(text))
    # the library re-reads its own dump, to an equal event (its dump is the same text)
    again = parse_event(written)
    assert same(again.model_dump(), event.model_dump())
    assert dump(again) == written
    # where the input is in the library's canonical form (its own dump), it is the input
    canonical = to_json(json.loads(written)).decode()
    assert dump(parse_event(canonical)) == canonical
    # lazy: the text itself, exactly; read again alike
    lazy = parse_event(text, lazy=True)
    assert lazy.model_dump_json() == text
    assert dump(parse_event(lazy.model_dump_json())) == written
    assert parse_event(written, lazy=True).model_dump_json() == written


def canonical(raw: dict[str, Any]) -> str:
    """The event's text in the library's own form: its keys in the models' order, compact."""
    in_order = json.loads(dump(parse_event(json.dumps(raw))))
    return to_json(in_order).decode()


def test_the_tokens_are_written_back_as_they_came() -> None:
    text = canonical(odd_event())
    for token in TOKENS:
        assert token in text
    event = parse_event(text)
    assert dump(event) == text
    geo = event.client.geographical_context.geolocation  # type: ignore[union-attr]
    assert math.isnan(geo.lat)  # type: ignore[union-attr,arg-type]
    assert geo.lon == math.inf  # type: ignore[union-attr]
    assert same(event.model_extra, {"shipperScore": [math.nan, {"x": math.inf}]})


def test_a_number_beyond_a_double_reads_as_infinite_and_is_reread() -> None:
    text = json.dumps(make_wire_event("pki.cert.issue")).removesuffix("}") + ', "big": 1e400}'
    event = parse_event(text)
    assert event.model_extra == {"big": math.inf}
    written = dump(event)
    assert written.endswith('"big":Infinity}')
    assert dump(parse_event(written)) == written
    assert parse_event(text, lazy=True).model_dump_json() == text  # lazy: as it arrived


@pytest.mark.parametrize("installed", [True, False])
@pytest.mark.parametrize("lazy", [False, True])
def test_streams_keep_them_with_the_extra_and_without(installed: bool, lazy: bool) -> None:
    texts = [canonical(odd_event()), json.dumps(odd_event())]
    data = "\n".join(texts).encode() + b"\n"
    with fast_extra(installed):
        got = [e.model_dump_json() if lazy else dump(e) for e in iter_events(data, lazy=lazy)]
    if lazy:
        assert got == texts
    else:
        assert got == [dump(parse_event(t)) for t in texts]
        assert got[0] == texts[0]


# -- exports and the command line ----------------------------------------------------------


def test_ecs_and_ocsf_documents_stay_json() -> None:
    event = parse_event(to_json(odd_event()))
    ecs = to_ecs(event)
    strict_json(json.dumps(ecs))  # no NaN token: JSON as Elastic's parser reads it
    assert "ratio" not in ecs["okta"]["debug_context"]["debug_data"]  # left out, as a null
    strict_json(json.dumps(to_ocsf(event)))


def test_arrow_keeps_ieee_floats_and_the_json_text_as_the_library_writes_it() -> None:
    table = to_arrow([parse_event(to_json(odd_event()))])
    row = table.to_pylist()[0]
    geo = row["client"]["geographicalContext"]["geolocation"]
    assert math.isnan(geo["lat"])  # IEEE doubles, as Arrow keeps them
    assert geo["lon"] == math.inf
    assert row["_extra"] == '{"shipperScore":[NaN,{"x":Infinity}]}'
    assert row["debugContext"]["debugData"].endswith('"ratio":-Infinity}')


def test_the_cli_exports_valid_json_and_the_event_as_it_arrived(tmp_path: Path) -> None:
    text = json.dumps(odd_event())
    source = tmp_path / "odd.ndjson"
    source.write_text(text + "\n")
    for format in ("ecs", "ocsf", "ndjson"):
        out = tmp_path / f"out.{format}"
        done = run_cli("export", source, "--format", format, "-o", out)
        assert done.returncode == 0, done.stdout + done.stderr
        (line,) = out.read_text().splitlines()
        if format == "ndjson":
            assert line == text  # the event exactly as it arrived, tokens included
        else:
            strict_json(line)
    done = run_cli("validate", source)
    assert done.returncode == 0, done.stdout + done.stderr
