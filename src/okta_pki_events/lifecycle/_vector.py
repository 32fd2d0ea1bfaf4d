"""The exact fold's common case in bulk, with numpy (optional: the ``fast`` extra).

``fold_plain`` computes each certificate's compact state (``_fold``'s bytes, the same ones)
with array operations over all certificates at once, position by position, instead of a
Python loop per record. It does only the certificates whose fold is plain:

- every record's uuid was delivered once: its id's 64-bit hash occurs once among all
  deliveries (equal ids hash equal, so a unique hash is a unique id);
- no two records of the certificate share a ``published`` instant (the order of two such
  records depends on their uuids, which the arrays do not compare);
- the transition table allows every applied record (no anomaly to write);
- its uuids are canonical (not in ``odd_keys``), and it has at most ``LONGEST`` records.

Every other certificate is left to the Python fold (``None`` in the result), and told
apart when one of its uuids may have been delivered more than once. A property test holds
the two folds equal on random deliveries. ``fold`` uses ``fold_plain`` only where ``pays``
says so: numpy installed, and a report of at least ``WORTH_IMPORTING`` certificate records,
or of at least ``SMALLEST`` when numpy is already imported.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.util import find_spec
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ._machine import BIND, ISSUE, NEXT, RENEW
from ._store import (
    COMPLETE,
    ISSUED,
    RECORD_FIELDS,
    SIZE,
    STARTED,
    STATE,
    STATE_FIELDS,
    UUID_AT,
    UUID_END,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "AVAILABLE",
    "CHUNK",
    "LONGEST",
    "SMALLEST",
    "WORTH_IMPORTING",
    "fold_plain",
    "id_hashes",
    "numpy_layout",
    "numpy_loaded",
    "pays",
]

AVAILABLE = find_spec("numpy") is not None
"""Whether numpy is installed (the ``fast`` extra); ``fold`` uses this module only then."""
SMALLEST = 500
"""Reports of fewer certificate records fold in Python: the bulk fold is faster from about 500
(numpy already imported)."""
WORTH_IMPORTING = 250_000
"""Certificate records from which a report imports numpy for the bulk fold. It saves about
0.4 µs a record, numpy's import costs 50-90 ms once per process: a report of fewer records
folds in Python unless numpy is already imported (a process that uses numpy, pandas, pyarrow
or polars), so that a command that folds a mid-sized file is not slower with the extra."""
CHUNK = 1 << 16
"""Records per batch of arrays: memory stays bounded (about 60 bytes per record of a batch)."""
LONGEST = 64
"""Certificates with more records are folded in Python (the arrays go position by position)."""
_ID = UUID_END - UUID_AT
"""Bytes of a uuid's identity in a packed record (its 36 bytes and the odd flag)."""
_FIRST = itemgetter(0)


def numpy_loaded() -> bool:
    """Whether numpy is already imported in this process (then the bulk fold costs no import)."""
    return "numpy" in sys.modules


def pays(records: int) -> bool:
    """Whether a report of ``records`` certificate records folds its plain ones in bulk.

    numpy installed, and either already imported and at least ``SMALLEST`` records, or at
    least ``WORTH_IMPORTING`` records (enough to pay for its import).
    """
    if not AVAILABLE or records < SMALLEST:
        return False
    return records >= WORTH_IMPORTING or numpy_loaded()


@cache
def _numpy() -> Any:
    """numpy, imported at the first bulk fold (not with the package)."""
    import numpy

    return numpy


def id_hashes(ids: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row of ``ids`` (uuid ids: ``_ID`` bytes a row)."""
    np = _numpy()
    rows = len(ids)
    padded = np.zeros((rows, 40), dtype=np.uint8)
    padded[:, :_ID] = ids
    words = padded.view("<u8")
    hashed = words[:, 0] * np.uint64(0x9E3779B97F4A7C15)
    for column, factor in enumerate(
        (0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD), 1
    ):
        hashed = (hashed << np.uint64(29)) | (hashed >> np.uint64(35))
        hashed ^= words[:, column] * np.uint64(factor)
    return hashed  # type: ignore[no-any-return]


def _batches(counts: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """Runs of certificates of at most ``CHUNK`` records each (or one certificate)."""
    np = _numpy()
    ends = np.cumsum(counts)
    batches: list[tuple[int, int]] = []
    start = 0
    total = len(counts)
    while start < total:
        base = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, base + CHUNK, side="right"))
        stop = max(stop, start + 1)
        batches.append((start, stop))
        start = stop
    return batches


def fold_plain(
    certs: Mapping[str, bytes | bytearray], others: Sequence[bytes], odd_keys: set[str]
) -> tuple[list[bytes | None], list[bool]]:
    """Each certificate's compact state (in ``certs``' order), or None where it is not plain.

    ``others`` are the uuid ids (``uuid_id``) of the other deliveries (CA events, ...).
    The second list says, for each certificate, whether a uuid id of it may have been
    delivered more than once (its hash repeats): the Python fold must check it.
    """
    np = _numpy()
    keys = list(certs)
    blobs = list(certs.values())
    counts = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // SIZE
    batches = _batches(counts)
    # every delivery's uuid id hashed, sorted in place: the hashes that occur more than once
    # (each batch's hashes kept: 8 bytes a record, so that ``_fold_batch`` does not hash again)
    every = np.empty(int(counts.sum()) + len(others), dtype=np.uint64)
    hashes: list[Any] = []
    at = 0
    for start, stop in batches:
        hashed = _hashes(b"".join(blobs[start:stop]))
        hashes.append(hashed)
        every[at : at + len(hashed)] = hashed
        at += len(hashed)
    if others:
        every[at:] = id_hashes(np.frombuffer(b"".join(others), dtype=np.uint8).reshape(-1, _ID))
    every.sort()
    repeated = np.unique(every[1:][every[1:] == every[:-1]])
    del every
    states: list[bytes | None] = []
    suspect: list[bool] = []
    for (start, stop), hashed in zip(batches, hashes, strict=True):
        odd = [key in odd_keys for key in keys[start:stop]] if odd_keys else None
        batch_states, batch_suspect = _fold_batch(
            b"".join(blobs[start:stop]), hashed, counts[start:stop], repeated, odd
        )
        states += batch_states
        suspect += batch_suspect
    return states, suspect


def _hashes(blob: bytes) -> Any:
    """``id_hashes`` of the uuid ids of a certificate's (or a batch's) packed records."""
    np = _numpy()
    return id_hashes(np.frombuffer(blob, dtype=np.uint8).reshape(-1, SIZE)[:, UUID_AT:UUID_END])


_STATE_SPLIT = struct.Struct(f"{STATE.size}s").iter_unpack


_NUMPY_CODES = {"B": "u1", "I": "u4", "q": "i8"}
"""numpy's name of each ``struct`` code of ``_store``'s layouts (``36s``: ``S36``)."""


def numpy_layout(fields: Sequence[tuple[str, str]], order: str) -> Any:
    """A numpy structured dtype reading ``_store``'s layout ``fields`` (``order``: < or >)."""
    np = _numpy()
    return np.dtype(
        [
            (name, f"S{code[:-1]}" if code.endswith("s") else order + _NUMPY_CODES[code])
            for name, code in fields
        ]
    )


