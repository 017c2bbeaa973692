"""The HTML pages in a real browser: nothing overflows 1200 pixels, the provenance is there.

Headless Chromium loads each page at a window 1200 pixels wide; a probe script appended
to a copy of the page records the document's scroll width against its client width (the
page itself holds no script), and a screenshot is taken at that width.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statecode.cli import app
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EXAMPLE = ROOT / "examples" / "readouts"
WIDTH = 1200

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]

PROBE = (
    "<script>document.body.setAttribute('data-scroll-width', "
    "document.documentElement.scrollWidth);document.body.setAttribute('data-client-width', "
    "document.documentElement.clientWidth);</script>"
)


def _chromium(tmp_path: Path, *args: str) -> str:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={WIDTH},1600",
    ]
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def _page(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            (
                "report",
                str(EXAMPLE / "codings.csv"),
                "--codebook",
                "readouts",
                "--coefficients",
                "all",
                "--bootstrap",
                "300",
                "--seed",
                "1",
            ),
            id="report",
        ),
        pytest.param(
            (
                "compare",
                str(EXAMPLE / "codings.csv"),
                "--corpus",
                str(EXAMPLE),
                "--codebook",
                "readouts",
            ),
            id="compare",
        ),
    ],
)
def test_the_page_fits_1200_pixels_and_states_its_provenance(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    page = _page(tmp_path, *args)
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text  # the page loads and runs nothing
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", probe.as_uri())
    widths = re.search(r'data-scroll-width="(\d+)" data-client-width="(\d+)"', dom)
    assert widths is not None, dom[:500]
    scroll, client = int(widths.group(1)), int(widths.group(2))
    assert client > WIDTH - 40
    assert scroll <= client, f"{args[0]}: {scroll} px of content in a {client} px window"
    assert "<h2>Provenance</h2>" in dom
    assert re.search(r"sha256 [0-9a-f]{64}", dom)
    assert dom.count("<svg") >= 1
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 10_000
