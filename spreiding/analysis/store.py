"""Scenario store: scenarios persisted in an embedded SQLite file.

Default path: ``$SPREIDING_STORE``; else ``scenarios.sqlite`` in the user data
folder (``platformdirs``; ``~/.local/share/spreiding/`` on Linux). Never the
data folder, which may be read-only and shared.

Safety: every write is one transaction (``BEGIN IMMEDIATE``), so a crash
mid-save leaves what was saved before intact; WAL mode and a busy timeout let
two app sessions write at once without corrupting the file; names are unique
(a clear :class:`~spreiding.errors.StoreError` on conflict). The schema is
versioned with ``PRAGMA user_version`` and migrated on open (v1 → v2 adds
``updated_at`` and ``norm``).

Exchange formats: JSON (:meth:`Scenario.to_dict`) and GeoJSON (one feature
per edit; opened/moved points as WGS84 points, closures, re-openings and
retypes without geometry).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pyproj import Transformer

from spreiding.analysis.scenario import Edit, Scenario
from spreiding.data.config import user_data_dir
from spreiding.errors import ScenarioError, StoreError

__all__ = [
    "SCHEMA_VERSION",
    "STORE_ENV",
    "ScenarioStore",
    "default_store_path",
    "read_scenario_file",
    "scenario_from_geojson",
    "scenario_to_geojson",
    "write_scenario_file",
]

logger = logging.getLogger(__name__)

STORE_ENV = "SPREIDING_STORE"
SCHEMA_VERSION = 2
_TIMEOUT_S = 30.0

_V1 = """
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    edits TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""
_V1_TO_V2 = """
ALTER TABLE scenarios ADD COLUMN updated_at TEXT;
ALTER TABLE scenarios ADD COLUMN norm TEXT;
UPDATE scenarios SET updated_at = created_at WHERE updated_at IS NULL;
"""

_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def default_store_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where the store lives: ``$SPREIDING_STORE``, else ``scenarios.sqlite`` in the user data folder.

    Parameters
    ----------
    data_dir
        Ignored; kept so existing callers keep working. The store is never
        written into the data folder (it may be read-only and shared).

    Returns
    -------
    pathlib.Path
        The store file (its folder is created when the store is opened).
    """
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    return user_data_dir() / "scenarios.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        msg = (
            f"scenario store {path} has schema v{version}, newer than this spreiding "
            f"(v{SCHEMA_VERSION}); upgrade spreiding"
        )
        raise StoreError(msg)
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process may have migrated
        if version < 1:
            conn.execute(_V1)
            version = 1
        if version < 2:
            for stmt in filter(str.strip, _V1_TO_V2.split(";")):
                conn.execute(stmt)
            logger.info("scenario store %s migrated from v1 to v2", path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class ScenarioStore:
    """Scenarios in one SQLite file (a connection per operation, safe across processes).

    Parameters
    ----------
    path
        The SQLite file (created with its folder when absent).
    """

    path: Path

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> ScenarioStore:
        """Open (create, migrate) the store at ``path`` or :func:`default_store_path`."""
        store = cls(Path(path) if path is not None else default_store_path())
        with store._connect():
            pass
        return store

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            msg = f"cannot open the scenario store {self.path} ({exc}); set {STORE_ENV} to a writable file"
            raise StoreError(msg) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            _migrate(conn, self.path)
            yield conn
        except sqlite3.IntegrityError:
            raise  # a name conflict: the caller turns it into a clear message
        except sqlite3.DatabaseError as exc:
            msg = f"scenario store {self.path} cannot be used ({exc}); check the file or set {STORE_ENV} to another one"
            raise StoreError(msg) from exc
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def names(self) -> list[str]:
        """Scenario names, sorted."""
        with self._connect() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM scenarios ORDER BY name")]

    def list(self) -> pd.DataFrame:
        """All scenarios: ``name, description, n_edits, created_at, updated_at``."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, description, edits, created_at, updated_at FROM scenarios ORDER BY name"
            ).fetchall()
        return pd.DataFrame(
            {
                "name": [r[0] for r in rows],
                "description": [r[1] for r in rows],
                "n_edits": [len(json.loads(r[2])) for r in rows],
                "created_at": [r[3] for r in rows],
                "updated_at": [r[4] for r in rows],
            }
        )

    def exists(self, name: str) -> bool:
        """Whether a scenario with ``name`` is stored."""
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (name,)).fetchone() is not None

    def create(self, scenario: Scenario) -> None:
        """Save a new scenario; a StoreError when the name is taken."""
        now = _now()
        edits = json.dumps([e.to_dict() for e in scenario.edits])
        norm = json.dumps(dict(scenario.norm)) if scenario.norm else None
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO scenarios (name, description, edits, created_at, updated_at, norm) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (scenario.name, scenario.description, edits, now, now, norm),
                )
        except sqlite3.IntegrityError as exc:
            msg = f"a scenario named {scenario.name!r} exists in {self.path}; choose another name or update it"
            raise StoreError(msg) from exc

    def update(self, scenario: Scenario) -> None:
        """Replace the stored scenario of the same name; a StoreError when it does not exist."""
        edits = json.dumps([e.to_dict() for e in scenario.edits])
        norm = json.dumps(dict(scenario.norm)) if scenario.norm else None
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE scenarios SET description = ?, edits = ?, norm = ?, updated_at = ? WHERE name = ?",
                (scenario.description, edits, norm, _now(), scenario.name),
            )
            if cur.rowcount == 0:
                msg = f"no scenario named {scenario.name!r} in {self.path}; create it first (names: {self._hint(conn)})"
                raise StoreError(msg)

    def save(self, scenario: Scenario) -> None:
        """Create or update."""
        if self.exists(scenario.name):
            self.update(scenario)
        else:
            self.create(scenario)

    def load(self, name: str) -> Scenario:
        """Return the stored scenario ``name``; a StoreError naming the stored ones when absent."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT name, description, edits, norm FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                msg = f"no scenario named {name!r} in {self.path}; stored: {self._hint(conn)}"
                raise StoreError(msg)
        try:
            edits = tuple(Edit.from_dict(e) for e in json.loads(row[2]))
        except (ValueError, ScenarioError) as exc:
            msg = f"scenario {name!r} in {self.path} is damaged ({exc}); delete it and import it again"
            raise StoreError(msg) from exc
        return Scenario(row[0], row[1], edits, json.loads(row[3]) if row[3] else None)

    def delete(self, name: str) -> None:
        """Delete scenario ``name``; a StoreError when absent."""
        with self._write() as conn:
            if conn.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount == 0:
                msg = f"no scenario named {name!r} in {self.path}; stored: {self._hint(conn)}"
                raise StoreError(msg)

    @staticmethod
    def _hint(conn: sqlite3.Connection) -> str:
        names = [r[0] for r in conn.execute("SELECT name FROM scenarios ORDER BY name LIMIT 8")]
        return ", ".join(repr(n) for n in names) or "none (run `spreiding scenario examples` or create one)"


# --------------------------------------------------------------------------- exchange formats


def scenario_to_geojson(scenario: Scenario) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one feature per edit (WGS84 points for open/move)."""
    features = []
    for order, edit in enumerate(scenario.edits):
        props = {k: v for k, v in edit.to_dict().items() if k not in ("x", "y")}
        props["order"] = order
        geometry = None
        if edit.has_location:
            lon, lat = _TO_WGS84.transform(edit.x, edit.y)
            geometry = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {
        "type": "FeatureCollection",
        "name": scenario.name,
        "description": scenario.description,
        "norm": dict(scenario.norm) if scenario.norm else None,
        "features": features,
    }


