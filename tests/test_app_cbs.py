"""The Data page's CBS panel (AppTest on the real data, with an INVENTED CBS table written here)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import app_ok as _ok

pytestmark = pytest.mark.data

MUNICIPALITIES = ("Aa en Hunze", "Assen", "Borger-Odoorn", "Coevorden", "De Wolden", "Emmen", "Hoogeveen", "Meppel",
                  "Midden-Drenthe", "Noordenveld", "Tynaarlo", "Westerveld")  # fmt: skip


def _invented_csv() -> bytes:
    """CBS's key layout with invented codes and an invented 2,0 km for every municipality (not CBS figures)."""
    lines = ['"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AfstandTotBibliotheek_7"']
    lines += [f'{i};"GM99{i:02d}  ";"{n}";"Gemeente  ";"GM99{i:02d}  ";"2.0"' for i, n in enumerate(MUNICIPALITIES)]
    return ("\n".join(lines) + "\n").encode()


def test_cbs_panel_shows_the_comparison_in_dutch(app: AppTest) -> None:
    app.switch_page("spreiding/app/screens/data.py").run()
    # the table id in the name: CBS's 2021 table, so the list as it was on 1 January 2021 (not the sidebar's day)
    app.file_uploader(key="data_cbs_csv").upload("85231NED_nabijheid.csv", _invented_csv(), "text/csv").run()
    _ok(app)
    table = next(d.value for d in app.dataframe if "afstand volgens CBS" in d.value.columns)
    assert len(table) == 12 and set(table["afstand volgens CBS"]) == {"2,00 km"}
    assert table["afstand volgens deze tool"].str.endswith(" km").all()
    assert any("woonadres" in m.value for m in app.markdown)
    assert any("Peildatum van de vergelijking: 01-01-2021" in c.value for c in app.caption)
    assert table.set_index("naam").loc["Westerveld", "afstand volgens deze tool"] == "3,31 km"  # README: 2021-01-01
    assert any("onzeker op de peildatum 01-01-2021" in m.value.replace("\\", "") for m in app.markdown)
