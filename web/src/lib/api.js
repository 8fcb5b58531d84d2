// Library questions over the JSON API, as the map and flows pages read them.

/** Rows of a library question (`/api/query/NAME`), with each term's value, or an Error. */
export async function ask(name, params = {}) {
  const response = await fetch(`/api/query/${name}?${new URLSearchParams(params)}`, {
    headers: { Accept: "application/sparql-results+json" },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${name}: ${body.error || response.status}`);
  return body.results.bindings.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, term]) => [k, term.value])),
  );
}

/** The supply-chain stages in chain order (the rkr: names of the stage scheme). */
export const STAGES = [
  ["Mining", "mining"],
  ["Separation", "separation and refining"],
  ["MetalAlloy", "metal and alloy making"],
  ["MagnetManufacturing", "magnet manufacturing"],
  ["ComponentManufacturing", "component manufacturing"],
  ["Recycling", "recycling"],
];

/**
 * The page's permalink state: read the URL's parameters, write them back on change. An
 * empty value is left out of the address; other parameters (the time control's ?on=) stay.
 */
export function urlState(defaults) {
  const params = new URLSearchParams(location.search);
  const state = { ...defaults };
  for (const key of Object.keys(defaults)) if (params.has(key)) state[key] = params.get(key);
  return {
    state,
    save() {
      const address = new URLSearchParams(location.search);
      for (const [key, value] of Object.entries(state)) {
        if (value) address.set(key, value);
        else address.delete(key);
      }
      history.replaceState(null, "", `${location.pathname}?${address}`);
    },
  };
}
