// SPARQL JSON result terms as the pages show them: short names, links to entity pages.

export const RESOURCE = "https://w3id.org/rarekg/resource/";
const SHORT = {
  "https://w3id.org/rarekg/ontology#": "rkg:",
  [RESOURCE]: "rkr:",
};
const NUMERIC = new Set(
  ["decimal", "integer", "double", "float", "int", "long", "short", "nonNegativeInteger",
    "positiveInteger"].map((t) => "http://www.w3.org/2001/XMLSchema#" + t),
);

/** A term's text: a prefixed name for our IRIs, the value otherwise. */
export function shortName(term) {
  if (term.type === "uri") {
    for (const [ns, prefix] of Object.entries(SHORT)) {
      if (term.value.startsWith(ns)) return prefix + term.value.slice(ns.length);
    }
  }
  return term.value;
}

/** The entity page of one of our things (/resource/NAME), or null for any other IRI. */
export function pageOf(iri) {
  return iri.startsWith(RESOURCE) ? "/resource/" + iri.slice(RESOURCE.length) : null;
}

const TEMPORAL = new Set(
  ["gYear", "gYearMonth", "date", "dateTime"].map((t) => "http://www.w3.org/2001/XMLSchema#" + t),
);

/** Whether a literal is a year, month or date (a chart draws those along its x axis). */
export function isTemporal(term) {
  return Boolean(term && term.type === "literal" && TEMPORAL.has(term.datatype));
}

/** The number a literal holds, or null when it holds none. */
export function numberOf(term) {
  if (!term || term.type !== "literal" || !NUMERIC.has(term.datatype)) return null;
  const value = Number(term.value);
  return Number.isFinite(value) ? value : null;
}

/** A cell's content: a link for our things, the full IRI as a tooltip for others. */
export function termNode(term) {
  const page = term.type === "uri" ? pageOf(term.value) : null;
  const node = document.createElement(page ? "a" : "span");
  node.textContent = shortName(term);
  if (term.type === "uri") node.title = term.value;
  if (page) node.href = page;
  return node;
}
