"""``published``: one grammar, exact on every accepted text, refused otherwise at its own path."""

from __future__ import annotations

import calendar
import copy
import json
import pickle
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from okta_pki_events import LogEvent, PkiCertIssueEvent, json_schema, parse_event
from okta_pki_events.models import PUBLISHED_PATTERN, WireDatetime

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIGITS = "0123456789"


def wire(published: Any) -> str:
    return json.dumps({"uuid": "u-1", "published": published, "eventType": "pki.cert.issue"})


def dumped(event: LogEvent) -> Any:
    return json.loads(event.model_dump_json())["published"]


# -- a plain reference reader: character by character, no regular expression ---------------


def _two(text: str, at: int, low: int, high: int) -> int | None:
    part = text[at : at + 2]
    if len(part) != 2 or any(c not in DIGITS for c in part):
        return None
    value = int(part)
    return value if low <= value <= high else None


def reference(text: str) -> datetime | None:
    """The value of ``text`` under the stated grammar, or None when it is refused."""
    if len(text) < 20 or any(c not in DIGITS for c in text[:4]):
        return None
    year = int(text[:4])
    fields = [_two(text, 5, 1, 12), _two(text, 8, 1, 31)]
    fields += [_two(text, 11, 0, 23), _two(text, 14, 0, 59), _two(text, 17, 0, 59)]
    if year == 0 or None in fields:
        return None
    if text[4] != "-" or text[7] != "-" or text[10] not in "Tt":
        return None
    if text[13] != ":" or text[16] != ":":
        return None
    month, day, hour, minute, second = (f for f in fields if f is not None)
    if day > calendar.monthrange(year, month)[1]:
        return None
    rest, micro = text[19:], 0
    if rest.startswith("."):
        end = 1
        while end < len(rest) and rest[end] in DIGITS:
            end += 1
        if end == 1:
            return None
        micro = int((rest[1:end] + "000000")[:6])
        rest = rest[end:]
    if rest in ("Z", "z"):
        offset = timedelta(0)
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":":
        hours, minutes = _two(rest, 1, 0, 23), _two(rest, 4, 0, 59)
        if hours is None or minutes is None:
            return None
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if rest[0] == "-" else 1)
    else:
        return None
    value = datetime(year, month, day, hour, minute, second, micro, timezone(offset))
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        return None
    return value


# -- generated texts -----------------------------------------------------------------------


