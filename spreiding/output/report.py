"""Printable duty-of-care report (Dutch) for one municipality, as one HTML file.

:func:`municipality_report` turns an :class:`~spreiding.data.region.Analysis` into a
self-contained HTML document: inline CSS with print styles, charts and the map
embedded as base64 PNG, no external assets. Open it in a browser and print
to PDF (A4); no PDF library is needed or used.

Sections: heading (municipality, scenario, norm, distance model, date),
key figures, coverage by age band, villages with residents outside the norm
(uncovered cells grouped by their nearest OSM place point), the distance
distribution, the branches that matter most (an optional impact table), a
static map, and sources with data-quality notes. Every string that comes
from data or users is HTML-escaped. A norm with a travel-time limit only
gives its key figures and tables in minutes (and the method names the speed);
a norm with both limits gives km and minutes; a distance norm km.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import require_columns, to_rd_new
from spreiding.analysis.kernen import KERN_CLASSES, assign_kernen, kern_points
from spreiding.analysis.measures import weighted_quantiles
from spreiding.analysis.norm import Norm
from spreiding.analysis.verdict import Verdict, municipality_verdict, population_year
from spreiding.errors import ConfigError
from spreiding.output._figures import boundary as municipality_boundary
from spreiding.output._figures import distance_histogram, map_image
from spreiding.output.export import export_name
from spreiding.output.provenance import EXAMPLE_NORM_NOTE, Provenance
from spreiding.output.report_html import (
    document,
    esc,
    finite,
    km_cell,
    method_section,
    min_cell,
    missing,
    plain_value,
    report_units,
    table_html,
    verdict_section,
)
from spreiding.vocabulary import (
    FIGURE_LABELS,
    KIND_LABELS,
    Col,
    column_label,
    column_labels,
    fmt_dec,
    fmt_int,
    fmt_km,
    fmt_min,
    fmt_pct,
    model_label_nl,
)

if TYPE_CHECKING:
    from spreiding.study import Analysis

__all__ = [
    "IMPACT_COLUMNS",
    "MAP_CREDIT",
    "VILLAGE_CLASSES",
    "municipality_report",
    "report_filename",
    "uncovered_places",
]

logger = logging.getLogger(__name__)

MAP_CREDIT = "Kaartgegevens: © OpenStreetMap contributors (ODbL); CBS/Eurostat bevolkingsgrid"
"""Caption under the map."""
VILLAGE_CLASSES: tuple[str, ...] = KERN_CLASSES
"""OSM ``place_class`` values that make a kern (:data:`spreiding.analysis.kernen.KERN_CLASSES`)."""
IMPACT_COLUMNS: tuple[str, ...] = (
    Col.ID,
    Col.NAME,
    Col.KIND,
    Col.RESIDENTS_NEAREST,
    Col.COVERED_LOSS,
    Col.COVERED_LOSS_PCT,
    Col.NEWLY_UNREACHABLE,
    Col.MEAN_DIST_DELTA_M,
)
"""Columns of :func:`spreiding.analysis.impact.closure_impact` shown in the report, in this order."""
_TOP_IMPACT = 10
_TOP_PLACES = 25
_MAP_LABELS = 6

# --------------------------------------------------------------------------- data


def _municipality_rows(analysis: Analysis, municipality: str) -> tuple[pd.Series, pd.Series]:
    table = analysis.table
    names = table["municipality"].astype("string")
    known = [str(m) for m in names.iloc[:-1]]
    if municipality not in known:
        msg = f"gemeente {municipality!r} staat niet in deze uitkomst; kies uit: {', '.join(known)}"
        raise ConfigError(msg)
    return table.loc[names == municipality].iloc[0], table.iloc[-1]


def _places_rd(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return kern_points(places)


def uncovered_places(
    uncovered: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame | None,
    *,
    weight_column: str = "pop_total",
    facilities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Residents outside the norm grouped by their kern (:mod:`spreiding.analysis.kernen`).

    A cell's kern is the nearest place point of its own municipality (the one
    definition of a kern, also used by ``coverage --by kern``).

    Parameters
    ----------
    uncovered
        Uncovered points (:func:`spreiding.analysis.coverage.uncovered_cells`) with
        ``dist_m`` and ``nearest_id``.
    places
        OSM place points with ``name`` (and ``place_class`` or ``kind``: only
        :data:`VILLAGE_CLASSES` are used; ``municipality`` to clip each
        kern to its municipality). ``None``: every cell is its own group,
        named by ``cell_id``.
    weight_column
        Residents column to sum.
    facilities
        Service points with ``id`` and ``name`` to name the nearest branch.

    Returns
    -------
    pandas.DataFrame
        ``place``, ``residents``, ``cells``, ``unreachable`` (residents),
        ``mean_dist_m`` (resident-weighted, reachable only), ``max_dist_m``,
        ``nearest_id``, ``nearest_name`` (branch nearest to the group's most
        populous cell), ``mean_time_s`` and ``max_time_s`` (as the distances;
        NaN when ``uncovered`` has no ``time_s``), sorted by residents,
        largest first.
    """
    require_columns(
        uncovered, [weight_column, "dist_m"], "cellen buiten de norm", "geef de cellen buiten de norm van spreiding"
    )
    columns = [
        "place", "residents", "cells", "unreachable", "mean_dist_m", "max_dist_m", "nearest_id", "nearest_name",
        Col.MEAN_TIME_S, Col.MAX_TIME_S,
    ]  # fmt: skip
    if uncovered.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    cells = to_rd_new(uncovered, "uncovered cells")
    kern = assign_kernen(cells, places)["kern_name"] if places is not None else None
    if kern is not None and kern.notna().all():
        label = kern.to_numpy(dtype=object)
    else:
        ids = cells["cell_id"] if "cell_id" in cells.columns else pd.Series(cells.index, index=cells.index)
        label = ("cel " + ids.astype("string")).to_numpy()
    weight = cells[weight_column].to_numpy(float)
    dist = cells["dist_m"].to_numpy(float)
    finite = np.isfinite(dist)
    time = cells["time_s"].to_numpy(float) if "time_s" in cells else np.full(len(cells), np.nan)
    timed = np.isfinite(time)
    frame = pd.DataFrame(
        {
            "place": label,
            "w": weight,
            "wf": np.where(finite, weight, 0.0),
            "wd": np.where(finite, dist * weight, 0.0),
            "wu": np.where(finite, 0.0, weight),
            "dist": dist,
            "wft": np.where(timed, weight, 0.0),
            "wt": np.where(timed, time * weight, 0.0),
            "time": time,
            "nearest_id": cells["nearest_id"].astype("string").to_numpy() if "nearest_id" in cells else pd.NA,
            # residents on street nodes: several points per census cell, and the cells are what is counted
            "cell": cells["cell_id"].astype("string").to_numpy() if "cell_id" in cells else np.arange(len(cells)),
        }
    ).sort_values("w", ascending=False, kind="stable")
    grouped = frame.groupby("place", sort=False)
    out = pd.DataFrame(
        {
            "residents": grouped["w"].sum(),
            "cells": grouped["cell"].nunique(),
            "unreachable": grouped["wu"].sum(),
            "wf": grouped["wf"].sum(),
            "wd": grouped["wd"].sum(),
            "max_dist_m": grouped["dist"].max(),
            "nearest_id": grouped["nearest_id"].first(),
            "wft": grouped["wft"].sum(),
            "wt": grouped["wt"].sum(),
            Col.MAX_TIME_S: grouped["time"].max(),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_dist_m"] = np.where(out["wf"] > 0, out["wd"] / out["wf"], np.nan)
        out[Col.MEAN_TIME_S] = np.where(out["wft"] > 0, out["wt"] / out["wft"], np.nan)
    names: dict[str, str] = {}
    if facilities is not None and {"id", "name"} <= set(facilities.columns):
        names = dict(zip(facilities["id"].astype(str), facilities["name"].astype(str), strict=True))
    out["nearest_name"] = out["nearest_id"].map(lambda i: names.get(str(i), "") if pd.notna(i) else "")
    out = out.reset_index().sort_values(["residents", "place"], ascending=[False, True], ignore_index=True)
    return out.loc[:, columns]


# --------------------------------------------------------------------------- sections


def _heading(analysis: Analysis, municipality: str, scenario_name: str, generated: dt.date) -> str:
    norm = analysis.norm
    plain = (norm.describe(), norm.describe_limits(), "")
    norm_text = norm.describe() if norm.name in plain else f"{norm.describe()} — {norm.name}"
    rows = [
        ("Gemeente", municipality),
        ("Scenario", scenario_name),
        ("Norm", norm_text + (f" ({EXAMPLE_NORM_NOTE})" if norm.example else "")),
        ("Meetellende soorten", ", ".join(KIND_LABELS.get(k, k) for k in sorted(norm.kinds))),
        ("Afstandsmodel", model_label_nl(analysis.model.label)),
        ("Datum", generated.strftime("%d-%m-%Y")),
    ]
    meta = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    parts = [
        f"<h1>Bibliotheekvoorziening {esc(municipality)}</h1>",
        '<p class="subtitle">Rapport zorgplicht (Wsob): bereikbaarheid van een volwaardige bibliotheek</p>',
        f'<table class="meta">{meta}</table>',
    ]
    if norm.example:
        parts.append(
            '<p class="note">De wet (Wsob) vraagt een volwaardige bibliotheek op redelijke afstand, maar noemt geen '
            "getal. De norm in dit rapport is een voorbeeld; de uitkomst hangt van die keuze af.</p>"
        )
    if analysis.model.is_estimate:
        parts.append(
            '<div class="warning"><strong>Let op: afstanden zijn schattingen.</strong> Dit rapport gebruikt '
            f"{esc(model_label_nl(analysis.model.label))}: de afstand in rechte lijn maal een omwegfactor, niet de "
            "route over de weg. Afstanden kunnen per plek honderden meters tot kilometers afwijken. "
            "Laad het wegennet voor afstanden over de weg.</div>"
        )
    return "\n".join(parts)


_FIGURE_KEYS = {
    "km": (Col.MEAN_DIST_M, Col.MEDIAN_DIST_M, Col.P90_DIST_M),
    "min": (Col.MEAN_TIME_S, "median_time_s", "p90_time_s"),
}
"""Mean, median and 90th percentile of a report's figures in km (metres) or in minutes (seconds)."""


def _fmt(unit: str, value: object) -> str:
    """``"2,9 km"`` or ``"12,5 min"``; ``inf`` → onbereikbaar."""
    if unit == "min":
        return fmt_min(value, 1, infinite="onbereikbaar")
    return fmt_km(value, 1, infinite="onbereikbaar")


def _figure_items(row: pd.Series, total: pd.Series, total_label: str, unit: str) -> list[tuple[str, str]]:
    """Key figures (value, label) of one unit: the mean (with the total's), the median, the 90th percentile."""
    mean, median, p90 = _FIGURE_KEYS[unit]
    return [
        (_fmt(unit, row[mean]), f"{FIGURE_LABELS[mean]} ({total_label}: {_fmt(unit, total[mean])})"),
        (_fmt(unit, row[median]), FIGURE_LABELS[median]),
        (_fmt(unit, row[p90]), FIGURE_LABELS[p90]),
    ]


def _kpis(row: pd.Series, total: pd.Series, total_label: str, units: tuple[str, ...]) -> str:
    """The key-figure tiles: residents, within and outside the norm, then the figures in each of ``units``.

    ``row`` carries ``median_time_s`` and ``p90_time_s`` when ``units`` has ``"min"``
    (:func:`_with_time_quantiles`).
    """
    items = [
        (fmt_int(row[Col.RESIDENTS]), "inwoners"),
        (fmt_pct(row[Col.COVERED_PCT]), f"binnen de norm ({total_label}: {fmt_pct(total[Col.COVERED_PCT])})"),
        (fmt_int(row[Col.UNCOVERED]), "inwoners buiten de norm"),
    ]
    for unit in units:
        items += _figure_items(row, total, total_label, unit)
    body = "".join(
        f'<div class="kpi"><div class="value">{esc(v)}</div><div class="label">{esc(lab)}</div></div>'
        for v, lab in items
    )
    text = f'<section><h2>Kerncijfers</h2><div class="kpis">{body}</div>'
    if finite(row[Col.UNREACHABLE]) and float(row[Col.UNREACHABLE]) > 0:
        lost = esc(fmt_int(row[Col.UNREACHABLE]))
        text += f'<p class="note">{lost} inwoners kunnen geen meetellende vestiging bereiken.</p>'
    return text + "</section>"


def _with_time_quantiles(row: pd.Series, time_s: np.ndarray, weights: np.ndarray) -> pd.Series:
    """``row`` plus the municipality's resident-weighted median and 90th percentile travel time."""
    groups = np.zeros(len(time_s), np.int64)
    median, p90 = (
        float(weighted_quantiles(time_s, weights, groups, 1, q)[0]) if len(time_s) else np.nan for q in (0.5, 0.9)
    )
    return pd.concat([row, pd.Series({"median_time_s": median, "p90_time_s": p90})])


def _cell(column: str, value: object) -> str:
    """A distance (km) or travel-time (min) table cell without unit (the header says it)."""
    return min_cell(value) if column.endswith("_time_s") else km_cell(value)


def _unit_columns(units: tuple[str, ...], km: tuple[str, ...], minutes: tuple[str, ...]) -> tuple[str, ...]:
    """The distance and/or travel-time columns of a table, in the order of ``units``."""
    return tuple(c for unit in units for c in (km if unit == "km" else minutes))


def _age_section(analysis: Analysis, municipality: str, units: tuple[str, ...]) -> str:
    columns = (
        Col.AGE_LABEL, Col.RESIDENTS, Col.COVERED, Col.COVERED_PCT,
        *_unit_columns(units, (Col.MEAN_DIST_M,), (Col.MEAN_TIME_S,)),
    )  # fmt: skip
    by_age = analysis.by_age
    part = by_age.loc[by_age[Col.MUNICIPALITY].astype("string") == municipality, list(columns)]
    rows = [
        [
            label,
            fmt_int(residents),
            fmt_int(covered),
            fmt_dec(pct, 1),
            *(_cell(c, v) for c, v in zip(columns[4:], rest, strict=True)),
        ]
        for label, residents, covered, pct, *rest in part.itertuples(index=False, name=None)
    ]
    headers = column_labels(columns, km=True, minutes=True)
    numeric = tuple(range(1, len(columns)))
    return "<section><h2>Dekking per leeftijdsgroep</h2>" + table_html(headers, rows, numeric=numeric) + "</section>"


def _places_section(table: pd.DataFrame, has_places: bool, weight_label: str, units: tuple[str, ...]) -> str:
    title = "<h2>Kernen met inwoners buiten de norm</h2>"
    if table.empty:
        return f"<section>{title}<p>Alle inwoners van de gemeente wonen binnen de norm.</p></section>"
    figures = _unit_columns(units, (Col.MEAN_DIST_M, Col.MAX_DIST_M), (Col.MEAN_TIME_S, Col.MAX_TIME_S))
    rows = [
        [
            r[Col.PLACE],
            fmt_int(r[Col.RESIDENTS]),
            fmt_int(r[Col.CELLS]),
            *(_place_figure(c, r[c]) for c in figures),
            r[Col.NEAREST_NAME],
        ]
        for _, r in table.head(_TOP_PLACES).iterrows()
    ]
    headers = [
        column_label(Col.PLACE),
        f"{weight_label} buiten norm",
        *column_labels([Col.CELLS, *figures, Col.NEAREST_NAME], km=True, minutes=True),
    ]
    measured = "Reistijden: tot de snelst bereikbare" if units == ("min",) else "Afstanden: tot de dichtstbijzijnde"
    note = (
        "Elke cel buiten de norm is toegekend aan de dichtstbijzijnde kern van de eigen gemeente "
        "(OpenStreetMap-plaatspunt: stad, dorp of gehucht). "
        f"{measured} meetellende vestiging, gewogen naar inwoners."
        if has_places
        else "Geen kernenbestand meegegeven: de tabel toont cellen in plaats van kernen."
    )
    more = f" Getoond: de {_TOP_PLACES} grootste van {fmt_int(len(table))}." if len(table) > _TOP_PLACES else ""
    return (
        f"<section>{title}"
        + table_html(headers, rows, numeric=tuple(range(1, 3 + len(figures))))
        + f'<p class="note">{esc(note + more)}</p></section>'
    )


def _place_figure(column: str, value: object) -> str:
    """A village's mean (``onbereikbaar`` when nobody there reaches a branch) or largest distance / time."""
    if column in (Col.MEAN_DIST_M, Col.MEAN_TIME_S) and not finite(value):
        return "onbereikbaar"
    return _cell(column, value)


def _impact_cell(column: str, value: object) -> str:
    if column == Col.KIND:
        return "" if missing(value) else KIND_LABELS.get(str(value), str(value))
    if column in (Col.ID, Col.NAME):
        return "" if missing(value) else str(value)
    if column.endswith("_m"):
        return km_cell(value, 2)
    if column.endswith("_pct"):
        return fmt_dec(value, 1)
    return fmt_int(value)


def _impact_section(impact: pd.DataFrame, municipality: str) -> str:
    """Top branches of :func:`~spreiding.analysis.impact.closure_impact`, headers from the vocabulary."""
    require_columns(
        impact,
        [Col.ID, Col.COVERED_LOSS],
        "gevolgen van sluiting",
        "geef de tabel met gevolgen van sluiting van spreiding",
    )
    title = "<h2>Vestigingen die het zwaarst wegen</h2>"
    frame = pd.DataFrame(impact)
    scope = "alle vestigingen in de analyse"
    if Col.MUNICIPALITY in frame.columns:
        local = frame.loc[(frame[Col.MUNICIPALITY].astype("string") == municipality).fillna(False).to_numpy(bool)]
        if len(local):
            frame, scope = local, f"vestigingen in {municipality}"
    order = [c for c in (Col.COVERED_LOSS, Col.MEAN_DIST_DELTA_M) if c in frame.columns]
    frame = frame.sort_values(order, ascending=False, kind="stable").head(_TOP_IMPACT)
    columns = [c for c in IMPACT_COLUMNS if c in frame.columns]
    rows = [
        [_impact_cell(c, v) for c, v in zip(columns, r, strict=True)]
        for r in frame.loc[:, columns].itertuples(index=False, name=None)
    ]
    numeric = [i for i, c in enumerate(columns) if c not in (Col.ID, Col.NAME, Col.KIND)]
    note = f"Wat er gebeurt als één vestiging sluit ({scope}; top {_TOP_IMPACT})."
    table = table_html(column_labels(columns, km=True), rows, numeric)
    return f'<section>{title}<p class="note">{esc(note)}</p>' + table + "</section>"


def _histogram_section(image: str, unreachable: float, *, by_time: bool) -> str:
    """The distance (or, for a time-only norm, travel-time) histogram with its caption."""
    what, to = ("reistijd", "de snelst bereikbare") if by_time else ("afstand", "de dichtstbijzijnde")
    extra = f" {fmt_int(unreachable)} inwoners zijn onbereikbaar en niet getekend." if unreachable > 0 else ""
    caption = f"Inwoners naar {what} tot {to} meetellende vestiging; de stippellijn is de norm."
    return (
        f'<section class="page-break"><h2>Verdeling van de {what}</h2>'
        f'<figure><img src="{image}" alt="Histogram: inwoners naar {what} tot {to} vestiging">'
        f"<figcaption>{esc(caption + extra)}"
        "</figcaption></figure></section>"
    )


def _sources_section(analysis: Analysis, provenance: Provenance, pts: gpd.GeoDataFrame) -> str:
    notes: list[str] = []
    if "placement" in pts.columns and (pts["placement"] == "cell_centre").all() and "cell_size_m" in pts.columns:
        size = float(np.nanmax(pts["cell_size_m"].to_numpy(float))) if len(pts) else float("nan")
        notes.append(
            f"Inwoners zijn geteld op het middelpunt van hun cel van {fmt_int(size)} m; de afstand voor een "
            "afzonderlijk adres kan daardoor enkele honderden meters afwijken."
        )
    if provenance.excluded:
        notes.append("Niet meegeteld (te ver van het wegennet): " + "; ".join(provenance.excluded))
    notes.append(
        "Openingstijden, bemensing en collectie van vestigingen zijn niet vastgelegd; de norm bepaalt welke soorten "
        "vestigingen meetellen."
    )
    if not provenance.data_files:
        notes.append("Geen bronbestanden meegegeven.")
    rows = [(k, plain_value(v)) for k, v in provenance.rows()]
    table = table_html(["onderdeel", "waarde"], rows, css_class="wide")
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return f'<section><h2>Bronnen en datakwaliteit</h2>{table}<ul class="note">{items}</ul></section>'


# --------------------------------------------------------------------------- public


def municipality_report(
    analysis: Analysis,
    municipality: str,
    *,
    scenario_name: str = "basis",
    impact: pd.DataFrame | None = None,
    impact_omitted: bool = False,
    places: gpd.GeoDataFrame | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    sources: Sequence[Mapping[str, Any]] = (),
    generated: dt.date | None = None,
    provenance: Provenance | None = None,
    verdict: Verdict | None = None,
) -> str:
    """One self-contained, printable HTML duty-of-care report for a municipality.

    Parameters
    ----------
    analysis
        Result of :func:`spreiding.data.region.analyse` (any scenario).
    municipality
        Municipality name as in ``analysis.table``.
    scenario_name
        Scenario shown in the heading.
    impact
        Optional output of :func:`spreiding.analysis.impact.closure_impact`;
        the top 10 by ``covered_loss`` are shown (columns
        :data:`IMPACT_COLUMNS`, Dutch headers from
        :data:`spreiding.vocabulary.COLUMN_LABELS`), restricted to the
        municipality's branches when it has any.
    impact_omitted
        The ranking was left out on purpose (a list above the matrix size switch): the report says so.
    places
        OSM place points (layer ``kernen`` of the OSM points GeoPackage) to
        name villages with residents outside the norm.
    municipalities
        Municipal boundaries for the map.
    sources
        Source dicts (:class:`spreiding.data.sources.SourceInfo` as dict), e.g.
        ``region.sources``.
    generated
        Report date (default: today).
    provenance
        What the sources section says (default:
        :meth:`Provenance.from_analysis` with ``sources``: tool version,
        commit, data files with years and SHA-256, norm, model, placement).
    verdict
        The municipality's verdict (default: :func:`~spreiding.analysis.verdict.municipality_verdict` with the
        villages of this report and the population year of ``sources``).

    Returns
    -------
    str
        The HTML document (UTF-8 text; no external assets).

    Raises
    ------
    ConfigError
        When the municipality is not in the analysis.
    MissingColumnsError
        When ``impact`` is not a closure-impact table.
    """
    day = generated or dt.date.today()
    prov = provenance or Provenance.from_analysis(analysis, sources)
    row, total = _municipality_rows(analysis, municipality)
    in_mun = (analysis.points["municipality"].astype("string") == municipality).fillna(False).to_numpy(bool)
    pts = analysis.points.loc[in_mun]
    nearest = analysis.nearest.take(np.flatnonzero(in_mun))
    covered = analysis.covered[in_mun]
    reachable = nearest.reachable
    weight_col = analysis.norm.weight_column if analysis.norm.weight_column in pts.columns else "pop_total"
    weights = pts[weight_col].to_numpy(float)
    unc = analysis.uncovered
    unc = unc.loc[(unc["municipality"].astype("string") == municipality).fillna(False).to_numpy(bool)]
    place_table = uncovered_places(unc, places, weight_column=weight_col, facilities=analysis.counted)
    labels = None
    if places is not None and not place_table.empty:
        named = _places_rd(places)
        top = place_table["place"].head(_MAP_LABELS).tolist()
        labels = named.loc[named["name"].isin(top)]
        if len(unc):
            b = unc.total_bounds
            gx, gy = labels.geometry.x.to_numpy(), labels.geometry.y.to_numpy()
            near = (gx > b[0] - 3000) & (gx < b[2] + 3000) & (gy > b[1] - 3000) & (gy < b[3] + 3000)
            labels = labels.loc[near].drop_duplicates("name")
    boundary = municipality_boundary(municipalities, municipality)
    by_time = analysis.norm.time_only
    values = nearest.time_s if by_time else nearest.dist_m
    histogram = distance_histogram(values, weights, analysis.norm) if len(pts) else ""
    units = report_units(analysis.norm)
    if "min" in units:
        row = _with_time_quantiles(row, np.asarray(nearest.time_s, float), weights)
    map_png = map_image(analysis, pts, covered, reachable, boundary, labels) if len(pts) else ""
    weight_label = "inwoners" if weight_col == "pop_total" else f"inwoners {analysis.norm.describe().split(', ')[-1]}"
    total_label = str(total["municipality"])
    verdict = verdict or municipality_verdict(
        analysis, municipality, villages=place_table, population_year=population_year(sources)
    )
    body = [
        _heading(analysis, municipality, scenario_name, day),
        verdict_section(verdict),
        _kpis(row, total, total_label, units),
        _age_section(analysis, municipality, units),
        _places_section(place_table, places is not None, weight_label, units),
    ]
    if histogram:
        body.append(_histogram_section(histogram, float(weights[~reachable].sum()), by_time=by_time))
    if impact is not None and len(impact):
        body.append(_impact_section(impact, municipality))
    elif impact_omitted:
        body.append(
            "<section><h2>Gevolgen van sluiting per vestiging</h2><p>Niet berekend: de rangorde rekent met een "
            "afstandsmatrix en de voorzieningenlijst van deze analyse is daarvoor te groot. Beperk de lijst "
            "(bijvoorbeeld tot de bibliotheken) voor deze tabel.</p></section>"
        )
    if map_png:
        body.append(
            '<section class="page-break"><h2>Kaart</h2>'
            f'<figure><img src="{map_png}" alt="Kaart van {esc(municipality)}: cellen binnen en buiten de norm">'
            f"<figcaption>{esc(MAP_CREDIT)}</figcaption></figure></section>"
        )
    model = analysis.model
    body.append(
        method_section(
            analysis.norm, model.label, analysis.placement, sources, network_source=model.source, as_of=prov.as_of
        )
    )
    body.append(_sources_section(analysis, prov, pts))
    commit = f", commit {prov.commit[:12]}{prov.commit[40:]}" if prov.commit else ""
    footer = (
        f"Gemaakt met spreiding {prov.tool_version}{commit} op {day:%d-%m-%Y} · scenario {scenario_name} · "
        f"afstanden {model_label_nl(analysis.model.label)}"
    )
    body.append(f"<footer>{esc(footer)}</footer>")
    title = f"Zorgplichtrapport bibliotheek {municipality} ({scenario_name})"
    logger.info("built report for %s (%s, %s)", municipality, scenario_name, analysis.model.label)
    return document(title, body)


def report_filename(
    municipality: str, *, norm: Norm, scenario: str | None = "basis", date: dt.date | None = None
) -> str:
    """File name of a municipal report, e.g. ``spreiding_zorgplichtrapport_basis_car-5km_emmen_2026-11-27.html``."""
    return export_name(
        "zorgplichtrapport", scenario=scenario, norm=norm, municipality=municipality, date=date, ext="html"
    )
