"""Every word and number a person reads, in Dutch, defined once.

A *leaf* module: it imports nothing from ``spreiding`` at import time (only
the standard library), so :mod:`spreiding.data`, :mod:`spreiding.analysis` and
:mod:`spreiding.output` can all import it without cycles.

It holds

* credits (:data:`OSM_CREDIT`, :data:`DATA_CREDIT`);
* Dutch labels for service-point kinds and statuses, travel modes, age bands,
  placements, source kinds and data-quality counts, and
  :func:`model_label_nl` for the machine distance-model label;
* :class:`Col`, the machine column names that one module produces and another
  renders (a rename fails at import time, not in a council report), and
  :data:`COLUMN_LABELS`, machine name → Dutch header, covering every one;
* :func:`shown_unit`, the one rule for how tables for people show a column's
  numbers (distances in km, times in minutes, percentages, whole residents);
* Dutch number formatting (:func:`fmt_int`, :func:`fmt_dec`, :func:`fmt_km`,
  :func:`fmt_min`, :func:`fmt_pct`) and the parser :func:`parse_number_nl`;
* :data:`FIGURE_LABELS` and :data:`HEADLINE_LABELS`, the names of the key
  figures (mean, median, 90th percentile of distance or travel time).
"""

from __future__ import annotations

import re
from typing import Final

from spreiding._numbers import MISSING, fmt_dec, fmt_int, fmt_km, fmt_min, fmt_pct, parse_number_nl

__all__ = [
    "AGE_BAND_LABELS",
    "CELL_CHANGE_LABELS",
    "COLUMN_LABELS",
    "CONFIDENCE_LABELS",
    "COVERAGE_STATE_LABELS",
    "DATA_CREDIT",
    "FIGURE_LABELS",
    "HEADLINE_LABELS",
    "KIND_LABELS",
    "MISSING",
    "MODE_LABELS",
    "OSM_CREDIT",
    "PLACEMENT_LABELS",
    "SHOWN_DIGITS",
    "SOURCE_KIND_LABELS",
    "STATUS_LABELS",
    "TIME_CELL_CHANGE_LABELS",
    "Col",
    "column_label",
    "column_labels",
    "fmt_dec",
    "fmt_int",
    "fmt_km",
    "fmt_min",
    "fmt_pct",
    "model_label_nl",
    "parse_number_nl",
    "placement_label",
    "precision_label",
    "quality_label",
    "shown_unit",
    "source_description_nl",
]

# --------------------------------------------------------------------------- credits

OSM_CREDIT: Final[str] = "© OpenStreetMap contributors (ODbL)"
"""Credit that must accompany anything derived from OpenStreetMap (maps, tables, reports)."""
DATA_CREDIT: Final[str] = "Bevolking: CBS/Eurostat bevolkingsgrid (Census 2021)"
"""Credit for the population grid."""

# --------------------------------------------------------------------------- labels

KIND_LABELS: Final[dict[str, str]] = {
    "vestiging": "vestiging",
    "kleine_vestiging": "kleine vestiging",
    "servicepunt": "servicepunt",
    "mfa": "MFA (nieuw)",
}
"""Service-point kind → Dutch label."""
STATUS_LABELS: Final[dict[str, str]] = {
    "open": "open",
    "closed": "gesloten",
    "planned": "gepland",
    "cancelled": "geschrapt",
    "new": "nieuw (scenario)",
}
"""Service-point status → Dutch label."""
MODE_LABELS: Final[dict[str, str]] = {"car": "auto", "bike": "fiets", "walk": "lopen"}
"""Travel mode → Dutch label."""
AGE_BAND_LABELS: Final[dict[str, str]] = {
    "pop_total": "alle inwoners",
    "pop_0_14": "0-14 jaar",
    "pop_15_24": "15-24 jaar",
    "pop_25_44": "25-44 jaar",
    "pop_45_64": "45-64 jaar",
    "pop_65plus": "65 jaar en ouder",
}
"""Population column (age band) → Dutch label."""
COVERAGE_STATE_LABELS: Final[dict[str, str]] = {
    "covered": "binnen de norm",
    "uncovered": "buiten de norm",
    "unreachable": "onbereikbaar",
}
"""State of a resident's point on maps and in legends (in this order)."""
PLACEMENT_LABELS: Final[dict[str, str]] = {
    "cell_centre": "inwoners op het middelpunt van hun cel",
    "street_nodes": "inwoners verdeeld over woonstraten",
    "pc4_point": "inwoners op een punt per postcodegebied",
}
"""Where residents are placed → Dutch description."""
CONFIDENCE_LABELS: Final[dict[str, str]] = {"high": "hoog", "medium": "middel", "low": "laag"}
"""How sure a row of the service-point list is (``confidence``) → Dutch label."""
_PRECISION_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^OSM library point (\d{4})(.*)$"), r"bibliotheekpunt in OpenStreetMap \1\2"),
    (re.compile(r"^village or town centre \(OSM place point (\d{4})\)$"), r"dorps- of stadscentrum (plaatspunt \1)"),
)


