/* rarekg time control: one date, a slider with the policy events as ticks, a play button.
 *
 * The data comes from the server (rarekg.viz.timeline): each policy's status spans, from
 * the one load-time rule, which this script only looks a day up in; the events that
 * tick the slider; the horizon, the day statuses were checked until. The chosen day is
 * kept in the address as ?on=YYYY-MM-DD, which every view reads.
 */
"use strict";

var RarekgTime = (function () {
  var DAY = 86400000;

  function toDays(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY); }
  function toIso(days) { return new Date(days * DAY).toISOString().slice(0, 10); }
  function today() { return new Date().toISOString().slice(0, 10); }

  // The span of `spans` ([kind, first, last], ISO dates or null) that covers `date`.
  function spanOn(spans, date) {
    for (var i = 0; i < (spans || []).length; i++) {
      var s = spans[i];
      if ((!s[1] || s[1] <= date) && (!s[2] || date <= s[2])) return s;
    }
    return null;
  }

  function statusOn(data, policy, date) {
    var span = spanOn(data.statuses[policy], date);
    return span ? span[0] : data.noStatus;
  }

  function inForceOn(data, date) {
    return Object.keys(data.statuses).filter(function (p) {
      return statusOn(data, p, date) === "in force";
    }).sort();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Write the day into the address (kept by reloads and links); a file:// page may refuse.
  function remember(parameter, date) {
    try {
      var url = new URL(window.location.href);
      url.searchParams.set(parameter, date);
      window.history.replaceState(null, "", url.toString());
    } catch (error) { /* an opaque origin keeps its address */ }
  }

  function fromAddress(parameter) {
    try {
      var value = new URL(window.location.href).searchParams.get(parameter);
      return /^\d{4}-\d{2}-\d{2}$/.test(value || "") ? value : null;
    } catch (error) { return null; }
  }

  /* Draw the control into `container` and call onChange(date) whenever the day moves.
   * Returns {value(), set(date), playing()}. */
  function mount(container, data, onChange) {
    var events = data.events || [];
    var start = fromAddress(data.parameter) || data.on || today();
    var first = events.length ? events[0].date : start;
    var last = events.length ? events[events.length - 1].date : start;
    var ends = [last, start, today(), data.horizon || start].sort();
    var low = Math.min(toDays(first), toDays(start)) - 120;
    var high = toDays(ends[ends.length - 1]) + 120;

    var box = el("div", "time-control");
    var play = el("button", "play", "▶ Play");
    play.type = "button";
    play.title = "Step through the policy events";
    var slider = el("input", "slider");
    slider.type = "range";
    slider.min = String(low);
    slider.max = String(high);
    slider.setAttribute("aria-label", "Day");
    var ticks = el("datalist");
    ticks.id = (container.id || "time") + "-ticks";
    events.forEach(function (e) {
      var option = el("option");
      option.value = String(toDays(e.date));
      option.label = e.date;
      ticks.appendChild(option);
    });
    slider.setAttribute("list", ticks.id);
    var picker = el("input", "date");
    picker.type = "date";
    picker.setAttribute("aria-label", "Date");
    var caption = el("span", "event");
    var note = el("span", "horizon-note");
    note.hidden = true;
    box.append(play, slider, ticks, picker, caption, note);
    container.appendChild(box);

    var current = start;
    var timer = null;

    function set(date, quiet) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date || "")) return;
      current = date;
      slider.value = String(toDays(date));
      picker.value = date;
      var happening = events.filter(function (e) { return e.date === date; });
      caption.textContent = happening.map(function (e) { return e.text; }).join("; ");
      var past = !!data.horizon && date > data.horizon;
      note.hidden = !past;
      note.textContent = past
        ? "Past the graph's horizon: statuses were checked until " + data.horizon
          + "; later changes are unknown"
        : "";
      container.dataset.on = date;
      container.dataset.pastHorizon = String(past);
      remember(data.parameter, date);
      if (!quiet) onChange(date);
    }

    function stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      play.textContent = "▶ Play";
      container.dataset.playing = "false";
    }

    function step() {
      var next = events.filter(function (e) { return e.date > current; })[0];
      if (!next) { stop(); return; }
      set(next.date);
      timer = setTimeout(step, 1200);
    }

    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      play.textContent = "❚❚ Pause";
      container.dataset.playing = "true";
      if (!events.some(function (e) { return e.date > current; }) && events.length) {
        set(toIso(toDays(events[0].date) - 1));
      }
      timer = setTimeout(step, 300);
    });
    slider.addEventListener("input", function () { set(toIso(Number(slider.value))); });
    picker.addEventListener("change", function () { set(picker.value); });

    set(start, true);
    return {
      value: function () { return current; },
      set: function (date) { set(date); },
      playing: function () { return !!timer; },
    };
  }

  return { mount: mount, statusOn: statusOn, spanOn: spanOn, inForceOn: inForceOn };
})();
