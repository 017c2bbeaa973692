"""Public names loaded on first use: each resolves to its module's object, and no more is loaded.

The import checks run in a fresh interpreter: this test process has imported everything.
"""

from __future__ import annotations

import ast
import importlib
import math
import subprocess
import sys
import types

import pytest

import statecode
import statecode.io
from statecode._lazy import lazy_names
from statecode.io._atomic import write_text_atomic
from tests.conftest import ROOT


def _where(package: types.ModuleType) -> dict[str, str]:
    table = package.__dict__.get("_WHERE", package.__dict__.get("_LAZY"))
    assert isinstance(table, dict)
    return table


@pytest.mark.parametrize("package", [statecode, statecode.io], ids=lambda p: p.__name__)
def test_every_lazy_name_is_its_modules_object(package: types.ModuleType) -> None:
    table = _where(package)
    assert set(table) <= set(package.__all__)
    for name, found in table.items():
        module, _, attribute = found.partition(":")
        expected = getattr(importlib.import_module(module), attribute or name)
        assert getattr(package, name) is expected, name
    assert set(package.__all__) <= set(dir(package))


def test_the_names_type_checkers_see_are_the_names_loaded() -> None:
    # io/__init__.py imports its names under TYPE_CHECKING and loads them from _WHERE: the
    # two lists must agree, module and original name included
    tree = ast.parse((ROOT / "src" / "statecode" / "io" / "__init__.py").read_text("utf-8"))
    checked = next(n for n in tree.body if isinstance(n, ast.If))
    seen = {}
    for node in checked.body:
        assert isinstance(node, ast.ImportFrom)
        for alias in node.names:
            name = alias.asname or alias.name
            seen[name] = node.module if alias.asname is None else f"{node.module}:{alias.name}"
    assert seen == _where(statecode.io)


def test_a_submodule_is_imported_when_asked_for() -> None:
    code = (
        "import statecode.io\n"
        "assert statecode.io.refi.read_qdc is statecode.io.read_qdc\n"
        "assert not hasattr(statecode.io, '__no_such_thing__')\n"
    )
    assert "statecode.io.refi" in _loaded_after(code)


def test_io_aliases_resolve_to_the_renamed_object() -> None:
    assert statecode.io.write_text is write_text_atomic


@pytest.mark.parametrize("package", [statecode, statecode.io], ids=lambda p: p.__name__)
def test_dir_lists_the_public_names_and_no_helper(package: types.ModuleType) -> None:
    """What a notebook's completion offers: ``__all__`` and submodules, not the lazy loader."""
    assert set(package.__all__) <= set(dir(package))
    public = {n for n in dir(package) if not n.startswith("_")}
    extra = public - set(package.__all__) - {"TYPE_CHECKING", "annotations"}
    assert all(isinstance(getattr(package, n), types.ModuleType) for n in extra), extra


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError, match=r"module 'statecode.io' has no attribute 'read_cvs'"):
        _ = statecode.io.read_cvs  # type: ignore[attr-defined]
    assert not hasattr(statecode.io, "read_cvs")


def test_a_loaded_name_is_kept_in_the_namespace() -> None:
    package = types.ModuleType("lazy_probe")
    sys.modules["lazy_probe"] = package
    try:
        getter, lister = lazy_names("lazy_probe", {"sqrt": "math", "root": "math:sqrt"})
        package.__getattr__ = getter  # type: ignore[method-assign]
        assert "sqrt" not in package.__dict__
        assert getter("root")(9.0) == 3.0
        assert package.__dict__["root"] is math.sqrt
        assert "sqrt" not in package.__dict__  # only what was asked for
        assert {"sqrt", "root"} <= set(lister())
    finally:
        del sys.modules["lazy_probe"]


def _loaded_after(code: str) -> set[str]:
    """The statecode modules (and a few heavy ones) a fresh interpreter holds after ``code``."""
    probe = (
        f"{code}\nimport sys\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith(('statecode', 'sqlite3'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_reading_a_csv_file_loads_no_other_tools_reader() -> None:
    code = (
        "import statecode as sc\n"
        "sc.read_codings('examples/readouts/codings.csv', codebook=sc.read_codebook('readouts'))\n"
        "from statecode.render import alpha_document"
    )
    loaded = _loaded_after(code)
    assert "statecode.io._codings" in loaded
    assert "statecode.render._reliability" in loaded
    unwanted = {
        "statecode.io.refi",
        "statecode.io._ddi",
        "statecode.io._codebook_formats",
        "statecode.io._webanno",
        "statecode.io._xmi",
        "statecode.io._dna",
        "statecode.io._brat",
        "sqlite3",
        "statecode.compare",
    }
    assert loaded & unwanted == set()


def test_a_comparison_renders_after_other_objects_without_it() -> None:
    # the renderer of a Comparison is registered when the first one is shown, after the
    # table's renderer ran without statecode.compare loaded
    code = (
        "import sys\n"
        "import statecode as sc\n"
        "from statecode.render import notebook_html, notebook_text\n"
        "codebook = sc.read_codebook('readouts')\n"
        "table = sc.read_codings('examples/readouts/codings.csv', codebook=codebook)\n"
        "assert notebook_text(table) and 'statecode.compare' not in sys.modules\n"
        "corpus = sc.read_corpus('examples/readouts')\n"
        "comparison = sc.compare_accounts(corpus, table, consensus='majority')\n"
        "assert notebook_text(comparison) == str(comparison)\n"
        "assert 'Similarity of accounts' in notebook_html(comparison)\n"
    )
    assert "statecode.compare" in _loaded_after(code)
