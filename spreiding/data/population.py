"""Where residents live: population grids and postcode areas as points.

Every population loader returns the same schema: one row per cell, a
GeoDataFrame in EPSG:28992 with a point geometry (the cell centre) and

* ``cell_id`` (str, unique);
* :data:`POP_COLUMNS` (float64): ``pop_total`` and the five CBS age bands
  ``pop_0_14``, ``pop_15_24``, ``pop_25_44``, ``pop_45_64``, ``pop_65plus``
  (their sum is close to ``pop_total``; see each loader for why it can differ);
* ``municipality`` (str or NA), ``cell_size_m`` (float; NaN for postcode
  areas), ``imputed`` (bool: a secret or missing code was replaced),
  ``placement`` (``"cell_centre"``, ``"pc4_point"`` or ``"street_nodes"``).

A :class:`~spreiding.data.sources.SourceInfo` (``kind="population"``) with the
data-quality counts is attached to every result.

Secret and missing codes
------------------------
CBS writes ``-99997`` for "secret" (fewer than 5 residents) and ``-99995`` for
"missing / not applicable". The rules, the same for every loader:

* a secret *total* becomes ``secret_value`` (explicit, default 2.0) - or the
  sum of the age bands when all bands are known, or that sum when it is larger;
* a missing total (``-99995`` or empty) becomes the sum of the known bands
  (cells that end with 0 residents are dropped and counted);
* secret or missing *age bands* share the remainder (total minus the known
  bands, clipped at 0) evenly. A "not applicable" band therefore comes out as
  0 whenever the known bands already add up to the total;
* any other negative number is an error; negative numbers are never summed.

Eurostat's census grid marks confidential values as negative or empty; they
are treated as secret.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from spreiding._validate import require_columns, require_file, require_not_empty, require_unique, rows_text, to_rd_new
from spreiding.data._plausible import check_population
from spreiding.data.boundaries import _check_in_netherlands, _read_vector, assign_municipality, load_municipalities
from spreiding.data.config import data_paths
from spreiding.data.regions import RegionLike
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import ConfigError, InvalidDataError, MissingColumnsError

__all__ = [
    "AGE_COLUMNS",
    "MISSING_CODE",
    "POP_COLUMNS",
    "SECRET_CODE",
    "load_cbs_vierkant",
    "load_census_grid",
    "load_pc4",
    "pc4_as_population",
    "population_summary",
]

logger = logging.getLogger(__name__)

POP_COLUMNS: tuple[str, ...] = ("pop_total", "pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus")
AGE_COLUMNS: tuple[str, ...] = POP_COLUMNS[1:]
SECRET_CODE = -99997
MISSING_CODE = -99995

_FETCH_FIX = "haal het op met `spreiding fetch` (internet nodig), of zet SPREIDING_DATA_DIR op een map die het heeft"
_SCHEMA = ("cell_id", *POP_COLUMNS, "municipality", "cell_size_m", "imputed", "placement")
_VK_BANDS = (
    "aantal_inwoners_0_tot_15_jaar",
    "aantal_inwoners_15_tot_25_jaar",
    "aantal_inwoners_25_tot_45_jaar",
    "aantal_inwoners_45_tot_65_jaar",
    "aantal_inwoners_65_jaar_en_ouder",
)
_PC4_BANDS = ("inw_0_14", "inw_15_24", "inw_25_44", "inw_45_64", "inw_65plus")
_GRID_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
_VK_ID = re.compile(r"^crs28992res(\d+)m$")


# --------------------------------------------------------------------------- codes and imputation


def _decode_cbs(
    frame: pd.DataFrame, columns: tuple[str, ...], ids: pd.Series, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (values with NaN for codes, secret mask, missing mask) for CBS columns."""
    values = np.empty((len(frame), len(columns)), dtype="float64")
    for j, col in enumerate(columns):
        numeric = pd.to_numeric(frame[col], errors="coerce")
        bad_text = numeric.isna() & frame[col].notna()
        if bad_text.any():
            msg = (
                f"{what}: kolom {col} heeft tekst in plaats van getallen in cellen "
                f"{rows_text(ids[bad_text.to_numpy()])}; "
                "verbeter het bestand"
            )
            raise InvalidDataError(msg)
        values[:, j] = numeric.to_numpy(dtype="float64", na_value=np.nan)
    secret = values == SECRET_CODE
    missing = (values == MISSING_CODE) | np.isnan(values)
    other = (values < 0) & ~secret & ~missing
    if other.any():
        rows, cols = np.nonzero(other)
        bad = ", ".join(f"{ids.iloc[r]}:{columns[c]}={values[r, c]:g}" for r, c in zip(rows[:8], cols[:8], strict=True))
        msg = (
            f"{what} heeft negatieve waarden die geen CBS-codes zijn ({SECRET_CODE} geheim, {MISSING_CODE} onbekend): "
            f"{bad}{' ...' if len(rows) > 8 else ''}; verbeter het bestand"
        )
        raise InvalidDataError(msg)
    values[secret | missing] = np.nan
    return values, secret, missing