def precision_label(text: object) -> str:
    """The list's ``location_precision`` in Dutch (known phrasings; other text as written).

    >>> precision_label("village or town centre (OSM place point 2021)")
    'dorps- of stadscentrum (plaatspunt 2021)'
    >>> precision_label("OSM library point 2021 ('Bibliotheek Rolde')")
    "bibliotheekpunt in OpenStreetMap 2021 ('Bibliotheek Rolde')"
    """
    value = "" if text is None else str(text)
    for pattern, replacement in _PRECISION_PATTERNS:
        if pattern.match(value):
            return pattern.sub(replacement, value)
    return value


SOURCE_KIND_LABELS: Final[dict[str, str]] = {
    "population": "bevolking",
    "facilities": "bibliotheekvestigingen",
    "network": "wegennet",
    "boundaries": "gemeentegrenzen",
    "candidates": "kandidaatlocaties",
}
"""Kind of loaded input (``SourceInfo.kind``) → Dutch label."""
_QUALITY_LABELS: Final[dict[str, str]] = {
    "secret_cells": "geheime cellen",
    "secret_codes": "geheimgehouden waarden",
    "missing_codes": "ontbrekende waarden",
    "imputed_residents": "bijgeschatte inwoners",
    "imputed_band_residents": "bijgeschatte inwoners per leeftijdsgroep",
    "empty_cells_dropped": "weggelaten lege cellen",
    "ci_flagged_values": "gemarkeerde waarden (vertrouwelijkheid)",
    "cells_outside_pc4": "cellen buiten de postcodegebieden",
    "age_band_gap_residents": "verschil leeftijdsgroepen en totaal (inwoners)",
    "cells_without_municipality": "cellen zonder gemeente",
    "cells_at_centre": "cellen op het middelpunt",
    "cells_on_streets": "cellen verdeeld over straten",
    "street_points": "straatpunten",
    "location_on_place_point": "locatie op plaatspunt (niet op adres)",
    "areas": "gebieden",
    "graph_nodes": "knooppunten",
    "ways": "wegen",
    "missing_node_refs": "ontbrekende knooppuntverwijzingen",
    "total_length_km": "totale lengte (km)",
    "unnamed": "zonder naam",
    "street_points_outside": "straatknopen buiten de gemeenten (niet meegeteld)",
    "residents_outside": "inwoners op straatknopen buiten de gemeenten (niet meegeteld)",
    "ring_residents_share_weighted": "inwoners van randcellen naar aandeel binnen de regio",
    "border_cells": "randcellen",
    "border_residents": "inwoners van randcellen (hele cel)",
    "border_residents_share_weighted": "inwoners van randcellen naar aandeel binnen de regio",
    "border_cells_duplicate": "randcellen die al in het grid staan (weggelaten)",
}
_QUALITY_PREFIXES: Final[tuple[tuple[str, str, dict[str, str]], ...]] = (
    ("status_", "status", STATUS_LABELS),
    ("kind_", "soort", KIND_LABELS),
    ("source_", "bron", {}),
)


