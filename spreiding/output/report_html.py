"""HTML building blocks of the printable reports: A4 print CSS, escaped tables, the verdict box, the method text.

Used by :mod:`spreiding.output.report` (one municipality) and for the
province overview (:func:`overview_report`). Every string that comes from
data or users is escaped here; every header comes from
:mod:`spreiding.vocabulary`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spreiding.analysis.norm import Norm
from spreiding.analysis.verdict import OVERVIEW_COLUMNS, Verdict, meets_sentence
from spreiding.network.engine import crowfly_kmh
from spreiding.network.modes import get_mode
from spreiding.vocabulary import (
    KIND_LABELS,
    MISSING,
    Col,
    column_labels,
    fmt_dec,
    fmt_int,
    fmt_pct,
    model_label_nl,
    placement_label,
    source_description_nl,
)

__all__ = [
    "CSS",
    "document",
    "esc",
    "finite",
    "km_cell",
    "method_section",
    "min_cell",
    "missing",
    "overview_report",
    "plain_value",
    "report_units",
    "table_html",
    "verdict_section",
]

CSS = """
@page { size: A4 portrait; margin: 15mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #222; max-width: 180mm;
       margin: 0 auto; padding: 8px; font-size: 10pt; line-height: 1.4; overflow-wrap: break-word; }
