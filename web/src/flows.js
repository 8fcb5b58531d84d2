// The flows view: a Sankey (d3-sankey) of an element, or all rare earths, in a year, from
// mine production by country on through the stages, with modelled flows marked. The time
// control picks the year (unless one is chosen) and lists the controls over the element.
import { sankey, sankeyLeft, sankeyLinkHorizontal } from "d3-sankey";
import { ask, STAGES, urlState } from "./lib/api.js";
import { buildFlows } from "./lib/flow-model.js";
import { pageOf, RESOURCE } from "./lib/terms.js";
import { controlsOn, dayAndYear, fillYears, listControls, mountTime } from "./lib/time-view.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const HEIGHT = 520;
const AFTER_MINING = STAGES.filter(([name]) => ["Separation", "MetalAlloy", "MagnetManufacturing"].includes(name));
const $ = (id) => document.getElementById(id);
const { state, save } = urlState({ element: "all", year: "" }); // no year: the day's
let time = null; // the time control and its data
let rareEarths = []; // the rare-earth elements' IRIs
let updates = 0; // the latest update draws; an earlier one still waiting stops

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

const tonnes = (v) => `${Math.round(v).toLocaleString("en")} t`;

async function elements() {
  const query = "SELECT ?e ?label WHERE { ?e a rkg:RareEarthElement ; rdfs:label ?label } ORDER BY ?label";
  const response = await fetch(`/sparql?${new URLSearchParams({ query })}`, {
    headers: { Accept: "application/sparql-results+json" },
  });
  const body = await response.json();
  return body.results.bindings.map((row) => [row.e.value.slice(RESOURCE.length), row.label.value]);
}

function draw(flows) {
  const box = $("flows");
  box.replaceChildren();
  const notes = $("notes");
  notes.replaceChildren(...flows.notes.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  if (!flows.links.length) {
    box.textContent = "Nothing to draw for this element and year.";
    return;
  }
  const layout = sankey().nodeId((d) => d.id).nodeAlign(sankeyLeft).nodeWidth(14).nodePadding(8)
    .extent([[1, 5], [WIDTH - 1, HEIGHT - 5]]);
  const { nodes, links } = layout({
    nodes: flows.nodes.map((d) => ({ ...d })),
    links: flows.links.map((d) => ({ ...d })),
  });
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "Sankey diagram" }, box);
  const linkGroup = el("g", { id: "links" }, svg);
  const path = sankeyLinkHorizontal();
  for (const link of links) {
    const line = el("path", { d: path(link), class: `link ${link.kind}` }, linkGroup);
    line.style.strokeWidth = `${Math.max(1, link.width)}px`;
    line.dataset.kind = link.kind;
    el("title", {}, line).textContent =
      `${link.source.name} → ${link.target.name}: ${tonnes(link.value)} (${link.kind})`;
  }
  const nodeGroup = el("g", { id: "nodes" }, svg);
  for (const n of nodes) {
    const iri = n.id.split("|").pop(); // the country's IRI, or "others"
    const page = pageOf(iri);
    const holder = page ? el("a", { href: page }, nodeGroup) : nodeGroup;
    const rect = el("rect", {
      x: n.x0, y: n.y0, width: n.x1 - n.x0, height: Math.max(1, n.y1 - n.y0),
      class: `node ${n.kind === "modelled" ? "modelled" : "observed"}`,
    }, holder);
    rect.dataset.id = n.id;
    if (page) rect.dataset.iri = iri;
    el("title", {}, rect).textContent = `${n.name}: ${tonnes(n.value)} (${n.kind})`;
    if (n.y1 - n.y0 > 6) {
      const right = n.x0 < WIDTH / 2; // labels beside the node, inward
      const label = el("text", {
        x: right ? n.x1 + 4 : n.x0 - 4, y: (n.y0 + n.y1) / 2 + 4, class: "label",
        "text-anchor": right ? "start" : "end",
      }, holder);
      label.textContent = `${n.name} ${tonnes(n.value)}`;
    }
  }
}

/** The controls over the element (or any rare earth) on the day: in force, suspended. */
function showControls(element, day) {
  const over = element ? [element] : rareEarths;
  const controls = controlsOn(time.data, day, (c) => c.elements.some((e) => over.includes(e)));
  const caption = `Controls in force on ${day} over ` +
    `${element ? state.element : "a rare earth"}, or over what is made from it`;
  listControls($("controls-on-day"), caption, controls);
}

async function update() {
  const mine = ++updates;
  document.body.dataset.ready = "false";
  save();
  const { day, year } = dayAndYear(time, state.year, $("year"), $("year-note"));
  const element = state.element === "all" ? null : RESOURCE + state.element;
  showControls(element, day);
  const [mined, ...shares] = await Promise.all([
    ask("production-by-country", { stage: "rkr:Mining", year }),
    ...AFTER_MINING.map(([name]) => ask("stage-shares", { stage: `rkr:${name}`, year })),
  ]);
  if (mine !== updates) return;
  const flows = buildFlows(mined, AFTER_MINING.map(([name, label], i) => [name, label, shares[i]]), element);
  const own = element && mined.some((r) => r.item === element);
  if (element && !own) {
    flows.notes.unshift(`The graph has no ${state.element} mine tonnage: widths are all rare earths ` +
      `(t REO); the stage shares are ${state.element}'s own where the graph gives them.`);
  }
  flows.notes.push("Applications: the graph holds no tonnage by end use; not drawn.");
  draw(flows);
  $("caption").textContent = `${element ? state.element : "All rare earths"}, ${year}`;
  document.body.dataset.ready = "true";
}

async function main() {
  const listed = await elements();
  rareEarths = listed.map(([name]) => RESOURCE + name);
  for (const [name, label] of listed) $("element").add(new Option(label, name));
  fillYears($("year"));
  $("element").value = state.element;
  $("year").value = state.year;
  for (const id of ["element", "year"]) {
    $(id).addEventListener("change", () => {
      state[id] = $(id).value;
      update().catch(fail);
    });
  }
  time = await mountTime($("time"), () => update().catch(fail));
  await update();
}

function fail(error) {
  $("flows").textContent = `Could not draw the flows: ${error.message}`;
  document.body.dataset.ready = "true";
}

main().catch(fail);