def quality_label(key: str) -> str:
    """Dutch text for a data-quality key (``status_open`` → ``"status open"``, ``secret_cells`` → ...).

    Unknown keys come back with their underscores as spaces.
    """
    if key in _QUALITY_LABELS:
        return _QUALITY_LABELS[key]
    for prefix, word, labels in _QUALITY_PREFIXES:
        if key.startswith(prefix):
            rest = key.removeprefix(prefix)
            return f"{word} {labels.get(rest, rest.replace('_', ' '))}"
    return key.replace("_", " ")


def placement_label(placement: str) -> str:
    """Dutch description of a placement; comma-joined placements are described one by one.

    Residents on street nodes with some cells on their centre (cells without a
    street node) read as one placement with that fallback.

    >>> placement_label("cell_centre,street_nodes")
    'inwoners verdeeld over woonstraten (cellen zonder straatknoop: op hun middelpunt)'
    """
    parts = [p.strip() for p in str(placement).split(",") if p.strip()]
    if set(parts) == {"cell_centre", "street_nodes"}:
        return f"{PLACEMENT_LABELS['street_nodes']} (cellen zonder straatknoop: op hun middelpunt)"
    return "; ".join(PLACEMENT_LABELS.get(p, p) for p in parts) or "onbekend"


_MODEL = re.compile(r"(?P<kind>network|crowfly):(?P<mode>[a-z]+)(?::x(?P<factor>[0-9.]+))?")


#: English source descriptions the loaders write → Dutch, for reports (pattern, replacement; first match wins).
_SOURCE_DESCRIPTIONS_NL: Final[tuple[tuple[str, str], ...]] = (
    (
        r"Eurostat Census 2021 1 km population grid \(CBS figures\), residents at cell centres",
        "Eurostat Census 2021, bevolkingsgrid van 1 km (cijfers van het CBS), inwoners op het middelpunt van hun cel",
    ),
    (
        r"CBS vierkantstatistieken (\S+) m, residents at square centres",
        r"CBS-vierkantstatistieken \1 m, inwoners op het middelpunt van hun vierkant",
    ),
    (
        r"CBS population by four-digit postcode with age bands \(rounded to 5\)",
        "CBS-bevolking per viercijferige postcode met leeftijdsgroepen (afgerond op 5)",
    ),
    (
        r"CBS PC4 areas as population points \(one per postcode\)",
        "CBS-postcodegebieden (PC4) als bevolkingspunten (één per postcode)",
    ),
    (r"CBS boundaries, layer (.+)", r"CBS-grenzen, laag \1"),
    (r"library branches and service points \((.*)\)", r"bibliotheekvestigingen en servicepunten (\1)"),
    (
        r"OSM place points and buildings that could host a library \((\d{4})\)",
        r"OSM-plaatspunten en gebouwen die een bibliotheek kunnen huisvesten (\1)",
    ),
    (r"OSM place points and buildings from a PBF extract", "OSM-plaatspunten en gebouwen uit een PBF-uittreksel"),
    (r"candidate sites given by the user", "kandidaatlocaties van de gebruiker"),
    (
        r"unchecked OpenStreetMap library points \(no compiled list\)",
        "ongecontroleerde OpenStreetMap-bibliotheekpunten (geen samengestelde lijst)",
    ),
)


def source_description_nl(text: str) -> str:
    """A loader's source description in Dutch (known English descriptions translated; others unchanged).

    Examples
    --------
    >>> source_description_nl("CBS boundaries, layer gemeenten")
    'CBS-grenzen, laag gemeenten'
    """
    for pattern, replacement in _SOURCE_DESCRIPTIONS_NL:
        dutch, n = re.subn(pattern, replacement, text)
        if n:
            return dutch
    return text


def model_label_nl(label: str) -> str:
    """Dutch words for a machine distance-model label.

    ``"network:car"`` → ``"over de weg (auto)"``; ``"crowfly:car:x1.3"`` →
    ``"hemelsbreed x 1,3 (auto; schatting zonder wegennet)"``. Labels that do
    not follow that pattern come back as ``"onbekend afstandsmodel (<label>)"``.
    """
    match = _MODEL.fullmatch(str(label).strip())
    if match is None:
        return f"onbekend afstandsmodel ({label})"
    mode = MODE_LABELS.get(match["mode"], match["mode"])
    if match["kind"] == "network":
        return f"over de weg ({mode})"
    factor = match["factor"]
    text = fmt_dec(float(factor), _decimals(factor)) if factor else "?"
    return f"hemelsbreed x {text} ({mode}; schatting zonder wegennet)"


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


