"""One exception hierarchy for ``spreiding``.

Every error the package raises on purpose is a :class:`SpreidingError`. Each
subclass also inherits the matching built-in error, so callers that catch
``ValueError`` or ``FileNotFoundError`` keep working. Messages name the
problem *and* the fix.
"""

from __future__ import annotations

__all__ = [
    "CRSError",
    "ConfigError",
    "DataNotFoundError",
    "DownloadError",
    "DuplicateIdError",
    "ImplausibleDataError",
    "ImplausibleNetworkError",
    "InvalidDataError",
    "MissingColumnsError",
    "NetworkError",
    "NetworkOutsideRegionError",
    "OptimizationError",
    "OutputError",
    "OutsideRegionError",
    "ScenarioError",
    "SpreidingError",
    "StoreError",
    "SwappedCoordinatesError",
    "UnreachableError",
]


class SpreidingError(Exception):
    """Base class of every error raised by ``spreiding``."""


class DataNotFoundError(SpreidingError, FileNotFoundError):
    """An input file or the data folder does not exist."""


class InvalidDataError(SpreidingError, ValueError):
    """Input data is present but cannot be used as it is."""


class ConfigError(SpreidingError, ValueError):
    """A setting (mode, norm, option) has an invalid value."""


class MissingColumnsError(InvalidDataError, KeyError):
    """A table lacks columns that the loader needs."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class CRSError(InvalidDataError):
    """Coordinates are in the wrong or an unknown coordinate reference system."""


class OutsideRegionError(InvalidDataError):
    """Points lie outside the study area (or lat/lon look swapped)."""


class DuplicateIdError(InvalidDataError):
    """Ids that must be unique occur more than once."""


class SwappedCoordinatesError(OutsideRegionError):
    """Latitude and longitude look swapped (the points would land far outside the Netherlands)."""


class ImplausibleDataError(InvalidDataError):
    """Input can be read but its values cannot be true (e.g. 10^12 residents, a missing municipality)."""


class NetworkError(SpreidingError, RuntimeError):
    """The road network cannot be built or used."""


class UnreachableError(NetworkError):
    """Points cannot be connected to the road network."""


class NetworkOutsideRegionError(UnreachableError):
    """The road network does not cover the region (too few residents' points lie near a road)."""


class ImplausibleNetworkError(NetworkError, ValueError):
    """The road network can be read but cannot be true (e.g. every usable road has length 0)."""


class ScenarioError(SpreidingError, ValueError):
    """A scenario or one of its edits is invalid."""


class StoreError(SpreidingError, OSError):
    """The scenario store cannot be read or written."""


class OutputError(SpreidingError, OSError):
    """An output file cannot be written (the old file, if any, is left as it was)."""


class OptimizationError(SpreidingError, RuntimeError):
    """A location model cannot be built or solved."""


class DownloadError(SpreidingError, ConnectionError):
    """A download failed or its checksum does not match."""
