"""What a loader read: file, rows, reference year, CRS and data-quality notes.

Every loader builds a :class:`SourceInfo`, logs it, and attaches it to the
frame it returns as ``frame.attrs["source"]`` (a plain dict, so it survives
copies). The app's *Data* page and the CLI show these.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from spreiding.vocabulary import OSM_CREDIT, SOURCE_KIND_LABELS, fmt_int

__all__ = ["OSM_CREDIT", "SourceInfo", "attach_source", "source_of"]


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceInfo:
    """Provenance and quality of one loaded input.

    Parameters
    ----------
    kind
        ``"population"``, ``"facilities"``, ``"network"``, ``"boundaries"``,
        ``"candidates"``, ...
    path
        File that was read.
    rows
        Rows (cells, points, nodes) in the result.
    year
        Reference year of the data, when known.
    crs
        CRS of the result (``"EPSG:28992"``).
    description
        One line on what it is ("Eurostat Census 2021 1 km grid").
    quality
        ``(name, value)`` pairs for the data-quality summary, for example
        ``("secret_cells", 14)`` or ``("imputed_residents", 42.0)``.
    warnings
        Human-readable warnings (Dutch or English) to show to users.
    """

    kind: str
    path: str
    rows: int
    year: int | None = None
    crs: str = "EPSG:28992"
    description: str = ""
    quality: tuple[tuple[str, float], ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return a plain dict (for ``attrs``, JSON and tables)."""
        data = asdict(self)
        data["quality"] = dict(self.quality)
        data["warnings"] = list(self.warnings)
        return data

    def summary(self) -> str:
        """Return a one-line summary for logs and the CLI."""
        year = f", jaar {self.year}" if self.year else ""
        kind = SOURCE_KIND_LABELS.get(self.kind, self.kind)
        return f"{kind}: {self.path} ({fmt_int(self.rows)} rijen{year}, {self.crs})"


def attach_source(frame: pd.DataFrame, info: SourceInfo) -> pd.DataFrame:
    """Log ``info`` and store it in ``frame.attrs["source"]``; return ``frame``.

    Only call this on a frame the loader created itself (never on a caller's).
    """
    frame.attrs["source"] = info.as_dict()
    logger.info("gelezen: %s", info.summary())
    for warning in info.warnings:
        logger.warning("%s: %s", SOURCE_KIND_LABELS.get(info.kind, info.kind), warning)
    return frame


def source_of(frame: pd.DataFrame) -> Mapping[str, Any] | None:
    """Return the source dict a loader attached to ``frame``, if any."""
    value = frame.attrs.get("source")
    return value if isinstance(value, Mapping) else None
