"""The JSON Schema: committed and fresh, right for validators and for code generators."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from datamodel_code_generator import Formatter, generate
from datamodel_code_generator.enums import DataModelType, InputFileType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from okta_pki_events import EVENT_TYPES, BasePkiEvent, json_schema, parse_event
from okta_pki_events.models import EVENT_MODELS
from okta_pki_events.schema import SCHEMA_DIALECT, plain_text
from okta_pki_events.testing import wire_events
from scripts.export_schema import TARGET, render

from .support import pki_fixture, pki_fixture_types, sample_event, sample_names

VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def _schema_accepts(raw: Any) -> bool:
    return VALIDATOR.is_valid(raw)


def _parser_accepts(raw: Any) -> bool:
    """The parser reads ``raw`` (as JSON text) as a PKI event: the union schema's domain."""
    try:
        return isinstance(parse_event(json.dumps(raw)), BasePkiEvent)
    except ValueError:
        return False


def _best_error(raw: Any) -> jsonschema.ValidationError:
    error: jsonschema.ValidationError | None = jsonschema.exceptions.best_match(
        VALIDATOR.iter_errors(raw)
    )
    assert error is not None
    return error


def test_committed_schema_is_fresh() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run `make schema` and commit"


def test_union_schema_shape() -> None:
    schema = json_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    jsonschema.Draft202012Validator.check_schema(schema)
    known, fallback = schema["anyOf"]
    assert known["discriminator"]["propertyName"] == "eventType"
    assert set(known["discriminator"]["mapping"]) == set(EVENT_MODELS)
    assert len(known["oneOf"]) == len(EVENT_TYPES)
    assert fallback == {"$ref": "#/$defs/UnknownPkiEvent"}
    # One if/then rule per model (aliases share their model's rule), then the fallback.
    *rules, last = schema["allOf"]
    assert len(rules) == len(EVENT_TYPES)
    routed = {t for rule in rules for t in rule["if"]["properties"]["eventType"]["enum"]}
    assert routed == set(EVENT_MODELS)
    assert last["else"] == fallback


def _walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, str(index)))


def _schemas() -> list[dict[str, Any]]:
    return [json_schema(), *(json_schema(t) for t in EVENT_TYPES)]


def test_every_property_has_a_description_and_objects_stay_open() -> None:
    defs = json_schema()["$defs"]
    models = [d for d in defs.values() if d.get("type") == "object"]
    assert len(models) > 30
    count = 0
    for definition in models:
        assert definition.get("additionalProperties") is True, definition["title"]
        assert definition.get("description"), definition["title"]
        for prop, body in definition.get("properties", {}).items():
            assert body.get("description"), f"{definition['title']}.{prop}"
            count += 1
    assert count > 100


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return " ".join(w[:1].upper() + w[1:] for w in spaced.split())


@pytest.mark.parametrize("schema", _schemas(), ids=lambda s: s["title"])
def test_property_titles_are_the_wire_names_words(schema: dict[str, Any]) -> None:
    seen = 0
    for path, node in _walk(schema):
        in_rule = path[:1] == ("allOf",)  # the if/then rules' conditions need no title
        # pydantic gives no title to a property that only refers to a model: none is needed.
        titled = isinstance(node, dict) and "title" in node
        if len(path) >= 2 and path[-2] == "properties" and not in_rule and titled:
            assert node["title"] == _words(path[-1]), path
            seen += 1
    assert seen > 50
    flat = json.dumps(schema)
    for bad in ("Alternateid", "Eventtype", "Displaymessage", "Asnumber", "Isproxy"):
        assert bad not in flat


@pytest.mark.parametrize("schema", _schemas(), ids=lambda s: s["title"])
def test_descriptions_are_plain_text(schema: dict[str, Any]) -> None:
    descriptions = [n for p, n in _walk(schema) if p and p[-1] == "description"]
    assert len(descriptions) > 50
    for text in descriptions:
        assert "``" not in text, text
        assert not re.search(r":[a-z]+:`", text), text
        assert "\n" not in text.replace("\n\n", ""), text


def test_plain_text_keeps_the_words() -> None:
    assert plain_text("``a`` and :class:`~x.Y`\n   b\n\nc") == "a and x.Y b\n\nc"


def test_inline_vocabularies_have_names_of_their_own() -> None:
    defs = json_schema()["$defs"]
    for name in ("OutcomeResult", "Severity", "BotProtectionLevel", "TransactionType"):
        assert defs[name]["enum"], name
    assert "SUCCESS" in defs["OutcomeResult"]["enum"]
    crl = defs["PkiCertCrlDownloadFailureEvent"]["properties"]["eventType"]
    assert crl["$ref"] == "#/$defs/PkiCertCrlDownloadFailureEventType"
    inline = [p for p, n in _walk(json_schema()) if p[-1:] == ("enum",) and p[-3] != "$defs"]
    assert all(p[0] == "allOf" for p in inline), inline  # only the if/then rules


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_fixture_validates_against_the_union_and_its_own_schema(event_type: str) -> None:
    raw = pki_fixture(event_type)
    VALIDATOR.validate(raw)
    own = json_schema(event_type)
    jsonschema.Draft202012Validator(own).validate(raw)


