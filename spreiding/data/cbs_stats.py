"""CBS "Nabijheid voorzieningen": the published mean distance to the nearest library.

CBS publishes per municipality, wijk and buurt the mean distance over the road
from every address to the nearest library (tables 85231NED for 2021,
85560NED for 2022, ...). The column's key differs between tables (its
number is the column's position), so it is never hard-coded: it is looked up
in the table's own metadata (OData ``DataProperties``: the property whose
``Title`` is "Afstand tot bibliotheek"). Two routes:

- **offline** (main route): the user's CSV download of the table, ``;``
  separated, with CBS's keys as headers (``WijkenEnBuurten``,
  ``Gemeentenaam_1``, ``SoortRegio_2``, ``Codering_3``, the distance
  column ...). The metadata come from a JSON file next to it when given
  (``DataProperties``: a list, an OData answer ``{"value": [...]}``, or
  ``{"DataProperties": [...], "WijkenEnBuurten": [...]}``); without it the
  header whose key is the title in CBS's key spelling
  (``AfstandTotBibliotheek_<position>``) is used.
- **online**: CBS's OData v3 service (``DataProperties``, the
  ``WijkenEnBuurten`` dimension for names, ``TypedDataSet`` paged with
  ``odata.nextLink``), with plain :mod:`urllib`.

CBS marks secret or unknown values with ``.`` (or leaves them empty); such
values, and negative numbers, become missing (``NaN``), never 0, and are
counted.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spreiding.errors import ConfigError, DataNotFoundError, DownloadError, InvalidDataError, MissingColumnsError

__all__ = [
    "CBS_LEVELS",
    "CBS_TABLES",
    "LIBRARY_TITLE",
    "ODATA_URL",
    "CbsDistances",
    "distance_key",
    "fetch_cbs_table",
    "load_cbs",
    "read_cbs_csv",
]

logger = logging.getLogger(__name__)

LIBRARY_TITLE = "Afstand tot bibliotheek"
"""Title of the distance column in the metadata of every Nabijheid voorzieningen table."""
CBS_TABLES: Mapping[str, int] = {"85231NED": 2021, "85560NED": 2022}
"""Nabijheid voorzieningen tables (wijken en buurten) and their year."""
ODATA_URL = "https://opendata.cbs.nl/ODataApi/odata/{table}/{entity}"
"""CBS's OData v3 address of one entity of a table."""
CBS_LEVELS: Mapping[str, str] = {"GM": "gemeente", "WK": "wijk", "BU": "buurt", "NL": "land"}
"""Region-code prefixes and the level they stand for."""

_MISSING_TOKENS = frozenset({"", ".", "x", "-", "?", "nan", "none", "null"})
_TABLE_ID = re.compile(r"^\d{5}[A-Z]{3}$")


@dataclass(frozen=True)
class CbsDistances:
    """CBS's published distances to the nearest library, one row per region.

    Attributes
    ----------
    frame
        ``code`` (``GM1680``, ``WK168000``, ``BU16800000``), ``name``,
        ``municipality``, ``level`` (``gemeente``, ``wijk``, ``buurt``,
        ``land``) and ``cbs_dist_m`` (metres; ``NaN`` when secret or empty).
    key, title
        The column's key and title as the table's metadata give them.
    source
        The file or the table id it came from.
    year
        The table's year when known (:data:`CBS_TABLES`).
    missing
        Rows whose value was secret, empty or negative.
    """

    frame: pd.DataFrame
    key: str
    title: str
    source: str
    year: int | None = None
    missing: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def reference_date(self) -> dt.date | None:
        """The situation the figures describe: 1 January of the table's year (CBS: "per 1 januari")."""
        return dt.date(self.year, 1, 1) if self.year is not None else None

    def level(self, level: str) -> pd.DataFrame:
        """The rows of one level (``gemeente``, ``wijk`` or ``buurt``)."""
        return self.frame.loc[self.frame["level"] == level].reset_index(drop=True)


def _properties(metadata: Any) -> list[Mapping[str, Any]]:
    if isinstance(metadata, Mapping):
        for name in ("DataProperties", "value"):
            if isinstance(metadata.get(name), list):
                return list(metadata[name])
        return []
    return list(metadata) if isinstance(metadata, list) else []


