"""Travel modes: which roads a mode may use and how fast it goes on them.

A :class:`Mode` is frozen configuration. Speeds for cars follow the usual
Dutch limits per OSM ``highway`` class (built-up roads 30/50 km/h, rural
roads 60/80 km/h, motorways 100+ km/h) lowered a little for junctions; a
``maxspeed`` tag overrides them where present. Bikes and pedestrians have one
constant speed, may use every road but motorways and trunk roads, and ignore
``oneway``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spreiding.errors import ConfigError
from spreiding.vocabulary import MODE_LABELS, fmt_dec

__all__ = ["BIKE", "CAR", "MODES", "WALK", "Mode", "get_mode"]

_CAR_SPEEDS_KMH: tuple[tuple[str, float], ...] = (
    ("motorway", 100.0),
    ("motorway_link", 60.0),
    ("trunk", 80.0),
    ("trunk_link", 50.0),
    ("primary", 70.0),
    ("primary_link", 45.0),
    ("secondary", 60.0),
    ("secondary_link", 40.0),
    ("tertiary", 50.0),
    ("tertiary_link", 35.0),
    ("unclassified", 45.0),
    ("road", 40.0),
    ("residential", 30.0),
    ("living_street", 15.0),
    ("service", 20.0),
)

_NOT_FOR_BIKE_OR_FOOT = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
_NEVER = frozenset({"construction", "proposed", "abandoned", "platform", "raceway", "bus_guideway"})
_ALL_CLASSES = frozenset(
    {h for h, _ in _CAR_SPEEDS_KMH}
    | {
        "track",
        "path",
        "footway",
        "cycleway",
        "pedestrian",
        "steps",
        "bridleway",
        "corridor",
    }
)


@dataclass(frozen=True)
class Mode:
    """A travel mode.

    Parameters
    ----------
    name
        ``"car"``, ``"bike"`` or ``"walk"`` (or a name of your own).
    highway_speeds_kmh
        ``(highway class, km/h)`` pairs; only these classes are usable.
    respect_oneway
        Whether ``oneway=True`` edges are usable in one direction only.
    connector_kmh
        Speed on the straight leg from a point to its snapped road node.
    blocked_access
        OSM ``access``/``motor_vehicle``/``bicycle``/``foot`` values that close
        a road for this mode.
    """

    name: str
    highway_speeds_kmh: tuple[tuple[str, float], ...]
    respect_oneway: bool
    connector_kmh: float
    blocked_access: frozenset[str] = field(default=frozenset({"no", "private"}))
    access_tags: tuple[str, ...] = ("access",)
    use_maxspeed: bool = False

    @property
    def label_nl(self) -> str:
        """Dutch label for the interface ("auto", "fiets", "lopen"; :data:`spreiding.vocabulary.MODE_LABELS`)."""
        return MODE_LABELS.get(self.name, self.name)

    @property
    def highways(self) -> frozenset[str]:
        """Highway classes this mode may use."""
        return frozenset(h for h, _ in self.highway_speeds_kmh)

    def speed_table(self) -> dict[str, float]:
        """Return ``{highway class: km/h}``."""
        return dict(self.highway_speeds_kmh)

    def speed_nl(self) -> str:
        """The speed over the road in Dutch: ``"15 km/u"``, or ``"15–100 km/u naar wegtype"`` for several.

        >>> BIKE.speed_nl()
        '15 km/u'
        """
        speeds = sorted(set(self.speed_table().values()))
        if len(speeds) == 1:
            return f"{fmt_dec(speeds[0], 0)} km/u"
        return f"{fmt_dec(speeds[0], 0)}–{fmt_dec(speeds[-1], 0)} km/u naar wegtype"


def _constant(classes: frozenset[str], kmh: float) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((h, kmh) for h in classes))


CAR = Mode(
    name="car",
    highway_speeds_kmh=_CAR_SPEEDS_KMH,
    respect_oneway=True,
    connector_kmh=20.0,
    access_tags=("access", "motor_vehicle", "motorcar"),
    use_maxspeed=True,
)
BIKE = Mode(
    name="bike",
    highway_speeds_kmh=_constant(_ALL_CLASSES - _NOT_FOR_BIKE_OR_FOOT - {"steps"}, 15.0),
    respect_oneway=False,
    connector_kmh=15.0,
    access_tags=("access", "bicycle"),
)
WALK = Mode(
    name="walk",
    highway_speeds_kmh=_constant(_ALL_CLASSES - _NOT_FOR_BIKE_OR_FOOT, 5.0),
    respect_oneway=False,
    connector_kmh=5.0,
    access_tags=("access", "foot"),
)
MODES: dict[str, Mode] = {m.name: m for m in (CAR, BIKE, WALK)}
_ALIASES = {"auto": "car", "drive": "car", "fiets": "bike", "cycle": "bike", "lopen": "walk", "foot": "walk"}


def get_mode(mode: str | Mode) -> Mode:
    """Return the :class:`Mode` for a name (``car``/``auto``, ``bike``/``fiets``, ``walk``/``lopen``)."""
    if isinstance(mode, Mode):
        return mode
    key = _ALIASES.get(str(mode).lower(), str(mode).lower())
    if key not in MODES:
        msg = f"onbekende reiswijze {mode!r}; kies met --mode uit {', '.join(sorted(MODES))} (of auto, fiets, lopen)"
        raise ConfigError(msg)
    return MODES[key]
