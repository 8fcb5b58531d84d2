// The exposure page: send a dropped bill of materials to /api/exposure, show the report.
// Everything shown is set as text, never as HTML: the CSV and the graph are data.
"use strict";

const RESOURCE = "https://w3id.org/rarekg/resource/";

function $(id) { return document.getElementById(id); }

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

// A node of the report as a link: our own things to their page, others to the explorer.
function link(node) {
  const a = document.createElement("a");
  a.textContent = node.label;
  a.href = node.iri.startsWith(RESOURCE)
    ? "/resource/" + node.iri.slice(RESOURCE.length)
    : "/graph?focus=" + encodeURIComponent(node.iri);
  return a;
}

function row(table, cells, tag) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement(tag || "td");
    if (cell instanceof Node) td.append(cell); else td.textContent = cell;
    tr.append(td);
  }
  table.append(tr);
}

function statusText(status, until) {
  return status === "suspended" && until ? `suspended until ${until}` : status;
}

function chainOf(nodes) {
  const span = document.createElement("span");
  span.className = "chain";
  nodes.forEach((node, i) => {
    if (i) span.append(" → ");
    span.append(link(node));
  });
  return span;
}

function shareText(share) {
  if (!share) return "";
  return `${share.country.label} ${Math.round(100 * share.value)}% (${share.stage.label} ${share.year})`;
}

function list(id, items) {
  const ul = $(id);
  ul.replaceChildren();
  for (const text of items) {
    const li = document.createElement("li");
    li.textContent = text;
    ul.append(li);
  }
  if (!items.length) ul.append(Object.assign(document.createElement("li"), { textContent: "none" }));
}

function show(report) {
  const product = report.product;
  $("product").textContent =
    `${product.part} (${product.item ? product.item.label : "unresolved"}) on ${report.on}`;
  $("horizon").hidden = !report.horizon;
  $("horizon").textContent = report.horizon
    ? `Statuses were checked up to ${report.horizon}: a control whose status on ${report.on} ` +
      "depends on a later day counts as unknown, not in force."
    : "";
  const rollup = $("rollup");
  rollup.replaceChildren();
  row(rollup, ["policy", "status", "lines reached", "via"], "th");
  for (const r of product.rollup) {
    row(rollup, [link(r.policy), statusText(r.status, r.until), String(r.lines), r.via.join(", ")]);
  }
  const table = $("exposures");
  table.replaceChildren();
  row(table, ["part", "item", "policy", "status", "chain", "share", "general licence",
              "suppliers elsewhere"], "th");
  for (const part of report.parts) {
    for (const e of part.exposures) {
      row(table, [
        part.part,
        link(part.item),
        e.officialNumber || e.policy.label,
        statusText(e.status, e.until),
        chainOf(e.chain),
        shareText(e.share),
        e.licences.generalLicence ? "yes" : "no",
        e.alternatives.map((a) => a.label).join(", "),
      ]);
    }
  }
  list("unresolved", report.unresolved.map((u) => `row ${u.row}, ${u.part}: ${u.reason}`));
  list("warnings", report.warnings);
  $("report").hidden = false;
}

async function send(file) {
  status(`reading ${file.name}…`);
  const on = $("on").value;
  const url = "/api/exposure" + (on ? "?on=" + encodeURIComponent(on) : "");
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: await file.arrayBuffer(),
    });
    const data = await response.json();
    if (!response.ok) {
      $("report").hidden = true;
      status(data.error || data.message || `error ${response.status}`, true);
      return;
    }
    show(data);
    status(`${file.name}: ${data.parts.length} lines`);
  } catch (error) {
    status(String(error), true);
  }
}

const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  if (event.dataTransfer.files.length) send(event.dataTransfer.files[0]);
});
$("file").addEventListener("change", () => { if ($("file").files.length) send($("file").files[0]); });
