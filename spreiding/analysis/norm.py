"""The duty-of-care norm ("redelijke afstand") as frozen configuration.

The law (Wsob) sets no number, so every preset here is an *example*. A norm
says which travel mode is used, the largest acceptable distance over the road
and/or travel time, which kinds of service point count as a full library,
and optionally the age band it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spreiding.data._plausible import check_norm_limits
from spreiding.errors import ConfigError
from spreiding.network.modes import get_mode
from spreiding.vocabulary import AGE_BAND_LABELS, fmt_dec

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_LABELS",
    "ALL_KINDS",
    "DEFAULT_KINDS",
    "DEFAULT_TARGET_SHARE",
    "PRESETS",
    "Norm",
    "get_preset",
]

AGE_BANDS: tuple[str, ...] = ("pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus")
ALL_KINDS: frozenset[str] = frozenset({"vestiging", "kleine_vestiging", "servicepunt"})
DEFAULT_KINDS: frozenset[str] = frozenset({"vestiging", "kleine_vestiging"})
DEFAULT_TARGET_SHARE = 0.95
"""Share of the residents that must live within the norm (an example: the law names no number)."""


def _check_target(name: str, share: object) -> None:
    """Refuse a target share outside (0, 1] in Dutch."""
    try:
        value = float(share)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 < value <= 1.0:  # also refuses nan
        shown = f"{fmt_dec(100.0 * value, 1)} %" if value == value else repr(share)
        msg = (
            f"norm {name!r}: doel {shown} ligt niet boven 0 en ten hoogste 100 % (aandeel inwoners binnen de "
            "norm); geef bijvoorbeeld 95 % (--target-pct 95)"
        )
        raise ConfigError(msg)


@dataclass(frozen=True)
class Norm:
    """A norm for "a full library within a reasonable distance".

    Parameters
    ----------
    name
        Short name shown in tables and file names.
    mode
        ``"car"``, ``"bike"`` or ``"walk"``.
    max_dist_m
        Largest acceptable distance over the road, in metres (or ``None``);
        finite, above 0 and at most 100 km.
    max_time_s
        Largest acceptable travel time, in seconds (or ``None``); finite,
        above 0 and at most 3 hours. When both are given a resident must
        meet both; at least one is required (Dutch ``ConfigError`` otherwise,
        see :mod:`spreiding.data._plausible`).
    kinds
        Service-point kinds that count as a full library.
    age_band
        ``None`` for all residents, or one of :data:`AGE_BANDS`.
    example
        ``True`` for presets: no legal number exists yet.
    target_share
        Share of the residents that must be covered for a municipality to
        meet the norm (the *verdict*, :mod:`spreiding.analysis.verdict`);
        above 0 and at most 1 (default 0.95).
    """

    name: str = "5 km over de weg"
    mode: str = "car"
    max_dist_m: float | None = 5000.0
    max_time_s: float | None = None
    kinds: frozenset[str] = field(default=DEFAULT_KINDS)
    age_band: str | None = None
    example: bool = True
    target_share: float = DEFAULT_TARGET_SHARE

    def __post_init__(self) -> None:
        get_mode(self.mode)  # raises ConfigError on an unknown mode
        object.__setattr__(self, "mode", get_mode(self.mode).name)
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        check_norm_limits(self.name, self.max_dist_m, self.max_time_s)
        if self.age_band is not None and self.age_band not in AGE_BANDS:
            bands = ", ".join(AGE_BANDS)
            msg = f"norm {self.name!r}: onbekende leeftijdsgroep {self.age_band!r}; kies uit {bands} (--age)"
            raise ConfigError(msg)
        _check_target(self.name, self.target_share)
        object.__setattr__(self, "target_share", float(self.target_share))
        if not self.kinds:
            kinds = ", ".join(sorted(ALL_KINDS))
            msg = f"norm {self.name!r} telt geen enkele soort voorziening; kies uit {kinds} (--kinds)"
            raise ConfigError(msg)

    @property
    def weight_column(self) -> str:
        """Population column this norm is about (``pop_total`` or an age band)."""
        return self.age_band or "pop_total"

    @property
    def uses_time(self) -> bool:
        """Whether the norm has a travel-time limit."""
        return self.max_time_s is not None

    @property
    def time_only(self) -> bool:
        """Whether the norm has a travel-time limit and no distance limit (figures then read in minutes)."""
        return self.max_time_s is not None and self.max_dist_m is None

    @property
    def figure_unit(self) -> str:
        """The unit figures and distributions read in: ``"min"`` for a time-only norm, else ``"km"``."""
        return "min" if self.time_only else "km"

    @property
    def search_limit_m(self) -> float:
        """Largest distance a graph search needs to explore for this norm (``inf`` if time-only)."""
        return float(self.max_dist_m) if self.max_dist_m is not None and self.max_time_s is None else float("inf")

    @property
    def target_text(self) -> str:
        """The target share in Dutch, e.g. ``"95 %"`` or ``"97,5 %"``."""
        return f"{fmt_dec(100.0 * self.target_share, 1).removesuffix(',0')} %"

    def describe(self) -> str:
        """Return a one-line Dutch description with the target.

        Examples
        --------
        >>> Norm().describe()
        'minstens 95 % van de inwoners binnen 5 km over de weg (auto)'
        """
        return f"minstens {self.target_text} van de inwoners binnen {self.describe_limits()}"

    def describe_limits(self) -> str:
        """Return the limits only, e.g. ``"5 km over de weg (auto)"``."""
        parts = []
        if self.max_dist_m is not None:
            parts.append(f"{self.max_dist_m / 1000:g} km over de weg")
        if self.max_time_s is not None:
            parts.append(f"{self.max_time_s / 60:g} min")
        mode = get_mode(self.mode).label_nl
        text = " en ".join(parts) + f" ({mode})"
        if self.age_band:
            text += f", {AGE_BAND_LABELS[self.age_band]}"
        return text

    def slug(self) -> str:
        """Return a file-name friendly identifier of the norm."""
        parts = [self.mode]
        if self.max_dist_m is not None:
            parts.append(f"{self.max_dist_m / 1000:g}km")
        if self.max_time_s is not None:
            parts.append(f"{self.max_time_s / 60:g}min")
        if self.age_band:
            parts.append(self.age_band.removeprefix("pop_"))
        if self.target_share != DEFAULT_TARGET_SHARE:
            parts.append(f"doel{100.0 * self.target_share:g}")
        return "-".join(parts).replace(".", "_")

    def with_(self, **changes: object) -> Norm:
        """Return a copy with some fields changed (the norm itself is frozen)."""
        return replace(self, **changes)  # type: ignore[arg-type]


PRESETS: dict[str, Norm] = {
    "5km-auto": Norm(name="Voorbeeld: 5 km over de weg (auto)", mode="car", max_dist_m=5000.0),
    "10km-auto": Norm(name="Voorbeeld: 10 km over de weg (auto)", mode="car", max_dist_m=10000.0),
    "15min-fiets": Norm(name="Voorbeeld: 15 min fietsen", mode="bike", max_dist_m=None, max_time_s=900.0),
    "30min-lopen": Norm(name="Voorbeeld: 30 min lopen", mode="walk", max_dist_m=None, max_time_s=1800.0),
    "cbs-auto": Norm(
        name="Voorbeeld: CBS-vergelijkbaar, auto over de weg (gemiddelde afstand), 5 km",
        mode="car",
        max_dist_m=5000.0,
        kinds=ALL_KINDS,
    ),
    "15min-fiets-jeugd": Norm(
        name="Voorbeeld: 15 min fietsen, 0-14 jaar", mode="bike", max_dist_m=None, max_time_s=900.0, age_band="pop_0_14"
    ),
}


def get_preset(key: str) -> Norm:
    """Return a preset norm by key (see :data:`PRESETS`)."""
    if key not in PRESETS:
        presets = ", ".join(sorted(PRESETS))
        msg = f"onbekende voorbeeldnorm {key!r}; kies met --norm uit {presets} of geef --max-km/--max-min"
        raise ConfigError(msg)
    return PRESETS[key]
