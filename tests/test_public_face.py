"""The package's curated face: what it exports, and the names it used to export (deprecated)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import okta_pki_events
from okta_pki_events import models

PYRIGHT = Path(sys.executable).parent / "pyright"

# What the package exported before its face was curated, beyond what it exports now.
MOVED = sorted(okta_pki_events._MOVED)


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
    home = okta_pki_events._MOVED[name]
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


def test_every_name_the_package_exported_before_still_resolves() -> None:
    # The package exported every name of models (and these) before its face was curated.
    assert set(models.__all__) <= {*okta_pki_events.__all__, *okta_pki_events._MOVED}
    assert not set(okta_pki_events._MOVED) & set(okta_pki_events.__all__)


@pytest.mark.skipif(shutil.which("pyright") is None and not PYRIGHT.exists(), reason="pyright")
def test_the_old_imports_still_type_check_for_a_user(tmp_path: Path) -> None:
    """Checked as a user's code sees the installed package (pyright: a library, py.typed)."""
    names = ["Actor", "CertState", "to_ecs", "verify_authorization", "LogEvent"]
    (tmp_path / "use.py").write_text(
        f"from okta_pki_events import {', '.join(names)}\n\nprint({', '.join(names)})\n"
    )
    venv = Path(sys.executable).parent.parent
    (tmp_path / "pyrightconfig.json").write_text(
        json.dumps({"venvPath": str(venv.parent), "venv": venv.name, "typeCheckingMode": "strict"})
    )
    result = subprocess.run(
        [str(PYRIGHT) if PYRIGHT.exists() else "pyright", "use.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_unknown_and_private_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        getattr(okta_pki_events, "nope")  # noqa: B009
    with pytest.raises(AttributeError):
        getattr(okta_pki_events, "_nope")  # noqa: B009