# --------------------------------------------------------------------------- columns


class Col:
    """Machine column names shared between producers and renderers.

    Plain ``Final[str]`` class attributes; import them instead of writing the
    string, so that a rename breaks at import time.
    """

    # coverage table (spreiding.analysis.coverage.COVERAGE_COLUMNS)
    MUNICIPALITY: Final = "municipality"
    RESIDENTS: Final = "residents"
    COVERED: Final = "covered"
    COVERED_PCT: Final = "covered_pct"
    UNCOVERED: Final = "uncovered"
    UNREACHABLE: Final = "unreachable"
    MEAN_DIST_M: Final = "mean_dist_m"
    MEDIAN_DIST_M: Final = "median_dist_m"
    P90_DIST_M: Final = "p90_dist_m"
    MEAN_TIME_S: Final = "mean_time_s"
    DISTANCE_MODEL: Final = "distance_model"
    PLACEMENT: Final = "placement"
    NORM: Final = "norm"
    # age-band tables
    AGE_BAND: Final = "age_band"
    AGE_LABEL: Final = "age_label"
    # scenario diff (evaluate) and comparison (compare_results)
    COVERED_BASE: Final = "covered_base"
    COVERED_DELTA: Final = "covered_delta"
    COVERED_A: Final = "covered_a"
    COVERED_B: Final = "covered_b"
    COVERED_PCT_BASE: Final = "covered_pct_base"
    COVERED_PCT_DELTA: Final = "covered_pct_delta"
    COVERED_PCT_A: Final = "covered_pct_a"
    COVERED_PCT_B: Final = "covered_pct_b"
    UNREACHABLE_BASE: Final = "unreachable_base"
    UNREACHABLE_DELTA: Final = "unreachable_delta"
    UNREACHABLE_A: Final = "unreachable_a"
    UNREACHABLE_B: Final = "unreachable_b"
    MEAN_DIST_M_BASE: Final = "mean_dist_m_base"
    MEAN_DIST_M_DELTA: Final = "mean_dist_m_delta"
    MEAN_DIST_M_A: Final = "mean_dist_m_a"
    MEAN_DIST_M_B: Final = "mean_dist_m_b"
    MEAN_TIME_S_BASE: Final = "mean_time_s_base"
    MEAN_TIME_S_DELTA: Final = "mean_time_s_delta"
    MEAN_TIME_S_A: Final = "mean_time_s_a"
    MEAN_TIME_S_B: Final = "mean_time_s_b"
    LOSE_COVERAGE: Final = "lose_coverage"
    GAIN_COVERAGE: Final = "gain_coverage"
    # distance-change histogram
    BIN: Final = "bin"
    BIN_LABEL: Final = "label"
    # service points and closure / opening impact
    ID: Final = "id"
    NAME: Final = "name"
    KIND: Final = "kind"
    STATUS: Final = "status"
    PLACE: Final = "place"
    HOST_BUILDING: Final = "host_building"
    RESIDENTS_NEAREST: Final = "residents_nearest"
    COVERED_LOSS: Final = "covered_loss"
    COVERED_LOSS_PCT: Final = "covered_loss_pct"
    NEWLY_UNREACHABLE: Final = "newly_unreachable"
    MEAN_DIST_BEFORE_M: Final = "mean_dist_before_m"
    MEAN_DIST_AFTER_M: Final = "mean_dist_after_m"
    MEAN_DIST_DELTA_M: Final = "mean_dist_delta_m"
    COVERED_GAIN: Final = "covered_gain"
    COVERED_GAIN_PCT: Final = "covered_gain_pct"
    NEWLY_REACHABLE: Final = "newly_reachable"
    # uncovered cells (population columns + distances)
    CELL_ID: Final = "cell_id"
    POP_TOTAL: Final = "pop_total"
    POP_0_14: Final = "pop_0_14"
    POP_15_24: Final = "pop_15_24"
    POP_25_44: Final = "pop_25_44"
    POP_45_64: Final = "pop_45_64"
    POP_65PLUS: Final = "pop_65plus"
    CELL_SIZE_M: Final = "cell_size_m"
    IMPUTED: Final = "imputed"
    DIST_M: Final = "dist_m"
    TIME_S: Final = "time_s"
    NEAREST_ID: Final = "nearest_id"
    NEAREST_TIME_ID: Final = "nearest_time_id"
    REACHABLE: Final = "reachable"
    X_RD: Final = "x_rd"
    Y_RD: Final = "y_rd"
    # site suggestions (spreiding.siting.advice.SiteAdvice.sites)
    RANK: Final = "rank"
    SOURCE: Final = "source"
    GAIN_COVERED: Final = "gain_covered"
    CUMULATIVE_COVERED: Final = "cumulative_covered"
    # villages with residents outside the norm (spreiding.output.report.uncovered_places)
    CELLS: Final = "cells"
    MAX_DIST_M: Final = "max_dist_m"
    MAX_TIME_S: Final = "max_time_s"
    NEAREST_NAME: Final = "nearest_name"
    # duty-of-care verdict (spreiding.analysis.verdict.province_overview)
    VERDICT: Final = "verdict"
    MEETS: Final = "meets"
    TARGET_PCT: Final = "target_pct"
    NEEDED: Final = "needed"
    SHORT: Final = "short"
    CLOSE: Final = "close"
    LOW_CONFIDENCE: Final = "decided_by_low_confidence"
    LOW_CONFIDENCE_COVERED: Final = "low_confidence_covered"
    RESIDENTS_ELSEWHERE: Final = "residents_elsewhere"
    UNCOVERED_PLACES: Final = "uncovered_places"
    POPULATION_YEAR: Final = "population_year"
    # coverage by kern, wijk or buurt (spreiding.analysis.groups)
    CODE: Final = "code"
    KERN: Final = "kern"
    KERN_NAME: Final = "kern_name"
    # residents on street nodes and border cells (spreiding.analysis.placement, spreiding.data.border)
    SHARE_INSIDE: Final = "share_inside"
    NODE_POS: Final = "node_pos"
    POINT_ID: Final = "point_id"
    # comparison with CBS (spreiding.analysis.cbs_compare)
    LEVEL: Final = "level"
    CBS_DIST_M: Final = "cbs_dist_m"
    CBS_DIFF_M: Final = "cbs_diff_m"
    CBS_DIFF_PCT: Final = "cbs_diff_pct"
    # dates on service points and the timeline (spreiding.data.dates, spreiding.analysis.timeline)
    OPEN_FROM: Final = "open_from"
    OPEN_UNTIL: Final = "open_until"
    DATE_EVIDENCE: Final = "date_evidence"
    CONFIDENCE: Final = "confidence"
    LISTED_STATUS: Final = "listed_status"
    DATE_UNCERTAIN: Final = "date_uncertain"
    DATE: Final = "date"
    PERIOD: Final = "period"
    UNCERTAIN: Final = "uncertain"
    UNCERTAIN_ROWS: Final = "uncertain_rows"
    OPEN_POINTS: Final = "open_points"
    CHANGES: Final = "changes"
    EVENT: Final = "event"
    WHEN: Final = "when"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every column name defined here."""
        return tuple(v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))


#: (stem, unit) of the columns that the scenario diff and comparison repeat with suffixes.
_DIFF_STEMS: Final[dict[str, tuple[str, str]]] = {
    Col.COVERED: ("binnen norm", ""),
    Col.COVERED_PCT: ("binnen norm", "%"),
    Col.UNREACHABLE: ("onbereikbaar", ""),
    Col.MEAN_DIST_M: ("gemiddelde afstand", "m"),
    Col.MEAN_TIME_S: ("gemiddelde reistijd", "s"),
}
_DIFF_SUFFIXES: Final[dict[str, str]] = {"base": "basis", "delta": "verschil", "a": "A", "b": "B"}


def _with_unit(stem: str, unit: str) -> str:
    return f"{stem} ({unit})" if unit else stem


_PLAIN_LABELS: Final[dict[str, str]] = {
    Col.MUNICIPALITY: "gemeente",
    Col.RESIDENTS: "inwoners",
    Col.UNCOVERED: "buiten norm",
    Col.MEDIAN_DIST_M: "mediaan afstand (m)",
    Col.P90_DIST_M: "afstand waarbinnen 90 % woont (m)",
    Col.DISTANCE_MODEL: "afstandsmodel",
    Col.PLACEMENT: "plaatsing inwoners",
    Col.NORM: "norm",
    Col.AGE_BAND: "leeftijdsgroep (code)",
    Col.AGE_LABEL: "leeftijdsgroep",
    Col.LOSE_COVERAGE: "inwoners die de norm verliezen",
    Col.GAIN_COVERAGE: "inwoners die de norm winnen",
    Col.BIN: "klasse (code)",
    Col.BIN_LABEL: "verandering van de afstand",
    Col.ID: "id",
    Col.NAME: "naam",
    Col.KIND: "soort",
    Col.STATUS: "status",
    Col.PLACE: "plaats",
    Col.HOST_BUILDING: "gebouw",
    Col.RESIDENTS_NEAREST: "inwoners met deze vestiging als dichtstbijzijnde",
    Col.COVERED_LOSS: "verlies binnen norm (inwoners)",
    Col.COVERED_LOSS_PCT: "verlies binnen norm (%)",
    Col.NEWLY_UNREACHABLE: "nieuw onbereikbaar (inwoners)",
    Col.MEAN_DIST_BEFORE_M: "gemiddelde afstand vooraf (m)",
    Col.MEAN_DIST_AFTER_M: "gemiddelde afstand daarna (m)",
    Col.MEAN_DIST_DELTA_M: "verandering gemiddelde afstand (m)",
    Col.COVERED_GAIN: "winst binnen norm (inwoners)",
    Col.COVERED_GAIN_PCT: "winst binnen norm (%)",
    Col.NEWLY_REACHABLE: "nieuw bereikbaar (inwoners)",
    Col.CELL_ID: "cel",
    Col.POP_TOTAL: "inwoners totaal",
    Col.CELL_SIZE_M: "celgrootte (m)",
    Col.IMPUTED: "bijgeschat",
    Col.DIST_M: "afstand (m)",
    Col.TIME_S: "reistijd (s)",
    Col.NEAREST_ID: "dichtstbijzijnde vestiging (id)",
    Col.NEAREST_TIME_ID: "snelst bereikbare vestiging (id)",
    Col.REACHABLE: "bereikbaar",
    Col.X_RD: "x (RD, m)",
    Col.Y_RD: "y (RD, m)",
    Col.RANK: "volgorde",
    Col.SOURCE: "bron",
    Col.GAIN_COVERED: "extra binnen norm (inwoners)",
    Col.CUMULATIVE_COVERED: "binnen norm na deze locatie (inwoners)",
    Col.CELLS: "cellen",
    Col.MAX_DIST_M: "grootste afstand (m)",
    Col.MAX_TIME_S: "grootste reistijd (s)",
    Col.NEAREST_NAME: "dichtstbijzijnde vestiging",
    Col.VERDICT: "oordeel",
    Col.MEETS: "voldoet",
    Col.TARGET_PCT: "doel (%)",
    Col.NEEDED: "nodig binnen norm (inwoners)",
    Col.SHORT: "tekort (inwoners)",
    Col.CLOSE: "krap (< 1 punt van doel)",
    Col.LOW_CONFIDENCE: "hangt af van onzekere rij",
    Col.LOW_CONFIDENCE_COVERED: "binnen norm dankzij onzekere rij (inwoners)",
    Col.RESIDENTS_ELSEWHERE: "aangewezen op andere gemeente (inwoners)",
    Col.UNCOVERED_PLACES: "kernen met inwoners buiten de norm",
    Col.POPULATION_YEAR: "jaar bevolking",
    Col.CODE: "code",
    Col.KERN: "kern (id)",
    Col.KERN_NAME: "kern",
    Col.SHARE_INSIDE: "aandeel binnen de regio",
    Col.NODE_POS: "straatknoop (nr.)",
    Col.POINT_ID: "inwonerpunt (id)",
    Col.LEVEL: "niveau",
    Col.CBS_DIST_M: "afstand volgens CBS (m)",
    Col.CBS_DIFF_M: "verschil met CBS (m)",
    Col.CBS_DIFF_PCT: "verschil met CBS (%)",
    Col.OPEN_FROM: "open vanaf",
    Col.OPEN_UNTIL: "open tot en met",
    Col.DATE_EVIDENCE: "bron van de datum",
    Col.CONFIDENCE: "zekerheid",
    Col.LISTED_STATUS: "status volgens de lijst",
    Col.DATE_UNCERTAIN: "onzeker op de peildatum",
    Col.DATE: "datum",
    Col.PERIOD: "periode (datum zoals bekend)",
    Col.UNCERTAIN: "onzeker",
    Col.UNCERTAIN_ROWS: "onzeker op deze datum (id's)",
    Col.OPEN_POINTS: "tellende voorzieningen",
    Col.CHANGES: "wijzigingen",
    Col.EVENT: "wijziging",
    Col.WHEN: "datum zoals bekend",
}


def _build_labels() -> dict[str, str]:
    labels = dict(_PLAIN_LABELS)
    for column, (stem, unit) in _DIFF_STEMS.items():
        labels[column] = _with_unit(stem, unit)
        for suffix, word in _DIFF_SUFFIXES.items():
            labels[f"{column}_{suffix}"] = _with_unit(f"{stem}, {word}", unit)
    for band, text in AGE_BAND_LABELS.items():
        if band != Col.POP_TOTAL:
            labels[band] = f"inwoners {text}"
    return labels


COLUMN_LABELS: Final[dict[str, str]] = _build_labels()
"""Machine column name → Dutch header (units as stored: metres, seconds)."""

_RESIDENT_COUNTS: Final[frozenset[str]] = frozenset(
    {
        Col.RESIDENTS, Col.COVERED, Col.UNCOVERED, Col.UNREACHABLE, Col.LOSE_COVERAGE, Col.GAIN_COVERAGE,
        Col.RESIDENTS_NEAREST, Col.COVERED_LOSS, Col.NEWLY_UNREACHABLE, Col.COVERED_GAIN, Col.NEWLY_REACHABLE,
        Col.POP_TOTAL, Col.POP_0_14, Col.POP_15_24, Col.POP_25_44, Col.POP_45_64, Col.POP_65PLUS,
        Col.GAIN_COVERED, Col.CUMULATIVE_COVERED, Col.NEEDED, Col.SHORT, Col.LOW_CONFIDENCE_COVERED,
        Col.RESIDENTS_ELSEWHERE,
    }
    | {f"{column}_{suffix}" for column in (Col.COVERED, Col.UNREACHABLE) for suffix in _DIFF_SUFFIXES}
)  # fmt: skip
"""Columns that count residents: shown to people as whole numbers."""
_KEPT_IN_METRES: Final[frozenset[str]] = frozenset({Col.CELL_SIZE_M})
"""Metre columns that stay in metres for people (a cell is "100 m", not "0,1 km")."""

SHOWN_DIGITS: Final[dict[str, int]] = {"km": 2, "min": 1, "%": 1, "inwoners": 0}
"""Decimals a table for people shows per :func:`shown_unit`."""


def shown_unit(name: str) -> str | None:
    """How a table for people shows the numbers of a machine column: ``"km"``, ``"min"``, ``"%"``, ``"inwoners"``.

    ``"km"``: a distance stored in metres (``*_m``, ``*_m_delta``, ...; labelled "(m)"), shown as
    ``value / 1000`` with 2 decimals; ``"min"``: a time stored in seconds (labelled "(s)"), shown as
    ``value / 60`` with 1 decimal; ``"%"``: a percentage (``*_pct``), 1 decimal; ``"inwoners"``: a count of
    residents, a whole number. ``None``: shown as stored (ids, years, coordinates, cell sizes, unknown columns).
    The one rule for the app's tables and the people's exports (``csv-nl``, ``xlsx``) and their headers
    (:func:`column_label` with ``km`` / ``minutes``).

    >>> shown_unit("mean_dist_m_delta"), shown_unit("time_s"), shown_unit("covered"), shown_unit("x_rd")
    ('km', 'min', 'inwoners', None)
    """
    label = COLUMN_LABELS.get(name, "")
    if (name.endswith("_m") or "_m_" in name) and label.endswith("(m)") and name not in _KEPT_IN_METRES:
        return "km"
    if (name.endswith("_s") or "_s_" in name) and label.endswith("(s)"):
        return "min"
    if name.endswith("_pct") or "_pct_" in name:
        return "%"
    if name in _RESIDENT_COUNTS:
        return "inwoners"
    return None


def column_label(name: str, *, km: bool = False, minutes: bool = False) -> str:
    """Dutch header of a machine column; unknown names come back unchanged.

    With ``km=True`` a distance in metres (``*_m``, ``*_m_delta``, ``*_m_a``, ...; :func:`shown_unit`) is
    labelled in kilometres, for views that show ``value / 1000``; with ``minutes=True`` a time in seconds is
    labelled in minutes, for views that show ``value / 60``.

    >>> column_label("mean_time_s", minutes=True)
    'gemiddelde reistijd (min)'
    """
    label = COLUMN_LABELS.get(name, name)
    unit = shown_unit(name)
    if km and unit == "km":
        return label[: -len("(m)")] + "(km)"
    if minutes and unit == "min":
        return label[: -len("(s)")] + "(min)"
    return label


def column_labels(names: list[str] | tuple[str, ...], *, km: bool = False, minutes: bool = False) -> list[str]:
    """Dutch headers for ``names``, made unique (a repeat gets its machine name appended)."""
    out: list[str] = []
    for name in names:
        label = column_label(str(name), km=km, minutes=minutes)
        out.append(f"{label} [{name}]" if label in out else label)
    return out


FIGURE_LABELS: Final[dict[str, str]] = {
    "mean_dist_m": "gemiddelde afstand",
    "median_dist_m": "mediaan afstand",
    "p90_dist_m": "90 % woont binnen",
    "mean_time_s": "gemiddelde reistijd",
    "median_time_s": "mediaan reistijd",
    "p90_time_s": "90 % woont binnen",
}
"""Key figure (distance in metres, travel time in seconds) → Dutch name, as in a report's key figures."""
HEADLINE_LABELS: Final[dict[str, str]] = {"mean_dist_m": "Gem. afstand", "mean_time_s": "Gem. reistijd"}
"""Key figure → the short Dutch name above a number in the app."""


