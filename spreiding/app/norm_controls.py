"""The sidebar's norm controls: presets, an own norm, Dutch number input, no hidden limits.

The user chooses *which* limits the norm has (distance, travel time or both),
so a preset's time limit can never stay behind unseen after the distance was
changed; any edit after choosing a preset turns the preset selector into
"eigen norm". Numbers are typed as text and read the Dutch way ("7,5" is
7.5 km; text that is no number gives a Dutch message). The pure functions
(:func:`preset_values`, :func:`norm_from_values`) hold the logic and are
tested without Streamlit; :func:`norm_widgets` only draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from spreiding.analysis.norm import AGE_BANDS, ALL_KINDS, DEFAULT_KINDS, DEFAULT_TARGET_SHARE, PRESETS, Norm
from spreiding.analysis.presets import preset_settings
from spreiding.app.labels import AGE_LABELS, KIND_LABELS, MODE_LABELS, as_text, label_of
from spreiding.errors import ConfigError
from spreiding.network.modes import get_mode
from spreiding.vocabulary import fmt_dec, parse_number_nl

__all__ = [
    "LIMIT_LABELS",
    "NORM_KEYS",
    "OWN",
    "norm_from_values",
    "norm_widgets",
    "preset_values",
    "speed_text",
    "with_target",
]

OWN = "eigen"
"""The preset selector's value once the user changed the norm."""

LIMIT_LABELS: dict[str, str] = {"km": "afstand", "min": "reistijd", "both": "afstand én reistijd"}
_DEFAULT_KM, _DEFAULT_MIN = "5", "15"
_DEFAULT_TARGET = fmt_dec(100.0 * DEFAULT_TARGET_SHARE, 1).removesuffix(",0")
_KEYS = ("norm_mode", "norm_limit", "norm_km", "norm_min", "norm_kinds", "norm_age")


def preset_values(key: str) -> dict[str, Any]:
    """What the controls show for a preset (the limits it has, numbers written the Dutch way)."""
    norm = PRESETS[key]
    has_km, has_min = norm.max_dist_m is not None, norm.max_time_s is not None
    return {
        "norm_mode": norm.mode,
        "norm_limit": "both" if has_km and has_min else ("km" if has_km else "min"),
        "norm_km": fmt_dec(norm.max_dist_m / 1000, 1).removesuffix(",0") if norm.max_dist_m else _DEFAULT_KM,
        "norm_min": fmt_dec(norm.max_time_s / 60, 1).removesuffix(",0") if norm.max_time_s else _DEFAULT_MIN,
        "norm_kinds": sorted(norm.kinds),
        "norm_age": norm.age_band or "pop_total",
    }


def _limit(text: object, what: str, unit: str) -> float:
    value = parse_number_nl(str(text).strip() or "0")
    if value <= 0:
        msg = f"de {what} moet groter zijn dan 0 {unit}; vul een getal in, bijvoorbeeld 7,5"
        raise ConfigError(msg)
    return value


def norm_from_values(values: Mapping[str, Any], preset: str) -> Norm:
    """The norm the controls describe; the preset itself while nothing was changed.

    Raises
    ------
    spreiding.errors.ConfigError
        With a Dutch message when a limit is no number or not above 0.
    """
    limit = values["norm_limit"]
    km = _limit(values["norm_km"], "redelijke afstand", "km") if limit in ("km", "both") else None
    minutes = _limit(values["norm_min"], "maximale reistijd", "minuten") if limit in ("min", "both") else None
    fields: dict[str, Any] = {
        "mode": values["norm_mode"],
        "max_dist_m": km * 1000 if km is not None else None,
        "max_time_s": minutes * 60 if minutes is not None else None,
        "kinds": frozenset(values["norm_kinds"] or DEFAULT_KINDS),
        "age_band": None if values["norm_age"] == "pop_total" else values["norm_age"],
    }
    if preset in PRESETS and all(getattr(PRESETS[preset], k) == v for k, v in fields.items()):
        return PRESETS[preset]  # the same norm as the CLI's --norm <preset>
    norm = Norm(name="eigen norm", example=False, **fields)
    return norm.with_(name=norm.describe_limits())


def with_target(norm: Norm, text: object) -> Norm:
    """The norm with the target share typed in % ("95", "97,5"); a Dutch message when it is no number."""
    return norm.with_(target_share=parse_number_nl(str(text).strip() or "0") / 100.0)


def speed_text(mode: str) -> str:
    """The speeds a mode uses, in plain Dutch."""
    m = get_mode(mode)
    speeds = sorted(set(m.speed_table().values()))
    if len(speeds) == 1:
        kmh = fmt_dec(speeds[0], 0)
        return f"{m.label_nl.capitalize()}: {kmh} km/u op alle wegen die ermee mogen (geen snelwegen)."
    return (
        f"Auto: snelheid per wegtype ({fmt_dec(speeds[0], 0)}–{fmt_dec(speeds[-1], 0)} km/u), "
        "eenrichtingsverkeer telt mee."
    )


