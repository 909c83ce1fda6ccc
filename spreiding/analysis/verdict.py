"""The duty-of-care verdict: does a municipality meet the norm's target share?

A norm (:class:`~spreiding.analysis.norm.Norm`) says how far is reasonable
and which share of the residents must live within it (``target_share``,
default 95 %). A municipality **voldoet** when its covered residents reach
``ceil(target_share x residents)``; otherwise it **voldoet niet** and is
``short`` that many residents::

    needed  = ceil(target_share * residents)
    short   = max(0, needed - covered)
    meets   = short == 0
    close   = |covered / residents - target_share| <= 1 percentage point

Covered residents and residents come from the evaluation's coverage table
(:mod:`spreiding.analysis.measures` is the one definition of "covered").
Libraries in other municipalities count, as in CBS's method: a resident's
nearest counted point may lie across a municipal or provincial border, and
the verdict says how many residents depend on such a point.

A verdict that *meets* the target is **decided by low-confidence rows** when
the covered residents whose nearest counted point has ``confidence=low`` in
the service-point list exceed the margin ``covered - needed``: without those
rows (and assuming their residents had no other point within the norm, an
upper bound) the verdict would flip. Those rows are named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spreiding.errors import ConfigError
from spreiding.vocabulary import AGE_BAND_LABELS, KIND_LABELS, STATUS_LABELS, Col, fmt_dec, fmt_int, fmt_pct

if TYPE_CHECKING:
    from spreiding.analysis.evaluation import Evaluation

__all__ = [
    "CLOSE_MARGIN",
    "OVERVIEW_COLUMNS",
    "ListWarning",
    "Verdict",
    "list_warning_lines",
    "list_warnings",
    "meets_sentence",
    "municipality_verdict",
    "population_year",
    "province_overview",
    "verdicts",
]

CLOSE_MARGIN = 0.01
"""A verdict is *close* when the covered share lies within this share (1 percentage point) of the target."""
_LOW = "low"

OVERVIEW_COLUMNS: tuple[str, ...] = (
    Col.MUNICIPALITY,
    Col.VERDICT,
    Col.RESIDENTS,
    Col.COVERED_PCT,
    Col.SHORT,
    Col.CLOSE,
    Col.LOW_CONFIDENCE,
    Col.RESIDENTS_ELSEWHERE,
    Col.UNCOVERED_PLACES,
)
"""Columns of :func:`province_overview` that people read (app page and report), in this order."""


def _pct_text(share: float) -> str:
    """A share as a Dutch percentage without a needless ``,0``: ``0.95`` → ``"95 %"``, ``0.975`` → ``"97,5 %"``."""
    return f"{fmt_dec(100.0 * share, 1).removesuffix(',0')} %"


@dataclass(frozen=True)
class ListWarning:
    """A row of the service-point list with ``confidence=low`` that bears on a municipality's figures.

    Attributes
    ----------
    id, name, kind, status
        The row.
    confirmed_year
        The list's ``status_year`` (for these rows: the year of the last confirmation), or ``None``.
    notes
        The row's notes as compiled (may be English).
    counted
        Whether the row counts under the norm (otherwise it cannot change the figures).
    covered_residents
        Residents of the municipality within the norm whose nearest counted point is this row.
    """

    id: str
    name: str
    kind: str
    status: str
    confirmed_year: int | None
    notes: str
    counted: bool
    covered_residents: float

    def text(self) -> str:
        """One Dutch line for users, e.g. ``"Servicepunt Erica (servicepunt, open): lage betrouwbaarheid ..."``."""
        kind = KIND_LABELS.get(self.kind, self.kind)
        status = STATUS_LABELS.get(self.status, self.status)
        year = f", laatst bevestigd in {self.confirmed_year}" if self.confirmed_year else ""
        effect = (
            f"; {fmt_int(self.covered_residents)} inwoners binnen de norm hebben dit punt als dichtstbijzijnde"
            if self.counted and self.covered_residents > 0
            else ("" if self.counted else "; telt niet mee onder deze norm")
        )
        return f"{self.name} ({kind}, {status}): lage betrouwbaarheid in de voorzieningenlijst{year}{effect}"


@dataclass(frozen=True)
class Verdict:
    """Whether one municipality meets the norm's target share.

    Attributes
    ----------
    municipality
        Name as in the coverage table.
    norm_text
        The norm with its target, in Dutch (``Norm.describe()``).
    target_share
        The norm's target share (0–1).
    residents, covered
        Residents (the norm's population column) and those within the norm.
    needed
        ``ceil(target_share x residents)``.
    short
        ``max(0, needed - covered)``, rounded up to whole residents.
    meets
        Whether ``short == 0``.
    covered_share
        ``covered / residents`` (``nan`` without residents).
    close
        Within :data:`CLOSE_MARGIN` of the target.
    low_confidence_covered
        Covered residents whose nearest counted point has ``confidence=low``.
    decided_by_low_confidence
        The verdict meets the target only thanks to those residents (see the module docstring).
    low_confidence_rows
        Rows with ``confidence=low`` in this municipality or nearest to its covered residents.
    residents_elsewhere
        Residents whose nearest counted point lies in another municipality.
    elsewhere
        ``(municipality, residents)`` of those points, largest first.
    villages
        ``(kern, residents outside the norm)``, largest first (from the village grouping the caller passes).
    population_year
        Reference year of the population figures (``None`` when unknown).
    residents_label
        Who the residents are: ``"inwoners"`` or, for an age-band norm, e.g. ``"inwoners van 0-14 jaar"``.
    """

    municipality: str
    norm_text: str
    target_share: float
    residents: float
    covered: float
    needed: int
    short: int
    meets: bool
    covered_share: float
    close: bool
    low_confidence_covered: float = 0.0
    decided_by_low_confidence: bool = False
    low_confidence_rows: tuple[ListWarning, ...] = ()
    residents_elsewhere: float = 0.0
    elsewhere: tuple[tuple[str, float], ...] = ()
    villages: tuple[tuple[str, float], ...] = ()
    population_year: int | None = None
    residents_label: str = "inwoners"

    @property
    def target_text(self) -> str:
        """The target share in Dutch, e.g. ``"95 %"``."""
        return _pct_text(self.target_share)

    @property
    def label(self) -> str:
        """``"voldoet"`` or ``"voldoet niet"``."""
        return "voldoet" if self.meets else "voldoet niet"

    def sentence(self) -> str:
        """The verdict in one Dutch sentence."""
        share = fmt_pct(100.0 * self.covered_share)
        target = _pct_text(self.target_share)
        text = (
            f"{self.municipality} {self.label} aan de norm: {share} van de {fmt_int(self.residents)} "
            f"{self.residents_label} woont binnen de norm, het doel is {target}"
        )
        if not self.meets:
            text += f"; er ontbreken {fmt_int(self.short)} inwoners"
        return text + "."

    def flags(self) -> list[str]:
        """Dutch notes that qualify the verdict (close, low-confidence rows, dependence, population year)."""
        notes: list[str] = []
        if self.close:
            notes.append("Krap: het aandeel binnen de norm ligt binnen 1 procentpunt van het doel.")
        if self.decided_by_low_confidence:
            names = ", ".join(w.name for w in self.low_confidence_rows if w.counted and w.covered_residents > 0)
            notes.append(
                f"Het oordeel hangt af van onzekere rijen in de voorzieningenlijst ({names}): zonder die punten "
                f"zouden tot {fmt_int(self.low_confidence_covered)} inwoners buiten de norm vallen en voldoet de "
                "gemeente niet."
            )
        if self.residents_elsewhere > 0:
            where = ", ".join(f"{m} ({fmt_int(n)})" for m, n in self.elsewhere)
            notes.append(
                f"{fmt_int(self.residents_elsewhere)} inwoners hebben hun dichtstbijzijnde bibliotheek in een andere "
                f"gemeente: {where}. Bibliotheken buiten de gemeente tellen mee, zoals in de methode van het CBS."
            )
        if self.population_year is not None:
            notes.append(f"Bevolking: peiljaar {self.population_year}.")
        return notes


def population_year(sources: Sequence[Mapping[str, Any]]) -> int | None:
    """The reference year of the population source among loader ``sources`` (``None`` when absent)."""
    for item in sources:
        if item.get("kind") == "population" and item.get("year") is not None:
            return int(item["year"])
    return None


def _facility_column(ev: Evaluation, column: str, ids: np.ndarray) -> np.ndarray:
    """A column of the evaluation's service-point list for an array of ids (missing → empty string)."""
    frame = ev.facilities
    if column not in frame.columns:
        return np.full(len(ids), "", dtype=object)
    lookup = pd.Series(frame[column].astype("string").fillna("").to_numpy(), index=frame["id"].astype(str))
    lookup = lookup[~lookup.index.duplicated()]
    return pd.Series(ids).map(lookup).fillna("").to_numpy(dtype=object)


def _nearest_ids(ev: Evaluation) -> np.ndarray:
    """Nearest counted point per resident point: by time for a time-only norm, else by distance."""
    near = ev.nearest
    ids = near.nearest_time_id if ev.norm.max_dist_m is None else near.nearest_id
    return pd.Series(ids, dtype="string").fillna("").to_numpy(dtype=object)


def _groups(ev: Evaluation) -> tuple[np.ndarray, list[str]]:
    names = ev.points[ev.by].astype("string").fillna("(onbekend)")
    codes, uniques = pd.factorize(names, sort=True)
    return codes, [str(u) for u in uniques]


def _weights(ev: Evaluation) -> np.ndarray:
    column = ev.norm.weight_column if ev.norm.weight_column in ev.points else "pop_total"
    return ev.points[column].to_numpy(float)


def _counts(ev: Evaluation) -> dict[str, Any]:
    """Per-point facts the verdicts sum by municipality (vectorised, one pass)."""
    codes, names = _groups(ev)
    ids = _nearest_ids(ev)
    home_column = "municipality" if "municipality" in ev.points else ev.by
    home = ev.points[home_column].astype("string").fillna("").to_numpy(dtype=object)
    where = _facility_column(ev, "municipality", ids)
    low = _facility_column(ev, "confidence", ids) == _LOW
    weight = _weights(ev)
    return {
        "codes": codes,
        "names": names,
        "ids": ids,
        "weight": weight,
        "low_covered": np.where(ev.covered & low, weight, 0.0),
        "elsewhere": (ids != "") & (where != "") & (where != home),
        "where": where,
        "low_rows": _low_rows(ev),
    }


def _low_rows(ev: Evaluation) -> list[tuple[ListWarning, str]]:
    """The list's low-confidence rows (with 0 covered residents) and their municipality, built once per evaluation."""
    frame = ev.facilities
    if "confidence" not in frame.columns:
        return []
    low = (frame["confidence"].astype("string") == _LOW).fillna(False).to_numpy(bool)
    rows = frame.loc[low]
    counted = set(ev.counted["id"].astype(str))

    def text(column: str) -> list[str]:
        values = rows[column] if column in rows else pd.Series([None] * len(rows), index=rows.index)
        return ["" if pd.isna(v) else str(v) for v in values]

    out = []
    for ident, name, kind, status, year_text, notes, where in zip(  # a handful of list rows, not cells
        *(text(c) for c in ("id", "name", "kind", "status", "status_year", "notes", "municipality")), strict=True
    ):
        year = re.search(r"(19|20)\d\d", year_text)
        warning = ListWarning(
            id=ident,
            name=name,
            kind=kind,
            status=status,
            confirmed_year=int(year.group(0)) if year else None,
            notes=notes,
            counted=ident in counted,
            covered_residents=0.0,
        )
        out.append((warning, where))
    return out


def _warnings(
    low_rows: list[tuple[ListWarning, str]], municipality: str, ids: np.ndarray, low_covered: np.ndarray
) -> tuple[ListWarning, ...]:
    """Low-confidence rows located in the municipality or nearest to its covered residents."""
    sel = low_covered > 0
    found, inverse = np.unique(ids[sel].astype(str), return_inverse=True)
    per_id = dict(zip(found.tolist(), np.bincount(inverse, weights=low_covered[sel]).tolist(), strict=True))
    out = [
        replace(w, covered_residents=per_id.get(w.id, 0.0))
        for w, where in low_rows
        if where == municipality or per_id.get(w.id, 0.0) > 0
    ]
    return tuple(sorted(out, key=lambda w: (-w.covered_residents, w.name)))


def _elsewhere(counts: dict[str, Any], mask: np.ndarray) -> tuple[float, tuple[tuple[str, float], ...]]:
    sel = mask & counts["elsewhere"]
    per = pd.Series(counts["weight"][sel]).groupby(pd.Series(counts["where"][sel])).sum()
    per = per[per > 0].sort_values(ascending=False, kind="stable")
    return float(per.sum()), tuple((str(k), float(v)) for k, v in per.items())


def _village_pairs(villages: pd.DataFrame | None) -> tuple[tuple[str, float], ...]:
    if villages is None or villages.empty:
        return ()
    frame = villages.sort_values(Col.RESIDENTS, ascending=False, kind="stable")
    pairs = zip(frame[Col.PLACE], frame[Col.RESIDENTS], strict=True)
    return tuple((str(p), float(n)) for p, n in pairs if round(n) >= 1)  # never "Schieven (0)"


def _table_row(ev: Evaluation, municipality: str) -> pd.Series:
    table = ev.table
    names = table[Col.MUNICIPALITY].astype("string")
    known = [str(m) for m in names.iloc[:-1]]
    if municipality not in known:
        msg = f"gemeente {municipality!r} staat niet in deze uitkomst; kies uit: {', '.join(known)}"
        raise ConfigError(msg)
    return table.loc[(names == municipality).fillna(False).to_numpy(bool)].iloc[0]


def _verdict(
    ev: Evaluation,
    municipality: str,
    counts: dict[str, Any],
    villages: pd.DataFrame | None,
    year: int | None,
) -> Verdict:
    row = _table_row(ev, municipality)
    residents, covered = float(row[Col.RESIDENTS]), float(row[Col.COVERED])
    target = ev.norm.target_share
    needed = math.ceil(target * residents - 1e-9)
    short = max(0, math.ceil(needed - covered - 1e-6))
    share = covered / residents if residents > 0 else float("nan")
    close = bool(residents > 0 and abs(share - target) <= CLOSE_MARGIN + 1e-12)
    mask = counts["codes"] == counts["names"].index(municipality) if municipality in counts["names"] else None
    if mask is None:
        mask = np.zeros(len(counts["codes"]), bool)
    low_covered = float(counts["low_covered"][mask].sum())
    meets = short == 0
    elsewhere_n, elsewhere = _elsewhere(counts, mask)
    return Verdict(
        municipality=municipality,
        norm_text=ev.norm.describe(),
        target_share=target,
        residents=residents,
        covered=covered,
        needed=needed,
        short=short,
        meets=meets,
        covered_share=share,
        close=close,
        low_confidence_covered=low_covered,
        decided_by_low_confidence=bool(meets and low_covered > covered - needed + 1e-9),
        low_confidence_rows=_warnings(
            counts["low_rows"], municipality, counts["ids"][mask], counts["low_covered"][mask]
        ),
        residents_elsewhere=elsewhere_n,
        elsewhere=elsewhere,
        villages=_village_pairs(villages),
        population_year=year,
        residents_label=f"inwoners van {AGE_BAND_LABELS[ev.norm.age_band]}" if ev.norm.age_band else "inwoners",
    )


def _year(ev: Evaluation, year: int | None) -> int | None:
    if year is not None:
        return year
    source = ev.points.attrs.get("source") if hasattr(ev.points, "attrs") else None
    return population_year([source]) if isinstance(source, Mapping) else None


def municipality_verdict(
    ev: Evaluation,
    municipality: str,
    *,
    villages: pd.DataFrame | None = None,
    population_year: int | None = None,
) -> Verdict:
    """The verdict of one municipality.

    Parameters
    ----------
    ev
        An evaluation (any scenario) grouped by municipality.
    municipality
        Name as in ``ev.table``.
    villages
        The municipality's kernen with residents outside the norm, with ``place`` and ``residents``
        columns (:func:`spreiding.output.report.uncovered_places` or ``Workspace.villages``); optional.
    population_year
        Reference year of the population (default: the points' ``attrs["source"]`` year, when present).

    Raises
    ------
    ConfigError
        The municipality is not in the evaluation.
    """
    return _verdict(ev, municipality, _counts(ev), villages, _year(ev, population_year))


def verdicts(
    ev: Evaluation,
    *,
    villages: Mapping[str, pd.DataFrame] | None = None,
    population_year: int | None = None,
) -> dict[str, Verdict]:
    """The verdict of every municipality of the evaluation (table order; the total row is left out)."""
    counts = _counts(ev)
    year = _year(ev, population_year)
    names = [str(m) for m in ev.table[Col.MUNICIPALITY].iloc[:-1]]
    return {m: _verdict(ev, m, counts, (villages or {}).get(m), year) for m in names}


def province_overview(
    ev: Evaluation,
    *,
    villages: Mapping[str, pd.DataFrame] | None = None,
    population_year: int | None = None,
) -> pd.DataFrame:
    """Every municipality with its verdict, one row each (machine columns; Dutch headers via the vocabulary).

    Columns: ``municipality``, ``verdict`` (voldoet / voldoet niet), ``meets``, ``residents``, ``covered``,
    ``covered_pct``, ``target_pct``, ``needed``, ``short``, ``close``, ``low_confidence_covered``,
    ``decided_by_low_confidence``, ``residents_elsewhere``, ``uncovered_places`` (the five largest kernen
    with residents outside the norm, when ``villages`` is given), ``population_year``, ``norm``.
    """
    rows = []
    for v in verdicts(ev, villages=villages, population_year=population_year).values():
        rows.append(
            {
                Col.MUNICIPALITY: v.municipality,
                Col.VERDICT: v.label,
                Col.MEETS: v.meets,
                Col.RESIDENTS: v.residents,
                Col.COVERED: v.covered,
                Col.COVERED_PCT: 100.0 * v.covered_share,
                Col.TARGET_PCT: 100.0 * v.target_share,
                Col.NEEDED: v.needed,
                Col.SHORT: v.short,
                Col.CLOSE: v.close,
                Col.LOW_CONFIDENCE_COVERED: v.low_confidence_covered,
                Col.LOW_CONFIDENCE: v.decided_by_low_confidence,
                Col.RESIDENTS_ELSEWHERE: v.residents_elsewhere,
                Col.UNCOVERED_PLACES: ", ".join(p for p, _ in v.villages[:5]),
                Col.POPULATION_YEAR: v.population_year,
                Col.NORM: v.norm_text,
            }
        )
    return pd.DataFrame(rows)


def list_warnings(ev: Evaluation, municipality: str) -> tuple[ListWarning, ...]:
    """Rows with ``confidence=low`` that bear on a municipality (its own rows and rows nearest to its residents)."""
    return municipality_verdict(ev, municipality).low_confidence_rows


def list_warning_lines(ev: Evaluation) -> list[str]:
    """Per municipality, the low-confidence rows that decide some of its figures, as Dutch lines.

    Only rows that count under the norm and are the nearest point of residents within it: those are the
    figures that would change if the row is wrong (e.g. a service point last confirmed years ago).
    """
    lines = []
    for municipality, verdict in verdicts(ev).items():
        lines += [
            f"{municipality}: {w.text()}" for w in verdict.low_confidence_rows if w.counted and w.covered_residents > 0
        ]
    return lines


def meets_sentence(meets: int, total: int) -> str:
    """How many municipalities meet the norm, in Dutch with the verb in agreement.

    >>> meets_sentence(1, 12), meets_sentence(3, 12), meets_sentence(0, 12)
    ('1 van de 12 gemeenten voldoet', '3 van de 12 gemeenten voldoen', 'geen van de 12 gemeenten voldoet')
    """
    if meets == 0:
        return f"geen van de {fmt_int(total)} gemeenten voldoet"
    verb = "voldoet" if meets == 1 else "voldoen"
    return f"{fmt_int(meets)} van de {fmt_int(total)} gemeenten {verb}"
