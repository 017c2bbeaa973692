"""The report's figures show disagreement: the diagonal apart, sets broken down per code."""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import pytest

import statecode as sc
from tests.conftest import ROOT

pytest.importorskip("matplotlib")

from statecode.render import coincidence_figure
from statecode.render._plots import per_code_pairs

EXAMPLE = ROOT / "examples" / "readouts" / "codings.csv"


@pytest.fixture(scope="module")
def table() -> sc.CodingTable:
    return sc.read_codings(EXAMPLE, codebook=sc.read_codebook("readouts"))


def test_the_colour_scale_is_the_disagreements(table: sc.CodingTable) -> None:
    result = sc.krippendorff_alpha(table, variable="blame_target")
    matrix = result.coincidences.drop("value").to_numpy()
    off = matrix[~np.eye(len(matrix), dtype=bool)]
    assert matrix.diagonal().max() > 10 * max(off.max(), 1)  # 'none' would wash them out
    figure = coincidence_figure(result, "blame_target")
    coloured = figure.axes[0].images[0]
    assert coloured.norm.vmax == pytest.approx(max(off.max(), 1.0))
    data = coloured.get_array()
    assert np.ma.getmaskarray(data).diagonal().all()  # the diagonal is not on the scale


def test_sets_are_broken_down_per_code(table: sc.CodingTable) -> None:
    result = sc.krippendorff_alpha(table, variable="precondition")
    figure = coincidence_figure(result, "precondition")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    codes = sorted({c for v in result.values for c in v})
    assert labels == codes[::-1] or sorted(labels) == codes  # one bar per code, not per set
    # the counts, recounted from the units: each ordered pair of values in a unit weighs
    # 1 / (m_u - 1), as in the coincidence matrix
    values: dict[str, list[frozenset[str]]] = defaultdict(list)
    for coding in table.codings():
        if coding.variable == "precondition" and coding.value is not None:
            values[coding.unit].append(coding.value)  # type: ignore[arg-type]
    both: dict[str, float] = defaultdict(float)
    one: dict[str, float] = defaultdict(float)
    for unit_values in values.values():
        m = len(unit_values)
        if m < 2:
            continue
        for a, b in itertools.permutations(unit_values, 2):
            for code in codes:
                if code in a and code in b:
                    both[code] += 1 / (m - 1)
                elif (code in a) != (code in b):
                    one[code] += 1 / (m - 1)
    for code, got_both, got_one in per_code_pairs(result):
        assert got_both == pytest.approx(both[code])
        assert got_one == pytest.approx(one[code])
