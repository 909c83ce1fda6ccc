"""Region files: the schema of every packaged region file, and the errors for broken ones."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from spreiding.data.config import DataPaths
from spreiding.data.fetch import load_manifest, read_manifest
from spreiding.data.prepare import load_region_config
from spreiding.data.regions import (
    FILE_ROLES,
    REGION_ENV_VAR,
    REGIONS_DIR,
    RegionColumns,
    RegionFiles,
    available_regions,
    default_region_name,
    get_region,
)
from spreiding.errors import ConfigError

PACKAGED = sorted(p.stem for p in REGIONS_DIR.glob("*.json"))


def test_drenthe_is_packaged() -> None:
    assert "drenthe" in PACKAGED
    assert available_regions() == PACKAGED


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_region_file_schema(name: str) -> None:
    spec = get_region(name)
    raw = read_manifest(name)
    assert spec.key == name == raw["region"]
    assert spec.source == REGIONS_DIR / f"{name}.json"
    assert spec.name == raw["province"] and spec.total_label == raw["total_label"]
    assert len(spec.municipalities) == len(set(spec.municipalities)) == len(raw["municipalities"]) > 0
    assert spec.ring_m == raw["ring_m"] > 0
    assert set(raw["data_files"]) == set(FILE_ROLES)
    for role in FILE_ROLES:
        relative = Path(getattr(spec.files, role))
        assert not relative.is_absolute() and ".." not in relative.parts
    assert spec.columns.region_value != spec.columns.outside_value


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_region_file_agrees_with_fetch_and_prepare(name: str) -> None:
    """The download list and the prepare step write the files the loaders read."""
    spec = get_region(name)
    raw = read_manifest(name)
    dests = {f.name: f.dest for f in load_manifest(name, include_optional=True)}
    assert dests[raw["prepare"]["osm"]] == spec.files.roads_pbf
    manual = {f.dest for f in load_manifest(name, include_optional=True) if f.manual}
    assert manual <= {getattr(spec.files, role) for role in FILE_ROLES}
    config = load_region_config(name)
    assert config.ring_m == spec.ring_m and config.municipalities == spec.municipalities
    assert (config.boundaries_out, config.population_out) == (spec.files.boundaries, spec.files.vierkant)
    assert (config.libraries_list, config.osm_libraries_out) == (spec.files.libraries, spec.files.osm_libraries)
    assert config.region_columns == spec.columns


def test_drenthe_names_unchanged() -> None:
    """Drenthe's file and column names are the ones the reference data has."""
    spec = get_region("drenthe")
    assert spec.files == RegionFiles.conventional("drenthe")
    assert spec.columns == RegionColumns("region", "drenthe", "buiten_drenthe", "in_drenthe", "share_in_drenthe")
    assert (spec.name, spec.total_label, spec.ring_m) == ("Drenthe", "Drenthe", 15000.0)
    paths = DataPaths(Path("/d"), "drenthe")
    assert paths.population_grid == Path("/d/cbs/census2021_grid_1km_drenthe.csv")
    assert paths.border_grid == Path("/d/cbs/census2021_grid_1km_drenthe_rand.csv")
    assert paths.boundaries == Path("/d/gebieden/drenthe_gebieden.gpkg")
    assert paths.compiled_libraries == Path("/d/voorzieningen/bibliotheken_drenthe.csv")


def test_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REGION_ENV_VAR, raising=False)
    assert default_region_name() == "drenthe"
    assert get_region() is get_region("drenthe")
    monkeypatch.setenv(REGION_ENV_VAR, "atlantis")
    with pytest.raises(ConfigError, match=r"onbekende regio 'atlantis'.*drenthe"):
        get_region()
    with pytest.raises(ConfigError, match="atlantis"):
        DataPaths(Path("/d"))


# --------------------------------------------------------------------------- broken region files


def _drenthe_raw() -> dict[str, Any]:
    return json.loads((REGIONS_DIR / "drenthe.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"total_label": None}, r"kapot\.json: sleutel 'total_label' ontbreekt"),
        ({"region": 12}, r"kapot\.json: sleutel 'region' ontbreekt of is geen tekst"),
        ({"municipalities": []}, r"kapot\.json: sleutel 'municipalities'"),
        ({"ring_m": "15 km"}, r"kapot\.json: sleutel 'ring_m'"),
        ({"ring_m": -1}, r"kapot\.json: sleutel 'ring_m'"),
        ({"columns": None}, r"kapot\.json: sleutel 'columns' ontbreekt"),
        ({"data_files": ["cbs/x.csv"]}, r"kapot\.json: sleutel 'data_files' ontbreekt of is geen object"),
    ],
)
def test_schema_errors_name_file_and_key(tmp_path: Path, change: dict[str, Any], match: str) -> None:
    raw = _drenthe_raw()
    for key, value in change.items():
        if value is None:
            del raw[key]
        else:
            raw[key] = value
    with pytest.raises(ConfigError, match=match):
        get_region(_write(tmp_path, raw))


def test_schema_errors_in_sections(tmp_path: Path) -> None:
    raw = _drenthe_raw()
    del raw["data_files"]["pc4"]
    raw["data_files"]["wegen"] = "osm/x.gpkg"
    with pytest.raises(ConfigError, match=r"data_files klopt niet \(ontbrekend: pc4; onbekend: wegen\)"):
        get_region(_write(tmp_path, raw))
    raw = _drenthe_raw()
    raw["data_files"]["roads"] = "../elders/wegen.gpkg"
    with pytest.raises(ConfigError, match=r"data_files\.roads = '\.\./elders/wegen\.gpkg' is geen relatief pad"):
        get_region(_write(tmp_path, raw))
    raw = _drenthe_raw()
    raw["columns"]["inside_column"] = ""
    with pytest.raises(ConfigError, match=r"columns: sleutel 'inside_column'"):
        get_region(_write(tmp_path, raw))


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "stuk.json"
    bad.write_text("{niet json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"stuk\.json is geen geldige JSON"):
        get_region(bad)
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="geen JSON-object"):
        get_region(bad)
    with pytest.raises(ConfigError, match=r"weg\.json bestaat niet"):
        get_region(tmp_path / "weg.json")


def test_edited_file_is_read_again(tmp_path: Path) -> None:
    raw = _drenthe_raw()
    path = _write(tmp_path, raw)
    assert get_region(path).total_label == "Drenthe"
    raw["total_label"] = "Provincie Drenthe"
    path.write_text(json.dumps(raw), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert get_region(path).total_label == "Provincie Drenthe"
