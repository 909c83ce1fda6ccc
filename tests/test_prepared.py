"""Prepared points in the disk cache: stored and read back equal; any changed input places them again."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import box

from spreiding._cache import cache_dir
from spreiding.analysis.prepared import cached_points, frame_digest, frame_from_arrays, frame_to_arrays


def _frame() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "cell_id": pd.Series(["a", "a", "b"], dtype="str"),
            "kern": pd.Series(["Gieten", None, "Ées"], dtype="string"),  # a missing value and a non-ASCII one
            "node_pos": pd.array([3, None, 7], dtype="Int64"),
            "pop_total": [10.0, 2.5, np.nan],
            "imputed": [True, False, True],
            "n": np.array([1, 2, 3], dtype=np.int64),
        },
        geometry=gpd.points_from_xy([230000.0, 230100.0, 235000.0], [550000.0, 550050.0, 551000.0]),
        crs="EPSG:28992",
    )
    frame.attrs["source"] = {"rows": 3, "year": 2021, "placement_warnings": ["3 inwoners tellen niet mee"]}
    return frame


def test_a_frame_is_read_back_equal_dtypes_and_attrs_included() -> None:
    frame = _frame()
    arrays = frame_to_arrays(frame)
    assert arrays is not None
    back = frame_from_arrays(arrays)
    assert_geodataframe_equal(back, frame, check_dtype=True, check_index_type=True)
    assert back.attrs == frame.attrs
    assert back["kern"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.set_geometry([box(0, 0, 1, 1)] * 3),  # not points
        lambda f: f.set_index(pd.Index([5, 6, 7])),  # not a range index
        lambda f: f.assign(mixed=pd.Series(["x", 1, None], dtype=object)),  # mixed object column
        lambda f: f.assign(cat=pd.Categorical(["x", "y", "x"])),  # a dtype that is not stored
    ],
)
def test_frames_that_cannot_be_stored_are_not_cached(change: object) -> None:
    assert frame_to_arrays(change(_frame())) is None  # type: ignore[operator]


def test_the_digest_follows_content_not_identity() -> None:
    a, b = _frame(), _frame()
    assert frame_digest(a) == frame_digest(b)
    b.loc[1, "pop_total"] = 2.6
    assert frame_digest(a) != frame_digest(b)
    c = _frame()
    c.attrs["source"] = {"rows": 4}
    assert frame_digest(c) != frame_digest(a)
    assert frame_digest(None) == "none"


def test_points_are_placed_once_per_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(tmp_path))
    built: list[int] = []

    def build() -> gpd.GeoDataFrame:
        built.append(1)
        return _frame()

    population = _frame()
    first = cached_points(build, network_key="net-1", inputs={"population": population}, placement="street_nodes")
    again = cached_points(build, network_key="net-1", inputs={"population": _frame()}, placement="street_nodes")
    assert len(built) == 1
    assert_geodataframe_equal(again, first, check_dtype=True)
    cached_points(build, network_key="net-2", inputs={"population": population}, placement="street_nodes")
    cached_points(build, network_key="net-1", inputs={"population": population}, placement="cell_centre")
    changed = population.assign(pop_total=[1.0, 2.0, 3.0])
    cached_points(build, network_key="net-1", inputs={"population": changed}, placement="street_nodes")
    assert len(built) == 4
    cached_points(build, network_key="", inputs={"population": population}, placement="street_nodes")
    cached_points(build, network_key="", inputs={"population": population}, placement="street_nodes")
    assert len(built) == 6  # a network without a key is never cached


def test_a_hit_logs_the_placement_warnings_and_a_damaged_entry_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SPREIDING_CACHE_DIR", str(tmp_path))
    built: list[int] = []

    def build() -> gpd.GeoDataFrame:
        built.append(1)
        return _frame()

    inputs = {"population": _frame()}
    cached_points(build, network_key="net", inputs=inputs, placement="street_nodes")
    with caplog.at_level(logging.WARNING):
        cached_points(build, network_key="net", inputs=inputs, placement="street_nodes")
    assert "3 inwoners tellen niet mee" in caplog.text and len(built) == 1
    (entry,) = cache_dir().glob("points-*.npz")
    entry.write_bytes(b"kapot")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = cached_points(build, network_key="net", inputs=inputs, placement="street_nodes")
    assert len(built) == 2 and "beschadigd cachebestand" in caplog.text
    assert_geodataframe_equal(again, _frame())
