"""Command line: ``spreiding scenario ...`` and ``spreiding optimize``.

Registered by :func:`spreiding.cli.main.build_parser` through :func:`register`.
Scenarios live in the store (:mod:`spreiding.analysis.store`; ``$SPREIDING_STORE``).

Saving under a name that already has a current version (``create``,
``import``, ``examples``, ``optimize --save-as``) without ``--replace`` keeps
what was given as a new, not-current version and exits with status 2 and one
line naming ``--replace`` and ``scenario restore``: nothing typed is lost and
nothing is overwritten without asking. ``scenario history NAME`` lists the
versions; ``scenario restore NAME VERSION`` makes one current again.
"""

from __future__ import annotations

import argparse
import logging
import shlex
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the commands import what they use when they run: ``spreiding coverage`` loads none of it
    import pandas as pd

    from spreiding.analysis.scenario import Edit, Scenario
    from spreiding.analysis.store import SaveResult, ScenarioStore

from spreiding.cli._common import (
    add_data_arguments,
    add_norm_arguments,
    check_outputs,
    dutch_number,
    norm_from_args,
    study_from_args,
    write_table,
)
from spreiding.errors import DataNotFoundError, ScenarioError, StoreError
from spreiding.vocabulary import (
    CANDIDATE_KIND_LABELS,
    CANDIDATE_SOURCE_LABELS,
    COLUMN_LABELS,
    OSM_CREDIT,
    fmt_dec,
    fmt_int,
    fmt_km,
    fmt_pct,
)

__all__ = ["register"]

logger = logging.getLogger(__name__)

_SHOW_CHARS = 60  # names and descriptions longer than this are cut in tables


def _parts(text: str, n_min: int, n_max: int, form: str) -> list[str]:
    parts = [p.strip() for p in text.split(";")]
    if not n_min <= len(parts) <= n_max:
        msg = f"kan {text!r} niet lezen; schrijf het als {form!r}"
        raise ScenarioError(msg)
    return parts


def _lonlat(lon: str, lat: str, option: str, text: str) -> tuple[float, float]:
    from spreiding.analysis.scenario_io import lonlat_to_rd

    what = f"{option} {text!r}"
    try:
        lo, la = float(lon.replace(",", ".")), float(lat.replace(",", "."))
    except ValueError as exc:
        msg = f"{what}: lon en lat moeten getallen zijn in WGS84 (bv. 6.56;52.99)"
        raise ScenarioError(msg) from exc
    return lonlat_to_rd(lo, la, what=what)


def edits_from_args(args: argparse.Namespace) -> list[Edit]:
    """Edits from ``--close``, ``--reopen``, ``--open``, ``--move`` and ``--retype`` options."""
    from spreiding.analysis.scenario import Edit, open_site

    edits = [Edit("close", i) for i in args.close or []]
    edits += [Edit("reopen", i) for i in args.reopen or []]
    for text in args.open or []:
        p = _parts(text, 4, 5, "name;kind;lon;lat[;host]")
        x, y = _lonlat(p[2], p[3], "--open", text)
        edits.append(open_site(p[0], p[1], x, y, host_building=p[4] if len(p) > 4 and p[4] else None))
    for text in args.move or []:
        p = _parts(text, 3, 3, "ID;lon;lat")
        x, y = _lonlat(p[1], p[2], "--move", text)
        edits.append(Edit("move", p[0], x=x, y=y))
    for text in args.retype or []:
        p = _parts(text, 2, 3, "ID;kind[;host]")
        edits.append(Edit("retype", p[0], kind=p[1], host_building=p[2] if len(p) > 2 and p[2] else None))
    return edits


def _store(args: argparse.Namespace) -> ScenarioStore:
    from spreiding.analysis.store import ScenarioStore

    return ScenarioStore.open(getattr(args, "store", None))