def distance_key(metadata: Any, title: str = LIBRARY_TITLE) -> tuple[str, str]:
    """The key of the distance column from the table's ``DataProperties``.

    Parameters
    ----------
    metadata
        ``DataProperties`` (list of dicts with ``Key`` and ``Title``, an OData
        answer ``{"value": [...]}`` or ``{"DataProperties": [...]}``).
    title
        The title to find (case and surrounding spaces ignored; a unit in
        brackets after it, ``"(km)"``, is allowed).

    Returns
    -------
    tuple of str
        ``(key, title)``.

    Raises
    ------
    MissingColumnsError
        No property has that title (Dutch message listing the distance titles present).

    Examples
    --------
    >>> distance_key([{"Key": "AfstandTotX_1", "Title": "Afstand tot x"},
    ...               {"Key": "AfstandTotBibliotheek_7", "Title": "Afstand tot bibliotheek"}])
    ('AfstandTotBibliotheek_7', 'Afstand tot bibliotheek')
    """
    wanted = title.strip().lower()
    props = _properties(metadata)
    for prop in props:
        text = str(prop.get("Title", "")).strip()
        if prop.get("Key") and re.sub(r"\s*\(.*\)$", "", text).lower() == wanted:
            return str(prop["Key"]), text
    titles = [str(p.get("Title")) for p in props if "afstand" in str(p.get("Title", "")).lower()]
    msg = (
        f"de metadata van de CBS-tabel hebben geen kolom {title!r} ({len(props)} kolommen; afstanden: "
        f"{', '.join(titles[:12]) or 'geen'}); geef de metadata (DataProperties) van een tabel "
        "Nabijheid voorzieningen, bijvoorbeeld 85231NED (2021)"
    )
    raise MissingColumnsError(msg)


def _camel(title: str) -> str:
    """CBS's key spelling of a title: ``"Afstand tot bibliotheek"`` → ``"AfstandTotBibliotheek"``."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title))


def _key_from_header(columns: Sequence[str], title: str) -> str | None:
    stem = re.compile(rf"^{re.escape(_camel(title))}_\d+$")
    return next((c for c in columns if stem.match(c.strip())), None)


def _numbers(values: pd.Series) -> tuple[np.ndarray, int]:
    """Distances in km as floats (decimal comma or point); secret, empty and negative values → NaN."""
    text = values.astype("string").str.strip().str.strip('"').str.replace(",", ".", regex=False)
    secret = (text.isna() | text.str.lower().isin(_MISSING_TOKENS)).fillna(True).astype(bool)
    num = pd.to_numeric(text.where(~secret), errors="coerce").to_numpy(dtype=float)
    bad = (~secret.to_numpy(bool)) & ~np.isfinite(num)
    if bad.any():
        first = values[bad].iloc[0]
        msg = f"CBS-afstand {first!r} is geen getal ({int(bad.sum())} waarden); gebruik CBS's download ongewijzigd"
        raise InvalidDataError(msg)
    num = np.where(num < 0, np.nan, num)
    return num, int((~np.isfinite(num)).sum())


def _regions(raw: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``code``, ``name``, ``municipality``, ``level`` from CBS's region columns."""
    col = {c.split("_")[0]: c for c in raw.columns}
    region = raw[col["WijkenEnBuurten"]].astype("string").str.strip() if "WijkenEnBuurten" in col else None
    code = raw[col["Codering"]].astype("string").str.strip() if "Codering" in col else region
    if code is None:
        msg = "CBS-tabel zonder kolom WijkenEnBuurten of Codering_3; gebruik CBS's download ongewijzigd"
        raise MissingColumnsError(msg)
    municipality = (
        raw[col["Gemeentenaam"]].astype("string").str.strip()
        if "Gemeentenaam" in col
        else pd.Series(pd.NA, index=raw.index)
    )
    prefix = code.str[:2].str.upper()
    level = prefix.map(dict(CBS_LEVELS)).fillna("onbekend")
    if "SoortRegio" in col:
        soort = raw[col["SoortRegio"]].astype("string").str.strip().str.lower()
        level = soort.where(soort.isin(list(CBS_LEVELS.values())), level)
    label = region.mask(region.str.match(r"^(GM|WK|BU|NL)\d*$").fillna(False)) if region is not None else None
    name = code.map(dict(names)) if names else pd.Series(pd.NA, index=raw.index, dtype="string")
    if label is not None:
        name = name.fillna(label)
    name = name.fillna(municipality.where(level == "gemeente")).fillna(code)
    return pd.DataFrame(
        {"code": code.to_numpy(), "name": name.to_numpy(), "municipality": municipality.to_numpy(), "level": level}
    )


def _from_raw(
    raw: pd.DataFrame, metadata: Any, source: str, year: int | None, names: Mapping[str, str]
) -> CbsDistances:
    raw = raw.rename(columns=lambda c: str(c).strip().strip('"'))
    if metadata is not None:
        key, title = distance_key(metadata)
    else:
        found = _key_from_header(list(raw.columns), LIBRARY_TITLE)
        if found is None:
            msg = (
                f"{source}: geen kolom {LIBRARY_TITLE!r} (kolommen: {', '.join(list(raw.columns)[:12])}); geef de "
                "metadata van de tabel mee (--cbs-metadata, DataProperties) of download de tabel Nabijheid "
                "voorzieningen met de afstand tot bibliotheek"
            )
            raise MissingColumnsError(msg)
        key, title = found, LIBRARY_TITLE
    if key not in raw.columns:
        msg = (
            f"{source}: de metadata noemen kolom {key!r} ({title}), maar het bestand heeft die niet; "
            "geef de metadata van dezelfde tabel"
        )
        raise MissingColumnsError(msg)
    dist_km, missing = _numbers(raw[key])
    frame = _regions(raw, names)
    frame["cbs_dist_m"] = dist_km * 1000.0
    if missing:
        logger.info("CBS %s: %d gebieden zonder gepubliceerde waarde (geheim of leeg)", source, missing)
    return CbsDistances(frame, key, title, source, year, missing)


