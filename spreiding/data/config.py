"""Where data lives: the ``SPREIDING_DATA_DIR`` setting and the default files.

The data folder is resolved in this order:

1. an explicit ``data_dir`` argument;
2. the ``SPREIDING_DATA_DIR`` environment variable;
3. ``data/`` in the checkout, when it holds the default region's files;
4. ``../shared/data`` next to the checkout, when present;
5. the user data folder (:func:`user_data_dir`), where ``spreiding fetch``
   downloads to.

Steps 3 and 4 only apply when the package runs from a source checkout
(:data:`REPO_DIR` holds ``pyproject.toml`` and ``spreiding/``); an installed
wheel goes straight from 2 to 5.

The layout below the folder is the same everywhere (``cbs/``, ``osm/``,
``gebieden/``, ``voorzieningen/``); the file names come from the region file
(:mod:`spreiding.data.regions`; the default region is ``SPREIDING_REGION``).

Nothing is ever written into the data folder or the source tree: derived
caches go to :func:`cache_dir`, downloads and the scenario store to
:func:`user_data_dir` (both the platform's user folders, via ``platformdirs``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from spreiding.data.regions import RegionLike, RegionSpec, get_region
from spreiding.errors import DataNotFoundError

__all__ = [
    "CACHE_ENV",
    "REPO_DIR",
    "DataPaths",
    "cache_dir",
    "data_paths",
    "in_checkout",
    "resolve_data_dir",
    "user_data_dir",
]

logger = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parents[2]
ENV_VAR = "SPREIDING_DATA_DIR"
CACHE_ENV = "SPREIDING_CACHE_DIR"
_APP_NAME = "spreiding"


@dataclass(frozen=True, init=False)
class DataPaths:
    """Paths of one region's files inside one data folder.

    The file names come from the region's :class:`~spreiding.data.regions.RegionSpec`
    (its ``data_files``). Where two files can serve, the property returns the
    preferred one when it is present and the fallback otherwise:
    ``population`` is the Eurostat census CSV or the CBS squares prepared by
    ``spreiding fetch``; ``libraries`` is the hand-compiled list or the
    unchecked OSM library points prepared by ``spreiding fetch``; ``roads`` is
    the osmnx GeoPackage or the Geofabrik PBF.

    Parameters
    ----------
    root
        The data folder.
    region
        A region spec, key or region-file path; ``None`` for the default
        region (see :func:`spreiding.data.regions.get_region`).
    """

    root: Path
    spec: RegionSpec

    def __init__(self, root: str | os.PathLike[str], region: RegionLike = None) -> None:
        object.__setattr__(self, "root", Path(root))
        object.__setattr__(self, "spec", get_region(region))

    def __repr__(self) -> str:
        return f"DataPaths(root={str(self.root)!r}, region={self.spec.key!r})"

    @property
    def region(self) -> str:
        """The region's key (``spec.key``)."""
        return self.spec.key

    def _file(self, role: str) -> Path:
        return self.spec.files.path(self.root, role)

    @property
    def population_grid(self) -> Path:
        """Eurostat Census 2021 1 km grid (CSV)."""
        return self._file("population_grid")

    @property
    def border_grid(self) -> Path:
        """Census grid cells straddling the border with their centre outside (CSV with the share column)."""
        return self._file("border_grid")

    @property
    def vierkant(self) -> Path:
        """CBS 100 m squares of the region, prepared from the CBS download (GeoPackage)."""
        return self._file("vierkant")

    @property
    def population(self) -> Path:
        """The population file to use: the census CSV when present, else the prepared CBS squares."""
        return self.population_grid if self.population_grid.exists() else self.vierkant

    @property
    def pc4(self) -> Path:
        """CBS population by four-digit postcode with age bands (GeoPackage)."""
        return self._file("pc4")

    @property
    def boundaries(self) -> Path:
        """Municipal and provincial boundaries (GeoPackage; ``spreiding fetch`` prepares it)."""
        return self._file("boundaries")

    @property
    def roads(self) -> Path:
        """Road network in osmnx's GeoPackage layout, or a PBF when that exists."""
        gpkg, pbf = self._file("roads"), self._file("roads_pbf")
        return gpkg if gpkg.exists() or not pbf.exists() else pbf

    @property
    def osm_points(self) -> Path:
        """OSM place points and candidate buildings (GeoPackage)."""
        return self._file("osm_points")

    @property
    def compiled_libraries(self) -> Path:
        """The hand-compiled library list (CSV; no public download)."""
        return self._file("libraries")

    @property
    def osm_libraries(self) -> Path:
        """Unchecked OSM library points, prepared by ``spreiding fetch`` when the compiled list is absent."""
        return self._file("osm_libraries")

    @property
    def libraries(self) -> Path:
        """The library list: the compiled list when present, else the OSM fallback when present."""
        compiled = self.compiled_libraries
        return self.osm_libraries if not compiled.exists() and self.osm_libraries.exists() else compiled

    @property
    def libraries_are_fallback(self) -> bool:
        """True when :attr:`libraries` is the unchecked OSM fallback."""
        return self.libraries == self.osm_libraries

    def missing(self) -> list[Path]:
        """Return the default files that are absent from this folder (after the fallbacks)."""
        wanted = [self.population, self.boundaries, self.roads, self.libraries]
        if self.population == self.population_grid:
            wanted.insert(1, self.pc4)
        return [p for p in wanted if not p.exists()]


