"""JSON text where msgspec and pydantic-core may read differently, for the differential tests.

Values, ``eventType`` spellings, keys and surroundings of a record that probe each guard of
the ``fast`` extra (size, UTF-8, nesting, escapes, non-finite and huge numbers, duplicate
keys): the probe's, the skipper's, the lazy stream's and ``lifecycles_from``'s differential
tests draw from them.
"""

from __future__ import annotations


def nest(depth: int, kind: str) -> bytes:
    if kind == "[":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


UTF8_EDGES = [
    b"\xc2\x80",
    b"\xdf\xbf",
    b"\xe0\xa0\x80",
    b"\xe0\x80\x80",
    b"\xe0\x9f\xbf",
    b"\xed\x9f\xbf",
    b"\xed\xbf\xbf",
    b"\xee\x80\x80",
    b"\xef\xbf\xbe",
    b"\xef\xbf\xbf",
    b"\xf0\x90\x80\x80",
    b"\xf0\x80\x80\x80",
    b"\xf4\x8f\xbf\xbf",
    b"\xf5\x80\x80\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xfc\x84\x80\x80\x80\x80",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\x80",
    b"\xbf\xbf",
    b"\xc1\xbf",
    b"a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z",
    b"\xe2\x80\xa8\xe2\x80\xa9",
    b"\xc2\xa0",
]

# Values where msgspec and pydantic-core's JSON parser may differ, or that test a guard.
HOSTILE_VALUES = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"-1e999",
    b"1e-999",
    b"-0",
    b"-0.0e-0",
    b"1E+2",
    b"9" * 30,
    b"9" * 4300,
    b"9" * 4301,
    b"-" + b"9" * 4301,
    b"9" * 4301 + b".5",
    b"01",
    b"1.",
    b".5",
    b"+1",
    b"1e",
    b"-",
    b"0x10",
    b"tru",
    b"True",
    b"None",
    b'"\\ud800"',
    b'"\\ud800x"',
    b'"\\udc00"',
    b'"\\ud800\\u0041"',
    b'"\\ud83d\\ude00"',
    b'"\\u0000"',
    b'"\\u12"',
    b'"\\uZZZZ"',
    b'"\\x"',
    b'"\\\'"',
    b'"a\\n\\"\\\\\\/\\b\\f\\r\\tb"',
    b'"a\x01b"',
    b'"a\x00b"',
    b'"a\tb"',
    b'"a\x7fb"',
    b'"\xff"',
    b'"\xed\xa0\x80"',
    b'"\xc0\xaf"',
    b'"\xf4\x90\x80\x80"',
    b'"\xc3\xa9t\xc3\xa9"',
    b'"\xf0\x9f\x98\x80"',
    b'"\xef\xbb\xbf"',
    # UTF-8 at the edges of each length: valid, overlong, surrogate, past U+10FFFF, cut, lone
    # continuation bytes, five and six bytes, a noncharacter, separators and NBSP
    *(b'"' + value + b'"' for value in UTF8_EDGES),
    b'"unterminated',
    b"[1,]",
    b"[1 2]",
    b"{}",
    b'{"k":}',
    *(nest(depth, kind) for depth in (3, 127, 128, 129, 199, 200, 201, 202, 300) for kind in "[{"),
    nest(1200, "["),
]
PLAIN_VALUES = [b'"text"', b"1", b"1.5", b"true", b"null", b'{"a":[1,{"b":"c"}]}', b"[]"]
EVENT_TYPES = [
    b'"user.session.start"',
    b'"pki.cert.issue"',
    b'"pki.cert.unknown"',
    b'"PKI.cert.issue"',
    b'"pki"',
    b'""',
    b'"pki.\\u0063ert.issue"',
    b'"user.\xc3\xa9"',
    b'"pki.c\xc3\xa9rt"',
    b'"\xc3\xa9pki.cert.issue"',
    b"null",
    b"1",
    b'["pki.cert.issue"]',
]
KEYS = [
    b'"x"',
    b'"actor"',
    b'"eventType"',
    b'"uuid"',
    b'"event\\u0054ype"',
    b'"\\u0075uid"',
    b'"eventType "',
    b'"EventType"',
    b'"source"',
    b'"detail"',
    b'"detail-type"',
    b'"data"',
    b'"Records"',
    b'"awslogs"',
    b'"\xff"',
    b'"\xc3\xa9"',
    b'"event\xc3\xa9Type"',
    b'"a\x01"',
    b"x",
    b"'x'",
]
AROUND = [
    *(b"", b" ", b"\t", b"\r", b"\n", b"\x0c", b"\x0b", b"\x00"),
    *(b"\xef\xbb\xbf", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xc3", b"x", b",", b"{}"),
]
