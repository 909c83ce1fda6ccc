"""Which municipalities form a province, derived from CBS boundary files (never typed in by hand).

A region file names its province by CBS code (``province_code``, ``"PV22"``)
and name (``province``). :func:`province_members` finds its municipalities
in the municipality polygons of the CBS wijk- en buurtkaart, in this order:

1. a province column on the municipality layer (code: ``provinciecode``,
   ``PV_CODE``; name: ``provincienaam``, ``PV_NAAM``): the rows whose code or
   name is the province's;
2. otherwise a province layer in the same download (a layer named
   ``provincie...`` with a code column ``statcode`` / ``provinciecode`` /
   ``PV_CODE`` or a name column ``statnaam`` / ``provincienaam`` /
   ``PV_NAAM``, as CBS's gebiedsindelingen have): the municipalities whose
   interior point (:func:`shapely.point_on_surface`) lies in the province's
   polygon.

The code ``"NL01"`` (CBS's code for the Netherlands) selects every
municipality. Names compare case-insensitively and without surrounding
spaces; codes compare case-insensitively.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from spreiding.data._zipped import layer_fields, read_layer
from spreiding.errors import ConfigError, MissingColumnsError

__all__ = [
    "COUNTRY_CODE",
    "PROVINCE_CODE_COLUMNS",
    "PROVINCE_LAYER_CODE_COLUMNS",
    "PROVINCE_LAYER_NAME_COLUMNS",
    "PROVINCE_NAME_COLUMNS",
    "RegionIdentity",
    "members_by_column",
    "members_by_layer",
    "province_columns",
    "province_layer",
    "select_members",
]

logger = logging.getLogger(__name__)

COUNTRY_CODE = "NL01"
"""CBS's region code of the whole Netherlands: a region with this code holds every municipality."""

PROVINCE_CODE_COLUMNS: tuple[str, ...] = ("provinciecode", "PV_CODE")
PROVINCE_NAME_COLUMNS: tuple[str, ...] = ("provincienaam", "PV_NAAM")
PROVINCE_LAYER_CODE_COLUMNS: tuple[str, ...] = ("statcode", *PROVINCE_CODE_COLUMNS)
PROVINCE_LAYER_NAME_COLUMNS: tuple[str, ...] = ("statnaam", *PROVINCE_NAME_COLUMNS)


@dataclass(frozen=True)
class RegionIdentity:
    """Who a region is, for :func:`select_members`.

    Attributes
    ----------
    name
        Region key (named in messages).
    province
        Province name (``"Drenthe"``).
    province_code
        CBS code (``"PV22"``, ``"NL01"``), or None: then ``municipalities`` is the region.
    municipalities
        Listed municipalities (a check, or the region itself without a code).
    """

    name: str
    province: str
    province_code: str | None
    municipalities: tuple[str, ...]


def province_columns(columns: Sequence[str], codes: Sequence[str], names: Sequence[str]) -> list[str]:
    """Return the first code column and the first name column of ``columns`` that exist (0, 1 or 2 names)."""
    found = [next((c for c in wanted if c in columns), None) for wanted in (codes, names)]
    return [c for c in found if c is not None]


