"""The map pages' questions to a workspace (Kaart, Vergelijken, Verzorgingsgebied), without Streamlit.

:class:`MapViews` is a mixin of :class:`~spreiding.app.workspace.Workspace`: the difference map, the
catchments, which points share a spot, a point's status, why an edit cannot change coverage, the search
index, and the layers every map shares (built once per data folder). It only calls the package.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from spreiding._validate import to_rd_new
from spreiding.analysis.cells import catchment_table
from spreiding.analysis.scenario import Edit
from spreiding.output.maps import MapBase, catchment_payload, co_located, diff_payload, map_base
from spreiding.vocabulary import KIND_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from spreiding.analysis.evaluation import Evaluation
    from spreiding.data.region import Region
    from spreiding.study import Study

__all__ = ["RECENT_PAYLOADS", "MapViews"]

RECENT_PAYLOADS = 3
"""Map payloads kept per workspace (Kaart's, and Vergelijken's A and B)."""


class MapViews:
    """Map-page methods of a workspace (a mixin: ``evaluate``, ``study``, ``region`` come from the workspace)."""

    _inputs: Any
    _settings: Any

    if TYPE_CHECKING:

        def evaluate(self, name: str | None = None) -> Evaluation: ...

        @property
        def study(self) -> Study: ...

        @property
        def region(self) -> Region: ...

    def _recent_payload(self, key: Hashable, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """A recent map payload of the same inputs (e.g. the run of a button click, before its edit applies; the
        two maps of Vergelijken), else a new one."""
        recent: OrderedDict[Hashable, dict[str, Any]] = self.__dict__.setdefault("_payloads", OrderedDict())
        if key not in recent:
            recent[key] = make()
            while len(recent) > RECENT_PAYLOADS:
                recent.popitem(last=False)
        return recent[key]

    def _places(self) -> gpd.GeoDataFrame | None:
        return self._inputs.places(self._settings.data_dir)

    def _map_base(self) -> MapBase:
        """The layers every map of this data folder shares (cells, village names, outlines), built once."""
        key = self._settings.data_dir
        cached = getattr(self, "_map_base_cache", None)
        if cached is None or cached[0] != key:
            base = map_base(self.study.population, places=self._places(), municipalities=self.region.municipalities)
            cached = (key, base)
            self._map_base_cache = cached
        return cached[1]

    def diff_payload(self, a: str, b: str) -> dict[str, Any]:
        """The difference map of scenario B against A: per cell longer / shorter / newly outside / newly inside."""
        ev_a, ev_b = self.evaluate(a), self.evaluate(b)
        figure = "time_s" if ev_b.norm.figure_unit == "min" else "dist_m"  # a time-only norm compares minutes
        return diff_payload(
            ev_b.points,
            (getattr(ev_a.nearest, figure), ev_a.covered),
            (getattr(ev_b.nearest, figure), ev_b.covered),
            ev_b.norm,
            ev_b.facilities,
            counted_ids=ev_b.counted["id"].astype(str).tolist(),
            base=self._map_base(),
        )

    def catchments(self, name: str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Residents per counted service point for whom it is the nearest (table) and the map coloured by it."""
        ev = self.evaluate(name)
        ids = np.asarray(pd.array(ev.nearest.nearest_id, dtype="string").fillna(""), dtype=object)
        table = catchment_table(ev.points, ids, ev.nearest.dist_m, ev.covered, weight_column=ev.norm.weight_column)
        info = pd.DataFrame(ev.counted.drop(columns=ev.counted.geometry.name))
        info = info.assign(id=info["id"].astype(str)).loc[:, [c for c in ("id", "name", "kind", "municipality")
                                                              if c in info.columns]]  # fmt: skip
        table = table.merge(info, on="id", how="left")
        payload = catchment_payload(
            ev.points,
            ev.nearest,
            ev.norm,
            ev.facilities,
            counted_ids=ev.counted["id"].astype(str).tolist(),
            base=self._map_base(),
        )
        return table, payload

    def status_of(self, ident: str, name: str | None = None) -> str | None:
        """A service point's status in a scenario (``None`` when the id is unknown)."""
        fac = self.evaluate(name).facilities
        row = fac.loc[fac["id"].astype(str) == str(ident), "status"]
        return str(row.iloc[0]) if len(row) else None

    def co_located(self, ident: str, name: str | None = None) -> list[str]:
        """Ids of the service points on the same spot as ``ident`` on the map (itself first), see
        :data:`~spreiding.output.maps.FACILITY_NEAR_M`."""
        return co_located(self.evaluate(name).facilities, ident)

    def edit_note(self, edit: Edit) -> str | None:
        """Why ``edit`` cannot change coverage under the current norm (Dutch), or ``None`` when it can."""
        norm = self._settings.norm
        counted = ", ".join(KIND_LABELS.get(k, k) for k in sorted(norm.kinds))
        kind = edit.kind
        if kind is None and edit.action != "open":
            fac = self.evaluate().facilities
            row = fac.loc[fac["id"].astype(str) == edit.id, "kind"]
            kind = str(row.iloc[0]) if len(row) else None
        if kind is None or kind in norm.kinds:
            return None
        label = KIND_LABELS.get(kind, kind)
        what = {"open": "Het nieuwe punt", "reopen": "Het heropende punt", "retype": "Het punt"}.get(
            edit.action, "Dit punt"
        )
        return (
            f"{what} is een {label}; onder deze norm tellen alleen {counted} mee. De dekking verandert daarom "
            f"niet. Kies een soort die meetelt, of laat {label} meetellen in de norm (zijbalk)."
        )

    def search_places(self) -> dict[str, tuple[float, float]]:
        """Villages, towns and service points by Dutch label → RD position, for the map's search box."""
        out: dict[str, tuple[float, float]] = {}
        fac = to_rd_new(self.evaluate().facilities, "service points")
        for fid, fname, st, x, y in zip(
            fac["id"].astype(str),
            fac["name"].astype(str),
            fac["status"].astype(str),
            fac.geometry.x,
            fac.geometry.y,
            strict=True,
        ):  # about 100 points
            out[f"{fname} ({STATUS_LABELS.get(st, st)}, {fid})"] = (float(x), float(y))
        places = self._places()
        if places is not None and not places.empty:
            rd = to_rd_new(places, "place points")
            muni = rd["municipality"].astype(str) if "municipality" in rd.columns else pd.Series("", index=rd.index)
            for pname, m, x, y in zip(rd["name"].astype(str), muni, rd.geometry.x, rd.geometry.y, strict=True):
                label = f"{pname} (plaats, {m})" if m and m != "nan" else f"{pname} (plaats)"
                out.setdefault(label, (float(x), float(y)))
        return dict(sorted(out.items(), key=lambda kv: kv[0].casefold()))
