// The landing page: write SPARQL or pick a library question, read the answer as a
// sortable table or a chart, download it, and keep it all in a permalink.
//
// Permalink parameters: `query` (the editor's own text) or `name` (a library question)
// with `p.<parameter>` for its parameters; `view` (table|chart); `sort` (column, with a
// leading "-" for descending).
import { drawChart, pickChart } from "./lib/chart.js";
import { makeEditor } from "./lib/sparql-editor.js";
import { drawTable, offer, toCsv } from "./lib/table.js";

const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
const START = `SELECT ?class (COUNT(?thing) AS ?things) WHERE {
  ?thing a ?class .
  FILTER(STRSTARTS(STR(?class), STR(rkg:)))
}
GROUP BY ?class
ORDER BY DESC(?things)`;

const $ = (id) => document.getElementById(id);
const state = { question: null, view: "table", sort: null, data: null, truncated: false };
const vocabulary = fetch("/api/vocabulary").then((r) => r.json());
const editor = makeEditor($("editor"), START, () => run(), vocabulary);
const library = fetch("/api/queries").then((r) => r.json());

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

/** The parameters in the form, as name -> value (empty ones left out). */
function formParameters() {
  const out = {};
  for (const input of $("params").querySelectorAll("input")) {
    if (input.value) out[input.name] = input.value;
  }
  return out;
}

/** Whether the editor still holds the chosen library question, unedited. */
function runsQuestion() {
  return Boolean(state.question && editor.text === state.question.text);
}

/** The permalink of what is shown: the query or question, its parameters and the view. */
function permalink() {
  const params = new URLSearchParams();
  if (runsQuestion()) {
    params.set("name", state.question.name);
    for (const [k, v] of Object.entries(formParameters())) params.set(`p.${k}`, v);
  } else {
    params.set("query", editor.text);
  }
  params.set("view", state.view);
  if (state.sort) params.set("sort", (state.sort.descending ? "-" : "") + state.sort.column);
  return `/?${params}`;
}

function remember() {
  const link = permalink();
  $("permalink").href = link;
  history.replaceState(null, "", link);
}

function draw() {
  const { data } = state;
  for (const tab of document.querySelectorAll("#views [data-view]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
  }
  if (!data || !data.head) return;
  if ("boolean" in data) {
    $("results").textContent = data.boolean ? "yes" : "no";
    return;
  }
  if (state.view === "chart") {
    drawChart($("results"), data, pickChart(data));
  } else {
    drawTable($("results"), data, state.sort, (sort) => {
      state.sort = sort;
      draw();
      remember();
    });
  }
}

async function show(response, started) {
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("content-type") || "";
  $("downloads").hidden = true;
  if (!response.ok) {
    let error = { error: await response.text() };
    try { error = JSON.parse(error.error); } catch (e) { /* not JSON: the text is the message */ }
    const where = error.line ? ` (line ${error.line}, column ${error.column})` : "";
    status(`HTTP ${response.status}: ${error.error}${where}`, true);
    if (error.line) editor.showError({ line: error.line, column: error.column, message: error.error });
    state.data = null;
    $("results").replaceChildren();
    return;
  }
  if (!type.includes("json")) {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    state.data = null;
    $("results").replaceChildren(pre);
    status(`graph in ${seconds} s`);
    return;
  }
  state.data = await response.json();
  state.truncated = response.headers.get("x-rarekg-truncated") === "true";
  draw();
  if (state.data.results) {
    const count = state.data.results.bindings.length;
    status(`${count} row${count === 1 ? "" : "s"}${state.truncated ? " (cut at the row cap)" : ""} in ${seconds} s`);
    offer($("download-csv"), toCsv(state.data), "text/csv", "results.csv");
    offer($("download-json"), JSON.stringify(state.data), "application/sparql-results+json", "results.json");
    $("downloads").hidden = false;
  } else {
    status(`answered in ${seconds} s`);
  }
}

async function run() {
  const started = performance.now();
  status("running…");
  editor.showError(null);
  remember();
  let response;
  if (runsQuestion()) {
    const params = new URLSearchParams(formParameters());
    response = await fetch(`/api/query/${state.question.name}?${params}`, { headers: { Accept: ACCEPT } });
  } else {
    response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: ACCEPT },
      body: editor.text,
    });
  }
  await show(response, started);
}

/** Show a library question: its text in the editor, its parameters as a form. */
function choose(question, values = {}) {
  state.question = question;
  $("title").textContent = question.title;
  $("description").textContent = question.description;
  editor.text = question.text;
  const form = $("params");
  form.replaceChildren();
  for (const p of question.parameters) {
    const label = document.createElement("label");
    label.textContent = `${p.name} `;
    const input = document.createElement("input");
    input.name = p.name;
    input.value = p.name in values ? values[p.name] : p.example;
    input.title = `${p.type}: ${p.description}`;
    input.required = p.required;
    label.appendChild(input);
    form.appendChild(label);
  }
}

async function showLibrary() {
  const questions = await library;
  const list = $("library");
  list.replaceChildren();
  for (const question of questions) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = question.title;
    button.dataset.name = question.name;
    button.addEventListener("click", () => {
      choose(question);
      run();
    });
    item.appendChild(button);
    list.appendChild(item);
  }
  if (!questions.length) list.textContent = "The library is empty.";
  return questions;
}

/** Reproduce a permalink: its query or question, parameters, view and sort; then run it. */
async function restore(questions) {
  const params = new URLSearchParams(location.search);
  if (["table", "chart"].includes(params.get("view"))) state.view = params.get("view");
  const sort = params.get("sort");
  if (sort) state.sort = { column: sort.replace(/^-/, ""), descending: sort.startsWith("-") };
  const name = params.get("name");
  if (name) {
    const question = questions.find((q) => q.name === name);
    if (!question) {
      status(`no library question named ${name}`, true);
      return;
    }
    const values = {};
    for (const [k, v] of params) if (k.startsWith("p.")) values[k.slice(2)] = v;
    choose(question, values);
  } else if (params.has("query")) {
    editor.text = params.get("query");
  } else {
    remember();
    return;
  }
  await run();
}

$("run").addEventListener("click", () => run());
$("params").addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
for (const tab of document.querySelectorAll("#views [data-view]")) {
  tab.addEventListener("click", () => {
    state.view = tab.dataset.view;
    draw();
    remember();
  });
}
showLibrary().then(restore).finally(() => { document.body.dataset.ready = "true"; });
