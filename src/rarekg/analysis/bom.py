"""Read a bill of materials (CSV) into checked lines, or say which row and column is wrong.

The layout is ``part,parent,quantity,unit,item,supplier,supplier_country`` (issue 11):
``part`` names the line, ``parent`` the part it goes into (empty for the product, the one
line without a parent), ``quantity`` how many go into one parent, ``item`` what the line
is made of or is, as a name, symbol, HS code or IRI the one resolver reads
(:mod:`rarekg.names`). ``unit``, ``supplier`` and ``supplier_country`` are optional and
may be left out. Rows are numbered as a spreadsheet shows them: the header is row 1.

Everything here is structure only; names are resolved against the graph by
:mod:`rarekg.analysis.exposure`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from rarekg.analysis.projection import AnalysisInputError

#: The columns a bill of materials must have, and those it may have.
REQUIRED_COLUMNS = ("part", "parent", "quantity", "item")
OPTIONAL_COLUMNS = ("unit", "supplier", "supplier_country")
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


class BomError(AnalysisInputError):
    """A bill of materials that cannot be read; the message names the row and column."""


@dataclass(frozen=True)
class BomLine:
    """One line of a bill of materials, as written (names not yet resolved)."""

    row: int
    part: str
    parent: str | None
    quantity: float
    unit: str
    item: str
    supplier: str
    supplier_country: str


@dataclass(frozen=True)
class BillOfMaterials:
    """The checked lines, in file order, and the product (the line without a parent)."""

    lines: tuple[BomLine, ...]
    product: BomLine

    def children(self) -> dict[str, list[str]]:
        """Part -> the parts that go directly into it, in file order."""
        found: dict[str, list[str]] = {line.part: [] for line in self.lines}
        for line in self.lines:
            if line.parent is not None:
                found[line.parent].append(line.part)
        return found


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BomError(
            f"row {line}: the file is not UTF-8 (byte {error.start}); save it as UTF-8 CSV"
        ) from None


def _header(fields: Sequence[str] | None) -> list[str]:
    if not fields:
        raise BomError(f"row 1: no header; want the columns {', '.join(COLUMNS)}")
    names = [f.strip() for f in fields]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise BomError(
            f"row 1: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"the columns are {', '.join(COLUMNS)}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise BomError(f"row 1: missing required column(s) {', '.join(missing)}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BomError(f"row 1: column(s) named twice: {', '.join(repeated)}")
    return names


def _quantity(text: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BomError(f"row {row}, column quantity: not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise BomError(f"row {row}, column quantity: must be a number of at least 0, not {text}")
    return value


def _line(values: dict[str, str], row: int) -> BomLine:
    for column in ("part", "item"):
        if not values.get(column):
            raise BomError(f"row {row}, column {column}: empty")
    return BomLine(
        row=row,
        part=values["part"],
        parent=values.get("parent") or None,
        quantity=_quantity(values.get("quantity") or "1", row),
        unit=values.get("unit", ""),
        item=values["item"],
        supplier=values.get("supplier", ""),
        supplier_country=values.get("supplier_country", ""),
    )


def _check_tree(lines: list[BomLine]) -> BomLine:
    """The product; raises on a second product, an unknown parent or a cycle."""
    by_part: dict[str, BomLine] = {}
    for line in lines:
        if line.part in by_part:
            raise BomError(
                f"row {line.row}, column part: {line.part!r} is already row "
                f"{by_part[line.part].row}; name each part once"
            )
        by_part[line.part] = line
    roots = [line for line in lines if line.parent is None]
    if len(roots) != 1:
        rows = ", ".join(str(r.row) for r in roots) or "none"
        raise BomError(f"column parent: want exactly one line without a parent (rows: {rows})")
    for line in lines:
        if line.parent is not None and line.parent not in by_part:
            raise BomError(f"row {line.row}, column parent: no part named {line.parent!r}")
    # Each part has one parent, so a part the product does not reach is on a cycle or
    # beneath one: walk up from the first such part until a part repeats.
    reached = _reachable(roots[0].part, lines)
    for line in lines:
        if line.part not in reached:
            seen = [line.part]
            current = line
            while (current := by_part[current.parent or ""]).part not in seen:
                seen.append(current.part)
            cycle = " -> ".join([*seen[seen.index(current.part) :], current.part])
            start = by_part[seen[seen.index(current.part)]]
            raise BomError(f"row {start.row}, column parent: a cycle: {cycle}")
    return roots[0]


def _reachable(product: str, lines: list[BomLine]) -> set[str]:
    """The parts beneath ``product`` (itself included), following parents downward."""
    children: dict[str, list[str]] = {}
    for line in lines:
        if line.parent is not None:
            children.setdefault(line.parent, []).append(line.part)
    reached = {product}
    pending = [product]
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in reached:
                reached.add(child)
                pending.append(child)
    return reached


def read_bom(data: bytes | str) -> BillOfMaterials:
    r"""Read and check a bill of materials (CSV bytes or text).

    Raises:
        BomError: not UTF-8, an unknown or missing column, an empty part or item, a
            quantity that is negative or no number, a part named twice, no product or
            two, a parent that is no part, or a cycle of parents; the message names the
            row and the column.

    Examples:
        >>> bom = read_bom("part,parent,quantity,item\nmotor,,1,EV traction motor\n"
        ...                "magnet,motor,2,Dy\n")
        >>> bom.product.part, bom.children()["motor"]
        ('motor', ['magnet'])
        >>> read_bom("part,parent,quantity,item\na,b,1,Dy\nb,a,1,Dy\nc,,1,Dy\n")
        Traceback (most recent call last):
        ...
        rarekg.analysis.bom.BomError: row 2, column parent: a cycle: a -> b -> a
    """
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    names = _header(next(reader, None))
    lines = []
    for raw in reader:
        if len(raw) > len(names):
            raise BomError(f"row {reader.line_num}: more values than the {len(names)} columns")
        values = dict(zip(names, (v.strip() for v in raw), strict=False))
        if any(values.values()):
            lines.append(_line(values, reader.line_num))
    if not lines:
        raise BomError("the bill of materials has no lines")
    return BillOfMaterials(tuple(lines), _check_tree(lines))