h1 { font-size: 18pt; margin: 0 0 2px 0; color: #08306b; }
h2 { font-size: 13pt; color: #08306b; border-bottom: 2px solid #c6dbef; padding-bottom: 2px; margin-top: 20px; }
.subtitle { font-size: 11pt; color: #555; margin: 0 0 10px 0; }
table { border-collapse: collapse; width: 100%; max-width: 100%; margin: 6px 0 10px 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 2px 5px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #eef3f8; font-weight: bold; font-size: 9pt; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.meta th { width: 28%; }
table.meta td, table.wide td, table.lists td:last-child { overflow-wrap: anywhere; }
q.data-note { font-style: italic; quotes: "\201C" "\201D"; }
.warning { border: 2px solid #d94801; background: #fff5eb; padding: 8px 10px; margin: 10px 0; }
.verdict { border: 3px solid #08306b; padding: 8px 12px; margin: 12px 0; }
.verdict.fails { border-color: #a50f15; background: #fff5f0; }
.verdict.meets { border-color: #006d2c; background: #f7fcf5; }
.verdict .label { font-size: 16pt; font-weight: bold; }
.verdict.fails .label { color: #a50f15; }
.verdict.meets .label { color: #006d2c; }
.note { color: #555; font-size: 9pt; }
.kpis { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.kpi { flex: 1 1 30%; min-width: 0; border: 1px solid #c6dbef; background: #f7fbff; padding: 5px 7px; }
.kpi .value { font-size: 14pt; font-weight: bold; color: #08306b; }
.kpi .label { font-size: 9pt; color: #555; }
figure { margin: 8px 0; page-break-inside: avoid; }
figure img { display: block; width: 100%; max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 9pt; color: #555; }
section { page-break-inside: auto; }
footer { margin-top: 24px; font-size: 8.5pt; color: #777; border-top: 1px solid #ddd; padding-top: 4px; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .page-break { page-break-before: always; break-before: page; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .no-print { display: none; }
  .warning, .kpi, .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
"""Inline CSS of every report: A4 portrait, at most 180 mm wide, tables that wrap (no fixed pixel widths)."""

_MACHINE_MODEL = re.compile(r"\s*\[(?:network|crowfly):[^\]]*\]")


def esc(value: object) -> str:
    """HTML-escaped text (``None`` → empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def finite(value: object) -> bool:
    """Whether a value is a finite number."""
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def missing(value: object) -> bool:
    """Whether a table cell is empty (None, NA, NaN)."""
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # list-like cells
        return False


def _unit_cell(value: object, per_unit: float, digits: int) -> str:
    try:
        number = float(value) / per_unit  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return MISSING
    return fmt_dec(number, digits, infinite="onbereikbaar")


def km_cell(value_m: object, digits: int = 1) -> str:
    """Metres as a km number without unit (the header says km): ``2868.6`` → ``"2,9"``; ``inf`` → onbereikbaar."""
    return _unit_cell(value_m, 1000.0, digits)


def min_cell(value_s: object, digits: int = 1) -> str:
    """Seconds as a minutes number without unit (the header says min): ``750`` → ``"12,5"``; ``inf`` → onbereikbaar."""
    return _unit_cell(value_s, 60.0, digits)


def report_units(norm: Norm) -> tuple[str, ...]:
    """What a report's figures are in: ``("km",)`` for a distance norm, ``("min",)`` for a time-only norm,
    ``("km", "min")`` for a norm with both limits."""
    if norm.time_only:
        return ("min",)
    return ("km", "min") if norm.uses_time else ("km",)


def plain_value(text: str) -> str:
    """A provenance value for people: machine distance-model labels (``[network:car]``) left out, the loaders'
    English source descriptions in Dutch (:func:`~spreiding.vocabulary.source_description_nl`)."""
    return source_description_nl(_MACHINE_MODEL.sub("", text))


def table_html(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = (), *, css_class: str = ""
) -> str:
    """HTML table; every header and cell is escaped here.

    ``numeric`` columns are right-aligned and never wrap; ``css_class="wide"`` lets every value break anywhere
    (hashes, paths), ``"lists"`` the last column (lists of names).
    """
    nums = set(numeric)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{esc(c)}</td>' if i in nums else f"<td>{esc(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def document(title: str, body: Sequence[str]) -> str:
    """A complete, self-contained HTML document (Dutch, A4 print CSS)."""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- the verdict


def _verdict_facts(v: Verdict) -> list[tuple[str, str]]:
    rows = [
        ("Doel", f"minstens {v.target_text} van de inwoners binnen de norm"),
        (
            "Binnen de norm",
            f"{fmt_int(v.covered)} van {fmt_int(v.residents)} inwoners ({fmt_pct(100 * v.covered_share)})",
        ),
        ("Nodig voor het doel", f"{fmt_int(v.needed)} inwoners"),
        ("Tekort", f"{fmt_int(v.short)} inwoners" if v.short else "geen"),
        ("Krap", "ja, binnen 1 procentpunt van het doel" if v.close else "nee"),
        (
            "Hangt af van onzekere rijen",
            f"ja, {fmt_int(v.low_confidence_covered)} inwoners" if v.decided_by_low_confidence else "nee",
        ),
        ("Aangewezen op bibliotheek in andere gemeente", f"{fmt_int(v.residents_elsewhere)} inwoners"),
        ("Peiljaar bevolking", str(v.population_year) if v.population_year is not None else "onbekend"),
    ]
    if v.villages:
        shown = ", ".join(f"{p} ({fmt_int(n)})" for p, n in v.villages[:8])
        more = f" en {fmt_int(len(v.villages) - 8)} andere" if len(v.villages) > 8 else ""
        rows.append(("Dorpen en kernen buiten de norm (grootste eerst)", shown + more))
    return rows


def verdict_section(v: Verdict) -> str:
    """The verdict box: voldoet / voldoet niet, the figures behind it, its qualifications and list warnings."""
    state = "meets" if v.meets else "fails"
    facts = "".join(f"<tr><th>{esc(k)}</th><td>{esc(val)}</td></tr>" for k, val in _verdict_facts(v))
    flags = "".join(f"<li>{esc(f)}</li>" for f in v.flags())
    parts = [
        f'<section class="verdict {state}"><h2>Oordeel zorgplicht</h2>',
        f'<p><span class="label">{esc(v.municipality)} {esc(v.label)}</span></p>',
        f"<p>{esc(v.sentence())}</p>",
        f'<table class="meta">{facts}</table>',
    ]
    if flags:
        parts.append(f'<ul class="note">{flags}</ul>')
    parts.append(list_warnings_html(v))
    parts.append("</section>")
    return "".join(parts)


def list_warnings_html(v: Verdict) -> str:
    """Volledigheid van de lijst: rows with ``confidence=low`` that bear on these figures, with their notes."""
    if not v.low_confidence_rows:
        return ""
    items = []
    for w in v.low_confidence_rows:
        note = (
            f' <span class="note">Toelichting in de lijst (Engels): <q class="data-note" lang="en">{esc(w.notes)}</q>'
            "</span>"
            if w.notes
            else ""
        )
        items.append(f"<li>{esc(w.text())}.{note}</li>")
    return (
        '<div class="warning"><strong>Volledigheid van de voorzieningenlijst.</strong> Deze punten staan met lage '
        "betrouwbaarheid in de lijst; de cijfers hierboven tellen ze mee zoals de norm zegt."
        f"<ul>{''.join(items)}</ul></div>"
    )


# --------------------------------------------------------------------------- the method in plain words


def _source_year(sources: Sequence[Mapping[str, Any]], kind: str) -> str:
    for item in sources:
        if item.get("kind") == kind and item.get("year") is not None:
            return str(item["year"])
    return "onbekend"


def method_section(
    norm: Norm,
    model_label: str,
    placement: str,
    sources: Sequence[Mapping[str, Any]],
    *,
    network_source: str = "",
    as_of: dt.date | None = None,
) -> str:
    """How the figures were made, in plain Dutch: norm, target, distances (or travel times and the speed used),
    residents, data years, peildatum.

    ``network_source`` is the road network file (named in the text); crow-fly models say they are estimates.
    """
    lines = [
        f"Norm: {norm.describe()}. De wet (Wsob) noemt geen getal; deze norm en het doel van "
        f"{norm.target_text} zijn een keuze."
        if norm.example
        else f"Norm: {norm.describe()}.",
        f"Een gemeente voldoet als minstens {norm.target_text} van haar inwoners binnen de norm "
        "woont. Het tekort is het aantal inwoners dat daarvoor nog binnen de norm zou moeten wonen.",
        *_measure_lines(norm, model_label),
        f"Plaatsing: {placement_label(placement)}; bevolkingscijfers van {_source_year(sources, 'population')}.",
        f"Bibliotheken: de voorzieningenlijst (stand {_source_year(sources, 'facilities')}); alleen punten die "
        + (f"op de peildatum {as_of:%d-%m-%Y} open waren" if as_of else "open zijn")
        + " tellen mee. Punten met lage betrouwbaarheid worden genoemd waar ze een cijfer bepalen.",
        _network_line(model_label, network_source),
    ]
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f"<section><h2>Zo is gerekend</h2><ul>{items}</ul></section>"


def _measure_lines(norm: Norm, model_label: str) -> list[str]:
    """How distance and, with a time limit, travel time were measured (with the speed used)."""
    kinds = ", ".join(KIND_LABELS.get(k, k) for k in sorted(norm.kinds))
    road = model_label_nl(model_label)
    lines = []
    if not norm.time_only:
        lines.append(
            f"Afstand: voor elke inwoner de kortste afstand {road} tot de dichtstbijzijnde meetellende bibliotheek "
            f"({kinds}), ook als die in een andere gemeente of provincie ligt, zoals het CBS rekent."
        )
    if norm.uses_time:
        speed = f"{fmt_dec(crowfly_kmh(norm.mode), 0)} km/u" if model_label.startswith("crowfly") else None
        lines.append(
            f"Reistijd: voor elke inwoner de kortste reistijd {road} bij een snelheid van "
            f"{speed or get_mode(norm.mode).speed_nl()} tot de snelst bereikbare meetellende bibliotheek ({kinds}), "
            "ook als die in een andere gemeente of provincie ligt."
        )
    return lines


def _network_line(model_label: str, network_source: str) -> str:
    if model_label.startswith("crowfly"):
        return "Geen wegennet: afstanden zijn schattingen (hemelsbreed maal een omwegfactor), niet over de weg."
    name = Path(network_source).name if network_source else ""
    return f"Wegennet: OpenStreetMap ({name})." if name else "Wegennet: OpenStreetMap."


# --------------------------------------------------------------------------- the province overview


def _overview_cell(column: str, value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nee"
    if column == Col.COVERED_PCT:
        return fmt_dec(value, 1)
    if column in (Col.RESIDENTS, Col.SHORT, Col.RESIDENTS_ELSEWHERE):
        return fmt_int(value)
    return "" if missing(value) else str(value)


def overview_report(
    overview: pd.DataFrame,
    *,
    norm: Norm,
    model_label: str,
    placement: str,
    scenario_name: str = "basis",
    region_name: str = "",
    sources: Sequence[Mapping[str, Any]] = (),
    generated: dt.date | None = None,
    network_source: str = "",
) -> str:
    """The province overview as one printable HTML document (every municipality with its verdict).

    Parameters
    ----------
    overview
        :func:`spreiding.analysis.verdict.province_overview`.
    norm, model_label, placement
        What the figures rest on (stated in the heading and the method).
    scenario_name, region_name
        Shown in the heading.
    sources
        Loader source dicts (data years).
    generated
        Report date (default today).
    network_source
        The road network file (named in the method).
    """
    day = generated or dt.date.today()
    columns = [c for c in OVERVIEW_COLUMNS if c in overview.columns]
    rows = [
        [_overview_cell(c, v) for c, v in zip(columns, r, strict=True)]
        for r in overview[columns].itertuples(index=False)
    ]
    numeric = [
        i for i, c in enumerate(columns) if c in (Col.RESIDENTS, Col.COVERED_PCT, Col.SHORT, Col.RESIDENTS_ELSEWHERE)
    ]
    meets = int(overview[Col.MEETS].sum()) if Col.MEETS in overview else 0
    title = f"Overzicht zorgplicht bibliotheken {region_name}".strip()
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="subtitle">Norm: {esc(norm.describe())} · scenario {esc(scenario_name)} · '
        f"{esc(day.strftime('%d-%m-%Y'))}</p>",
        f"<p>{esc(meets_sentence(meets, len(overview)))} aan de norm.</p>",
        table_html(column_labels(columns), rows, numeric, css_class="lists"),
        method_section(norm, model_label, placement, sources, network_source=network_source),
        f"<footer>{esc(f'Gemaakt met spreiding op {day:%d-%m-%Y} · scenario {scenario_name}')}</footer>",
    ]
    return document(title, body)
