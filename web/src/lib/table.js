// A SPARQL SELECT result as a sortable table, and as CSV or JSON files to download.
import { numberOf, termNode } from "./terms.js";

/** Compare two cells of a column: numbers by value, the rest as text; empty cells last. */
function compare(a, b) {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== null && y !== null) return x - y;
  return a.value.localeCompare(b.value);
}

/**
 * Draw the rows into `box`; a click on a column's head sorts by it (again: reversed).
 * `sort` is {column, descending} or null; `onSort` hears each change (for permalinks).
 */
export function drawTable(box, data, sort, onSort) {
  const vars = data.head.vars;
  const rows = data.results.bindings.slice();
  if (sort && vars.includes(sort.column)) {
    rows.sort((r, s) => compare(r[sort.column], s[sort.column]) * (sort.descending ? -1 : 1));
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name;
    button.dataset.column = name;
    if (sort && sort.column === name) {
      th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
    }
    button.addEventListener("click", () => {
      const descending = Boolean(sort && sort.column === name && !sort.descending);
      onSort({ column: name, descending });
    });
    th.appendChild(button);
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const name of vars) {
      const cell = tr.insertCell();
      if (row[name]) {
        cell.appendChild(termNode(row[name]));
        if (numberOf(row[name]) !== null) cell.className = "number";
      }
    }
  }
  box.replaceChildren(table);
}

/** CSV as SPARQL 1.1 Query Results CSV writes it: values only, quoted where needed. */
export function toCsv(data) {
  const quote = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const vars = data.head.vars;
  const lines = [vars.map(quote).join(",")];
  for (const row of data.results.bindings) {
    lines.push(vars.map((v) => quote(row[v] ? row[v].value : "")).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

/** Point a download link at a file made in the page. */
export function offer(link, text, type, name) {
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
}
