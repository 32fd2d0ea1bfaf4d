"""The source distribution: what it ships, and what it leaves out for licence reasons."""

from __future__ import annotations

import tarfile
from pathlib import Path

from hatchling.builders.sdist import SdistBuilder

ROOT = Path(__file__).resolve().parent.parent


def test_sdist_leaves_out_elastic_licensed_test_data(tmp_path: Path) -> None:
    """Elastic's pipeline test data (Elastic License 2.0) stays in the repository only."""
    assert (ROOT / "tests" / "data" / "elastic" / "PROVENANCE.md").is_file()
    built = list(SdistBuilder(str(ROOT)).build(directory=str(tmp_path)))
    assert len(built) == 1
    with tarfile.open(built[0]) as tar:
        names = [name.split("/", 1)[1] for name in tar.getnames() if "/" in name]
    assert not [n for n in names if n.startswith("tests/data/elastic")]
    # The rest of the tests and their other data are shipped.
    for shipped in (
        "tests/test_export_ecs.py",
        "tests/data/okta-pki-event-catalog.txt",
        "src/okta_pki_events/export/_ecs.py",
        "LICENSE",
    ):
        assert shipped in names, shipped
