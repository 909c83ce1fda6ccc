"""What a preset fills in besides its norm: the analysis settings (one mapping for the CLI and the app).

A preset (``--norm cbs-auto``, the app's *Voorbeeldnorm*) names a
:class:`~spreiding.analysis.norm.Norm` in :data:`~spreiding.analysis.norm.PRESETS`
and, here, the analysis settings that go with it (:class:`PresetSettings`).
An option the user gives explicitly (``--placement``) wins over the preset.

Examples
--------
>>> preset_settings("cbs-auto").placement
'street_nodes'
>>> preset_settings(None) == PresetSettings()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from spreiding.analysis.norm import PRESETS
from spreiding.analysis.placement import DEFAULT_PLACEMENT, PLACEMENTS
from spreiding.errors import ConfigError

__all__ = ["PRESET_SETTINGS", "PresetSettings", "preset_settings"]


@dataclass(frozen=True)
class PresetSettings:
    """Analysis settings a preset fills in (frozen).

    Attributes
    ----------
    placement
        Where residents are placed (``street_nodes`` or ``cell_centre``).
    """

    placement: str = DEFAULT_PLACEMENT

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            msg = f"onbekende plaatsing {self.placement!r}; kies uit {', '.join(PLACEMENTS)}"
            raise ConfigError(msg)


PRESET_SETTINGS: Mapping[str, PresetSettings] = MappingProxyType(
    {
        # CBS measures from addresses: residents on their streets, car, every kind of library counted.
        "cbs-auto": PresetSettings(placement="street_nodes"),
    }
)
"""Preset key → the analysis settings it fills in (presets not listed use the defaults)."""


def preset_settings(key: str | None) -> PresetSettings:
    """The analysis settings of a preset (the defaults for ``None`` or a preset without its own).

    Raises
    ------
    ConfigError
        ``key`` is not a preset.
    """
    if key is not None and key not in PRESETS:
        presets = ", ".join(sorted(PRESETS))
        msg = f"onbekende voorbeeldnorm {key!r}; kies uit {presets}"
        raise ConfigError(msg)
    return PRESET_SETTINGS.get(key or "", PresetSettings())
