"""Shared test configuration: hypothesis profiles (``dev`` locally, ``ci`` when CI is set)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=40, deadline=None)
# CI draws the same examples on every run (derandomize), so a green run on a clean clone is
# the run CI will see; local runs keep exploring new examples
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# the long fuzz run: pytest tests/fuzz --hypothesis-profile fuzz (20,000 inputs per reader,
# or as many as STATECODE_FUZZ_EXAMPLES says)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("STATECODE_FUZZ_EXAMPLES", "20000")),
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
#: Real files made by other tools (``../shared/real-samples``, with SOURCES.md), read where
#: they are and never copied into the repository.
REAL = ROOT.parent / "shared" / "real-samples"
needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the real sample files are not in {REAL} (CI checks out ../shared)"
)


@pytest.fixture
def root() -> Path:
    """The repository root (for shipped codebooks and examples)."""
    return ROOT


def json_results(text: str) -> list[dict[str, Any]]:
    """The results of a command's JSON output, after checking that its provenance is there."""
    document = json.loads(text)
    assert set(document) == {"provenance", "results"}, sorted(document)
    assert document["provenance"]["statecode"]
    assert document["provenance"]["created"]
    return list(document["results"])


def _untracked() -> set[str] | None:
    """Files git does not track or ignore in the checkout, or None outside one."""
    import subprocess  # noqa: PLC0415 - only for the check below

    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {line[3:] for line in done.stdout.splitlines() if line.startswith("??")}


_BEFORE = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a run whose tests left files in the repository (they belong in tmp_path)."""
    if _BEFORE is None or hasattr(session.config, "workerinput"):
        return  # not a git checkout, or an xdist worker (the controller checks)
    left = sorted((_untracked() or set()) - _BEFORE)
    if left:
        print(f"\ntests wrote into the repository: {', '.join(left[:10])}")
        session.exitstatus = 1
