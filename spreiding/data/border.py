"""Ring cells: census cells that straddle the region's border with their centre outside it.

A region's population grid holds the cells whose centre lies inside the region,
so residents of cells that straddle the border with their centre just outside
(canal villages on a provincial border) would be missing. The region file
names a second grid file beside the first (``data_files.border_grid``) with
those cells, in the same layout plus one column (``columns.share_column``):
the share of each square inside the region's outline. Every region's ring
cells are read the same way.

:func:`load_border_cells` returns them in the population schema of
:mod:`spreiding.data.population` plus :data:`SHARE_COLUMN`;
:func:`with_border_cells` appends them to the region's cells (share 1). How
they count is the placement's business (:mod:`spreiding.analysis.placement`):
on street nodes, the residents whose nodes lie inside the region; at cell
centres, the residents weighted by the share.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from spreiding._validate import require_file, rows_text
from spreiding.data.boundaries import assign_municipality
from spreiding.data.config import data_paths
from spreiding.data.population import load_census_grid
from spreiding.data.regions import RegionLike, get_region
from spreiding.data.sources import SourceInfo, attach_source
from spreiding.errors import InvalidDataError, MissingColumnsError

__all__ = ["SHARE_COLUMN", "load_border_cells", "with_border_cells"]

logger = logging.getLogger(__name__)

SHARE_COLUMN = "share_inside"
"""Population column: the share of a cell's square inside the region (1 for cells whose centre lies inside)."""

_PC4_NOTE = (
    "randcellen: leeftijd 15-64 verdeeld met de aandelen van het dichtstbijzijnde postcodegebied "
    "(het PC4-bestand dekt alleen de regio)"
)


def load_border_cells(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
    pc4: gpd.GeoDataFrame | None = None,
    region: RegionLike = None,
) -> gpd.GeoDataFrame:
    """Load the ring cells of a region's census grid.

    Parameters
    ----------
    path
        CSV in the census-grid layout plus the region's share column; default
        ``data_paths(data_dir, region).border_grid``.
    data_dir
        Data folder used for default paths.
    municipalities
        The region's municipal polygons: a cell gets the nearest municipality of its centre
        (no distance limit; the centre lies outside every polygon).
    pc4
        PC4 areas splitting the 15-64 band; each cell uses the nearest area's shares, since
        the PC4 file covers the region only (said in the source's warnings).
    region
        Region whose file names and share column are used (default: the default region).

    Returns
    -------
    geopandas.GeoDataFrame
        The population schema (cell centres) plus :data:`SHARE_COLUMN` (float in (0, 1]).

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    MissingColumnsError
        The share column is missing.
    InvalidDataError
        A share is missing, not a number, or outside (0, 1].
    """
    spec = get_region(region)
    default = data_paths(data_dir, spec).border_grid
    file = require_file(
        Path(path) if path is not None else default,
        "randcellen van het bevolkingsgrid",
        "zet het randcellenbestand naast het bevolkingsgrid of laat de randcellen weg",
    )
    column = spec.columns.share_column
    cells = load_census_grid(
        file, data_dir=data_dir, municipalities=municipalities, pc4=pc4, pc4_max_dist_m=None, region=spec
    )
    share = _read_shares(file, column).reindex(cells["cell_id"].astype("str").to_numpy())
    out = cells.copy()
    out[SHARE_COLUMN] = share.to_numpy(dtype="float64")
    if municipalities is not None and len(out):
        out["municipality"] = assign_municipality(out, municipalities, outside="nearest", max_dist_m=None)
    base = dict(cells.attrs.get("source") or {})
    pop = out["pop_total"].to_numpy(dtype="float64")
    info = SourceInfo(
        kind="population",
        path=str(file),
        rows=len(out),
        year=base.get("year"),
        description=(
            "censuscellen op de grens van de regio met hun midden erbuiten: bij straatknopen tellen de "
            f"inwoners van de knopen binnen de regio, bij celmiddens de inwoners maal het aandeel binnen de regio "
            f"(kolom {column})"
        ),
        quality=(
            ("border_cells", float(len(out))),
            ("border_residents", float(pop.sum())),
            ("border_residents_share_weighted", float((pop * out[SHARE_COLUMN].to_numpy()).sum())),
            *tuple((str(k), float(v)) for k, v in dict(base.get("quality") or {}).items()),
        ),
        warnings=(*tuple(str(w) for w in base.get("warnings") or ()), _PC4_NOTE),
    )
    return attach_source(out, info)  # type: ignore[return-value]


def _read_shares(file: Path, column: str) -> pd.Series:
    """The share column by ``GRD_ID``; refuses missing or impossible shares, naming the cells."""
    raw = pd.read_csv(file)
    if column not in raw.columns or "GRD_ID" not in raw.columns:
        msg = (
            f"randcellen {file}: kolom {column!r} (aandeel van de cel binnen de regio) ontbreekt; "
            "gebruik het randcellenbestand met die kolom of verwijder het bestand"
        )
        raise MissingColumnsError(msg)
    ids = raw["GRD_ID"].astype("str").str.strip()
    share = pd.to_numeric(raw[column], errors="coerce")
    bad = (share.isna() | (share <= 0) | (share > 1)).to_numpy()
    if bad.any():
        msg = (
            f"randcellen {file}: kolom {column!r} moet een aandeel groter dan 0 en hoogstens 1 zijn; "
            f"fout in cellen {rows_text(ids.to_numpy()[bad])}"
        )
        raise InvalidDataError(msg)
    return pd.Series(share.to_numpy(dtype="float64"), index=ids.to_numpy())


def with_border_cells(cells: gpd.GeoDataFrame, border: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The region's cells (share 1) followed by the ring cells not already among them (a new frame).

    The result keeps ``cells``' source; ring cells whose id is already a region cell are left out
    and counted (quality ``border_cells_duplicate``).
    """
    known = set(cells["cell_id"].astype("str"))
    new = ~border["cell_id"].astype("str").isin(known).to_numpy()
    inner = cells.copy()
    inner[SHARE_COLUMN] = 1.0
    frame = pd.concat([inner, border.loc[new]], ignore_index=True)
    out = gpd.GeoDataFrame(frame, geometry=inner.geometry.name, crs=inner.crs)
    info = dict(cells.attrs.get("source") or {})
    info["quality"] = {**dict(info.get("quality") or {}), "border_cells_duplicate": float((~new).sum())}
    out.attrs["source"] = info
    if (~new).any():
        logger.warning("%d randcellen zijn al cellen van de regio en tellen één keer mee", int((~new).sum()))
    return out
