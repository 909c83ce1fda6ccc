"""The scenario store as a workspace sees it: save, keep, list, history, restore, delete, damaged rows.

:class:`StoreViews` is a mixin of :class:`~spreiding.app.workspace.Workspace`. A store that cannot be opened
never loses work silently: ``store_problem`` says why, ``keep``/``save_as`` return ``None`` and the page
offers the scenario as a file. No method deletes a stored version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from spreiding.analysis.scenario import Scenario
from spreiding.analysis.store import SaveResult, ScenarioStore
from spreiding.errors import ConfigError, ScenarioError, SpreidingError

__all__ = ["BASE_SCENARIO", "StoreViews"]

logger = logging.getLogger(__name__)

BASE_SCENARIO = "Huidige situatie"
"""Name of the current situation (the scenario without edits) in the app."""


class StoreViews:
    """Store methods of a workspace (a mixin: the session's scenarios and ``put`` come from the workspace)."""

    _open_store: Callable[[], ScenarioStore]
    _scenarios: dict[str, Scenario]
    _active: str

    if TYPE_CHECKING:

        def put(self, scenario: Scenario, *, activate: bool = True) -> None: ...

        def scenario(self, name: str | None = None) -> Scenario: ...

        def activate(self, name: str) -> None: ...

    def _store(self) -> ScenarioStore | None:
        try:
            store = self._open_store()
        except SpreidingError as exc:
            logger.warning("scenario-opslag niet te gebruiken: %s", exc)
            self._store_problem: str | None = str(exc)
            return None
        self._store_problem = None
        return store

    @property
    def store_problem(self) -> str | None:
        """Why the scenario store could not be opened at its last use (Dutch), ``None`` when it opened."""
        return getattr(self, "_store_problem", None)

    def stored_history(self, name: str) -> pd.DataFrame:
        """Every stored version of ``name`` (also a deleted one), oldest first; see ``ScenarioStore.history``."""
        return self._required_store().history(name)

    def deleted_stored(self) -> list[str]:
        """Stored names without a current version (deleted; a version can be restored)."""
        store = self._store()
        return store.deleted_names() if store is not None else []

    def restore_stored(self, name: str, version: int) -> SaveResult:
        """Make a stored version current again and put it in the session (active)."""
        store = self._required_store()
        result = store.restore(name, version)
        self.put(store.load(result.name))
        return result

    def _required_store(self) -> ScenarioStore:
        store = self._store()
        if store is None:
            raise ConfigError(self._store_problem or "de scenario-opslag is niet te openen")
        return store

    def stored_names(self) -> list[str]:
        """Names in the scenario store ([] when it cannot be opened)."""
        store = self._store()
        return store.names() if store is not None else []

    def save_as(self, name: str, *, replace_current: bool = False) -> SaveResult | None:
        """Keep the active scenario under ``name`` (active) and save it as a version in the store.

        Returns the store's :class:`~spreiding.analysis.store.SaveResult` (its Dutch ``message`` says whether
        the version became current: under an existing name only with ``replace_current``), or ``None`` when no
        store opens — the scenario then lives in this session only and the page offers it as a download.
        """
        name = name.strip()
        if not name or name == BASE_SCENARIO:
            msg = f"geef het scenario een naam anders dan '{BASE_SCENARIO}'"
            raise ScenarioError(msg)
        return self.keep(replace(self.scenario(), name=name), replace_current=replace_current)

    def keep(self, scenario: Scenario, *, replace_current: bool = False) -> SaveResult | None:
        """Add ``scenario`` to the session (active) and save it as a version; ``None`` when no store opens."""
        self.put(scenario)
        store = self._store()
        if store is None:
            return None
        try:
            return store.save(scenario, replace=replace_current)
        except SpreidingError as exc:  # a failed save is said, never silent: the page offers a download
            logger.warning("scenario %r niet bewaard: %s", scenario.name, exc)
            return None

    def scenario_file(self, name: str | None = None) -> bytes:
        """The scenario as JSON bytes (a download that keeps the work when the store cannot be used)."""
        return json.dumps(self.scenario(name).to_dict(), ensure_ascii=False, indent=1).encode("utf-8")

    def delete_stored(self, name: str) -> None:
        """Take a scenario out of the store's list (its versions stay, to restore) and out of the session."""
        self._required_store().delete(name)
        if name != BASE_SCENARIO:
            self._scenarios.pop(name, None)
        self.activate(self._active)

    def load_stored(self) -> list[str]:
        """Add the stored scenarios the session lacks; returns the names that did not fit this list."""
        store = self._store()
        skipped: list[str] = []
        if store is None:
            return skipped
        loaded = store.load_all()
        self._damaged = tuple(f"{d.name}: {d.reason}" for d in loaded.damaged)
        for name, scenario in loaded.scenarios.items():
            if name in self._scenarios:
                continue
            try:
                self.put(scenario, activate=False)
            except ScenarioError:
                skipped.append(name)
        return skipped

    @property
    def damaged(self) -> tuple[str, ...]:
        """Stored scenarios that could not be read (name and reason), reported and skipped."""
        return getattr(self, "_damaged", ())
