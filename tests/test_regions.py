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
    assert spec.province_code == raw.get("province_code")
    assert len(spec.municipalities) == len(set(spec.municipalities)) == len(raw.get("municipalities", []))
    assert spec.municipalities or spec.province_code  # listed, or derived from the CBS boundaries by code
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
    ring = raw["prepare"].get("ring_osm", [])
    if spec.files.roads_pbf != dests[raw["prepare"]["osm"]]:  # prepare merges the extracts into roads_pbf
        assert spec.files.roads_pbf not in dests.values()
        assert all(dests[entry].endswith("-latest.osm.pbf") for entry in ring)
    else:
        assert dests[raw["prepare"]["osm"]] == spec.files.roads_pbf
    manual = {f.dest for f in load_manifest(name, include_optional=True) if f.manual}
    assert manual <= {getattr(spec.files, role) for role in FILE_ROLES}
    config = load_region_config(name)
    assert config.ring_m == spec.ring_m and config.municipalities == spec.municipalities
    assert config.province_code == spec.province_code
    assert config.ring_pbfs == tuple(dests[entry] for entry in ring)
    assert not any(f.optional for f in load_manifest(name) if f.dest in config.ring_pbfs)
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


# --------------------------------------------------------------------------- every province and the country

PROVINCES = {  # Geofabrik's file name -> CBS province code
    "groningen": "PV20",
    "friesland": "PV21",
    "drenthe": "PV22",
    "overijssel": "PV23",
    "flevoland": "PV24",
    "gelderland": "PV25",
    "utrecht": "PV26",
    "noord-holland": "PV27",
    "zuid-holland": "PV28",
    "zeeland": "PV29",
    "noord-brabant": "PV30",
    "limburg": "PV31",
}
GEOFABRIK = "https://download.geofabrik.de/europe/netherlands"


def test_every_province_and_the_country_are_packaged() -> None:
    assert set(PACKAGED) == {*PROVINCES, "nederland"}
    assert {name: get_region(name).province_code for name in PROVINCES} == PROVINCES
    assert get_region("nederland").province_code == "NL01"


@pytest.mark.parametrize("name", sorted(PROVINCES))
def test_province_downloads_its_extract_and_its_neighbours(name: str) -> None:
    raw = read_manifest(name)
    files = {f.name: f for f in load_manifest(name)}
    own = files[raw["prepare"]["osm"]]
    assert own.url == f"{GEOFABRIK}/{name}-latest.osm.pbf" and own.md5_url == own.url + ".md5"
    ring = [files[entry] for entry in raw["prepare"]["ring_osm"]]
    neighbours = {f.url.removeprefix(f"{GEOFABRIK}/").removesuffix("-latest.osm.pbf") for f in ring}
    assert neighbours and neighbours <= set(PROVINCES) - {name}
    for other in neighbours:  # "within 15 km" is symmetric
        assert f"{GEOFABRIK}/{name}-latest.osm.pbf" in {f.url for f in load_manifest(other)}
    national = {"cbs_wijkbuurtkaart_2023", "cbs_vierkant_100m_2024"}
    assert national <= set(files) and {raw["prepare"]["boundaries"], raw["prepare"]["population"]} == national


def test_nederland_reads_the_national_files() -> None:
    raw = read_manifest("nederland")
    spec = get_region("nederland")
    files = {f.name: f for f in load_manifest("nederland")}
    assert files[raw["prepare"]["osm"]].url == "https://download.geofabrik.de/europe/netherlands-latest.osm.pbf"
    assert spec.files.roads_pbf == files[raw["prepare"]["osm"]].dest and "ring_osm" not in raw["prepare"]
    assert "municipalities" not in raw and spec.municipalities == ()


def test_shared_downloads_share_their_destination() -> None:
    """A national file or a province extract goes to one place whichever region fetches it (downloaded once)."""
    seen: dict[str, str] = {}
    for name in PACKAGED:
        for item in load_manifest(name, include_optional=True):
            if not item.manual:
                assert seen.setdefault(item.url, item.dest) == item.dest
    outputs = [get_region(name).files for name in PACKAGED]
    for role in ("vierkant", "boundaries", "libraries", "roads_pbf"):
        assert len({getattr(f, role) for f in outputs}) == len(PACKAGED)


@pytest.mark.parametrize("code", ["PV1", "pv99x", 22, "NL"])
def test_bad_province_code(tmp_path: Path, code: Any) -> None:
    raw = _drenthe_raw() | {"province_code": code}
    with pytest.raises(ConfigError, match=r"province_code = .* is geen CBS-provinciecode"):
        get_region(_write(tmp_path, raw))


def test_municipalities_may_be_left_out_only_with_a_province_code(tmp_path: Path) -> None:
    raw = _drenthe_raw()
    del raw["municipalities"]
    assert get_region(_write(tmp_path, raw)).municipalities == ()
    del raw["province_code"]
    with pytest.raises(ConfigError, match=r"sleutel 'municipalities' ontbreekt.*province_code"):
        get_region(_write(tmp_path, raw))
