"""The README's Python examples run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statecode.cli import app


def _workdir(root: Path, tmp_path: Path) -> Path:
    """A folder where the READMEs' relative paths resolve and what they write stays out of
    the repository: the examples linked in, nothing else."""
    (tmp_path / "examples").symlink_to(root / "examples", target_is_directory=True)
    return tmp_path


def test_readme_python_blocks_run(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_workdir(root, tmp_path))
    text = (root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def _transcripts(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ statecode ...`` line of a plain fenced block, with the output lines after it."""
    out: list[tuple[str, list[str]]] = []
    fence: str | None = None  # the info string of the open block
    current: tuple[str, list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            current = None
            continue
        if fence != "":
            continue
        if line.startswith("$ "):
            current = (line[2:], [])
            out.append(current)
        elif current is not None:
            current[1].append(line)
    return out


@pytest.mark.parametrize("document", ["README.md", "examples/readouts/README.md"])
def test_transcripts_show_what_the_commands_print(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: str
) -> None:
    monkeypatch.chdir(_workdir(root, tmp_path))
    checked = 0
    for command, shown in _transcripts((root / document).read_text(encoding="utf-8")):
        args = shlex.split(command)
        assert args[0] == "statecode", command
        files = [a for a in args[1:] if "/" in a or a.endswith((".csv", ".toml", ".qdpx"))]
        if any(not Path(f).exists() for f in files if not f.startswith("-")):
            continue  # an illustration with the reader's own file (mine.toml)
        result = CliRunner().invoke(app, args[1:])
        printed = result.stdout if result.exit_code == 0 else result.stderr
        if shown:
            assert [line.rstrip() for line in printed.splitlines()] == shown, command
        else:
            assert result.exit_code == 0, (command, result.stderr)
        checked += 1
    assert checked >= (4 if document == "README.md" else 0)