def _apply_preset() -> None:
    key = st.session_state.get("norm_preset")
    if key in PRESETS:
        st.session_state.update(preset_values(key))
        st.session_state["placement"] = preset_settings(key).placement  # e.g. cbs-auto: residents on streets


def _mark_own() -> None:
    st.session_state["norm_preset"] = OWN


_SHORT = {"cbs-auto": "CBS-vergelijkbaar (auto, 5 km)"}
"""Preset labels that would not fit the sidebar's select box at 1280 px."""


def _preset_label(key: str) -> str:
    """The preset's name without "Voorbeeld: " (the box says it), short enough for the sidebar."""
    if key == OWN:
        return "Eigen norm (aangepast)"
    return _SHORT.get(key, PRESETS[key].name.removeprefix("Voorbeeld: "))


NORM_KEYS: tuple[str, ...] = ("norm_preset", *_KEYS, "norm_target")
"""Every norm control's key: kept across pages, also the inputs a limit choice hides (see ``keep_choices``)."""


def init_norm_state(default_preset: str = "5km-auto") -> None:
    """Fill the controls with a preset on the session's first run; later, only a value that is missing.

    A missing value (an input the limit choice hid) is filled from the chosen preset, never by resetting the
    whole norm: a user's choice of 15 minutes by bike must not turn back into 5 km by car.
    """
    ss = st.session_state
    if "norm_preset" not in ss:
        ss["norm_preset"] = default_preset
        ss.update(preset_values(default_preset))
        return
    missing = [k for k in _KEYS if k not in ss]
    if missing:
        chosen = ss["norm_preset"] if ss["norm_preset"] in PRESETS else default_preset
        values = preset_values(chosen)
        ss.update({k: values[k] for k in missing})


def norm_widgets(sb: Any) -> Norm | None:
    """Draw the norm controls in ``sb``; the norm, or ``None`` (with a Dutch message) when it is invalid."""
    init_norm_state()
    sb.selectbox(
        "Norm (voorbeelden of eigen norm)",
        [OWN, *PRESETS],
        key="norm_preset",
        format_func=_preset_label,
        on_change=_apply_preset,
        help="De wet (Wsob) noemt geen getal voor de redelijke afstand; de voorbeeldnormen zijn voorbeelden.",
    )
    sb.radio(
        "Vervoerswijze",
        list(MODE_LABELS),
        key="norm_mode",
        format_func=label_of(MODE_LABELS),
        horizontal=True,
        on_change=_mark_own,
    )
    sb.caption(speed_text(st.session_state["norm_mode"]))
    sb.radio(
        "Grens",
        list(LIMIT_LABELS),
        key="norm_limit",
        format_func=label_of(LIMIT_LABELS),
        horizontal=True,
        on_change=_mark_own,
    )
    limit = st.session_state["norm_limit"]
    if limit in ("km", "both"):
        sb.text_input(
            "Redelijke afstand over de weg (km)",
            key="norm_km",
            on_change=_mark_own,
            help="Een decimaal getal met komma of punt, bijvoorbeeld 7,5.",
        )
    if limit in ("min", "both"):
        sb.text_input(
            "Maximale reistijd (minuten)", key="norm_min", on_change=_mark_own, help="Bijvoorbeeld 15 of 22,5."
        )
    sb.multiselect(
        "Telt als volwaardige bibliotheek",
        sorted(ALL_KINDS),
        key="norm_kinds",
        format_func=label_of(KIND_LABELS),
        on_change=_mark_own,
        placeholder="Kies een of meer soorten",
    )
    sb.selectbox(
        "Leeftijdsgroep",
        ["pop_total", *AGE_BANDS],
        key="norm_age",
        format_func=label_of(AGE_LABELS),
        on_change=_mark_own,
    )
    st.session_state.setdefault("norm_target", _DEFAULT_TARGET)
    sb.text_input(
        "Doel: inwoners binnen de norm (%)",
        key="norm_target",
        help="Het aandeel inwoners dat binnen de norm moet wonen om te voldoen, bijvoorbeeld 95 of 97,5.",
    )
    if not st.session_state["norm_kinds"]:
        sb.warning("Geen soort gekozen; vestigingen en kleine vestigingen tellen.")
    try:
        values = {k: st.session_state[k] for k in _KEYS}
        norm = with_target(norm_from_values(values, st.session_state["norm_preset"]), st.session_state["norm_target"])
    except ConfigError as exc:
        sb.error(f"Norm klopt niet: {as_text(exc)}. De pagina's rekenen met de vorige geldige norm.")
        return None
    example = " (voorbeeld; de wet noemt geen getal)" if norm.example else ""
    sb.caption(f"Norm: {as_text(norm.describe())}{example}.")
    return norm
