"""Dutch numbers: formatting (``3,54 km``; ``116.448``) and reading what a user typed (``7,5``).

A leaf module, re-exported by :mod:`spreiding.vocabulary` (import the names from there).
"""

from __future__ import annotations

import math
import re
from typing import Final

__all__ = ["MISSING", "fmt_dec", "fmt_int", "fmt_km", "fmt_min", "fmt_pct", "parse_number_nl"]

MISSING: Final[str] = "–"
"""What a missing or infinite number shows as, unless the caller asks otherwise."""


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number


def _special(value: object, missing: str, infinite: str | None) -> tuple[float | None, str | None]:
    """The float to format, or the text to show instead (missing / infinite)."""
    number = _number(value)
    if number is None or math.isnan(number):
        return None, missing
    if math.isinf(number):
        return None, missing if infinite is None else infinite
    return number, None


def _dutch(text: str) -> str:
    """Swap ``,`` (thousands) and ``.`` (decimals) of a Python-formatted number."""
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_dec(value: object, digits: int = 1, *, missing: str = MISSING, infinite: str | None = None) -> str:
    """``3.5412, 2`` → ``"3,54"``; ``12345.6`` → ``"12.345,6"`` (decimal comma, thousands dot).

    Parameters
    ----------
    value
        A number (anything ``float()`` accepts).
    digits
        Decimals shown.
    missing
        Text for ``None`` / ``nan`` / text that is no number (default ``"–"``).
    infinite
        Text for ``±inf`` (default: ``missing``).
    """
    number, text = _special(value, missing, infinite)
    if number is None:
        return text or ""
    shown = _dutch(f"{number:,.{digits}f}")
    return shown.removeprefix("-") if shown.lstrip("-").strip("0,.") == "" else shown


def fmt_int(value: object, *, missing: str = MISSING, infinite: str | None = None) -> str:
    """``116448.0`` → ``"116.448"`` (rounded, thousands dot)."""
    return fmt_dec(value, 0, missing=missing, infinite=infinite)


def fmt_km(value_m: object, digits: int = 2, *, missing: str = MISSING, infinite: str | None = None) -> str:
    """Metres as kilometres: ``3541.2`` → ``"3,54 km"``; ``inf`` → ``missing`` unless ``infinite`` is given."""
    number, text = _special(value_m, missing, infinite)
    if number is None:
        return text or ""
    return f"{fmt_dec(number / 1000.0, digits)} km"


def fmt_min(value_s: object, digits: int = 1, *, missing: str = MISSING, infinite: str | None = None) -> str:
    """Seconds as minutes: ``750`` → ``"12,5 min"``; ``inf`` → ``missing`` unless ``infinite`` is given."""
    number, text = _special(value_s, missing, infinite)
    if number is None:
        return text or ""
    return f"{fmt_dec(number / 60.0, digits)} min"


def fmt_pct(value: object, digits: int = 1, *, missing: str = MISSING, infinite: str | None = None) -> str:
    """A percentage (0-100): ``76.04`` → ``"76,0 %"``."""
    number, text = _special(value, missing, infinite)
    if number is None:
        return text or ""
    return f"{fmt_dec(number, digits)} %"


_THOUSANDS_DOTS = re.compile(r"\d{1,3}(\.\d{3})+")
_THOUSANDS_COMMAS = re.compile(r"\d{1,3}(,\d{3})+\.\d*")


def _normalise(text: str) -> str | None:
    """Digits with a ``.`` decimal point, or ``None`` when the text is no number."""
    body = text.lstrip("+-")
    if "," in body and "." in body:  # the last separator is the decimal one
        if body.rfind(",") > body.rfind("."):
            return body.replace(".", "").replace(",", ".")
        return body.replace(",", "") if _THOUSANDS_COMMAS.fullmatch(body) else None
    if body.count(",") == 1:
        return body.replace(",", ".")
    if body.count(".") > 1:
        return body.replace(".", "") if _THOUSANDS_DOTS.fullmatch(body) else None
    return None if "," in body else body


def parse_number_nl(text: str | float | int) -> float:
    """Read a number typed the Dutch or the English way.

    ``"7,5"`` and ``"7.5"`` → ``7.5``; ``"1.234,5"`` → ``1234.5``;
    ``"1.234.567"`` → ``1234567.0``. One dot alone is a decimal point
    (``"1.234"`` → ``1.234``). Spaces are ignored.

    Raises
    ------
    spreiding.errors.ConfigError
        With a Dutch message when the text is no number.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    raw = str(text)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", raw)
    body = _normalise(cleaned) if re.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*", cleaned) else None
    if body is not None:
        try:
            value = float(body)
        except ValueError:
            value = math.nan
        if not math.isnan(value):
            return -value if cleaned.startswith("-") else value
    from spreiding.errors import ConfigError  # lazy: this module stays a leaf at import time

    msg = f"'{raw}' is geen getal; schrijf bijvoorbeeld 7,5 of 1.234,5"
    raise ConfigError(msg)
