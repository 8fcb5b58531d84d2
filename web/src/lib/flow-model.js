// The flows of the Sankey, from the graph's observations: mine production by country
// (tonnes, as observed), carried on to separation and then magnet making by the stage
// shares the sources give each country. Every carried-on flow is modelled, and marked so:
// the graph says who mines and who separates how much, not whose ore goes where.

const OTHERS = "other countries";

/** The stage share per country for an element: its own figure first, else the whole stage's. */
export function sharesFor(rows, element) {
  const own = rows.filter((r) => element && r.item === element);
  const whole = rows.filter((r) => !r.item);
  const anyItem = rows.filter((r) => r.item && r.item !== element);
  const chosen = own.length ? own : whole.length ? whole : anyItem;
  const byCountry = new Map();
  for (const row of chosen) {
    const share = Number(row.share);
    if (!byCountry.has(row.country) || byCountry.get(row.country).share < share) {
      byCountry.set(row.country, { share, label: row.countryLabel || row.country, item: row.item || null });
    }
  }
  return byCountry;
}

/**
 * Nodes and links for d3-sankey, with notes saying what each column rests on.
 * `mined`: production-by-country rows (mining, tonnes); `stages`: [[name, label, rows]]
 * for the stages after mining, each with its stage-shares rows.
 */
export function buildFlows(mined, stages, element) {
  const notes = [];
  const nodes = new Map();
  const links = [];
  const node = (id, name, column, kind) => {
    if (!nodes.has(id)) nodes.set(id, { id, name, column, kind });
    return id;
  };
  const tonnes = mined.filter((r) => r.unit && r.unit.endsWith("TONNE") && Number(r.value) > 0);
  if (!tonnes.length) return { nodes: [], links: [], notes: ["No mine production in tonnes for this year."] };
  const total = tonnes.reduce((sum, r) => sum + Number(r.value), 0);
  notes.push(`Mining: ${tonnes.length} countries, ${total.toLocaleString("en")} t ${tonnes[0].basis || ""}` +
    " as observed (USGS country figures; the listed countries, not the world).");
  let previous = tonnes.map((r) => ({
    id: node(`Mining|${r.country}`, `${r.countryLabel} (mining)`, 0, r.estimateKind || "observed"),
    value: Number(r.value),
  }));
  stages.forEach(([stage, label, rows], index) => {
    const shares = sharesFor(rows, element);
    if (!shares.size) {
      notes.push(`${label}: no shares for this year in the graph; not drawn (the flow goes past it).`);
      return;
    }
    const used = [...shares.values()];
    const sum = used.reduce((s, x) => s + x.share, 0);
    const parts = [...shares.entries()].map(([country, x]) => ({
      id: node(`${stage}|${country}`, `${x.label} (${label})`, index + 1, "modelled"), share: x.share,
    }));
    if (sum < 0.999) {
      parts.push({ id: node(`${stage}|others`, `${OTHERS} (${label})`, index + 1, "modelled"), share: 1 - sum });
    }
    const scale = sum > 1 ? 1 / sum : 1;
    const next = new Map();
    for (const from of previous) {
      for (const to of parts) {
        const value = from.value * to.share * scale;
        if (value <= 0) continue;
        links.push({ source: from.id, target: to.id, value, kind: "modelled" });
        next.set(to.id, (next.get(to.id) || 0) + value);
      }
    }
    const items = [...new Set(used.map((x) => x.item).filter(Boolean))].map((i) => i.split("/").pop());
    notes.push(`${label}: modelled, the flow split by ${shares.size} countr${shares.size === 1 ? "y's" : "ies'"} ` +
      `share${items.length ? ` of ${items.join(", ")}` : " of the whole stage"}` +
      (sum < 0.999 ? `; the remaining ${(100 * (1 - sum)).toFixed(1)}% to ${OTHERS}` : "") + ".");
    previous = [...next.entries()].map(([id, value]) => ({ id, value }));
  });
  return { nodes: [...nodes.values()], links, notes };
}
