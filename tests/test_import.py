"""``rarekg import``: three layouts through their CSVW mappings, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rarekg.cli import main
from rarekg.namespaces import RKG, RKR

EXAMPLES = Path(__file__).parent.parent / "examples"
SUPPLIERS = EXAMPLES / "data" / "magnet-suppliers.csv"
TRADE = EXAMPLES / "data" / "comtrade-extract.csv"
BOM_HEADER = "part,parent,quantity,unit,item,supplier,supplier_country\n"
BOM = BOM_HEADER + (
    "drive unit,,1,piece,EV traction motor,,\n"
    "rotor magnets,drive unit,2,kg,Tb/Dy-containing NdFeB,Magnet Co,CN\n"
    "dysprosium,rotor magnets,0.1,kg,Dy,,\n"
)
USER = "https://w3id.org/rarekg/user/"


def _import(tmp_path: Path, layout: str, data: bytes, name: str = "mine") -> tuple[int, str, Path]:
    source = tmp_path / f"{layout}.csv"
    source.write_bytes(data)
    output = tmp_path / f"{name}.ttl"
    result = CliRunner().invoke(main, ["import", layout, str(source), "-o", str(output)])
    return result.exit_code, result.output, output


def _triples(path: Path) -> set[tuple[str, str, str]]:
    parsed = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    return {(t.subject.value, t.predicate.value, t.object.value) for t in parsed}


def _objects(triples: set[tuple[str, str, str]], subject: str, predicate: str) -> set[str]:
    return {o for s, p, o in triples if s == subject and p == predicate}


def test_bill_of_materials_becomes_parts_that_depend_on_their_items(tmp_path: Path) -> None:
    code, out, output = _import(tmp_path, "bom", BOM.encode())
    assert code == 0, out
    triples = _triples(output)
    unit, magnets = f"{USER}mine/part/drive%20unit", f"{USER}mine/part/rotor%20magnets"
    depends = str(RKG.directlyDependsOn)
    assert _objects(triples, unit, depends) == {str(RKR.EVTractionMotor), magnets}
    assert str(RKR.TbDyContainingSinteredNdFeB) in _objects(triples, magnets, depends)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert _objects(triples, magnets, rdf_type) == {str(RKG.Component)}
    source = _objects(triples, magnets, "http://www.w3.org/ns/prov#wasDerivedFrom")
    assert source == {f"{USER}mine/source"}


def test_supplier_list_becomes_capacity_observations(tmp_path: Path) -> None:
    code, out, output = _import(tmp_path, "suppliers", SUPPLIERS.read_bytes())
    assert code == 0, out
    assert "3 rows" in out
    triples = _triples(output)
    first = f"{USER}mine/capacity/1"
    assert _objects(triples, first, str(RKG.value)) == {"40000"}
    assert _objects(triples, first, str(RKG.observedItem)) == {str(RKR.SinteredNdFeB)}
    assert _objects(triples, first, str(RKG.observedStage)) == {str(RKR.MagnetManufacturing)}
    assert _objects(triples, first, str(RKG.year)) == {"2025"}
    company = _objects(triples, first, str(RKG.observedCompany)).pop()
    assert _objects(triples, company, str(RKG.headquarteredIn)) == {str(RKR.China)}


def test_comtrade_rows_become_trade_flows_like_the_shipped_ones(tmp_path: Path) -> None:
    code, out, output = _import(tmp_path, "comtrade", TRADE.read_bytes(), "trade")
    assert code == 0, out
    triples = _triples(output)
    world = f"{USER}trade/trade/1"  # CHN exports to the world, May 2025
    assert _objects(triples, world, str(RKG.exporter)) == {str(RKR.China)}
    assert _objects(triples, world, str(RKG.importer)) == set()
    assert _objects(triples, world, str(RKG.period)) == {"2025-05"}
    assert _objects(triples, world, str(RKG.observedItem)) == {str(RKR.RareEarthMetals)}
    assert _objects(triples, world, str(RKG.value)) == {"410000"}
    imports = f"{USER}trade/trade/5"  # the US imports from China: China exported
    assert _objects(triples, imports, str(RKG.exporter)) == {str(RKR.China)}
    assert _objects(triples, imports, str(RKG.importer)) == {str(RKR.UnitedStates)}
    annual = f"{USER}trade/trade/7"
    assert _objects(triples, annual, str(RKG.year)) == {"2024"}
    assert _objects(triples, annual, str(RKG.period)) == set()
    mexico = _objects(triples, f"{USER}trade/trade/6", str(RKG.exporter)).pop()
    assert mexico == f"{USER}trade/country/MX"  # not in the graph: minted, with its code
    assert _objects(triples, mexico, str(RKG.isoCode)) == {"MX"}


_TRADE = TRADE.read_text("utf-8")
_TRADE_HEADER = _TRADE.splitlines()[0]
_TRADE_ROW = _TRADE.splitlines()[1]
_SUPPLIERS = SUPPLIERS.read_text("utf-8")


def _trade(row: str) -> bytes:
    return f"{_TRADE_HEADER}\n{_TRADE_ROW}\n{row}\n".encode()


BAD: dict[str, tuple[str, bytes, str, str]] = {
    "unknown-column": (
        "suppliers",
        _SUPPLIERS.replace("capacity", "capacty", 1).encode(),
        ":1: ",
        "'capacty'",
    ),
    "missing-column": ("comtrade", _TRADE.replace("netWgt", "weight").encode(), ":1: ", "weight"),
    "missing-required": (
        "suppliers",
        b"company,country,stage,item,capacity,unit\nX,CN,mining,Dy,1,t\n",
        ":1: ",
        "year",
    ),
    "not-utf8": (
        "suppliers",
        _SUPPLIERS.encode() + "Soci\u00e9t\u00e9,FR,mining,Dy,1,t,2025\n".encode("latin-1"),
        ":5: ",
        "UTF-8",
    ),
    "cycle": (
        "bom",
        (BOM_HEADER + "p,,1,,Dy,,\na,b,1,,Dy,,\nb,a,1,,Dy,,\n").encode(),
        ":3:parent: ",
        "cycle",
    ),
    "negative-quantity": (
        "bom",
        (BOM_HEADER + "p,,1,,Dy,,\nq,p,-2,,Dy,,\n").encode(),
        ":3:quantity: ",
        "-2",
    ),
    "negative-weight": (
        "comtrade",
        _trade(_TRADE_ROW.replace(",410000,410000,", ",410000,-5,")),
        ":3:netWgt: ",
        "-5",
    ),
    "unknown-country-code": (
        "comtrade",
        _trade(_TRADE_ROW.replace(",CHN,", ",XQZ,")),
        ":3:",
        "'XQZ'",
    ),
    "unknown-supplier-country": (
        "suppliers",
        (_SUPPLIERS + "Acme,XQ,mining,Dy,1,t,2025\n").encode(),
        ":5:country: ",
        "'XQ'",
    ),
    "date-after-any-data": (
        "comtrade",
        _trade(_TRADE_ROW.replace(",202505,", ",209905,")),
        ":3:month: ",
        "outside any data",
    ),
    "year-before-any-data": (
        "suppliers",
        (_SUPPLIERS + "Acme,CN,mining,Dy,1,t,1850\n").encode(),
        ":5:year: ",
        "outside any data",
    ),
    "unknown-hs-code": (
        "comtrade",
        _trade(_TRADE_ROW.replace(",280530,", ",850511,")),
        ":3:cmdCode: ",
        "no item in the HS rows",
    ),
    "unknown-flow": (
        "comtrade",
        _trade(_TRADE_ROW.replace(",X,", ",RX,")),
        ":3:flowCode: ",
        "RX",
    ),
    "unresolved-item": (
        "bom",
        (BOM_HEADER + "p,,1,,Dy,,\nq,p,1,,unobtainium widget,,\n").encode(),
        ":3:item: ",
        "unobtainium",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD), ids=sorted(BAD))
def test_bad_input_exits_2_naming_row_and_column_and_writes_nothing(
    tmp_path: Path, case: str
) -> None:
    layout, data, where, what = BAD[case]
    output = tmp_path / "mine.ttl"
    output.write_text("# an earlier import, kept as it was\n")
    code, out, _ = _import(tmp_path, layout, data)
    assert code == 2, out
    assert f"{layout}.csv{where}" in out and what in out
    assert output.read_text() == "# an earlier import, kept as it was\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_import_help_names_the_layouts() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    assert "bom" in result.output and "suppliers" in result.output and "comtrade" in result.output