def _norm(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.casefold()


def _matches(frame: pd.DataFrame, columns: Sequence[str], code: str, name: str) -> np.ndarray:
    """True for the rows whose code column is ``code`` or whose name column is ``name``."""
    hit = np.zeros(len(frame), dtype=bool)
    for column in columns:
        wanted = code if column in PROVINCE_LAYER_CODE_COLUMNS else name
        hit |= _norm(frame[column]).eq(wanted.strip().casefold()).fillna(False).to_numpy(dtype=bool)
    return hit


def members_by_column(areas: pd.DataFrame, columns: Sequence[str], code: str, name: str) -> np.ndarray:
    """Mask of the municipalities whose province column(s) name the province.

    Parameters
    ----------
    areas
        One row per municipality, with the province column(s).
    columns
        The province code and/or name columns (see :func:`province_columns`).
    code, name
        The province's CBS code (``"PV22"``) and name (``"Drenthe"``).
    """
    if code.upper() == COUNTRY_CODE:
        return np.ones(len(areas), dtype=bool)
    return _matches(areas, columns, code, name)


def members_by_layer(
    areas: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, columns: Sequence[str], code: str, name: str
) -> np.ndarray:
    """Mask of the municipalities whose interior point lies in the province's polygon(s).

    Parameters
    ----------
    areas
        Municipality polygons (EPSG:28992).
    provinces
        Province polygons (EPSG:28992) with the code and/or name column(s).
    columns
        The code and/or name columns of ``provinces``.
    code, name
        The province's CBS code and name.
    """
    if code.upper() == COUNTRY_CODE:
        return np.ones(len(areas), dtype=bool)
    chosen = provinces.loc[_matches(provinces, columns, code, name)]
    if chosen.empty:
        return np.zeros(len(areas), dtype=bool)
    outline = shapely.make_valid(chosen.geometry.union_all())
    shapely.prepare(outline)
    points = shapely.point_on_surface(areas.geometry.to_numpy())
    return np.asarray(shapely.covers(outline, points), dtype=bool)


def province_layer(others: Sequence[tuple[str, str]], zip_path: Path) -> tuple[gpd.GeoDataFrame, list[str]] | None:
    """The first ``provincie...`` layer of the download with a code or name column, and those columns."""
    for source, layer in others:
        if not layer.lower().startswith("provincie"):
            continue
        cols = province_columns(layer_fields(source, layer), PROVINCE_LAYER_CODE_COLUMNS, PROVINCE_LAYER_NAME_COLUMNS)
        if cols:
            return read_layer(source, zip_path, f"province layer {layer}", layer=layer, columns=cols), cols
    return None


def select_members(
    areas: gpd.GeoDataFrame,
    prov_cols: Sequence[str],
    others: Sequence[tuple[str, str]],
    zip_path: Path,
    region: RegionIdentity,
) -> np.ndarray:
    """Mask of the region's municipalities (``areas["gemeente"]``): derived from the province code, else listed.

    Parameters
    ----------
    areas
        One row per municipality of the download (``gemeente``, geometry, the province columns).
    prov_cols
        The province columns of ``areas`` (may be empty).
    others
        ``(source, layer)`` of the download's other layers (searched for a ``provincie`` layer).
    zip_path
        The download (named in messages).
    region
        The region's key, province name and code, and listed municipalities.

    Raises
    ------
    MissingColumnsError
        No province column or layer and no list to fall back on.
    ConfigError
        No municipality of the download is in the province.
    """
    code, name, listed = region.province_code, region.province, set(region.municipalities)
    if not code:
        return areas["gemeente"].isin(listed).to_numpy()
    if prov_cols or code == COUNTRY_CODE:
        inside = members_by_column(areas, prov_cols, code, name)
    else:
        layer = province_layer(others, zip_path)
        if layer is None and listed:
            logger.warning(
                "%s heeft geen provinciekolom of -laag; de gemeentelijst uit het regiobestand wordt gebruikt", zip_path
            )
            return areas["gemeente"].isin(listed).to_numpy()
        if layer is None:
            msg = (
                f"CBS wijk- en buurtkaart in {zip_path} heeft geen provinciekolom ({', '.join(PROVINCE_CODE_COLUMNS)}, "
                f"{', '.join(PROVINCE_NAME_COLUMNS)}) en geen laag 'provincie', dus de gemeenten van regio "
                f"{region.name!r} zijn niet af te leiden; zet ze onder 'municipalities' in het regiobestand"
            )
            raise MissingColumnsError(msg)
        inside = members_by_layer(areas, layer[0], layer[1], code, name)
    if not inside.any():
        msg = (
            f"CBS wijk- en buurtkaart in {zip_path} heeft geen gemeente van provincie {code} ({name}); "
            f"controleer 'province_code' en 'province' in het regiobestand van {region.name!r}"
        )
        raise ConfigError(msg)
    return inside