@st.composite
def grammar_texts(draw: st.DrawFn) -> str:
    """Texts of the grammar's shape, most valid, some out of range (day 31 of any month)."""
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 31))
    clock = [draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))]
    fraction = draw(st.one_of(st.just(""), st.text(DIGITS, min_size=1, max_size=12)))
    sep = draw(st.sampled_from("Tt"))
    offset = draw(
        st.one_of(
            st.sampled_from(["Z", "z", "+00:00", "-00:00"]),
            st.builds(
                lambda s, h, m: f"{s}{h:02d}:{m:02d}",
                st.sampled_from("+-"),
                st.integers(0, 23),
                st.integers(0, 59),
            ),
        )
    )
    dot = "." if fraction else ""
    return (
        f"{year:04d}-{month:02d}-{day:02d}{sep}{clock[0]:02d}:{clock[1]:02d}:{clock[2]:02d}"
        f"{dot}{fraction}{offset}"
    )


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A grammar text with one character replaced, removed or added."""
    text: str = draw(grammar_texts())
    at = draw(st.integers(0, len(text)))
    char: str = draw(st.sampled_from([*"0123456789+-:.TtZz ,e\u0663x", "", "\n"]))
    keep = draw(st.booleans())
    return text[:at] + char + text[at + (0 if keep else 1) :]


@SETTINGS
@given(grammar_texts())
def test_every_accepted_text_is_written_back_exactly_and_re_read(text: str) -> None:
    expected = reference(text)
    if expected is None:
        with pytest.raises(ValidationError) as info:
            parse_event(wire(text))
        assert [e["loc"] for e in info.value.errors()] == [("published",)]
        return
    event = parse_event(wire(text))
    assert event.published == expected
    assert event.published.utcoffset() == expected.utcoffset()
    assert dumped(event) == text
    again = parse_event(event.model_dump_json())
    assert again.model_dump_json() == event.model_dump_json()
    assert parse_event(event.model_dump(by_alias=True)).model_dump_json() == (
        event.model_dump_json()
    )


@SETTINGS
@given(st.one_of(near_misses(), st.text(max_size=40)))
def test_the_library_accepts_exactly_what_the_reference_accepts(text: str) -> None:
    expected = reference(text)
    assert (re.fullmatch(PUBLISHED_PATTERN, text) is not None) >= (expected is not None)
    if expected is None:
        with pytest.raises(ValidationError) as info:
            parse_event(wire(text))
        assert [e["loc"] for e in info.value.errors()] == [("published",)]
        assert info.value.errors()[0]["type"] == "okta_datetime"
    else:
        event = parse_event(wire(text))
        assert event.published == expected
        assert dumped(event) == text


@pytest.mark.parametrize(
    "text",
    [
        "2024-08-13T15:58:20.353Z",  # Okta's own form
        "0999-06-01T00:00:00.000Z",  # a year below 1000 keeps its four digits
        "0001-01-01T00:00:00.000Z",
        "9999-12-31T23:59:59.999Z",
        "2024-08-13T15:58:20.123456789Z",  # nanoseconds
        "2024-08-13T03:58:20.49Z",  # two fractional digits, as third parties send
        "2024-08-13T03:58:20Z",
        "2024-08-13T03:58:20.1234567890123Z",
        "2024-08-13t03:58:20.353z",
        "2024-08-13T15:58:20.353+01:00",
        "2024-08-13T15:58:20.353-00:00",
        "0001-01-01T01:00:00.000+01:00",  # the earliest instant an offset still allows
    ],
)
def test_accepted_texts_round_trip(text: str) -> None:
    event = parse_event(wire(text))
    assert dumped(event) == text
    assert event.published.utcoffset() is not None
    assert parse_event(event.model_dump_json()).model_dump_json() == event.model_dump_json()
    assert f"published='{text}'" in repr(event)


def test_nanoseconds_are_kept_in_the_text_and_truncated_in_the_value() -> None:
    event = parse_event(wire("2024-08-13T15:58:20.123456789Z"))
    assert event.published.microsecond == 123456
    assert isinstance(event.published, WireDatetime)
    assert event.published.wire_text == "2024-08-13T15:58:20.123456789Z"


def test_oktas_form_is_a_plain_datetime() -> None:
    event = parse_event(wire("2024-08-13T15:58:20.353Z"))
    assert type(event.published) is datetime
    assert event.published == datetime(2024, 8, 13, 15, 58, 20, 353000, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "value",
    [
        "1700000000",
        "0",
        "+1700000000",
        "1700000000000",
        "-1",
        "1700000000.5",
        1700000000,
        0,
        1.5,
        True,
        None,
        [],
        {},
        "",
        "2024-08-13T15:58:20.353",  # no offset
        "2024-08-13 15:58:20.353Z",  # a space for T
        "2024-08-13T15:58Z",  # no seconds
        "20240813T155820Z",  # ISO 8601 basic format
        "2024-08-13T15:58:20.353+0100",
        "2024-08-13T15:58:20.353+01",
        "2024-W33-2T15:58:20Z",
        "2024-226T15:58:20Z",
        "2024-08-13T15:58:60.000Z",  # a leap second: RFC 3339 has it, datetime does not
        "2024-08-13T24:00:00.000Z",
        "2023-02-29T00:00:00.000Z",
        "0000-01-01T00:00:00.000Z",
        "2024-08-13T15:58:20.Z",
        "2024-08-13T15:58:20.353Z ",
        "\uff12\uff10\uff12\uff14-08-13T15:58:20.353Z",  # full-width digits
        "0001-01-01T00:00:00.000+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59.999-01:00",  # after year 9999 in UTC
    ],
)
def test_refused_values_fail_on_published_alone(value: Any) -> None:
    for data in (wire(value), json.loads(wire(value))):
        with pytest.raises(ValidationError) as info:
            parse_event(data)
        errors = info.value.errors()
        assert [e["loc"] for e in errors] == [("published",)]
        assert "RFC 3339" in errors[0]["msg"]


def test_python_values_aware_accepted_naive_and_dates_refused() -> None:
    aware = datetime(2024, 8, 13, 17, 58, 20, 353000, tzinfo=timezone(timedelta(hours=2)))
    event = PkiCertIssueEvent(uuid="u", published=aware, event_type="pki.cert.issue")
    assert event.published == aware
    assert dumped(event) == "2024-08-13T15:58:20.353Z"
    bad_values: list[Any] = [aware.replace(tzinfo=None), date(2024, 8, 13)]
    for bad in bad_values:
        with pytest.raises(ValidationError) as info:
            PkiCertIssueEvent(uuid="u", published=bad, event_type="pki.cert.issue")
        assert [e["loc"] for e in info.value.errors()] == [("published",)]
    unrepresentable = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(ValidationError):
        PkiCertIssueEvent(uuid="u", published=unrepresentable, event_type="pki.cert.issue")


def test_strict_mode_reads_the_same_texts() -> None:
    for text in ("2024-08-13T15:58:20.353Z", "2024-08-13T03:58:20.49Z"):
        event = LogEvent.model_validate(json.loads(wire(text)), strict=True)
        assert dumped(event) == text


def test_the_text_survives_pickle_copy_and_python_dumps() -> None:
    event = parse_event(wire("2024-08-13T15:58:20.49+02:00"))
    for other in (pickle.loads(pickle.dumps(event)), copy.deepcopy(event), copy.copy(event)):
        assert other.model_dump_json() == event.model_dump_json()
    python = event.model_dump(by_alias=True)
    assert dumped(LogEvent.model_validate(python)) == "2024-08-13T15:58:20.49+02:00"


def test_a_derived_value_writes_oktas_form() -> None:
    event = parse_event(wire("2024-08-13T15:58:20.49+02:00"))
    assert isinstance(event.published, WireDatetime)
    later = event.published + timedelta(hours=1)
    assert isinstance(later, WireDatetime)
    assert later.wire_text == "2024-08-13T14:58:20.490Z"


def test_users_own_models_get_the_same_rule() -> None:
    class Holder(BaseModel):
        event: PkiCertIssueEvent

    held = Holder.model_validate_json('{"event": ' + wire("2024-08-13T03:58:20.49Z") + "}")
    assert json.loads(held.model_dump_json(by_alias=True))["event"]["published"] == (
        "2024-08-13T03:58:20.49Z"
    )


def test_the_json_schema_carries_the_grammar() -> None:
    schema = json_schema("pki.cert.issue")
    published = schema["properties"]["published"]
    assert published["pattern"] == PUBLISHED_PATTERN
    assert published["format"] == "date-time"
    assert re.fullmatch(published["pattern"], "2024-08-13T15:58:20.353Z")
    assert not re.fullmatch(published["pattern"], "1700000000")
