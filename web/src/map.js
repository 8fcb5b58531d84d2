// The map: facilities as points coloured by stage and sized by capacity, over Natural
// Earth's countries (world-atlas, drawn here from the bundled TopoJSON: no tiles), with
// countries shaded by their share of a chosen stage in a chosen year. The time control
// picks the year (unless one is chosen) and lists the controls that concern the countries
// shaded.
import { geoGraticule10, geoNaturalEarth1, geoPath } from "d3-geo";
import { scaleSequential, scaleSqrt } from "d3-scale";
import { interpolateBlues, schemeTableau10 } from "d3-scale-chromatic";
import { alpha2ToNumeric } from "i18n-iso-countries";
import { feature, mesh } from "topojson-client";
import world from "world-atlas/countries-110m.json";
import { ask, STAGES, urlState } from "./lib/api.js";
import { pageOf } from "./lib/terms.js";
import { controlsOn, dayAndYear, fillYears, listControls, mountTime } from "./lib/time-view.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const HEIGHT = 500;
const $ = (id) => document.getElementById(id);
const { state, save } = urlState({ stage: "Separation", year: "" }); // no year: the day's
let time = null; // the time control and its data
let shaded = []; // the IRIs of the countries with a share drawn
let updates = 0; // the latest redraw of the shares draws; an earlier one still waiting stops
const stageColour = Object.fromEntries(STAGES.map(([name], i) => [name, schemeTableau10[i]]));
const shade = scaleSequential(interpolateBlues).domain([0, 1]);
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
const path = geoPath(projection);
const countries = feature(world, world.objects.countries).features;

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function titled(node, text) {
  el("title", {}, node).textContent = text;
  return node;
}

/** The first of a facility's stages along the chain (its colour). */
function firstStage(stages) {
  const names = stages.split(" ").filter(Boolean).map((iri) => iri.split("/").pop());
  return STAGES.map(([name]) => name).find((name) => names.includes(name)) || null;
}

const percent = (share) => `${(100 * share).toFixed(1)}%`;

function drawBase(svg) {
  el("path", { d: path({ type: "Sphere" }), class: "sphere" }, svg);
  el("path", { d: path(geoGraticule10()), class: "graticule" }, svg);
  const group = el("g", { id: "countries" }, svg);
  for (const country of countries) {
    const shape = el("path", { d: path(country), class: "country", "data-id": country.id }, group);
    titled(shape, country.properties.name);
  }
  el("path", { d: path(mesh(world, world.objects.countries, (a, b) => a !== b)), class: "border" }, svg);
}

/** The controls that concern a country shaded (its law, or its target), on the day. */
function showControls(day) {
  const controls = controlsOn(time.data, day, (c) => c.countries.some((k) => shaded.includes(k)));
  const caption = `Controls in force on ${day} that concern a country shaded ` +
    "(its law, or aimed at it)";
  listControls($("controls-on-day"), caption, controls);
}

/** Shade each country by its largest stated share of the stage (whole stage first). */
async function drawShares() {
  const mine = ++updates;
  const { day, year } = dayAndYear(time, state.year, $("year"), $("year-note"));
  showControls(day); // at once, for the countries shaded now; again once redrawn
  const rows = await ask("stage-shares", { stage: `rkr:${state.stage}`, year });
  if (mine !== updates) return;
  shaded = [...new Set(rows.map((row) => row.country))];
  showControls(day);
  const whole = new Map();
  const ofItem = new Map();
  for (const row of rows) {
    const code = row.isoCode && alpha2ToNumeric(row.isoCode);
    if (!code) continue;
    const into = row.item ? ofItem : whole;
    into.set(code, Math.max(into.get(code) || 0, Number(row.share)));
  }
  for (const shape of document.querySelectorAll("#countries .country")) {
    const id = shape.dataset.id;
    const share = whole.has(id) ? whole.get(id) : ofItem.get(id);
    shape.classList.toggle("shared", share !== undefined);
    shape.style.fill = share === undefined ? "" : shade(share);
    shape.querySelector("title").textContent = shape.querySelector("title").textContent.split(":")[0] +
      (share === undefined ? "" : `: ${percent(share)} of ${state.stage} in ${year}`);
  }
  const table = $("shares");
  table.replaceChildren();
  for (const row of rows) {
    const tr = table.insertRow();
    const link = document.createElement("a");
    link.href = pageOf(row.country) || "#";
    link.textContent = row.countryLabel || row.country;
    tr.insertCell().appendChild(link);
    tr.insertCell().textContent = percent(Number(row.share));
    tr.insertCell().textContent = row.item ? row.item.split("/").pop() : "whole stage";
    tr.insertCell().textContent = [row.estimateKind, row.confidence].filter(Boolean).join(", ");
  }
  $("shares-caption").textContent = rows.length
    ? `Shares of ${state.stage} in ${year} (${rows.length} figures; on the map, darker blue ` +
      "is a larger share, grey no figure)"
    : `No shares of ${state.stage} in ${year} in the graph`;
}