def test_unknown_pki_types_validate_and_non_pki_types_do_not() -> None:
    raw = pki_fixture("pki.cert.issue")
    VALIDATOR.validate(raw | {"eventType": "pki.cert.quarantine"})
    for name in sample_names():
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(sample_event(name))


def _broken(event_type: str, path: tuple[str | int, ...], value: Any = ...) -> Any:
    raw: Any = pki_fixture(event_type)
    node = raw
    for step in path[:-1]:
        node = node[step]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "path", "message"),
    [
        (_broken("pki.cert.lifecycle.revoke", ("published",)), [], "'published' is a required"),
        (_broken("pki.cert.revoke", ("outcome", "result"), 5), ["outcome", "result"], "5"),
        (_broken("pki.ca.add", ("target", 0, "id"), 5), ["target", 0, "id"], "5"),
        (_broken("pki.cert.issue", ("eventType",), "user.session.start"), ["eventType"], "pki"),
        (_broken("pki.cert.issue", ("eventType",), 7), ["eventType"], "not of type 'string'"),
        (_broken("pki.cert.issue", ("uuid",), None), ["uuid"], "not of type 'string'"),
    ],
)
def test_a_generic_validator_names_the_broken_field(
    raw: Any, path: list[Any], message: str
) -> None:
    error = _best_error(raw)
    assert list(error.absolute_path) == path
    assert message in error.message
    # The parser refuses the same events.
    assert not _parser_accepts(raw)


def test_an_unknown_pki_type_is_checked_as_the_generic_event() -> None:
    raw = pki_fixture("pki.cert.issue") | {"eventType": "pki.cert.quarantine", "uuid": 3}
    assert list(_best_error(raw).absolute_path) == ["uuid"]


def test_unknown_event_type_is_a_key_error() -> None:
    with pytest.raises(KeyError, match=r"pki\.nope"):
        json_schema("pki.nope")


def test_returned_schema_is_a_copy() -> None:
    json_schema()["title"] = "changed"
    assert json_schema()["title"] != "changed"


# -- code generators ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Pydantic models generated by datamodel-code-generator from the committed schema."""
    out = tmp_path_factory.mktemp("generated") / "okta_pki_generated.py"
    generate(
        TARGET,
        input_file_type=InputFileType.JsonSchema,
        output=out,
        output_model_type=DataModelType.PydanticV2BaseModel,
        formatters=[Formatter.BUILTIN],  # named: the default is changing (a FutureWarning)
    )
    spec = importlib.util.spec_from_file_location(out.stem, out)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[out.stem] = module  # pydantic resolves the generated RootModel's names here
    spec.loader.exec_module(module)
    return module


def _generated_parse(module: ModuleType, raw: Any) -> BaseModel:
    root = module.OktaPkiSystemLogEvent.model_validate(raw)
    event: BaseModel = root.root
    return event


@pytest.mark.parametrize("event_type", pki_fixture_types())
def test_generated_models_parse_every_fixture_into_its_own_class(
    generated: ModuleType, event_type: str
) -> None:
    event = _generated_parse(generated, pki_fixture(event_type))
    assert type(event).__name__ == EVENT_MODELS[event_type].__name__


def test_generated_models_parse_the_misspelt_alias(generated: ModuleType) -> None:
    alias = "pki.cert.lifecycle.crl_download_failure"
    assert alias in EVENT_MODELS
    raw = pki_fixture("pki.cert.crl_download_failure") | {"eventType": alias}
    assert type(_generated_parse(generated, raw)).__name__ == "PkiCertCrlDownloadFailureEvent"


def test_generated_models_accept_a_new_pki_type(generated: ModuleType) -> None:
    raw = pki_fixture("pki.cert.issue") | {"eventType": "pki.cert.quarantine"}
    event = _generated_parse(generated, raw)
    assert type(event).__name__ == "UnknownPkiEvent"
    dumped = event.model_dump(mode="json", exclude_unset=True)
    assert dumped["eventType"] == "pki.cert.quarantine"
    assert dumped.keys() == raw.keys()


def test_generated_models_refuse_a_broken_event(generated: ModuleType) -> None:
    with pytest.raises(ValidationError):
        _generated_parse(generated, _broken("pki.cert.issue", ("uuid",)))


