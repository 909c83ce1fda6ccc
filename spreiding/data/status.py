"""Which of a region's input files are present, what each is for and how to get it (Dutch, for users).

One place that answers "what is missing?" for the CLI's and the app's
messages on a fresh machine: :func:`data_status` lists every input file of
the region with its role, whether it is required, which parts of the tool
need it and how to get it (``spreiding fetch`` or a file to put in place).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from spreiding.data.config import DataPaths, data_paths
from spreiding.data.regions import RegionLike

__all__ = ["DataFile", "data_status", "missing_required"]

_FETCH = "`spreiding fetch` haalt het op (internet nodig)"


@dataclass(frozen=True)
class DataFile:
    """One input file of a region.

    Parameters
    ----------
    role
        Machine name of the file's role (``population``, ``roads``, ...).
    label_nl
        What the file is, in Dutch.
    path
        Where the tool looks for it.
    present
        Whether the file exists.
    required
        Whether the analysis cannot run without it.
    needed_for
        Which parts of the tool need it (Dutch).
    how_nl
        How to get it (Dutch).
    """

    role: str
    label_nl: str
    path: Path
    present: bool
    required: bool
    needed_for: str
    how_nl: str


def _entry(role: str, path: Path, *, required: bool, label: str, needed_for: str, how: str) -> DataFile:
    return DataFile(role, label, path, path.exists(), required, needed_for, how)


def _entries(paths: DataPaths) -> tuple[DataFile, ...]:
    where = f"zet het bestand in {paths.root}"
    return (
        _entry(
            "population",
            paths.population,
            required=True,
            label="Bevolking (CBS/Eurostat-vierkanten)",
            needed_for="alle pagina's: wie woont waar",
            how=f"{_FETCH}, of {where}",
        ),
        _entry(
            "boundaries",
            paths.boundaries,
            required=True,
            label="Gemeentegrenzen (CBS wijk- en buurtkaart)",
            needed_for="alle pagina's: cijfers per gemeente",
            how=f"{_FETCH}, of {where}",
        ),
        _entry(
            "libraries",
            paths.libraries,
            required=True,
            label="Lijst van bibliotheekvoorzieningen",
            needed_for="alle pagina's: de voorzieningen zelf",
            how=(
                f"{_FETCH} (dan de ongecontroleerde OSM-punten), zet uw eigen lijst in {paths.compiled_libraries}, "
                "of upload een lijst op de pagina Data"
            ),
        ),
        _entry(
            "roads",
            paths.roads,
            required=False,
            label="Wegennet (OpenStreetMap)",
            needed_for="afstanden over de weg; zonder wegennet rekent de app hemelsbreed",
            how=f"{_FETCH}, of {where}",
        ),
        _entry(
            "pc4",
            paths.pc4,
            required=False,
            label="Bevolking per postcode met leeftijd (CBS PC4)",
            needed_for="leeftijdsgroepen in de norm",
            how=where,
        ),
        _entry(
            "border_grid",
            paths.border_grid,
            required=False,
            label="Grensvierkanten (middelpunt buiten de provincie)",
            needed_for="inwoners van vierkanten op de provinciegrens",
            how=where,
        ),
        _entry(
            "osm_points",
            paths.osm_points,
            required=False,
            label="Kernen en kandidaatgebouwen (OpenStreetMap)",
            needed_for="plaatsnamen op de kaart, kernen, Optimaliseren",
            how=where,
        ),
    )


def data_status(data_dir: str | os.PathLike[str] | None = None, region: RegionLike = None) -> tuple[DataFile, ...]:
    """Every input file of the region in the resolved data folder, present or not.

    Parameters
    ----------
    data_dir
        Data folder (see :func:`spreiding.data.config.resolve_data_dir`).
    region
        Region spec, key or region-file path; ``None`` for the default region.

    Returns
    -------
    tuple of DataFile
        Required files first.
    """
    return _entries(data_paths(data_dir, region))


def missing_required(data_dir: str | os.PathLike[str] | None = None, region: RegionLike = None) -> tuple[DataFile, ...]:
    """The required input files that are absent (empty when the region can be analysed)."""
    return tuple(f for f in data_status(data_dir, region) if f.required and not f.present)