def _has_default_files(root: Path) -> bool:
    return root.is_dir() and not DataPaths(root).missing()


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None, *, must_exist: bool = True) -> Path:
    """Return the data folder to read from.

    Parameters
    ----------
    data_dir
        Explicit folder; wins over everything else.
    must_exist
        Raise :class:`~spreiding.errors.DataNotFoundError` when the chosen
        folder does not exist.

    Returns
    -------
    pathlib.Path
        The resolved folder.
    """
    if data_dir is not None:
        root = Path(data_dir).expanduser().resolve()
    elif os.environ.get(ENV_VAR):
        root = Path(os.environ[ENV_VAR]).expanduser().resolve()
    else:
        root = _checkout_data_dir() or user_data_dir()
    if must_exist and not root.is_dir():
        msg = (
            f"de datamap {root} bestaat niet; geef met --data-dir (of {ENV_VAR}) een map met de gegevens "
            "van de regio, of haal de standaardregio op met `spreiding fetch`"
        )
        raise DataNotFoundError(msg)
    return root


def data_paths(data_dir: str | os.PathLike[str] | None = None, region: RegionLike = None) -> DataPaths:
    """Return the region's file paths inside the resolved data folder.

    Parameters
    ----------
    data_dir
        Data folder (see :func:`resolve_data_dir`).
    region
        Region spec, key or region-file path; ``None`` for the default region.
    """
    return DataPaths(resolve_data_dir(data_dir, must_exist=False), region)


def in_checkout() -> bool:
    """Whether the package runs from a source checkout (not from an installed wheel)."""
    return (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "spreiding").is_dir()


def _checkout_data_dir() -> Path | None:
    """``data/`` of the checkout when it holds the default files, else ``../shared/data`` when present."""
    if not in_checkout():
        return None
    repo_data = REPO_DIR / "data"
    shared = (REPO_DIR.parent / "shared" / "data").resolve()
    if _has_default_files(repo_data):
        return repo_data
    return shared if shared.is_dir() else None


def user_data_dir() -> Path:
    """Return the user's data folder for spreiding (``spreiding fetch`` downloads, the scenario store).

    The platform's user data folder (``platformdirs``; ``~/.local/share/spreiding``
    on Linux). Not created here.
    """
    return Path(platformdirs.user_data_dir(_APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Return the folder for derived caches (built networks, contracted graphs, KD-trees).

    ``SPREIDING_CACHE_DIR`` when set, else the platform's user cache folder
    (``platformdirs``; ``~/.cache/spreiding`` on Linux). Never the data folder
    or the source tree. Not created here: :mod:`spreiding._cache` creates it
    when it writes, and carries on without a cache when it cannot.
    """
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir(_APP_NAME, appauthor=False))