def test_generated_enums_are_named_after_their_model(generated: ModuleType) -> None:
    for name in ("OutcomeResult", "Severity", "TransactionType"):
        assert hasattr(generated, name), name
    assert not hasattr(generated, "Result")


# -- schema and parser agree -------------------------------------------------------------

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    # Integral floats (1.0) are the one documented disagreement: see the test below.
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
)
_JSON_VALUES = st.one_of(
    _JSON_SCALARS,
    st.lists(_JSON_SCALARS, max_size=2),
    st.dictionaries(st.text(max_size=4), _JSON_SCALARS, max_size=2),
)
_EVENT_TYPES = st.one_of(
    st.sampled_from(sorted(EVENT_MODELS)),
    st.from_regex(r"\Apki\.[a-z._]{0,12}\Z"),
    st.from_regex(r"\A[a-z]{1,6}\.[a-z.]{0,8}\Z"),
    _JSON_SCALARS,
)


_TIMESTAMPS = st.builds(
    "{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}{}{}".format,
    # Years 0001 and 9999 only in UTC: see the corner test below.
    st.integers(min_value=2, max_value=9998) | st.sampled_from([0, 10000]),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=32),
    st.sampled_from(["T", "t", " ", "_", ""]),
    st.integers(min_value=0, max_value=25),
    st.integers(min_value=0, max_value=61),
    st.integers(min_value=0, max_value=61),
    st.sampled_from(["", "."]) | st.from_regex(r"\A\.[0-9]{1,10}\Z"),
    st.sampled_from(["Z", "z", "", "+00:00", "-23:59", "+24:00", "+01:60", "+0100", "+01", " UTC"]),
) | st.sampled_from(["2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z"])


def _locations(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        yield (*path, key)
        yield from _locations(value, (*path, key))


@st.composite
def _mutated_events(draw: st.DrawFn) -> Any:
    """A drawn event, as drawn or with one thing changed: a value replaced or a key deleted
    (at the top level, where the schema says most, or anywhere), a key renamed to its Python
    (snake_case) name, another eventType, or
    another ``published`` text, drawn around the grammar."""
    raw: Any = json.loads(json.dumps(draw(wire_events(unknown_types=True))))
    kinds = ["as drawn", "replace", "delete", "snake_case", "eventType", "published"]
    kind = draw(st.sampled_from(kinds))
    if kind in ("eventType", "published"):
        raw[kind] = draw(_EVENT_TYPES if kind == "eventType" else _TIMESTAMPS)
        return raw
    if kind == "as drawn":
        return raw
    top = [(key,) for key in raw]
    *parent, last = draw(st.sampled_from(top) | st.sampled_from(list(_locations(raw))))
    node = raw
    for step in parent:
        node = node[step]
    if kind == "delete":
        del node[last]
    elif kind == "snake_case" and isinstance(last, str):
        # A Python name is no wire name: both read it as an unknown key, kept as it is.
        node[re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", last).lower()] = node.pop(last)
    else:
        node[last] = draw(_JSON_VALUES)
    return raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated_events())
def test_schema_and_parser_agree(raw: Any) -> None:
    assert _schema_accepts(raw) == _parser_accepts(raw), (
        _best_error(raw).message if not _schema_accepts(raw) else "the parser refused"
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wire_events(unknown_types=True))
def test_every_generated_event_is_valid(raw: dict[str, Any]) -> None:
    VALIDATOR.validate(json.loads(json.dumps(raw)))


def test_integral_floats_are_the_documented_disagreement() -> None:
    raw = pki_fixture("pki.cert.issue") | {"version": 0}
    assert _schema_accepts(raw)
    assert _parser_accepts(raw)
    raw["version"] = 0.0
    # JSON Schema's "integer" admits 0.0 (the data model has one number 0); the parser keeps
    # the JSON type a value arrived with and refuses a float where it needs an integer.
    assert _schema_accepts(raw)
    assert not _parser_accepts(raw)


@pytest.mark.parametrize(
    "published",
    ["2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2017-09-31T00:00:00Z", "yesterday"],
)
def test_the_published_pattern_and_the_parser_agree_on_the_calendar(published: str) -> None:
    raw = pki_fixture("pki.cert.issue") | {"published": published}
    assert _schema_accepts(raw) == _parser_accepts(raw) == (published == "2024-02-29T12:00:00Z")


def test_the_first_and_last_hours_of_the_calendar_are_the_documented_disagreement() -> None:
    # Valid as written, but before 0001-01-01 or after 9999-12-31 once in UTC: a pattern
    # cannot subtract the offset, so the schema accepts what the parser refuses.
    for published in ("0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"):
        raw = pki_fixture("pki.cert.issue") | {"published": published}
        assert _schema_accepts(raw)
        assert not _parser_accepts(raw)