def _short(text: str, n: int = _SHOW_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _kept_text(result: SaveResult) -> str:
    """Dutch: the name exists, the input is kept as a not-current version; how to make it current."""
    restore = f"spreiding scenario restore {shlex.quote(result.name)} {result.version}"
    return (
        f"er bestaat al een scenario {_short(result.name)!r} (versie {result.previous} is actief); "
        f"uw invoer is bewaard als versie {result.version}, niet actief: geef --replace om te vervangen, "
        f"zet hem actief met `{restore}`, of kies een andere naam"
    )


def _save(store: ScenarioStore, scen: Scenario, *, replace: bool) -> SaveResult:
    """Save through the store; a kept-but-not-current version is a StoreError (exit 2)."""
    result = store.save(scen, replace=replace)
    if not result.became_current:
        raise StoreError(_kept_text(result))
    print(result.message)
    return result


def _refuse_unappliable(args: argparse.Namespace, scen: Scenario) -> None:
    """Refuse, before anything is stored, edits that do not apply to the service-point list (Dutch, exit 2).

    Without ``--facilities`` the data folder's list is used; when there is none the scenario is stored
    unchecked, with a warning (it is checked again when it is evaluated).
    """
    from spreiding.analysis.scenario import apply_scenario
    from spreiding.data.facilities import load_facilities

    try:
        facilities = load_facilities(args.facilities, data_dir=args.data_dir)
    except DataNotFoundError:
        if args.facilities is not None or args.data_dir is not None:
            raise
        logger.warning(
            "geen voorzieningenlijst gevonden: scenario %r is niet gecontroleerd tegen de lijst "
            "(geef --facilities of --data-dir)",
            _short(scen.name),
        )
        return
    apply_scenario(facilities, scen)
    _refuse_outside(args, scen)


def _refuse_outside(args: argparse.Namespace, scen: Scenario) -> None:
    """Refuse new or moved points outside the region plus its ring (skipped, with a warning, without boundaries)."""
    from spreiding.analysis.scenario import check_in_area
    from spreiding.data.boundaries import load_province, study_area
    from spreiding.data.config import data_paths

    paths = data_paths(args.data_dir)
    try:
        province = load_province(data_dir=paths.root, region=paths.spec)
    except DataNotFoundError:
        logger.warning(
            "geen grenzen gevonden: de ligging van nieuwe punten in %r is niet gecontroleerd", _short(scen.name)
        )
        return
    check_in_area(scen.edits, study_area(province, buffer_m=paths.spec.ring_m), paths.spec.ring_m)


def _cmd_create(args: argparse.Namespace) -> int:
    from spreiding.analysis.scenario import Scenario
    from spreiding.analysis.store import read_scenario_file

    if args.from_file:
        scen = read_scenario_file(args.from_file, name=args.name)
    else:
        edits = edits_from_args(args)
        if not edits:
            msg = "geen wijzigingen gegeven; gebruik --close, --reopen, --open, --move, --retype of --from-file"
            raise ScenarioError(msg)
        scen = Scenario(args.name, args.description or "", tuple(edits))
    _refuse_unappliable(args, scen)
    store = _store(args)
    _save(store, scen, replace=args.replace)
    print(f"{len(scen.edits)} wijziging(en) in {store.path}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    import pandas as pd

    table = _store(args).list()
    bad = table.loc[table["damaged"] != ""]
    for name, version, reason in zip(bad["name"], bad["version"], bad["damaged"], strict=True):
        logger.warning("scenario %r (versie %d) is beschadigd en overgeslagen: %s", _short(name), version, reason)
    good = table.loc[table["damaged"] == ""].drop(columns="damaged")
    if good.empty:
        none = "geen bruikbare scenario's" if len(bad) else "geen scenario's opgeslagen"
        print(f"{none} (maak er een met `spreiding scenario create` of `scenario examples`)")
        return 0
    view = pd.DataFrame(
        {
            "naam": good["name"].map(_short),
            "beschrijving": good["description"].map(_short),
            "wijzigingen": _ints(good["n_edits"]),
            "versie": _ints(good["version"]),
            "versies": _ints(good["n_versions"]),
            "aangemaakt": good["created_at"],
            "bijgewerkt": good["updated_at"],
        }
    )
    print(view.to_string(index=False))
    return 0


def _ints(values: pd.Series) -> pd.Series:
    """Whole numbers the Dutch way (``116.448``), for printed tables."""
    return values.map(fmt_int)


def _decs(values: pd.Series, digits: int) -> pd.Series:
    """Decimals the Dutch way (``3,54``), for printed tables."""
    return values.map(lambda v: fmt_dec(v, digits))


def _cmd_history(args: argparse.Namespace) -> int:
    import pandas as pd

    table = _store(args).history(args.name)
    view = pd.DataFrame(
        {
            "versie": table["version"],
            "opgeslagen": table["saved_at"],
            "actief": table["current"].map({True: "ja", False: ""}),
            "wijzigingen": table["n_edits"],
            "beschrijving": table["description"].map(_short),
            "beschadigd": table["damaged"],
        }
    )
    print(f"{_short(args.name)}:")
    print(view.to_string(index=False))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    print(_store(args).restore(args.name, args.version).message)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from spreiding.analysis.scenario import describe_edits

    scen = _store(args).load(args.name)
    print(f"{scen.name}: {scen.description}")
    for line in describe_edits(scen):
        print(f"  - {line}")
    return 0


def _evaluate(args: argparse.Namespace, names: list[str]) -> list[Any]:
    check_outputs(args, "out")
    store = _store(args)
    scenarios = [store.load(n) for n in names]
    norm = norm_from_args(args)
    study = study_from_args(args, norm)
    print(f"Norm: {norm.describe()}  [{norm.name}]; afstandsmodel: {study.model.label_nl}")
    results = []
    for scen in scenarios:
        res = study.evaluate(norm, scen)
        results.append(res)
    return results


def _diff_view(diff: pd.DataFrame) -> str:
    import pandas as pd

    view = pd.DataFrame(
        {
            "gemeente": diff["municipality"],
            "inwoners": _ints(diff["residents"]),
            "binnen_norm_%_basis": _decs(diff["covered_pct_base"], 1),
            "binnen_norm_%": _decs(diff["covered_pct"], 1),
            "verlies": _ints(diff["lose_coverage"]),
            "winst": _ints(diff["gain_coverage"]),
            "gem_km_basis": _decs(diff["mean_dist_m_base"] / 1000, 2),
            "gem_km": _decs(diff["mean_dist_m"] / 1000, 2),
        }
    )
    return view.to_string(index=False)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import pandas as pd

    from spreiding.analysis.scenario import describe_edits

    (res,) = _evaluate(args, [args.name])
    print(f"Scenario: {res.scenario.name}")
    for line in describe_edits(res.scenario, res.base.facilities if res.base is not None else res.facilities):
        print(f"  - {line}")
    print(_diff_view(res.diff))
    hist = res.change_hist.loc[res.change_hist["municipality"] == res.total_label]
    print("Verandering van afstand (inwoners):")
    shown = hist.loc[hist["residents"] > 0]
    view = pd.DataFrame({"verandering": shown["label"], "inwoners": _ints(shown["residents"])})
    print(view.to_string(index=False))
    if not args.crowfly:
        print(OSM_CREDIT)
    if args.out:
        out = write_table(res.diff, args.out, layer="scenario", args=args, result=res)
        print(f"geschreven: {out}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd

    a, b = _evaluate(args, [args.a, args.b])
    table = pd.DataFrame(
        {
            "gemeente": a.diff["municipality"],
            "basis_%": a.diff["covered_pct_base"].round(1),
            f"{a.scenario.name}_%": a.diff["covered_pct"].round(1),
            f"{b.scenario.name}_%": b.diff["covered_pct"].round(1),
            "basis_km": (a.diff["mean_dist_m_base"] / 1000).round(2),
            f"{a.scenario.name}_km": (a.diff["mean_dist_m"] / 1000).round(2),
            f"{b.scenario.name}_km": (b.diff["mean_dist_m"] / 1000).round(2),
        }
    )
    shown = table.copy()
    for column in shown.columns[1:]:  # six columns, not cells
        shown[column] = _decs(shown[column], 2 if column.endswith("_km") else 1)
    print(shown.to_string(index=False))
    if args.out:
        print(f"geschreven: {write_table(table, args.out, layer='vergelijking', args=args, result=a)}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from spreiding.analysis.store import write_scenario_file

    store = _store(args)
    out = write_scenario_file(store.load(args.name), args.file, force=args.force, inputs=[store.path])
    print(f"geschreven: {out}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from spreiding.analysis.store import read_scenario_file

    scen = read_scenario_file(args.file, name=args.name)
    _refuse_unappliable(args, scen)
    _save(_store(args), scen, replace=args.replace)
    print(f"geïmporteerd: {_short(scen.name)} ({len(scen.edits)} wijziging(en))")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    version = _store(args).delete(args.name)
    again = f"spreiding scenario restore {shlex.quote(args.name.strip())} {version}"
    print(f"verwijderd: {_short(args.name.strip())} (alle versies blijven bewaard; terugzetten met `{again}`)")
    return 0


def _cmd_examples(args: argparse.Namespace) -> int:
    from spreiding.analysis.scenario import library_examples
    from spreiding.data.facilities import load_facilities

    facilities = load_facilities(args.facilities, data_dir=args.data_dir)
    store = _store(args)
    kept = []
    for scen in library_examples(facilities):
        result = store.save(scen, replace=args.replace)
        if result.became_current:
            print(result.message)
        else:
            kept.append(result)
    if len(kept) == 1:
        raise StoreError(_kept_text(kept[0]))
    if kept:
        names = ", ".join(f"{r.name!r} (versie {r.version})" for r in kept)
        msg = (
            f"{len(kept)} voorbeelden bestaan al met andere inhoud en zijn bewaard als niet-actieve versie: "
            f"{names}; geef --replace om ze te vervangen of zet er een actief met `spreiding scenario restore`"
        )
        raise StoreError(msg)
    return 0


def _cmd_optimize(args: argparse.Namespace) -> int:
    import pandas as pd

    from spreiding.data.candidates import load_candidates
    from spreiding.siting.texts import closing_text, solver_sentence

    check_outputs(args, "out")
    norm = norm_from_args(args)
    study = study_from_args(args, norm)
    candidates = load_candidates(args.candidates, data_dir=args.data_dir)
    weights = dict(_age_weight(t) for t in args.age_weight or [])
    advice = study.suggest_sites(
        norm,
        candidates,
        model=args.model.replace("_", "-"),
        p=args.p,
        target_share=args.target,
        allow_close=args.allow_close,
        max_closures=args.max_closures,
        weights_by_age=weights,
        time_limit_s=args.time_limit,
        progress=not args.no_progress,
    )
    print(f"Norm: {norm.describe()}; {solver_sentence(advice.result)}")
    print(f"{len(candidates)} kandidaten")
    b, a = advice.before, advice.after
    print(
        f"Binnen de norm: {fmt_pct(b['covered_pct'])} -> {fmt_pct(a['covered_pct'])}; "
        f"gemiddeld {fmt_km(b['mean_dist_m'])} -> {fmt_km(a['mean_dist_m'])}"
    )
    view = pd.DataFrame(advice.sites.drop(columns="geometry")).round(0)
    view["kind"] = view["kind"].astype(str).map(lambda k: CANDIDATE_KIND_LABELS.get(k, k))
    view["source"] = view["source"].astype(str).map(lambda k: CANDIDATE_SOURCE_LABELS.get(k, k))
    view = view.rename(columns=COLUMN_LABELS)
    print(view.to_string(index=False) if not view.empty else "geen nieuwe locaties die iets toevoegen")
    far_w = advice.out_of_reach[norm.weight_column].sum() if advice.out_of_reach is not None else 0.0
    if far_w > 0:
        print(f"{fmt_int(far_w)} inwoners wonen buiten de norm van elke kandidaatlocatie en bestaand punt")
    if args.allow_close:
        print(closing_text(advice))
    if advice.unreachable:
        far = ", ".join(f"{n} ({i})" for n, i in zip(advice.unreachable_names, advice.unreachable, strict=True))
        print(f"let op: {len(advice.unreachable)} kandidaat(en) te ver van het wegennet: {far}")
    if args.out:
        print(f"geschreven: {write_table(advice.sites, args.out, layer='locaties', args=args)}")
    if args.save_as:
        scen = advice.to_scenario(args.save_as)
        _save(_store(args), scen, replace=args.replace)
    return 0


def _age_weight(text: str) -> tuple[str, float]:
    band, _, factor = text.partition("=")
    try:
        return band.strip(), float(factor)
    except ValueError as exc:
        msg = f"kan leeftijdsgewicht {text!r} niet lezen; schrijf het als groep=factor, bv. --age-weight pop_0_14=2"
        raise ScenarioError(msg) from exc


_REPLACE_HELP = "maak dit de huidige versie van een bestaande naam (de oude versies blijven bewaard)"

_DATA_DIR_HELP = "gegevensmap (standaard: $SPREIDING_DATA_DIR, data/, ../shared/data)"


def _list_options(p: argparse.ArgumentParser) -> None:
    """The service-point list the edits are checked against (create, import)."""
    p.add_argument("--data-dir", help=_DATA_DIR_HELP)
    p.add_argument(
        "--facilities", help="bestand met voorzieningen waarop de wijzigingen slaan (standaard: de bibliotheeklijst)"
    )


def _edit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--close", action="append", metavar="ID", help="sluit een open punt")
    p.add_argument("--reopen", action="append", metavar="ID", help="open een gesloten of gepland punt van de lijst")
    p.add_argument("--open", action="append", metavar="'naam;soort;lon;lat[;gastheer]'", help="open een nieuw punt")
    p.add_argument("--move", action="append", metavar="'ID;lon;lat'", help="verplaats een punt")
    p.add_argument("--retype", action="append", metavar="'ID;soort[;gastheer]'", help="verander de soort van een punt")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``scenario`` and ``optimize`` to the ``spreiding`` command."""
    sc = subparsers.add_parser("scenario", help="wat-als-scenario's (sluiten, openen, verplaatsen, soort wijzigen)")
    sc.add_argument(
        "--store", help="bestand met opgeslagen scenario's (standaard: $SPREIDING_STORE of de gebruikersgegevensmap)"
    )
    ssub = sc.add_subparsers(dest="scenario_command", required=True, title="opdrachten", metavar="OPDRACHT")

    cr = ssub.add_parser("create", help="maak een scenario")
    cr.add_argument("name", metavar="NAAM", help="naam van het scenario")
    cr.add_argument("--description", default="", help="beschrijving van het scenario")
    cr.add_argument("--from-file", help="lees het scenario uit .geojson of .json")
    cr.add_argument("--replace", action="store_true", help=_REPLACE_HELP)
    _list_options(cr)
    _edit_options(cr)
    cr.set_defaults(func=_cmd_create)

    ssub.add_parser("list", help="opgeslagen scenario's (beschadigde als waarschuwing)").set_defaults(func=_cmd_list)
    hi = ssub.add_parser("history", help="alle opgeslagen versies van een scenario")
    hi.add_argument("name", metavar="NAAM", help="naam van het scenario")
    hi.set_defaults(func=_cmd_history)
    rs = ssub.add_parser("restore", help="maak een eerdere versie weer de huidige (ook na delete)")
    rs.add_argument("name", metavar="NAAM", help="naam van het scenario")
    rs.add_argument("version", type=int, metavar="VERSIE", help="versienummer (zie history)")
    rs.set_defaults(func=_cmd_restore)
    sh = ssub.add_parser("show", help="de wijzigingen van een scenario")
    sh.add_argument("name", metavar="NAAM", help="naam van het scenario")
    sh.set_defaults(func=_cmd_show)

    ev = ssub.add_parser("evaluate", help="dekking van een scenario naast de huidige situatie")
    ev.add_argument("name", metavar="NAAM", help="naam van het scenario")
    ev.add_argument("--out", help="schrijf de verschiltabel (.csv, .xlsx, .gpkg)")
    ev.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    add_norm_arguments(ev)
    add_data_arguments(ev)
    ev.set_defaults(func=_cmd_evaluate)

    cm = ssub.add_parser("compare", help="twee scenario's naast elkaar")
    cm.add_argument("a", metavar="A", help="eerste scenario")
    cm.add_argument("b", metavar="B", help="tweede scenario")
    cm.add_argument("--out", help="schrijf de tabel (.csv, .xlsx, .gpkg)")
    cm.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    add_norm_arguments(cm)
    add_data_arguments(cm)
    cm.set_defaults(func=_cmd_compare)

    ex = ssub.add_parser("export", help="schrijf een scenario als .geojson of .json")
    ex.add_argument("name", metavar="NAAM", help="naam van het scenario")
    ex.add_argument("file", metavar="BESTAND", help="doelbestand (.geojson of .json)")
    ex.add_argument("--force", action="store_true", help="overschrijf een bestaand bestand")
    ex.set_defaults(func=_cmd_export)

    im = ssub.add_parser("import", help="lees een scenario uit .geojson of .json")
    im.add_argument("file", metavar="BESTAND", help="het bestand (.geojson of .json)")
    im.add_argument("--name", help="sla het op onder deze naam")
    im.add_argument("--replace", action="store_true", help=_REPLACE_HELP)
    _list_options(im)
    im.set_defaults(func=_cmd_import)

    de = ssub.add_parser("delete", help="verberg een scenario (de versies blijven; zie restore)")
    de.add_argument("name", metavar="NAAM", help="naam van het scenario")
    de.set_defaults(func=_cmd_delete)

    eg = ssub.add_parser(
        "examples", help="sla de gesloten en geplande punten van de bibliotheeklijst op als scenario's"
    )
    eg.add_argument("--data-dir", help=_DATA_DIR_HELP)
    eg.add_argument("--facilities", help="bestand met voorzieningen (standaard: de bibliotheeklijst)")
    eg.add_argument("--replace", action="store_true", help=_REPLACE_HELP)
    eg.set_defaults(func=_cmd_examples)

    op = subparsers.add_parser("optimize", help="stel locaties voor (MCLP, LSCP, p-median)")
    op.add_argument(
        "--model",
        choices=["mclp", "lscp", "p-median"],
        default="mclp",
        help="mclp: zoveel mogelijk inwoners binnen de norm (standaard); lscp: zo weinig mogelijk locaties"
        " voor het doel; p-median: de kleinste gemiddelde afstand",
    )
    op.add_argument("--p", type=int, help="aantal nieuwe locaties")
    op.add_argument(
        "--target",
        type=dutch_number,
        default=0.95,
        help="lscp: aandeel inwoners binnen de norm (standaard 0,95 = 95 %%)",
    )
    op.add_argument(
        "--candidates",
        default="osm",
        help="'osm' (de plaatsen en gebouwen van de regio uit OSM), een .osm.pbf of een bestand met locaties",
    )
    op.add_argument(
        "--allow-close",
        action="store_true",
        help="verplaatsen: naast de p nieuwe locaties hoogstens --max-closures punten binnen de regio sluiten "
        "(punten over de grens blijven open); bij lscp: zo weinig mogelijk punten binnen de regio",
    )
    op.add_argument(
        "--max-closures",
        type=int,
        metavar="K",
        help="bij --allow-close: hoogstens zoveel sluitingen (standaard: --p; lscp: geen grens)",
    )
    op.add_argument(
        "--age-weight", action="append", metavar="GROEP=FACTOR", help="gewicht van een leeftijdsgroep, bv. pop_0_14=2"
    )
    op.add_argument(
        "--time-limit", type=dutch_number, default=60.0, help="rekentijd van de oplosser in seconden (standaard 60)"
    )
    op.add_argument("--out", help="schrijf de voorgestelde locaties (.csv, .gpkg)")
    op.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")
    op.add_argument("--save-as", help="sla het advies op als scenario met deze naam")
    op.add_argument("--replace", action="store_true", help=_REPLACE_HELP)
    op.add_argument("--store", help="bestand met opgeslagen scenario's")
    add_norm_arguments(op)
    add_data_arguments(op)
    op.set_defaults(func=_cmd_optimize)
