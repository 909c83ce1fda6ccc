"""Provenance of an output: enough to reproduce a council figure a year later.

A :class:`Provenance` names the tool version and git commit, when the file
was made, every data file read (kind, year, rows and SHA-256), the as-of
date, the residents' placement, the norm (and a target share), the distance
model and the service points left out. :meth:`Provenance.rows` gives the
Dutch ``(onderdeel, waarde)`` pairs of the *Bronnen* sheet that every file
of :mod:`spreiding.output.writer` carries, together with the OpenStreetMap
credit. Re-exported by :mod:`spreiding.output.writer`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import logging
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spreiding.vocabulary import (
    DATA_CREDIT,
    KIND_LABELS,
    OSM_CREDIT,
    SOURCE_KIND_LABELS,
    fmt_dec,
    fmt_int,
    fmt_pct,
    model_label_nl,
    placement_label,
    quality_label,
)

if TYPE_CHECKING:
    from spreiding.analysis.norm import Norm
    from spreiding.network.engine import DistanceModel
    from spreiding.study import Analysis

__all__ = ["EXAMPLE_NORM_NOTE", "OSM_CREDIT_LINE", "DataFile", "Provenance", "file_sha256"]

logger = logging.getLogger(__name__)

EXAMPLE_NORM_NOTE = "voorbeeldnorm — de wet (Wsob) noemt geen getal"
"""Said wherever a preset (example) norm is used."""
OSM_CREDIT_LINE = f"Kaartgegevens en wegennet: {OSM_CREDIT}"
"""The OpenStreetMap credit as a sentence for sources sheets and reports."""
_CHUNK = 1 << 20
_hash_cache: dict[tuple[str, int, int], str] = {}


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 (hex) of a file, cached on path, size and modification time; ``None`` when unreadable."""
    p = Path(path)
    try:
        stat = p.stat()
        if not p.is_file():
            return None
        key = (str(p.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in _hash_cache:
            digest = hashlib.sha256()
            with p.open("rb") as handle:
                for block in iter(lambda: handle.read(_CHUNK), b""):
                    digest.update(block)
            _hash_cache[key] = digest.hexdigest()
        return _hash_cache[key]
    except OSError as exc:
        logger.info("kan geen controlesom maken van %s: %s", p, exc)
        return None


def _tool_version() -> str:
    import spreiding  # lazy: the package imports this module while it loads

    version = getattr(spreiding, "__version__", None)
    if version:
        return str(version)
    try:
        return importlib.metadata.version("spreiding")
    except importlib.metadata.PackageNotFoundError:
        return "onbekend"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.lru_cache(maxsize=1)
def _git_commit() -> str | None:
    """Commit of the checkout the package runs from (best effort; ``None`` when installed)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return None
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    return f"{commit} (met lokale wijzigingen)" if dirty else commit


@dataclass(frozen=True)
class DataFile:
    """One input file of an output.

    Parameters
    ----------
    kind
        ``"population"``, ``"facilities"``, ... (:attr:`spreiding.data.sources.SourceInfo.kind`).
    path
        File that was read.
    year
        Reference year of the data.
    sha256
        Hash of the file (``None`` when it could not be read).
    rows
        Rows the loader produced.
    description
        One line on what it is.
    quality
        Non-zero data-quality counts ``(key, value)``.
    warnings
        Warnings the loader attached.
    """

    kind: str
    path: str
    year: int | None = None
    sha256: str | None = None
    rows: int | None = None
    description: str = ""
    quality: tuple[tuple[str, float], ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: Mapping[str, Any], *, hash_file: bool = True) -> DataFile:
        """From a loader's ``frame.attrs["source"]`` dict; hashes the file unless the dict has ``sha256``."""
        path = str(source.get("path") or source.get("file") or "")
        digest = source.get("sha256") or (file_sha256(path) if hash_file and path else None)
        quality = source.get("quality") or {}
        items = quality.items() if isinstance(quality, Mapping) else quality
        kept = tuple((str(k), float(v)) for k, v in items if isinstance(v, int | float) and v)
        return cls(
            kind=str(source.get("kind") or "gegevens"),
            path=path,
            year=int(source["year"]) if source.get("year") else None,
            sha256=str(digest) if digest else None,
            rows=int(source["rows"]) if source.get("rows") is not None else None,
            description=str(source.get("description") or ""),
            quality=kept,
            warnings=tuple(str(w) for w in source.get("warnings") or ()),
        )

    def text(self) -> str:
        """``"grid.csv — description; jaar 2021; 2.073 rijen; sha256 ab12…"``."""
        name = Path(self.path).name if self.path else "(geen bestand)"
        parts = [f"{name} — {self.description}" if self.description else name]
        if self.year:
            parts.append(f"jaar {self.year}")
        if self.rows is not None:
            parts.append(f"{fmt_int(self.rows)} rijen")
        parts.append(f"sha256 {self.sha256}" if self.sha256 else "sha256 onbekend")
        return "; ".join(parts)


def _norm_parts(norm: Norm | str | None) -> tuple[str | None, bool, tuple[str, ...]]:
    if norm is None or isinstance(norm, str):
        return norm, False, ()
    text = norm.describe()
    if norm.name and norm.name not in (text, norm.describe_limits()):
        text = f"{text} — {norm.name}"
    return text, bool(norm.example), tuple(sorted(norm.kinds))


@dataclass(frozen=True)
class Provenance:
    """Where an output came from (frozen; build it with :meth:`collect` or :meth:`from_analysis`).

    Parameters
    ----------
    tool_version
        ``spreiding`` version.
    commit
        Git commit when running from a checkout (``None`` otherwise).
    created
        When the output was made.
    data_files
        The input files.
    as_of
        As-of date of the situation shown (which branches were open).
    placement
        Machine placement (``cell_centre``, ``street_nodes``).
    norm
        Norm description.
    norm_example
        Whether the norm is an example (no legal number exists).
    kinds
        Service-point kinds the norm counts.
    target_share
        Target share of residents within the norm (0-1), when one is set.
    distance_model
        Machine distance-model label (``network:car``, ``crowfly:car:x1.3``).
    excluded
        Service points left out (``"id name"``), e.g. too far from the road network.
    notes
        Extra notes, one row each.
    """

    tool_version: str
    commit: str | None
    created: dt.datetime
    data_files: tuple[DataFile, ...] = ()
    as_of: dt.date | None = None
    placement: str | None = None
    norm: str | None = None
    norm_example: bool = False
    kinds: tuple[str, ...] = ()
    target_share: float | None = None
    distance_model: str | None = None
    excluded: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def collect(
        cls,
        *,
        sources: Iterable[Mapping[str, Any]] = (),
        norm: Norm | str | None = None,
        model: DistanceModel | str | None = None,
        placement: str | None = None,
        as_of: dt.date | None = None,
        target_share: float | None = None,
        excluded: Iterable[str] = (),
        notes: Iterable[str] = (),
        created: dt.datetime | dt.date | None = None,
        hash_files: bool = True,
    ) -> Provenance:
        """Provenance of this run: version and commit are read here, data files hashed (cached)."""
        norm_text, example, kinds = _norm_parts(norm)
        when = created or dt.datetime.now().replace(microsecond=0)
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time())
        return cls(
            tool_version=_tool_version(),
            commit=_git_commit(),
            created=when,
            data_files=tuple(DataFile.from_source(s, hash_file=hash_files) for s in sources),
            as_of=as_of,
            placement=placement,
            norm=norm_text,
            norm_example=example,
            kinds=kinds,
            target_share=target_share,
            distance_model=model if isinstance(model, str) or model is None else model.label,
            excluded=tuple(str(e) for e in excluded),
            notes=tuple(str(n) for n in notes),
        )

    @classmethod
    def from_analysis(cls, analysis: Analysis, sources: Sequence[Mapping[str, Any]] = (), **changes: Any) -> Provenance:
        """:meth:`collect` with the norm, model, placement and excluded points of an analysis."""
        table = analysis.table
        placement = str(table["placement"].iloc[0]) if "placement" in table and len(table) else None
        names = dict(
            zip(analysis.counted["id"].astype(str), analysis.counted.get("name", analysis.counted["id"]), strict=True)
        )
        excluded = [f"{ident} {names.get(ident, '')}".strip() for ident in analysis.excluded]
        args: dict[str, Any] = {
            "sources": sources,
            "as_of": _as_of(analysis),
            "norm": analysis.norm,
            "model": analysis.model,
            "placement": placement,
            "excluded": excluded,
        }
        from spreiding.data.dates import uncertain_note

        dated = uncertain_note(analysis.facilities)
        if dated:  # a partial date overlaps the peildatum: the figures may be too low
            changes["notes"] = (dated, *changes.get("notes", ()))
        points = getattr(analysis, "points", None)
        if points is not None:  # e.g. residents on street nodes outside every municipality, dropped
            from spreiding.analysis.placement import placement_notes

            changes["notes"] = (*placement_notes(points), *changes.get("notes", ()))
        return cls.collect(**(args | changes))

    def rows(self) -> list[tuple[str, str]]:
        """Dutch ``(onderdeel, waarde)`` rows for a sources sheet; the credits are always the last two."""
        rows = [
            ("Gemaakt op", self.created.strftime("%d-%m-%Y %H:%M")),
            ("Programma", f"spreiding {self.tool_version}"),
            ("Versie (git-commit)", self.commit or "onbekend (niet uit een git-checkout)"),
        ]
        if self.as_of is not None:
            rows.append(("Peildatum", self.as_of.strftime("%d-%m-%Y")))
        rows += self._norm_rows()
        for item in self.data_files:
            label = SOURCE_KIND_LABELS.get(item.kind, item.kind)
            rows.append((f"Bron: {label}", item.text()))
            if item.quality:
                shown = "; ".join(f"{quality_label(k)} = {_count(v)}" for k, v in item.quality)
                rows.append((f"Datakwaliteit: {label}", shown))
            rows += [(f"Waarschuwing: {label}", w) for w in item.warnings]
        rows += [("Niet meegeteld", e) for e in self.excluded]
        rows += [("Opmerking", n) for n in self.notes]
        rows += [("Naamsvermelding", DATA_CREDIT), ("Naamsvermelding", OSM_CREDIT_LINE)]
        return rows

    def _norm_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        if self.norm:
            rows.append(("Norm", self.norm))
        if self.norm_example:
            rows.append(("Status norm", EXAMPLE_NORM_NOTE))
        if self.kinds:
            rows.append(("Tellende soorten", ", ".join(KIND_LABELS.get(k, k) for k in self.kinds)))
        if self.target_share is not None:
            rows.append(("Doel (aandeel binnen de norm)", fmt_pct(100.0 * self.target_share)))
        if self.distance_model:
            rows.append(("Afstandsmodel", f"{model_label_nl(self.distance_model)} [{self.distance_model}]"))
            if self.distance_model.startswith("crowfly"):
                rows.append(("Let op", "afstanden zijn schattingen (hemelsbreed x omwegfactor), niet over de weg"))
        if self.placement:
            rows.append(("Plaatsing inwoners", placement_label(self.placement)))
        return rows


def _as_of(analysis: Analysis) -> dt.date | None:
    """The peildatum the analysis' service points were dated on (``attrs["as_of"]``), if any."""
    for frame in (getattr(analysis, "facilities", None), getattr(analysis, "counted", None)):
        text = getattr(frame, "attrs", {}).get("as_of")
        if text:
            return dt.date.fromisoformat(str(text))
    return None


def _count(value: float) -> str:
    return fmt_int(value) if float(value).is_integer() else fmt_dec(value, 1)