# --------------------------------------------------------------------------- difference maps

CELL_CHANGE_LABELS: Final[dict[str, str]] = {
    "newly_outside": "nieuw buiten de norm",
    "newly_inside": "nieuw binnen de norm",
    "longer": "langere afstand",
    "shorter": "kortere afstand",
    "same": "gelijk (± 0,1 km)",
    "empty": "geen inwoners",
}
"""Class of a cell on the difference map (``spreiding.analysis.cells.cell_change``) → Dutch label."""

TIME_CELL_CHANGE_LABELS: Final[dict[str, str]] = {
    **CELL_CHANGE_LABELS,
    "longer": "langere reistijd",
    "shorter": "kortere reistijd",
    "same": "gelijk (± 0,5 min)",
}
"""The same classes for a norm with only a travel-time limit (the map then compares mean travel times)."""

# --------------------------------------------------------------------------- site advice

CANDIDATE_KIND_LABELS: Final[dict[str, str]] = {
    "city": "stad",
    "town": "kleine stad",
    "village": "dorp",
    "hamlet": "gehucht",
    "suburb": "wijk",
    "quarter": "wijk",
    "neighbourhood": "buurt",
    "locality": "buurtschap",
}
"""Candidate-site kind (OSM place class) → Dutch label; building kinds are Dutch already."""
CANDIDATE_SOURCE_LABELS: Final[dict[str, str]] = {
    "osm_place": "dorp of stad (OSM)",
    "osm_building": "gebouw (OSM)",
    "user": "eigen bestand",
}
"""Candidate-site source → Dutch label."""
__all__ += ["CANDIDATE_KIND_LABELS", "CANDIDATE_SOURCE_LABELS"]