def _read_metadata(path: str | os.PathLike[str] | bytes | None) -> tuple[Any, dict[str, str]]:
    if path is None:
        return None, {}
    try:
        text = path.decode("utf-8-sig") if isinstance(path, bytes) else Path(path).read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        shown = "(upload)" if isinstance(path, bytes) else path
        msg = f"CBS-metadata {shown} niet leesbaar ({exc}); geef het JSON-bestand met DataProperties"
        raise InvalidDataError(msg) from exc
    names = {}
    if isinstance(data, Mapping) and isinstance(data.get("WijkenEnBuurten"), list):
        names = {str(r.get("Key", "")).strip(): str(r.get("Title", "")).strip() for r in data["WijkenEnBuurten"]}
    return data, names


def _year_of(text: str) -> int | None:
    return next((y for t, y in CBS_TABLES.items() if t in text), None)


def read_cbs_csv(
    path: str | os.PathLike[str] | bytes,
    metadata: str | os.PathLike[str] | bytes | None = None,
    *,
    name: str = "upload.csv",
) -> CbsDistances:
    """Read a CSV download of a Nabijheid voorzieningen table.

    Parameters
    ----------
    path
        The CSV (``;`` separated, CBS's keys as headers; UTF-8 with or without BOM), or its bytes (an upload).
    metadata
        JSON with the table's ``DataProperties`` (and optionally the
        ``WijkenEnBuurten`` dimension for names).

    name
        The file name shown in messages when ``path`` is bytes.

    Returns
    -------
    CbsDistances
    """
    if isinstance(path, bytes):
        return _parse_csv(io.BytesIO(path), name, metadata)
    p = Path(path)
    if not p.is_file():
        msg = f"CBS-bestand {p} bestaat niet; download de tabel als CSV of geef een tabelnummer (bijvoorbeeld 85231NED)"
        raise DataNotFoundError(msg)
    return _parse_csv(p, str(p), metadata)


def _parse_csv(source: Path | io.BytesIO, shown: str, metadata: str | os.PathLike[str] | bytes | None) -> CbsDistances:
    try:
        raw = pd.read_csv(source, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", comment="#")
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"CBS-bestand {shown} is geen leesbare CSV ({exc}); gebruik CBS's download ongewijzigd (puntkomma's)"
        raise InvalidDataError(msg) from exc
    meta, names = _read_metadata(metadata)
    return _from_raw(raw, meta, shown, _year_of(Path(shown).name), names)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def fetch_cbs_table(table: str, *, get_json: Callable[[str], Any] | None = None) -> CbsDistances:
    """Fetch a Nabijheid voorzieningen table from CBS's OData v3 service.

    Parameters
    ----------
    table
        Table id (``85231NED``).
    get_json
        Function that fetches one URL as parsed JSON (default :mod:`urllib`; tests pass their own).

    Raises
    ------
    DownloadError
        No connection or an error answer (Dutch message suggesting the CSV route).
    """
    fetch = get_json or _get_json
    try:
        props = fetch(ODATA_URL.format(table=table, entity="DataProperties"))
        key, _ = distance_key(props)
        dims = fetch(ODATA_URL.format(table=table, entity="WijkenEnBuurten"))
        select = ",".join(["WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", key])
        url: str | None = ODATA_URL.format(table=table, entity=f"TypedDataSet?$select={select}")
        rows: list[Mapping[str, Any]] = []
        while url:
            page = fetch(url)
            rows.extend(page.get("value", []))
            url = page.get("odata.nextLink")
    except OSError as exc:
        msg = (
            f"CBS-tabel {table} niet op te halen ({exc}); download de tabel als CSV op opendata.cbs.nl en geef "
            "het bestand met --cbs"
        )
        raise DownloadError(msg) from exc
    names = {str(r.get("Key", "")).strip(): str(r.get("Title", "")).strip() for r in _properties(dims)}
    raw = pd.DataFrame(rows, dtype=object).astype("string")
    return _from_raw(raw, props, table, CBS_TABLES.get(table), names)


def load_cbs(source: str | os.PathLike[str], metadata: str | os.PathLike[str] | bytes | None = None) -> CbsDistances:
    """A CSV file (:func:`read_cbs_csv`) or a table id (:func:`fetch_cbs_table`)."""
    text = str(source)
    if _TABLE_ID.match(text) and not Path(text).exists():
        return fetch_cbs_table(text)
    if not text.lower().endswith((".csv", ".txt")) and not Path(text).is_file():
        msg = (
            f"--cbs {text!r} is geen CSV-bestand en geen tabelnummer; "
            "geef bijvoorbeeld 85231NED of het gedownloade CSV-bestand"
        )
        raise ConfigError(msg)
    return read_cbs_csv(text, metadata)