def _impute(
    total: np.ndarray,
    total_secret: np.ndarray,
    bands: np.ndarray,
    secret_value: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Fill unknown (NaN) totals and bands by the module's rules.

    Returns new total, new bands, a row mask of imputed rows, residents put in
    imputed totals and residents put in imputed bands.
    """
    band_unknown = np.isnan(bands)
    known_sum = np.where(band_unknown, 0.0, bands).sum(axis=1)
    total_unknown = np.isnan(total)
    all_known = ~band_unknown.any(axis=1)
    filled_total = np.where(
        all_known | ~total_secret,
        known_sum,
        np.maximum(secret_value, known_sum),
    )
    new_total = np.where(total_unknown, filled_total, total)
    n_unknown = band_unknown.sum(axis=1)
    share = np.clip(new_total - known_sum, 0.0, None) / np.maximum(n_unknown, 1)
    new_bands = np.where(band_unknown, share[:, None], bands)
    imputed = total_unknown | band_unknown.any(axis=1)
    total_imputed = float(np.where(total_unknown, new_total - known_sum, 0.0).clip(0).sum())
    band_imputed = float(np.where(band_unknown, new_bands, 0.0).sum())
    return new_total, new_bands, imputed, total_imputed, band_imputed


def _check_secret_value(secret_value: float) -> None:
    if not (np.isfinite(secret_value) and 0 < secret_value < 5):
        msg = (
            f"waarde voor geheime cellen {secret_value!r} kan niet; geef een getal tussen 0 en 5 "
            "(CBS-geheim betekent 1 tot 4 inwoners)"
        )
        raise ConfigError(msg)


# --------------------------------------------------------------------------- frame building


def _population_frame(
    cell_id: np.ndarray,
    pop: np.ndarray,
    geometry: np.ndarray,
    *,
    municipality: np.ndarray | pd.Series | None,
    cell_size_m: np.ndarray | float,
    imputed: np.ndarray,
    placement: str,
) -> gpd.GeoDataFrame:
    """Build a frame in the module's schema from plain arrays (pop has the 6 POP_COLUMNS)."""
    n = len(cell_id)
    data: dict[str, object] = {"cell_id": pd.array(np.asarray(cell_id, dtype=object), dtype="str")}
    for j, col in enumerate(POP_COLUMNS):
        data[col] = np.asarray(pop[:, j], dtype="float64")
    muni = pd.Series(np.full(n, None, dtype=object) if municipality is None else np.asarray(municipality, dtype=object))
    data["municipality"] = pd.array(muni.where(muni.notna(), None).to_numpy(), dtype="str")
    data["cell_size_m"] = np.broadcast_to(np.asarray(cell_size_m, dtype="float64"), (n,)).copy()
    data["imputed"] = np.asarray(imputed, dtype=bool)
    data["placement"] = pd.array([placement] * n, dtype="str")
    return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:28992")


def _municipalities_for(
    points: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame | None,
    data_dir: str | os.PathLike[str] | None,
    default: bool,
    region: RegionLike = None,
) -> tuple[pd.Series, list[str]]:
    """Assign municipalities, loading the region's default file when asked and present."""
    warnings: list[str] = []
    if municipalities is None and default:
        path = data_paths(data_dir, region).boundaries
        if path.is_file():
            municipalities = load_municipalities(data_dir=data_dir, region=region)
        else:
            warnings.append(f"geen gemeentegrenzen in {path}; de gemeente blijft leeg")
    if municipalities is None:
        if not default:
            warnings.append("geen gemeenten opgegeven; de gemeente blijft leeg")
        return pd.Series(np.nan, index=points.index, dtype="str"), warnings
    return assign_municipality(points, municipalities, column="municipality", outside="nearest"), warnings


def _year_from_name(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", path.stem)
    return int(found[-1]) if found else None


# --------------------------------------------------------------------------- PC4


def load_pc4(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    layer: str = "pc4",
    secret_value: float = 2.0,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load CBS population per four-digit postcode area (polygons).

    Parameters
    ----------
    path
        GeoPackage; default ``data_paths(data_dir, region).pc4``.
    data_dir
        Data folder used when ``path`` is None.
    layer
        Layer with ``postcode``, ``inwoners``, ``gemeente`` and ``inw_0_14`` ..
        ``inw_65plus``.
    secret_value
        Residents put in a postcode whose total is secret (see module notes).
    region
        Region whose file to read when ``path`` is None (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        ``postcode`` (str, unique), ``municipality``, :data:`POP_COLUMNS`,
        ``imputed`` and the polygons, EPSG:28992. CBS rounds each figure to 5,
        so the bands differ from the total by a few residents.

    Raises
    ------
    ImplausibleDataError
        The file holds more than 20 million residents.
    """
    _check_secret_value(secret_value)
    default = data_paths(data_dir, region).pc4
    file = require_file(Path(path) if path is not None else default, "PC4-bevolking", _FETCH_FIX)
    what = f"PC4-bevolking ({file})"
    raw = _read_vector(file, layer, what)
    require_columns(raw, ["postcode", "inwoners", *_PC4_BANDS], what, "gebruik de PC4-indeling van CBS")
    require_not_empty(raw, what, "gebruik een bestand met minstens één postcode")
    frame = to_rd_new(raw, what)
    _check_in_netherlands(frame, what)
    ids = frame["postcode"].astype("str").str.strip()
    require_unique(ids, what)
    values, secret, _missing = _decode_cbs(frame, ("inwoners", *_PC4_BANDS), ids, what)
    total, bands, imputed, imp_total, imp_bands = _impute(values[:, 0], secret[:, 0], values[:, 1:], secret_value)
    check_population(total, np.nan, ids.to_numpy(), f"bevolkingsbestand {file}")
    muni = frame["gemeente"].astype("str") if "gemeente" in frame.columns else pd.Series(np.nan, index=frame.index)
    out = gpd.GeoDataFrame(
        {"postcode": ids.to_numpy(), "municipality": muni.to_numpy()},
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:28992",
    )
    pop = np.column_stack([total, bands])
    for j, col in enumerate(POP_COLUMNS):
        out[col] = pop[:, j]
    out["imputed"] = imputed
    gap = float(np.abs(bands.sum(axis=1) - total).sum())
    info = SourceInfo(
        kind="population",
        path=str(file),
        rows=len(out),
        year=_year_from_name(file) if path is not None else 2022,
        description="CBS-bevolking per viercijferige postcode met leeftijdsgroepen (afgerond op 5)",
        quality=(
            ("secret_cells", float(imputed.sum())),
            ("imputed_residents", imp_total),
            ("imputed_band_residents", imp_bands),
            ("age_band_gap_residents", gap),
        ),
    )
    return attach_source(out, info)  # type: ignore[return-value]


def pc4_as_population(pc4: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return PC4 areas as a population source: one point per postcode.

    Parameters
    ----------
    pc4
        Frame from :func:`load_pc4` (``postcode``, :data:`POP_COLUMNS`,
        polygons; ``municipality`` and ``imputed`` optional).

    Returns
    -------
    geopandas.GeoDataFrame
        The module schema; ``cell_id`` = postcode, geometry = a point inside
        each area (``representative_point``), ``cell_size_m`` NaN and
        ``placement`` ``"pc4_point"``.
    """
    require_columns(pc4, ["postcode", *POP_COLUMNS], "PC4-tabel", "lees het PC4-bestand met spreiding (--population)")
    frame = to_rd_new(pc4, "PC4 frame")
    ids = frame["postcode"].astype("str")
    require_unique(ids, "PC4-tabel")
    points = frame.geometry.representative_point().to_numpy()
    imputed = frame["imputed"].to_numpy(dtype=bool) if "imputed" in frame.columns else np.zeros(len(frame), bool)
    muni = frame["municipality"] if "municipality" in frame.columns else None
    out = _population_frame(
        ids.to_numpy(),
        frame[list(POP_COLUMNS)].to_numpy(dtype="float64"),
        points,
        municipality=muni,
        cell_size_m=np.nan,
        imputed=imputed,
        placement="pc4_point",
    )
    base = pc4.attrs.get("source", {}) if isinstance(pc4.attrs.get("source"), dict) else {}
    info = SourceInfo(
        kind="population",
        path=str(base.get("path", "")),
        rows=len(out),
        year=base.get("year"),
        description="CBS-postcodegebieden (PC4) als bevolkingspunten (één per postcode)",
        quality=(
            ("secret_cells", float(imputed.sum())),
            ("cells_without_municipality", float(out["municipality"].isna().sum())),
        ),
    )
    return attach_source(out, info)  # type: ignore[return-value]


# --------------------------------------------------------------------------- Eurostat census grid


def _split_15_64(points: gpd.GeoDataFrame, pc4: gpd.GeoDataFrame, max_dist_m: float | None) -> tuple[np.ndarray, int]:
    """Return (n, 3) shares of 15-24 / 25-44 / 45-64 from each point's PC4 area, and #cells on overall shares."""
    require_columns(
        pc4,
        ["postcode", "pop_15_24", "pop_25_44", "pop_45_64"],
        "PC4-tabel",
        "lees het PC4-bestand met spreiding (--population)",
    )
    counts = pc4[["pop_15_24", "pop_25_44", "pop_45_64"]].to_numpy(dtype="float64")
    overall = counts.sum(axis=0)
    if not overall.sum() > 0:
        msg = (
            "PC4-tabel heeft geen inwoners van 15-64 jaar; de groep 15-64 kan niet worden verdeeld: "
            "gebruik een ander PC4-bestand"
        )
        raise InvalidDataError(msg)
    sums = counts.sum(axis=1, keepdims=True)
    shares = np.where(sums > 0, counts / np.where(sums > 0, sums, 1.0), overall / overall.sum())
    table = pd.DataFrame(shares, index=pc4["postcode"].astype("str").to_numpy())
    table = table[~table.index.duplicated()]
    code = assign_municipality(points, pc4, column="postcode", outside="nearest", max_dist_m=max_dist_m)
    found = code.notna().to_numpy()
    out = np.tile(overall / overall.sum(), (len(points), 1))
    out[found] = table.loc[code[found].to_numpy()].to_numpy()
    return out, int((~found).sum())


def load_census_grid(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    pc4: gpd.GeoDataFrame | None = None,
    secret_value: float = 2.0,
    pc4_max_dist_m: float | None = 5000.0,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load the Eurostat Census 2021 1 km population grid (CSV).

    Parameters
    ----------
    path
        CSV with ``GRD_ID``, ``T``, ``Y_LT15``, ``Y_1564``, ``Y_GE65``; default
        ``data_paths(data_dir, region).population_grid``.
    data_dir
        Data folder used for default paths.
    municipalities
        Frame from :func:`~spreiding.data.boundaries.load_municipalities`; default:
        the data folder's file when present (else ``municipality`` is NA).
    pc4
        Frame from :func:`load_pc4`, used to split Eurostat's 15-64 band into
        15-24 / 25-44 / 45-64 with the shares of the postcode area each cell
        centre lies in (cells outside every area: the nearest within
        ``pc4_max_dist_m``, else the shares of all areas together). Default:
        the data folder's PC4 file. Without PC4 data the three bands are left
        NaN and a warning is attached - no shares are made up.
    secret_value
        Residents put in a cell whose total is confidential.
    pc4_max_dist_m
        Largest distance (m) to a PC4 area for cells outside every area (``None``: the nearest
        area at any distance, as for the ring cells outside the region).
    region
        Region whose files are the defaults (grid, PC4, boundaries); default:
        the default region.

    Returns
    -------
    geopandas.GeoDataFrame
        The module schema, one row per cell, point at the cell centre
        (lower-left corner + 500 m in EPSG:3035, reprojected to EPSG:28992).
        ``cell_id`` is ``GRD_ID``. Eurostat perturbs figures slightly, so the
        bands may differ from ``T`` by a few residents (quality pair
        ``age_band_gap_residents``); the values are kept as published.

    Raises
    ------
    DataNotFoundError
        The CSV does not exist.
    InvalidDataError
        The file cannot be parsed or has malformed ``GRD_ID`` values.
    MissingColumnsError
        Required columns are missing.
    DuplicateIdError
        A ``GRD_ID`` occurs twice.
    ImplausibleDataError
        A 1 km cell holds more than 30,000 residents or the file more than 20
        million (see :mod:`spreiding.data._plausible`).
    """
    _check_secret_value(secret_value)
    paths = data_paths(data_dir, region)
    file = require_file(
        Path(path) if path is not None else paths.population_grid, "bevolkingsgrid (census)", _FETCH_FIX
    )
    what = f"bevolkingsgrid census ({file})"
    try:
        raw = pd.read_csv(file)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = f"{what} is geen leesbare CSV ({exc}); download het bestand opnieuw (spreiding fetch --force)"
        raise InvalidDataError(msg) from exc
    require_columns(
        raw, ["GRD_ID", "T", "Y_LT15", "Y_1564", "Y_GE65"], what, "gebruik de Eurostat Census 2021 rastertabel (CSV)"
    )
    require_not_empty(raw, what, "gebruik een raster met minstens één bewoonde cel")
    ids = raw["GRD_ID"].astype("str").str.strip()
    require_unique(ids, what)
    parts = ids.str.extract(_GRID_ID)
    bad = parts.isna().any(axis=1).to_numpy()
    if bad.any():
        msg = (
            f"{what} heeft onleesbare GRD_ID-waarden {rows_text(ids.to_numpy()[bad])}; "
            "een GRD_ID ziet eruit als CRS3035RES1000mN3284000E4076000"
        )
        raise InvalidDataError(msg)
    size = parts[0].astype("float64").to_numpy()
    north = parts[1].astype("float64").to_numpy()
    east = parts[2].astype("float64").to_numpy()
    centres = gpd.GeoSeries(gpd.points_from_xy(east + size / 2, north + size / 2), crs="EPSG:3035").to_crs("EPSG:28992")

    cols = ("T", "Y_LT15", "Y_1564", "Y_GE65")
    values = np.column_stack([pd.to_numeric(raw[c], errors="coerce").to_numpy(dtype="float64") for c in cols])
    text = np.column_stack([(pd.to_numeric(raw[c], errors="coerce").isna() & raw[c].notna()).to_numpy() for c in cols])
    if text.any():
        msg = (
            f"{what} heeft tekst in plaats van getallen in cellen {rows_text(ids.to_numpy()[text.any(axis=1)])}; "
            "verbeter het bestand"
        )
        raise InvalidDataError(msg)
    confidential = np.isnan(values) | (values < 0)
    values[confidential] = np.nan
    ci_cols = [c for c in raw.columns if str(c).endswith("_CI")]
    flagged = sum(int((pd.to_numeric(raw[c], errors="coerce").fillna(0) != 0).sum()) for c in ci_cols)
    total, bands3, imputed, imp_total, imp_bands = _impute(
        values[:, 0], confidential[:, 0], values[:, 1:], secret_value
    )
    check_population(total, size, ids.to_numpy(), f"bevolkingsbestand {file}")
    keep = total > 0
    dropped = int((~keep).sum())

    points = gpd.GeoDataFrame(geometry=centres.to_numpy(), crs="EPSG:28992")
    warnings: list[str] = []
    if pc4 is None and paths.pc4.is_file():
        pc4 = load_pc4(data_dir=data_dir, region=region)
    outside_pc4 = 0
    if pc4 is None:
        shares = np.full((len(points), 3), np.nan)
        warnings.append(
            f"geen PC4-gegevens in {paths.pc4}: leeftijden 15-24, 25-44 en 45-64 blijven leeg (alleen 15-64 bekend); "
            "haal ze met spreiding fetch --all"
        )
    else:
        shares, outside_pc4 = _split_15_64(points, pc4, pc4_max_dist_m)
    pop = np.column_stack([total, bands3[:, 0], bands3[:, [1]] * shares, bands3[:, 2]])
    muni, muni_warnings = _municipalities_for(points, municipalities, data_dir, default=True, region=region)
    warnings.extend(muni_warnings)
    out = _population_frame(
        ids.to_numpy()[keep],
        pop[keep],
        points.geometry.to_numpy()[keep],
        municipality=muni.to_numpy()[keep],
        cell_size_m=size[keep],
        imputed=imputed[keep],
        placement="cell_centre",
    )
    gap = float(np.abs(bands3[keep].sum(axis=1) - total[keep]).sum())
    info = SourceInfo(
        kind="population",
        path=str(file),
        rows=len(out),
        year=2021,
        description=(
            "Eurostat Census 2021, bevolkingsgrid van 1 km (cijfers van het CBS), "
            "inwoners op het middelpunt van hun cel"
        ),
        quality=(
            ("secret_cells", float(imputed.sum())),
            ("imputed_residents", imp_total),
            ("imputed_band_residents", imp_bands),
            ("empty_cells_dropped", float(dropped)),
            ("ci_flagged_values", float(flagged)),
            ("cells_outside_pc4", float(outside_pc4)),
            ("age_band_gap_residents", gap),
            ("cells_without_municipality", float(out["municipality"].isna().sum())),
        ),
        warnings=tuple(warnings),
    )
    return attach_source(out, info)  # type: ignore[return-value]


# --------------------------------------------------------------------------- CBS vierkantstatistieken


def _pick_vk_layer(file: Path, layer: str | None, what: str) -> str:
    try:
        layers = [str(name) for name in pyogrio.list_layers(file)[:, 0]]
    except Exception as exc:
        msg = f"{what} is geen leesbare GeoPackage ({exc}); download het bestand opnieuw van CBS"
        raise InvalidDataError(msg) from exc
    if layer is not None:
        return layer
    if len(layers) == 1:
        return layers[0]
    fits = [name for name in layers if any(_VK_ID.match(f) for f in pyogrio.read_info(file, layer=name)["fields"])]
    if len(fits) != 1:
        msg = f"{what} heeft meerdere lagen ({', '.join(layers)}); geef een bestand met één laag vierkanten"
        raise ConfigError(msg)
    return fits[0]


def load_cbs_vierkant(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    secret_value: float = 2.0,
    municipalities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Load CBS vierkantstatistieken (100 m or 500 m squares, GeoPackage).

    Parameters
    ----------
    path
        CBS GeoPackage with ``crs28992res100m`` or ``crs28992res500m`` ids,
        ``aantal_inwoners`` and the five ``aantal_inwoners_*`` age columns.
    layer
        Layer to read; default the only layer, or the only one with such ids.
    secret_value
        Residents put in a square whose total is secret (``-99997``: 1-4
        residents); explicit so users can choose (between 0 and 5).
    municipalities
        Frame from :func:`~spreiding.data.boundaries.load_municipalities`; without
        it ``municipality`` is NA.

    Returns
    -------
    geopandas.GeoDataFrame
        The module schema; point at the square's centroid, ``cell_size_m``
        from the id column name. Squares with 0 residents are dropped and
        counted (quality ``empty_cells_dropped``); secret squares are kept and
        flagged ``imputed``.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InvalidDataError
        The file is corrupt or holds negative values that are not CBS codes.
    MissingColumnsError
        The id or population columns are missing.
    CRSError
        The layer has no CRS or its coordinates are not in the Netherlands.
    ImplausibleDataError
        A 100 m square holds more than 2,000 residents (500 m: 15,000) or the
        file more than 20 million (see :mod:`spreiding.data._plausible`).
    """
    _check_secret_value(secret_value)
    file = require_file(Path(path), "CBS-vierkantstatistiek", "download de vk100/vk500-GeoPackage van cbs.nl")
    what = f"CBS vierkantstatistieken ({file})"
    name = _pick_vk_layer(file, layer, what)
    raw = _read_vector(file, name, what)
    id_cols = [c for c in raw.columns if _VK_ID.match(str(c))]
    if len(id_cols) != 1:
        msg = (
            f"{what} heeft precies één id-kolom crs28992res100m of crs28992res500m nodig "
            f"(gevonden: {id_cols or 'geen'}); "
            "gebruik de vk100/vk500-GeoPackage van CBS"
        )
        raise MissingColumnsError(msg)
    id_col = str(id_cols[0])
    match = _VK_ID.match(id_col)
    assert match is not None
    size_m = float(match.group(1))
    require_columns(raw, ["aantal_inwoners", *_VK_BANDS], what, "gebruik de indeling van de CBS-vierkantstatistieken")
    require_not_empty(raw, what, "gebruik een bestand met minstens één vierkant")
    frame = to_rd_new(raw, what)
    _check_in_netherlands(frame, what)
    ids = frame[id_col].astype("str")
    require_unique(ids, what)
    values, secret, missing = _decode_cbs(frame, ("aantal_inwoners", *_VK_BANDS), ids, what)
    total, bands, imputed, imp_total, imp_bands = _impute(values[:, 0], secret[:, 0], values[:, 1:], secret_value)
    check_population(total, size_m, ids.to_numpy(), f"bevolkingsbestand {file}")
    keep = total > 0
    points = frame.geometry.centroid.to_numpy()
    pts = gpd.GeoDataFrame(geometry=points[keep], crs="EPSG:28992")
    muni, warnings = _municipalities_for(pts, municipalities, None, default=False)
    out = _population_frame(
        ids.to_numpy()[keep],
        np.column_stack([total, bands])[keep],
        points[keep],
        municipality=muni.to_numpy(),
        cell_size_m=size_m,
        imputed=imputed[keep],
        placement="cell_centre",
    )
    info = SourceInfo(
        kind="population",
        path=str(file),
        rows=len(out),
        year=_year_from_name(file),
        description=f"CBS-vierkantstatistieken {size_m:g} m, inwoners op het middelpunt van hun vierkant",
        quality=(
            ("secret_cells", float(imputed[keep].sum())),
            ("secret_codes", float(secret.sum())),
            ("missing_codes", float(missing.sum())),
            ("imputed_residents", imp_total),
            ("imputed_band_residents", imp_bands),
            ("empty_cells_dropped", float((~keep).sum())),
            ("cells_without_municipality", float(out["municipality"].isna().sum())),
        ),
        warnings=tuple(warnings),
    )
    return attach_source(out, info)  # type: ignore[return-value]


# --------------------------------------------------------------------------- summaries


def population_summary(pop: pd.DataFrame) -> pd.DataFrame:
    """Return residents per municipality.

    Parameters
    ----------
    pop
        Frame in the module schema (cells or placed points).

    Returns
    -------
    pandas.DataFrame
        Index ``municipality`` (``"(none)"`` for rows without one), columns
        ``cells`` (distinct ``cell_id``) and the :data:`POP_COLUMNS` sums,
        sorted by municipality.
    """
    require_columns(
        pop, ["cell_id", "municipality", *POP_COLUMNS], "bevolking", "lees het bestand met spreiding (--population)"
    )
    table = pd.DataFrame(
        {
            "municipality": pop["municipality"].astype("str").where(pop["municipality"].notna(), "(none)").to_numpy(),
            "cell_id": pop["cell_id"].to_numpy(),
        }
    )
    for col in POP_COLUMNS:
        table[col] = pop[col].to_numpy(dtype="float64", na_value=np.nan)
    grouped = table.groupby("municipality", sort=True)
    summary = grouped[list(POP_COLUMNS)].sum(min_count=1)
    summary.insert(0, "cells", grouped["cell_id"].nunique())
    return summary
