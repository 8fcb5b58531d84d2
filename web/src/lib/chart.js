// A chart of a SELECT result's numbers, drawn as plain SVG: a line along a year or date
// column, bars against a label column otherwise. The columns are picked from the data.
import { isTemporal, numberOf, shortName } from "./terms.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_BARS = 40;

function every(rows, column, test) {
  const present = rows.filter((row) => row[column]);
  return present.length > 0 && present.every((row) => test(row[column]));
}

/**
 * Which chart fits the result: {kind: "line"|"bar", x, y} or null when no column is numeric.
 * y is the first column whose every value is a number; x is the first year/date column
 * that holds a different time in each row (a line), else a column of names or labels
 * (bars; a *Label column is preferred).
 */
export function pickChart(data) {
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const y = vars.find((v) => every(rows, v, (t) => numberOf(t) !== null));
  if (!y) return null;
  // A line needs one point per time: a year column that repeats (one row per country in
  // one year) is no axis.
  const distinct = (v) => new Set(rows.map((row) => row[v] && row[v].value)).size === rows.length;
  const time = vars.find((v) => v !== y && every(rows, v, isTemporal) && distinct(v));
  if (time && rows.length > 1) return { kind: "line", x: time, y };
  const names = vars.filter((v) => v !== y && every(rows, v, (t) => numberOf(t) === null));
  const x = names.find((v) => /label$/i.test(v)) || names[0];
  return x ? { kind: "bar", x, y } : null;
}

function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, attributes, content) {
  el("text", attributes, parent).textContent = content;
}

const format = (n) => n.toLocaleString("en", { maximumFractionDigits: 3 });

/** Draw the chart `pickChart` chose into `box`; says why not when there is nothing to draw. */
export function drawChart(box, data, choice) {
  box.replaceChildren();
  if (!choice) {
    box.textContent = "No numeric column to chart.";
    return;
  }
  let points = data.results.bindings
    .filter((row) => row[choice.x] && numberOf(row[choice.y]) !== null)
    .map((row) => ({ x: row[choice.x], label: shortName(row[choice.x]), y: numberOf(row[choice.y]) }));
  if (choice.kind === "line") points.sort((a, b) => a.x.value.localeCompare(b.x.value));
  const cut = points.length > MAX_BARS && choice.kind === "bar";
  if (cut) points = points.slice(0, MAX_BARS);
  const width = 900;
  const left = 200;
  const rowHeight = 22;
  const height = choice.kind === "bar" ? points.length * rowHeight + 40 : 320;
  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: `chart ${choice.kind}`,
    "aria-label": `${choice.y} by ${choice.x}`,
  });
  const top = Math.max(0, ...points.map((p) => p.y));
  const bottom = Math.min(0, ...points.map((p) => p.y));
  const span = top - bottom || 1;
  if (choice.kind === "bar") {
    const scale = (v) => ((v - bottom) / span) * (width - left - 80);
    points.forEach((p, i) => {
      const y = 10 + i * rowHeight;
      text(svg, { x: left - 6, y: y + 14, "text-anchor": "end", class: "tick" }, p.label.slice(0, 32));
      const x0 = left + scale(Math.min(0, p.y));
      el("rect", { x: x0, y, width: Math.max(1, Math.abs(scale(p.y) - scale(0))), height: rowHeight - 6, class: "bar" }, svg)
        .appendChild(document.createElementNS(SVG, "title")).textContent = `${p.label}: ${format(p.y)}`;
      text(svg, { x: left + scale(Math.max(0, p.y)) + 4, y: y + 14, class: "value" }, format(p.y));
    });
  } else {
    const plotTop = 20;
    const plotBottom = height - 40;
    const step = points.length > 1 ? (width - left / 2 - 40) / (points.length - 1) : 0;
    const px = (i) => left / 2 + i * step;
    const py = (v) => plotBottom - ((v - bottom) / span) * (plotBottom - plotTop);
    el("line", { x1: left / 2, x2: width - 40, y1: py(bottom), y2: py(bottom), class: "axis" }, svg);
    el("polyline", { points: points.map((p, i) => `${px(i)},${py(p.y)}`).join(" "), class: "line" }, svg);
    points.forEach((p, i) => {
      el("circle", { cx: px(i), cy: py(p.y), r: 4, class: "point" }, svg)
        .appendChild(document.createElementNS(SVG, "title")).textContent = `${p.label}: ${format(p.y)}`;
      text(svg, { x: px(i), y: plotBottom + 18, "text-anchor": "middle", class: "tick" }, p.label);
    });
    text(svg, { x: left / 2 - 6, y: py(top) + 4, "text-anchor": "end", class: "tick" }, format(top));
    text(svg, { x: left / 2 - 6, y: py(bottom) + 4, "text-anchor": "end", class: "tick" }, format(bottom));
  }
  const caption = document.createElement("p");
  caption.textContent = `${choice.kind === "bar" ? "Bars" : "Line"}: ${choice.y} by ${choice.x}` +
    (cut ? ` (first ${MAX_BARS} rows)` : "");
  box.append(caption, svg);
}
