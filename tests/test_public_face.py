"""The package's curated face: what it exports, and the names it used to export (deprecated)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import pytest

import okta_pki_events
from okta_pki_events import models

# What the package exported before its face was curated, beyond what it exports now.
MOVED = sorted(
    {*okta_pki_events._MOVED, *models.__all__} - set(okta_pki_events.__all__),
)


def test_every_exported_name_imports_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in okta_pki_events.__all__:
            getattr(okta_pki_events, name)
    assert len(set(okta_pki_events.__all__)) == len(okta_pki_events.__all__)
    assert set(okta_pki_events.__all__) <= set(dir(okta_pki_events))


def test_the_face_is_the_curated_one() -> None:
    assert len(okta_pki_events.__all__) < 70
    assert {"parse_event", "iter_events", "LogEvent", "PkiEvent", "build_lifecycles"} <= set(
        okta_pki_events.__all__
    )
    assert not {"Actor", "to_ecs", "CertState", "verify_authorization"} & set(
        okta_pki_events.__all__
    )


@pytest.mark.parametrize("name", MOVED)
def test_a_moved_name_still_imports_with_a_warning_naming_its_home(name: str) -> None:
    home = okta_pki_events._MOVED.get(name, "models")
    expected = getattr(importlib.import_module(f"okta_pki_events.{home}"), name)
    assert name in importlib.import_module(f"okta_pki_events.{home}").__all__
    with pytest.warns(DeprecationWarning, match=f"import it from okta_pki_events.{home}$"):
        value = getattr(okta_pki_events, name)
    assert value is expected


def test_the_old_imports_keep_working_in_a_fresh_interpreter() -> None:
    code = (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from okta_pki_events import Actor, CertState, to_ecs\n"
        "from okta_pki_events.export import to_ecs as home\n"
        "assert to_ecs is home\n"
        "print(sorted({str(w.message).split()[1] for w in caught}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['Actor', 'CertState', 'to_ecs']"


def test_unknown_and_private_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        getattr(okta_pki_events, "nope")  # noqa: B009
    with pytest.raises(AttributeError):
        getattr(okta_pki_events, "_nope")  # noqa: B009
