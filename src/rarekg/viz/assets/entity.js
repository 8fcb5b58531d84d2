/* rarekg entity page: the time control moves the status of the controls shown.
 *
 * The statuses come with the page (rarekg.viz.timeline); this script only looks the
 * day up in them (time.js) and keeps the day in the address (?on=).
 */
"use strict";

(function () {
  var data = JSON.parse(document.getElementById("time-data").textContent);
  var place = document.getElementById("time");
  if (!place || !data.statuses) return;
  var form = document.getElementById("day-form");
  if (form) form.hidden = true;

  function show(date) {
    document.querySelectorAll("#on-day .day").forEach(function (node) { node.textContent = date; });
    document.querySelectorAll("#on-day [data-policy]").forEach(function (row) {
      var span = RarekgTime.spanOn(data.statuses[row.dataset.policy], date);
      var kind = span ? span[0] : data.noStatus;
      row.querySelector(".status").textContent = kind;
      var since = row.querySelector(".since");
      var until = row.querySelector(".until");
      if (since) since.textContent = span && span[1] ? span[1] : "";
      if (until) until.textContent = span && span[2] ? span[2] : "";
    });
    var note = document.getElementById("horizon-note");
    if (note) note.hidden = !(data.horizon && date > data.horizon);
    document.getElementById("on-day").dataset.on = date;
    var explore = document.getElementById("explorer-link");
    if (explore) {
      var url = new URL(explore.href);
      url.searchParams.set(data.parameter, date);
      explore.href = url.pathname + url.search;
    }
  }

  var clock = RarekgTime.mount(place, data, show);
  show(clock.value());
})();