@cache
def _layouts() -> tuple[Any, Any, Any]:
    """The layouts of ``_store`` as numpy reads them: a packed record, a compact state; NEXT."""
    np = _numpy()
    record = numpy_layout(RECORD_FIELDS, "<")
    state = numpy_layout(STATE_FIELDS, ">")
    assert record.itemsize == SIZE, "the record layout of _store"
    assert state.itemsize == STATE.size, "the state layout of _store"
    return record, state, np.array(NEXT, dtype=np.int8)


def _fold_batch(
    blob: bytes,
    hashed: Any,
    counts: Any,
    repeated: Any,
    odd: list[bool] | None,
) -> tuple[list[bytes | None], list[bool]]:
    """``fold_plain`` of one batch of certificates (their records joined in ``blob``).

    ``hashed``: ``_hashes(blob)``, computed once by ``fold_plain``.
    """
    np = _numpy()
    record, state_type, table = _layouts()
    records = np.frombuffer(blob, dtype=record)
    total = len(counts)
    owner = np.repeat(np.arange(total), counts)
    published = records["published"]
    order = np.lexsort((published, owner))
    starts = np.zeros(total, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    # the certificates left to Python: a repeated uuid hash (told apart), a tie, odd, long
    suspect = np.zeros(total, dtype=bool)
    suspect[owner[np.isin(hashed, repeated)]] = True
    plain = ~suspect & (counts <= LONGEST)
    if odd is not None:
        plain &= ~np.array(odd, dtype=bool)
    sorted_at, sorted_owner = published[order], owner[order]
    tie = (sorted_at[1:] == sorted_at[:-1]) & (sorted_owner[1:] == sorted_owner[:-1])
    plain[sorted_owner[1:][tie]] = False
    # the fold, position by position over the plain certificates
    code = records["type"].astype(np.intp)
    skipped = (records["outcome"] & 1).astype(bool)
    device_of = records["device"]
    length = np.where(plain, counts, 0)
    state = np.zeros(total, dtype=np.intp)
    complete = np.zeros(total, dtype=bool)
    issued_flag = np.zeros(total, dtype=bool)
    device = np.zeros(total, dtype=np.uint32)
    issued = np.zeros(total, dtype=np.int64)
    renewals = np.zeros(total, dtype=np.uint32)
    for position in range(int(length.max()) if total else 0):
        which = np.nonzero(length > position)[0]
        at = order[starts[which] + position]
        kind, before = code[at], state[which]
        after = table[kind, before]
        applied = ~skipped[at]
        plain[which[applied & (after < 0)]] = False  # an anomaly: the Python fold writes it
        applied &= after >= 0
        first = applied & (before == 0)
        complete[which[first]] = kind[first] == ISSUE
        issue = applied & (kind == ISSUE)
        issued[which[issue]] = published[at[issue]]
        issued_flag[which[issue]] = True
        renewals[which[applied & (kind == RENEW)]] += 1
        named = device_of[at]
        bind = applied & (kind == BIND) & (named != 0)
        device[which[bind]] = named[bind]
        unnamed = applied & (device[which] == 0)
        device[which[unnamed]] = named[unnamed]
        state[which[applied]] = after[applied]
    out = np.zeros(total, dtype=state_type)
    out["state"] = state
    out["flags"] = issued_flag * ISSUED | (state > 0) * STARTED | complete * COMPLETE
    out["device"] = device
    out["issued"] = issued
    out["last"] = published[order[starts + counts - 1]]
    out["renewals"] = renewals
    out["events"] = counts
    packed = map(_FIRST, _STATE_SPLIT(out.tobytes()))
    states: list[bytes | None] = [
        value if keep else None for value, keep in zip(packed, plain.tolist(), strict=True)
    ]
    return states, suspect.tolist()
