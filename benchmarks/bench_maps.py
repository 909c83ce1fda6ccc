"""Benchmark: the map pages' data on the real Drenthe data (car network, 5 km norm), without Streamlit.

For both placements (residents at the cell centre; on street nodes, drawn per cell) prints the median time
of the Kaart payload, of one edit (close a branch) with its evaluation, of the difference map (Vergelijken)
and of the catchments (Verzorgingsgebied), ending with ``<placement>_<what>_ms=`` lines. The shared layers
(cells, village names, outlines: :func:`spreiding.output.maps.map_base`) are built once per workspace, as in
the app. Needs the data folder; figures depend on the machine's load.

``python benchmarks/bench_maps.py``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def _ms(func: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


class _Inputs:
    """The app's read-only inputs, loaded once (what the app keeps in ``st.cache_resource``)."""

    def __init__(self) -> None:
        from spreiding.data.candidates import load_osm_candidates
        from spreiding.data.region import load_region
        from spreiding.output.report import VILLAGE_CLASSES

        self._region = load_region(None)
        self._places = load_osm_candidates(data_dir=None, place_classes=VILLAGE_CLASSES, building_kinds=())
        self._studies: dict[Any, Any] = {}

    def study(self, key: Any, facilities: Any) -> Any:
        from spreiding.network.roads import load_network
        from spreiding.study import Study, StudySettings

        if key not in self._studies:
            network = load_network(None, key.mode, progress=False)
            settings = StudySettings(mode=key.mode, placement=key.placement)
            self._studies[key] = Study(
                self._region.population, self._region.facilities, network, settings, total_label=self._region.name
            )
        return self._studies[key]

    def region(self, data_dir: str) -> Any:
        return self._region

    def places(self, data_dir: str) -> Any:
        return self._places

    def candidates(self, data_dir: str, source: str) -> Any:
        raise NotImplementedError


def main() -> None:
    """Measure and print."""
    from spreiding.analysis.scenario import Edit
    from spreiding.app.workspace import BASE_SCENARIO, Settings, Workspace
    from spreiding.errors import ConfigError

    def no_store() -> Any:
        raise ConfigError("geen opslag in de benchmark")

    inputs = _Inputs()
    for placement in ("cell_centre", "street_nodes"):
        ws = Workspace(inputs, Settings(placement=placement), store=no_store)
        ws.map_payload()  # builds the study, its matrix and the shared layers
        fac = ws.facilities
        open_ids = iter(fac.loc[fac["status"] == "open", "id"].astype(str).tolist())

        def edit(ws: Workspace = ws, ids: Any = open_ids) -> None:
            ws.apply_edit(Edit("close", next(ids)))
            ws.evaluate()

        picks = iter(fac["id"].astype(str).tolist())  # another highlighted point each time: no cached payload
        figures = {
            "payload": _ms(lambda ws=ws, picks=picks: ws.map_payload(selected=next(picks))),
            "edit": _ms(edit),
            "diff": _ms(lambda ws=ws: ws.diff_payload(BASE_SCENARIO, ws.active)),
            "catchments": _ms(ws.catchments),
        }
        print(
            f"{placement}: Kaart payload {figures['payload']:.0f} ms, close + evaluate {figures['edit']:.0f} ms, "
            f"difference map {figures['diff']:.0f} ms, catchments {figures['catchments']:.0f} ms"
        )
        for what, value in figures.items():
            print(f"{placement}_{what}_ms={value:.0f}")


if __name__ == "__main__":
    main()
