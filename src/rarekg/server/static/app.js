// The landing page: run SPARQL from the editor or a library question, show a table.
"use strict";

const PREFIXES = {
  "https://w3id.org/rarekg/ontology#": "rkg:",
  "https://w3id.org/rarekg/resource/": "rkr:",
};
const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
let current = null; // the library question shown, or null for the editor's own text

function $(id) { return document.getElementById(id); }

function short(term) {
  if (term.type === "uri") {
    for (const [ns, prefix] of Object.entries(PREFIXES)) {
      if (term.value.startsWith(ns)) return prefix + term.value.slice(ns.length);
    }
  }
  return term.value;
}

// Our own things have a page each (/resource/NAME); other IRIs are shown as text.
function pageOf(iri) {
  const ns = "https://w3id.org/rarekg/resource/";
  return iri.startsWith(ns) ? "/resource/" + iri.slice(ns.length) : null;
}

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function showTable(data, truncated) {
  const box = $("results");
  box.replaceChildren();
  if ("boolean" in data) {
    box.textContent = data.boolean ? "yes" : "no";
    return;
  }
  const vars = data.head.vars;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of data.results.bindings) {
    const tr = body.insertRow();
    for (const name of vars) {
      const cell = tr.insertCell();
      if (row[name]) {
        const term = row[name];
        const page = term.type === "uri" ? pageOf(term.value) : null;
        const target = page ? document.createElement("a") : cell;
        target.textContent = short(term);
        if (term.type === "uri") target.title = term.value;
        if (page) {
          target.href = page;
          cell.appendChild(target);
        }
      }
    }
  }
  box.appendChild(table);
  const count = data.results.bindings.length;
  status(`${count} row${count === 1 ? "" : "s"}` + (truncated ? " (cut at the row cap)" : ""));
}

async function show(response, started) {
  const type = response.headers.get("content-type") || "";
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (!response.ok) {
    let message = await response.text();
    try { message = JSON.parse(message).error; } catch (e) { /* not JSON */ }
    status(`HTTP ${response.status}: ${message}`, true);
    $("results").replaceChildren();
    return;
  }
  if (type.includes("json")) {
    showTable(await response.json(), response.headers.get("x-rarekg-truncated") === "true");
    $("status").textContent += ` in ${seconds} s`;
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    $("results").replaceChildren(pre);
    status(`graph in ${seconds} s`);
  }
}

async function runEditor() {
  const started = performance.now();
  status("running…");
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", "Accept": ACCEPT },
    body: $("editor").value,
  });
  await show(response, started);
}

async function runLibrary(query) {
  const params = new URLSearchParams();
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value) params.set(input.name, input.value);
  }
  const started = performance.now();
  status("running…");
  const response = await fetch(`/api/query/${query.name}?${params}`, { headers: { "Accept": ACCEPT } });
  await show(response, started);
}

function choose(query) {
  current = query;
  $("title").textContent = query.title;
  $("description").textContent = query.description;
  $("editor").value = query.text;
  const form = $("params");
  form.replaceChildren();
  for (const p of query.parameters) {
    const label = document.createElement("label");
    label.textContent = `${p.name} `;
    const input = document.createElement("input");
    input.name = p.name;
    input.value = p.example;
    input.title = p.description;
    label.appendChild(input);
    form.appendChild(label);
  }
  runLibrary(query);
}

async function loadLibrary() {
  const list = $("library");
  const response = await fetch("/api/queries");
  const queries = await response.json();
  list.replaceChildren();
  for (const query of queries) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = query.title;
    button.dataset.name = query.name;
    button.addEventListener("click", () => choose(query));
    item.appendChild(button);
    list.appendChild(item);
  }
  if (!queries.length) list.textContent = "The library is empty.";
}

$("run").addEventListener("click", () => {
  // Edited text runs as typed; an untouched library question runs with its parameters.
  if (current && $("editor").value === current.text) runLibrary(current);
  else runEditor();
});
$("editor").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("run").click();
});
loadLibrary();
