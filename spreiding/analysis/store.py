"""Scenario store: every saved version of every scenario in an embedded SQLite file.

Default path: ``$SPREIDING_STORE``; else ``scenarios.sqlite`` in the user data
folder (``platformdirs``; ``~/.local/share/spreiding/`` on Linux). Never the
data folder, which may be read-only and shared.

Nothing is lost: every :meth:`ScenarioStore.save` adds a version and no
operation deletes one. Saving under a new name makes that version current;
under an existing name the version is kept but becomes current only with
``replace=True`` (the CLI's ``--replace``, a confirmation in the app).
Saving content equal to a stored version adds nothing and reuses it.
:meth:`ScenarioStore.history` lists the versions, :meth:`ScenarioStore.restore`
makes an earlier one current, :meth:`ScenarioStore.delete` only hides the name
(its versions stay and can be restored).

Damaged rows (edits or norm that are not valid JSON or not a valid scenario)
never hide the rest: :meth:`ScenarioStore.load_all` and
:meth:`ScenarioStore.list` report them by name with a Dutch reason and
return the others; :meth:`ScenarioStore.load` raises a clear
:class:`~spreiding.errors.ScenarioError` for one.

Safety: every write is one transaction (``BEGIN IMMEDIATE``), so a crash
mid-save leaves what was saved before intact, and concurrent first saves of
one name from several processes both keep their version (one is current).
WAL mode and a busy timeout let app sessions write at once. The schema is
versioned with ``PRAGMA user_version`` and migrated on open (v1 → v2 adds
``updated_at`` and ``norm``; v2 → v3 moves every row into the versions table
as version 1 and keeps the old table as ``scenarios_v2``).

Exchange formats (JSON, GeoJSON) live in :mod:`spreiding.analysis.scenario_io`
and are re-exported here.
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

from spreiding.analysis.scenario import Edit, Scenario
from spreiding.analysis.scenario_io import (
    read_scenario_file,
    scenario_from_geojson,
    scenario_to_geojson,
    write_scenario_file,
)
from spreiding.data.config import user_data_dir
from spreiding.errors import ScenarioError, StoreError

__all__ = [
    "SCHEMA_VERSION",
    "STORE_ENV",
    "DamagedRow",
    "LoadResult",
    "SaveResult",
    "ScenarioStore",
    "default_store_path",
    "read_scenario_file",
    "scenario_from_geojson",
    "scenario_to_geojson",
    "write_scenario_file",
]

logger = logging.getLogger(__name__)

STORE_ENV = "SPREIDING_STORE"
SCHEMA_VERSION = 3
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
_V3 = """
CREATE TABLE scenario_versions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    edits TEXT NOT NULL,
    norm TEXT,
    saved_at TEXT NOT NULL,
    UNIQUE (name, version)
);
CREATE TABLE scenario_names (
    name TEXT PRIMARY KEY,
    current INTEGER,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
"""
_V2_TO_V3 = """
INSERT INTO scenario_versions (name, version, description, edits, norm, saved_at)
    SELECT name, 1, description, edits, norm, COALESCE(updated_at, created_at) FROM scenarios ORDER BY id;
INSERT INTO scenario_names (name, current, created_at) SELECT name, 1, created_at FROM scenarios;
ALTER TABLE scenarios RENAME TO scenarios_v2;
"""
_CURRENT = (
    "SELECT v.name, v.version, v.description, v.edits, v.norm, v.saved_at, n.created_at, "
    "(SELECT COUNT(*) FROM scenario_versions w WHERE w.name = v.name) "
    "FROM scenario_names n JOIN scenario_versions v ON v.name = n.name AND v.version = n.current "
    "ORDER BY v.name"
)


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


def _script(conn: sqlite3.Connection, script: str) -> None:
    for stmt in filter(str.strip, script.split(";")):
        conn.execute(stmt)


def _steps(conn: sqlite3.Connection, version: int, path: Path) -> None:
    fresh = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'scenarios'").fetchone() is None
    if version < 1 and fresh:
        _script(conn, _V3)  # a new store starts at v3
        return
    if version < 1:
        conn.execute(_V1)
    if version < 2:
        _script(conn, _V1_TO_V2)
        logger.info("scenario-opslag %s omgezet van v1 naar v2", path)
    if version < 3:
        _script(conn, _V3)
        _script(conn, _V2_TO_V3)
        logger.info("scenario-opslag %s omgezet van v2 naar v3 (elke rij bewaard als versie 1)", path)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        msg = (
            f"de scenario-opslag {path} heeft schema v{version}, nieuwer dan deze spreiding "
            f"(v{SCHEMA_VERSION}); werk spreiding bij (upgrade spreiding)"
        )
        raise StoreError(msg)
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process may have migrated
        if version < SCHEMA_VERSION:
            _steps(conn, version, path)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _parse(name: str, description: object, edits: object, norm: object) -> Scenario:
    """The scenario of one stored row; a ScenarioError with a Dutch reason when the row is damaged."""
    try:
        raw_edits = json.loads(edits) if isinstance(edits, str) else edits
    except ValueError as exc:
        msg = f"de wijzigingen zijn geen geldige JSON ({str(edits)[:40]!r})"
        raise ScenarioError(msg) from exc
    try:
        raw_norm: Any = json.loads(norm) if isinstance(norm, str) else norm
    except ValueError as exc:
        msg = f"de norm is geen geldige JSON ({str(norm)[:40]!r})"
        raise ScenarioError(msg) from exc
    if not isinstance(raw_edits, list):
        msg = f"de wijzigingen zijn geen lijst ({str(edits)[:40]!r})"
        raise ScenarioError(msg)
    parsed = []
    for i, item in enumerate(raw_edits, start=1):
        try:
            parsed.append(Edit.from_dict(item))
        except ScenarioError as exc:
            msg = f"wijziging {i}: {exc}"
            raise ScenarioError(msg) from exc
    return Scenario(name, "" if description is None else str(description), tuple(parsed), raw_norm or None)


def _reason(exc: ScenarioError) -> str:
    return str(exc).splitlines()[0][:200]


def _encode(scenario: Scenario) -> tuple[str, str, str | None]:
    edits = json.dumps([e.to_dict() for e in scenario.edits], ensure_ascii=False)
    norm = json.dumps(dict(scenario.norm), ensure_ascii=False) if scenario.norm else None
    return scenario.description, edits, norm


@dataclass(frozen=True)
class DamagedRow:
    """A stored version that cannot be read as a scenario.

    Parameters
    ----------
    name
        The scenario name of the row.
    version
        The version number.
    reason
        What is wrong, in Dutch.
    """

    name: str
    version: int
    reason: str


@dataclass(frozen=True)
class LoadResult:
    """The current version of every stored scenario that loads, plus the damaged ones.

    Parameters
    ----------
    scenarios
        Name → scenario, sorted by name.
    damaged
        Current versions that cannot be read (skipped, reported by name).
    """

    scenarios: dict[str, Scenario]
    damaged: tuple[DamagedRow, ...] = ()


@dataclass(frozen=True)
class SaveResult:
    """What a save or restore did.

    Parameters
    ----------
    name
        The scenario name.
    version
        The version that holds the saved content (new, or an equal one reused).
    became_current
        Whether that version is now the current one under ``name``.
    message
        One Dutch line for the user.
    previous
        The version that was current before (``None`` for a new name).
    """

    name: str
    version: int
    became_current: bool
    message: str
    previous: int | None = None


@dataclass(frozen=True)
class ScenarioStore:
    """Scenarios and all their versions in one SQLite file (a connection per operation, safe across processes).

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
            msg = f"kan de scenario-opslag {self.path} niet openen ({exc}); zet {STORE_ENV} op een schrijfbaar bestand"
            raise StoreError(msg) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            _migrate(conn, self.path)
            yield conn
        except sqlite3.DatabaseError as exc:
            msg = (
                f"de scenario-opslag {self.path} is niet te gebruiken ({exc}); "
                f"controleer het bestand of zet {STORE_ENV} op een ander bestand"
            )
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

    # ----------------------------------------------------------------------- reading

    def load_all(self) -> LoadResult:
        """The current version of every scenario that loads, plus a report of the damaged ones."""
        with self._connect() as conn:
            rows = conn.execute(_CURRENT).fetchall()
        good: dict[str, Scenario] = {}
        damaged = []
        for name, version, description, edits, norm, *_ in rows:
            try:
                good[name] = _parse(name, description, edits, norm)
            except ScenarioError as exc:
                damaged.append(DamagedRow(name, int(version), _reason(exc)))
        for row in damaged:
            logger.warning("scenario %r (versie %d) beschadigd, overgeslagen: %s", row.name, row.version, row.reason)
        return LoadResult(good, tuple(damaged))

    def names(self) -> list[str]:
        """Names of the stored scenarios that load, sorted (damaged ones: :meth:`load_all`)."""
        return list(self.load_all().scenarios)

    def deleted_names(self) -> list[str]:
        """Names without a current version (deleted; their versions stay and :meth:`restore` brings one back)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT name FROM scenario_names WHERE current IS NULL ORDER BY name").fetchall()
        return [str(r[0]) for r in rows]

    def list(self) -> pd.DataFrame:
        """Every current scenario, damaged ones included and marked.

        Returns
        -------
        pandas.DataFrame
            ``name, description, n_edits, version, n_versions, created_at,
            updated_at, damaged``: ``damaged`` is the Dutch reason, empty for
            a scenario that loads (``n_edits`` is then missing).
        """
        with self._connect() as conn:
            rows = conn.execute(_CURRENT).fetchall()
        records = []
        for name, version, description, edits, norm, saved_at, created_at, n_versions in rows:
            try:
                scen: Scenario | None = _parse(name, description, edits, norm)
                reason = ""
            except ScenarioError as exc:
                scen, reason = None, _reason(exc)
            records.append(
                {
                    "name": name,
                    "description": "" if description is None else str(description),
                    "n_edits": len(scen.edits) if scen is not None else pd.NA,
                    "version": int(version),
                    "n_versions": int(n_versions),
                    "created_at": created_at,
                    "updated_at": saved_at,
                    "damaged": reason,
                }
            )
        columns = ["name", "description", "n_edits", "version", "n_versions", "created_at", "updated_at", "damaged"]
        table = pd.DataFrame(records, columns=columns)
        return table.astype({"n_edits": "Int64"})

    def exists(self, name: str) -> bool:
        """Whether ``name`` has a current version (damaged or not)."""
        with self._connect() as conn:
            return self._current(conn, name.strip()) is not None

    def load(self, name: str, version: int | None = None) -> Scenario:
        """The current (or the given) version of scenario ``name``.

        Raises
        ------
        StoreError
            No such scenario or version (the message names the stored ones).
        ScenarioError
            The row is damaged; the message says what and how to recover.
        """
        name = name.strip()
        with self._connect() as conn:
            number = self._current(conn, name) if version is None else int(version)
            row = None
            if number is not None:
                row = conn.execute(
                    "SELECT description, edits, norm FROM scenario_versions WHERE name = ? AND version = ?",
                    (name, number),
                ).fetchone()
            if row is None:
                what = f"geen scenario {name!r}" if version is None else f"geen versie {version} van {name!r}"
                msg = f"{what} in {self.path}; bewaard: {self._hint(conn)}"
                raise StoreError(msg)
        try:
            return _parse(name, *row)
        except ScenarioError as exc:
            msg = (
                f"scenario {name!r} (versie {number}) in {self.path} is beschadigd: {_reason(exc)}; "
                f"zet een eerdere versie terug (`spreiding scenario history {name!r}`) of verwijder het"
            )
            raise ScenarioError(msg) from exc

    def history(self, name: str) -> pd.DataFrame:
        """Every stored version of ``name`` (also after :meth:`delete`), oldest first.

        Returns
        -------
        pandas.DataFrame
            ``version, saved_at, current, n_edits, description, damaged``
            (``damaged``: Dutch reason, empty when the version loads).

        Raises
        ------
        StoreError
            No version of ``name`` was ever stored.
        """
        name = name.strip()
        with self._connect() as conn:
            current = self._current(conn, name)
            rows = conn.execute(
                "SELECT version, saved_at, description, edits, norm FROM scenario_versions "
                "WHERE name = ? ORDER BY version",
                (name,),
            ).fetchall()
            if not rows:
                msg = f"geen scenario {name!r} in {self.path}; bewaard: {self._hint(conn)}"
                raise StoreError(msg)
        records = []
        for version, saved_at, description, edits, norm in rows:
            try:
                n_edits: object = len(_parse(name, description, edits, norm).edits)
                reason = ""
            except ScenarioError as exc:
                n_edits, reason = pd.NA, _reason(exc)
            records.append((int(version), saved_at, version == current, n_edits, str(description or ""), reason))
        columns = ["version", "saved_at", "current", "n_edits", "description", "damaged"]
        return pd.DataFrame.from_records(records, columns=columns).astype({"n_edits": "Int64", "current": bool})

    # ----------------------------------------------------------------------- writing

    def save(self, scenario: Scenario, *, replace: bool = False) -> SaveResult:
        """Store ``scenario`` as a version; no save ever deletes one.

        Parameters
        ----------
        scenario
            The scenario (its name is the key).
        replace
            Make the saved version current even when ``name`` already has a
            current version. Without it a save under an existing name is kept
            as a version that is *not* current (``became_current=False``).

        Returns
        -------
        SaveResult
            The version, whether it is current, and a Dutch message. Content
            equal to a stored version of ``name`` reuses that version.
        """
        description, edits, norm = _encode(scenario)
        name = scenario.name
        with self._write() as conn:
            current = self._current(conn, name)
            same = conn.execute(
                "SELECT version FROM scenario_versions WHERE name = ? AND description = ? AND edits = ? "
                "AND norm IS ? ORDER BY version DESC LIMIT 1",
                (name, description, edits, norm),
            ).fetchone()
            if same is not None:
                version = int(same[0])
            else:
                version = self._next_version(conn, name)
                conn.execute(
                    "INSERT INTO scenario_versions (name, version, description, edits, norm, saved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (name, version, description, edits, norm, _now()),
                )
            make_current = current is None or replace or current == version
            if make_current:
                self._set_current(conn, name, version)
        return _save_result(name, version, current, became_current=make_current, reused=same is not None)

    def restore(self, name: str, version: int) -> SaveResult:
        """Make stored ``version`` of ``name`` current again (also after :meth:`delete`).

        Raises
        ------
        StoreError
            No such version (the message lists the versions).
        ScenarioError
            The version is damaged (it is not made current).
        """
        name = name.strip()
        self.load(name, version)  # raises for a missing or damaged version
        with self._write() as conn:
            previous = self._current(conn, name)
            self._set_current(conn, name, int(version))
        text = f"versie {version} van {name!r} is weer actief"
        if previous is not None and previous != version:
            text += f" (versie {previous} blijft bewaard)"
        return SaveResult(name, int(version), True, text, previous)

    def delete(self, name: str) -> int:
        """Hide scenario ``name``; its versions stay and :meth:`restore` brings one back.

        Returns
        -------
        int
            The version that was current (to restore it).

        Raises
        ------
        StoreError
            No current scenario ``name``.
        """
        name = name.strip()
        with self._write() as conn:
            current = self._current(conn, name)
            if current is None:
                msg = f"geen scenario {name!r} in {self.path}; bewaard: {self._hint(conn)}"
                raise StoreError(msg)
            conn.execute("UPDATE scenario_names SET current = NULL, deleted_at = ? WHERE name = ?", (_now(), name))
        return current

    # ----------------------------------------------------------------------- helpers

    @staticmethod
    def _current(conn: sqlite3.Connection, name: str) -> int | None:
        row = conn.execute("SELECT current FROM scenario_names WHERE name = ?", (name,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @staticmethod
    def _next_version(conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT MAX(version) FROM scenario_versions WHERE name = ?", (name,)).fetchone()
        return int(row[0] or 0) + 1

    @staticmethod
    def _set_current(conn: sqlite3.Connection, name: str, version: int) -> None:
        conn.execute(
            "INSERT INTO scenario_names (name, current, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET current = excluded.current, deleted_at = NULL",
            (name, version, _now()),
        )

    @staticmethod
    def _hint(conn: sqlite3.Connection) -> str:
        query = "SELECT name FROM scenario_names WHERE current IS NOT NULL ORDER BY name LIMIT 8"
        names = [r[0] for r in conn.execute(query)]
        shown = ", ".join(repr(n if len(n) <= 40 else n[:39] + "…") for n in names)
        return shown or "geen (maak er een met `spreiding scenario create` of `spreiding scenario examples`)"


def _save_result(name: str, version: int, previous: int | None, *, became_current: bool, reused: bool) -> SaveResult:
    if became_current and previous == version:
        text = f"{name!r} is ongewijzigd (versie {version} is al actief)"
    elif became_current and previous is None:
        text = f"opgeslagen: {name!r} (versie {version})"
    elif became_current:
        text = f"opgeslagen: {name!r} versie {version} is nu actief; versie {previous} blijft bewaard"
    else:
        kept = "stond al bewaard" if reused else "is bewaard"
        text = (
            f"er bestaat al een scenario {name!r} (versie {previous} is actief); uw invoer {kept} als versie "
            f"{version}, maar is niet actief: kies vervangen om hem actief te maken, of geef een andere naam"
        )
    return SaveResult(name, version, became_current, text, previous)