def scenario_from_geojson(data: dict[str, Any], *, name: str | None = None) -> Scenario:
    """Build a scenario from :func:`scenario_to_geojson` output (or a hand-written FeatureCollection)."""
    if data.get("type") != "FeatureCollection":
        msg = "GeoJSON scenario must be a FeatureCollection with one feature per edit"
        raise ScenarioError(msg)
    feats = sorted(data.get("features") or [], key=lambda f: (f.get("properties") or {}).get("order", 0))
    edits = []
    for i, feat in enumerate(feats):  # a handful of edits
        props = {k: v for k, v in (feat.get("properties") or {}).items() if k != "order"}
        geom = feat.get("geometry")
        if geom:
            if geom.get("type") != "Point":
                msg = f"edit {i + 1} ({props.get('id')}) has a {geom.get('type')} geometry; give a Point (lon, lat)"
                raise ScenarioError(msg)
            lon, lat = geom["coordinates"][:2]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                msg = f"edit {i + 1} ({props.get('id')}) has coordinates {lon}, {lat}; GeoJSON needs WGS84 lon, lat"
                raise ScenarioError(msg)
            props["x"], props["y"] = _TO_RD.transform(lon, lat)
        edits.append(Edit.from_dict(props))
    title = name or data.get("name")
    if not title:
        msg = "GeoJSON scenario has no 'name'; add one at the top level or pass a name"
        raise ScenarioError(msg)
    return Scenario(str(title), str(data.get("description") or ""), tuple(edits), data.get("norm") or None)


def write_scenario_file(scenario: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write a scenario as ``.geojson`` or ``.json`` (by extension)."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".geojson":
        data = scenario_to_geojson(scenario)
    elif suffix == ".json":
        data = scenario.to_dict()
    else:
        msg = f"cannot write scenario file {out.name}: use a .geojson or .json file name"
        raise ScenarioError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(out)  # atomic on one file system
    return out


def read_scenario_file(path: str | os.PathLike[str], *, name: str | None = None) -> Scenario:
    """Read a scenario from ``.geojson`` or ``.json`` (a FeatureCollection is read as GeoJSON)."""
    p = Path(path)
    if not p.is_file():
        msg = f"scenario file {p} not found; give the path of a .geojson or .json file"
        raise ScenarioError(msg)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"scenario file {p.name} is not valid JSON ({exc}); export it again with `spreiding scenario export`"
        raise ScenarioError(msg) from exc
    if not isinstance(data, dict):
        msg = f"scenario file {p.name} must hold one JSON object"
        raise ScenarioError(msg)
    if data.get("type") == "FeatureCollection":
        return scenario_from_geojson(data, name=name)
    if name:
        data = {**data, "name": name}
    return Scenario.from_dict(data)
