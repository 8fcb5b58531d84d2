// The one time control on the map and flows pages: the same control, the same data, as the
// explorer and the entity pages.
//
// The control is time.js (rarekg.viz assets), which the page loads as a plain script before
// its bundle, so one file serves every view: it draws the slider, its event ticks and the
// play button, keeps the day in the address (?on=YYYY-MM-DD) and says when the day is past
// the graph's horizon. Its data comes from /api/timeline: the explorer's status spans (the
// load-time rule's), events and horizon, and each control with the countries and elements
// the explorer's filters give it. This module only picks, for a day, the controls that
// concern what a page shows, and the year of figures a day stands for.

/** Fetch the time data and mount the control in `place`; onChange(day) runs as it moves. */
export async function mountTime(place, onChange) {
  const response = await fetch("/api/timeline", { headers: { Accept: "application/json" } });
  const data = await response.json();
  if (!response.ok) throw new Error(`timeline: ${data.error || response.status}`);
  const clock = window.RarekgTime.mount(place, data.time, onChange);
  return { data, clock };
}

/** The controls of `data` that `concerns(control)` keeps, with their status on `day`. */
export function controlsOn(data, day, concerns) {
  return data.controls
    .filter(concerns)
    .map((control) => ({ ...control, status: window.RarekgTime.statusOn(data.time, control.id, day) }));
}

/**
 * Show in `section` the controls of `controls` in force on the day under `caption`, then
 * the suspended ones; each item names its control in data-policy and links to its page.
 */
export function listControls(section, caption, controls) {
  const heading = Object.assign(document.createElement("h3"), { textContent: caption });
  const lists = [];
  for (const status of ["in force", "suspended"]) {
    const list = document.createElement("ul");
    list.className = "controls";
    for (const control of controls.filter((c) => c.status === status)) {
      const item = document.createElement("li");
      item.dataset.policy = control.id;
      item.dataset.status = status;
      const link = document.createElement("a");
      link.href = control.href || "#";
      link.textContent = control.label;
      item.appendChild(link);
      if (control.kind === "suspension") item.append(" (a suspension)");
      list.appendChild(item);
    }
    if (!list.children.length) list.appendChild(Object.assign(document.createElement("li"), { textContent: "none" }));
    lists.push(list);
  }
  const between = Object.assign(document.createElement("p"), { textContent: "Suspended on that day:" });
  section.replaceChildren(heading, lists[0], between, lists[1]);
}

/** The years of figures the map and the flows offer. */
const YEARS = ["2020", "2021", "2022", "2023", "2024", "2025"];

/** Fill the year box: "the day's" first (no year chosen), then each year offered. */
export function fillYears(select) {
  select.add(new Option("the day's", ""));
  for (const year of YEARS) select.add(new Option(year, year));
}

/**
 * The control's day and the year of figures it stands for: the chosen one, else the day's
 * year, or the latest offered before it (the earliest, for a day before them all). The
 * year box's first option and `note` say which year is drawn and why.
 */
export function dayAndYear(time, chosen, select, note) {
  const day = time.clock.value();
  const wanted = day.slice(0, 4);
  const before = YEARS.filter((y) => y <= wanted);
  const year = chosen || (before.length ? before[before.length - 1] : YEARS[0]);
  select.options[0].textContent = `the day's (${year})`;
  note.textContent = chosen
    ? `Year ${chosen} as chosen; the day (${day}) moves the controls only.`
    : year === wanted
      ? `Year ${year}, the day's (${day}).`
      : `The day (${day}) is in ${wanted}; this view has the years ${YEARS[0]} to ` +
        `${YEARS[YEARS.length - 1]}, so ${year} is drawn.`;
  return { day, year };
}
