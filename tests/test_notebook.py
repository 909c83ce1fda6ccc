"""The notebook's code cells run on the real data (keeps the example true)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "dekking_drenthe.ipynb"


@pytest.mark.data
@pytest.mark.slow
def test_notebook_cells_run(real_data):
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    scope: dict[str, object] = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile(cell["source"], f"{NOTEBOOK.name}", "exec"), scope)
    table = scope["result"].table  # type: ignore[attr-defined]
    assert table.municipality.iloc[-1] == "Drenthe"