function drawFacilities(svg, facilities) {
  const placed = facilities.filter((f) => f.latitude !== undefined && f.longitude !== undefined);
  const unplaced = facilities.filter((f) => !placed.includes(f));
  const largest = Math.max(1, ...placed.map((f) => Number(f.capacity) || 0));
  const radius = scaleSqrt().domain([0, largest]).range([3, 16]);
  const group = el("g", { id: "facilities" }, svg);
  for (const f of placed) {
    const [x, y] = projection([Number(f.longitude), Number(f.latitude)]);
    const stage = firstStage(f.stages || "");
    const link = el("a", { href: pageOf(f.facility) || "#", class: "facility" }, group);
    link.dataset.iri = f.facility;
    const dot = el("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: radius(Number(f.capacity) || 0).toFixed(1),
    }, link);
    dot.style.fill = stageColour[stage] || "#777";
    titled(dot, `${f.facilityLabel} (${f.countryLabel || "?"}), ${stage || "no stage"}, ${f.status || ""}` +
      (f.capacity ? `, up to ${Number(f.capacity).toLocaleString("en")} t/yr` : ""));
  }
  $("placed").textContent = `${placed.length} of ${facilities.length} facilities drawn.`;
  $("unplaced").textContent = unplaced.length
    ? `${unplaced.length} facilit${unplaced.length === 1 ? "y has" : "ies have"} no coordinates yet`
    : "Every facility has coordinates.";
  const list = $("unplaced-list");
  list.replaceChildren();
  for (const f of unplaced) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = pageOf(f.facility) || "#";
    link.textContent = f.facilityLabel || f.facility;
    item.append(link, ` (${f.countryLabel || "country unknown"})`);
    list.appendChild(item);
  }
}

function legend() {
  const box = $("legend");
  for (const [name, label] of STAGES) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = stageColour[name];
    item.append(swatch, label);
    box.appendChild(item);
  }
}

function controls() {
  for (const [name, label] of STAGES.slice(0, 4)) $("stage").add(new Option(label, name));
  fillYears($("year"));
  $("stage").value = state.stage;
  $("year").value = state.year;
  for (const id of ["stage", "year"]) {
    $(id).addEventListener("change", async () => {
      state[id] = $(id).value;
      save();
      document.body.dataset.ready = "false";
      await redraw();
    });
  }
}

/** Draw the shares again for the stage, year and day now chosen. */
async function redraw() {
  document.body.dataset.ready = "false";
  save();
  await drawShares();
  document.body.dataset.ready = "true";
}

async function main() {
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": "world map" });
  $("map").appendChild(svg);
  drawBase(svg);
  controls();
  legend();
  time = await mountTime($("time"), () => redraw().catch(fail));
  save();
  const [facilities] = await Promise.all([ask("facility-locations"), drawShares()]);
  drawFacilities(svg, facilities);
}

function fail(error) {
  $("placed").textContent = `Could not draw the map: ${error.message}`;
  document.body.dataset.ready = "true";
}

main().catch(fail).finally(() => { document.body.dataset.ready = "true"; });
