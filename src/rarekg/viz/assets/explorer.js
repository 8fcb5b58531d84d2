/* rarekg explorer: vis-network over the data the server put in #graph-data.
 *
 * The overview opens on groups (a kind of node at one stage, rarekg.viz.overview), laid
 * out in columns along the supply chain; a click opens a group into its members and a
 * click on its header closes it again. `nodes` and `edges` (vis DataSets, as in pyvis)
 * hold what is drawn; DATA holds everything. The time control (time.js) drives which
 * policies are in force, which things exist yet, and the chokepoint sizes.
 * Every string from the data reaches the page as DOM text (textContent), never as HTML,
 * and only http(s) or same-site links become hrefs.
 */
"use strict";

var DATA = JSON.parse(document.getElementById("graph-data").textContent);
var nodes = new vis.DataSet([]);
var edges = new vis.DataSet([]);
var network = new vis.Network(
  document.getElementById("mynetwork"), { nodes: nodes, edges: edges }, DATA.options);

var explorer = (function () {
  var hiddenClasses = new Set();
  var classLabels = {};
  DATA.legend.forEach(function (entry) { classLabels[entry.key] = entry.label; });
  var TIME = DATA.time || {};
  TIME.statuses = TIME.statuses || {};
  TIME.events = TIME.events || [];
  var COLUMN_GAP = 260, LABEL_HEIGHT = 22, PAD = 10, BAND_GAP = 60;
  var byId = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  var groupOf = {};
  var groupById = {};
  DATA.groups.forEach(function (g) {
    groupById[g.id] = g;
    g.members.forEach(function (m) { groupOf[m] = g.id; });
  });
  var expanded = new Set(DATA.expanded || []);
  var sizes = {};  // member id -> size drawn (chokepoint score on the day)
  DATA.nodes.forEach(function (n) { sizes[n.id] = n.size; });
  var day = null;  // the time control's day
  var clock = null;
  var shownIds = new Set();  // members that pass the filters

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function safeHref(url) {
    if (typeof url !== "string") return null;
    if (/^https?:\/\//i.test(url)) return url;
    if (/^\/(?!\/)/.test(url)) return url;  // same site, not protocol-relative
    return null;
  }

  function link(text, url, external) {
    var href = safeHref(url);
    if (!href) return el("span", text);
    var a = el("a", text);
    a.href = href;
    if (external) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function nodeButton(ref) {
    if (!ref.shown || !byId[ref.id]) return el("span", ref.label);
    var button = el("button", ref.label, "node-link");
    button.type = "button";
    button.addEventListener("click", function () { select(ref.id); });
    return button;
  }

  function section(panel, heading, items, render) {
    if (!items || !items.length) return;
    panel.appendChild(el("h3", heading));
    var list = el("ul");
    items.forEach(function (item) {
      var li = el("li");
      render(item, li);
      list.appendChild(li);
    });
    panel.appendChild(list);
  }

  function sourceLinks(ids, into) {
    ids.forEach(function (id) {
      var source = DATA.sources[id];
      if (!source) return;
      var a = link(source.title, source.url, true);
      a.classList.add("source");
      into.appendChild(a);
      var meta = [source.publisher, source.issued].filter(Boolean).join(", ");
      if (meta) into.appendChild(el("span", " (" + meta + ")", "meta"));
    });
  }

  function dates(item) {
    var parts = [];
    if (item.from) parts.push("from " + item.from);
    if (item.until) parts.push("until " + item.until);
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  function showPanel(id) {
    var d = DATA.details[id];
    var panel = document.getElementById("panel");
    panel.replaceChildren();
    if (!d) { panel.hidden = true; return; }
    var close = el("button", "×", "close");
    close.type = "button";
    close.title = "Close";
    close.addEventListener("click", function () { panel.hidden = true; network.unselectAll(); });
    panel.appendChild(close);
    panel.appendChild(el("h2", d.label));
    var node = byId[id];
    panel.appendChild(el("p", classLabels[node && node.cls] || "", "class"));
    var kind = statusOf(id);
    if (kind) panel.appendChild(el("p", "On " + day + ": " + kind, "status-on"));
    panel.appendChild(el("p", d.iri, "iri"));
    if (d.comment) panel.appendChild(el("p", d.comment, "comment"));
    if (d.facts.length) {
      panel.appendChild(el("h3", "Facts"));
      var dl = el("dl");
      d.facts.forEach(function (fact) {
        dl.appendChild(el("dt", fact[0]));
        dl.appendChild(el("dd", fact[1]));
      });
      panel.appendChild(dl);
    }
    section(panel, "Controlled by", d.controls, function (c, li) {
      li.appendChild(nodeButton(c));
      li.appendChild(el("span", dates(c), "meta"));
    });
    section(panel, "Where it comes from", d.producers, function (p, li) {
      li.appendChild(nodeButton(p));
      li.appendChild(el("span", (p.amount ? ": " + p.amount : "") + " — " + p.via, "meta"));
    });
    section(panel, "Industries that need it", d.industries, function (i, li) {
      li.appendChild(nodeButton(i));
    });
    section(panel, "Controlled inputs", d.controlledInputs, function (i, li) {
      li.appendChild(nodeButton(i));
    });
    section(panel, "Observations", d.observations, function (o, li) {
      li.appendChild(el("span", o.text + (o.amount ? ": " + o.amount : "")));
      li.appendChild(el("span", " ", "meta"));
      sourceLinks(o.sources, li);
    });
    if (d.observationsNote) panel.appendChild(el("p", d.observationsNote, "meta"));
    section(panel, "Relations", d.relations, function (r, li) {
      li.appendChild(el("span", r.p + ": ", "meta"));
      li.appendChild(nodeButton(r));
    });
    section(panel, "Sources", d.sources, function (s, li) { sourceLinks([s], li); });
    section(panel, "Explore further", d.links, function (l, li) {
      // A thing's page opens on the explorer's day.
      var href = day && /^\/resource\//.test(l.href)
        ? l.href + "?" + (TIME.parameter || "on") + "=" + day : l.href;
      li.appendChild(link(l.text, href, false));
    });
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  // Select a thing: open its group first; a thing a filter hides is only named.
  function select(id) {
    var node = byId[id];
    if (!node) return false;
    if (!shownIds.has(id)) {
      status(node.label + " is hidden by a filter" + (day ? " or the day " + day : ""));
      showPanel(id);
      return false;
    }
    if (!expanded.has(groupOf[id])) {
      expanded.add(groupOf[id]);
      render();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    showPanel(id);
    return true;
  }

  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var all = DATA.nodes;
    var tests = [
      function (t) { return t === q; },
      function (t) { return t.indexOf(q) === 0; },
      function (t) { return t.indexOf(q) >= 0; },
    ];
    for (var i = 0; i < tests.length; i++) {
      var hits = all.filter(function (n) {
        return (n.search || [n.label]).some(function (t) { return tests[i](t.toLowerCase()); });
      });
      if (hits.length) {
        hits.sort(function (a, b) { return a.label.length - b.label.length; });
        return hits[0].id;
      }
    }
    return null;
  }

  function status(text) { document.getElementById("status").textContent = text; }

  // A policy's status on the day is looked up in the rule's spans (time.js); anything
  // else is shown from its own date on. A policy not yet in force or ended is not drawn.
  function present(id, facet, date) {
    if (!date) return true;
    if (TIME.statuses[id]) {
      var kind = RarekgTime.statusOn(TIME, id, date);
      return kind !== "not yet in force" && kind !== "ended";
    }
    return !facet || !facet.start || facet.start <= date;
  }

  function statusOf(id) {
    return TIME.statuses[id] && day ? RarekgTime.statusOn(TIME, id, day) : null;
  }

  function applyFilters() {
    var country = value("filter-country");
    var element = value("filter-element");
    shownIds = new Set();
    DATA.nodes.forEach(function (node) {
      var facet = DATA.facets[node.id] || {};
      var show = !hiddenClasses.has(node.cls)
        && (!country || (facet.countries || []).indexOf(country) >= 0)
        && (!element || (facet.elements || []).indexOf(element) >= 0)
        && present(node.id, facet, day);
      if (show) shownIds.add(node.id);
    });
    render();
    showInForce();
    status(shownIds.size + " of " + DATA.nodes.length + " things shown, "
      + nodes.length + " nodes drawn" + (day ? " · on " + day : ""));
  }

  function groupSize(count) { return Math.min(34, 12 + 3 * Math.sqrt(count)); }

  // Stack each column's groups: policies above the chain, firms and plants beneath.
  function render() {
    var columns = {};
    DATA.groups.forEach(function (g) {
      var members = g.members.filter(function (m) { return shownIds.has(m); });
      if (!members.length) return;
      (columns[g.column] = columns[g.column] || []).push({ group: g, members: members });
    });
    var drawn = {};
    var rep = {};
    Object.keys(columns).forEach(function (column) {
      var x = Number(column) * COLUMN_GAP;
      var bands = {};
      columns[column].forEach(function (entry) {
        (bands[entry.group.band] = bands[entry.group.band] || []).push(entry);
      });
      function items(entries) {
        var list = [];
        entries.forEach(function (entry) {
          var g = entry.group;
          if (expanded.has(g.id)) {
            list.push({ header: g, count: entry.members.length, size: 9 });
            entry.members.forEach(function (m) { list.push({ member: m, size: sizes[m] }); });
          } else {
            var size = groupSize(entry.members.length);
            list.push({ group: g, count: entry.members.length, members: entry.members, size: size });
          }
        });
        return list;
      }
      function height(item) { return 2 * item.size + LABEL_HEIGHT + PAD; }
      function place(list, top) {
        var y = top;
        list.forEach(function (item) {
          item.y = y + item.size;
          item.x = x;
          y += height(item);
        });
        return y;
      }
      var rules = items(bands.rules || []);
      var chain = items(bands.chain || []);
      var who = items(bands.who || []);
      var rulesHeight = rules.reduce(function (sum, item) { return sum + height(item); }, 0);
      place(rules, -BAND_GAP - rulesHeight);
      var bottom = place(chain, 0);
      place(who, bottom + BAND_GAP);
      rules.concat(chain, who).forEach(function (item) { draw(item, drawn, rep); });
    });
    var wanted = {};
    Object.keys(drawn).forEach(function (id) { wanted[id] = true; });
    nodes.remove(nodes.getIds().filter(function (id) { return !wanted[id]; }));
    nodes.update(Object.keys(drawn).map(function (id) { return drawn[id]; }));
    var links = {};
    DATA.edges.forEach(function (e) {
      var a = rep[e.from], b = rep[e.to];
      if (!a || !b || a === b) return;
      var single = a === e.from && b === e.to;
      var key = single ? e.id : a + "|" + b + "|" + e.kind;
      var link = links[key];
      if (!link) {
        links[key] = link = { id: key, from: a, to: b, color: e.color, dashes: e.dashes,
          kind: e.kind, count: 0, titles: {} };
      }
      link.count += 1;
      link.titles[e.title] = true;
    });
    var keep = {};
    var edgeList = Object.keys(links).map(function (key) {
      var link = links[key];
      keep[key] = true;
      var words = Object.keys(link.titles).join(", ");
      return { id: key, from: link.from, to: link.to, color: link.color, dashes: link.dashes,
        kind: link.kind, width: 0.8 + Math.log2(link.count),
        title: link.count > 1 ? link.count + " relations: " + words : words };
    });
    edges.remove(edges.getIds().filter(function (id) { return !keep[id]; }));
    edges.update(edgeList);
  }

  function draw(item, drawn, rep) {
    if (item.member) {
      var n = byId[item.member];
      var kind = statusOf(n.id);
      var quiet = kind && kind !== "in force";
      drawn[n.id] = { id: n.id, label: n.label + (quiet ? " (" + kind + ")" : ""),
        title: n.title + (kind ? "\nOn " + day + ": " + kind : ""), shape: n.shape,
        color: quiet ? "#d9d9d9" : n.color, size: item.size, x: item.x, y: item.y,
        cls: n.cls, search: n.search };
      rep[n.id] = n.id;
      return;
    }
    var g = item.group || item.header;
    var legend = DATA.legend.filter(function (l) { return l.key === g.cls; })[0] || {};
    if (item.header) {
      var headerId = "open:" + g.id;
      drawn[headerId] = { id: headerId, label: "▾ " + g.label + " (" + item.count + ")",
        title: "Close this group", shape: "box", size: item.size, x: item.x, y: item.y,
        color: { background: "#f4f5f7", border: legend.colour || "#999" },
        font: { size: 12 }, cls: g.cls, isGroup: true, group: g.id, open: true };
      return;
    }
    drawn[g.id] = { id: g.id, label: g.label + " (" + item.count + ")",
      title: "Open: " + item.count + " " + (classLabels[g.cls] || g.cls).toLowerCase()
        + " (click)", shape: legend.shape || "dot", color: legend.colour || "#999",
      size: item.size, x: item.x, y: item.y, cls: g.cls, isGroup: true, group: g.id,
      font: { size: 14, face: "system-ui, sans-serif", bold: true } };
    item.members.forEach(function (m) { rep[m] = g.id; });
  }

  // Open or close a group; an opened group is brought into view, its first members legible.
  function toggle(groupId) {
    var opening = !expanded.has(groupId);
    if (opening) expanded.add(groupId); else expanded.delete(groupId);
    render();
    if (!opening || !groupById[groupId]) return;
    var first = groupById[groupId].members.filter(function (m) { return shownIds.has(m); });
    network.fit({ nodes: ["open:" + groupId].concat(first.slice(0, 14)),
      animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  }

  function showInForce() {
    var box = document.getElementById("in-force");
    if (!box || !day) return;
    box.replaceChildren();
    var active = RarekgTime.inForceOn(TIME, day);
    var fold = el("details");
    fold.appendChild(el("summary", "In force on " + day + ": " + active.length + " policies"));
    box.appendChild(fold);
    var list = el("ul", null, "in-force");
    active.forEach(function (id) {
      var li = el("li");
      li.dataset.policy = id;
      li.appendChild(nodeButton({ id: id, label: (byId[id] || {}).label || id, shown: true }));
      list.appendChild(li);
    });
    fold.appendChild(list);
  }

  // Chokepoint scores for the day, from the server's analysis (rarekg chokepoints --on).
  var asked = null;
  function rescore(date) {
    if (!DATA.server || !window.fetch) return;
    asked = date;
    window.fetch("/api/chokepoints?top=1000&on=" + encodeURIComponent(date))
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (report) {
        if (!report || asked !== date) return;
        var ranked = report.chokepoints || [];
        var top = ranked.length ? ranked[0].score : 0;
        var scores = {};
        ranked.forEach(function (c) { scores[c.iri] = c.score; });
        DATA.nodes.forEach(function (n) {
          sizes[n.id] = top ? 7 + 15 * (scores[n.id] || 0) / top : n.size;
        });
        DATA.chokepoints = ranked.slice(0, 8).map(function (c) { return [c.iri, c.label]; });
        DATA.scoredOn = date;
        showChokepoints();
        render();
        document.body.dataset.scoredOn = date;
      })
      .catch(function () { status("Chokepoint scores for " + date + " could not be fetched"); });
  }

  function value(id) {
    var input = document.getElementById(id);
    return input ? input.value : "";
  }

  function buildLegend() {
    var legend = document.getElementById("legend");
    legend.appendChild(el("h3", "Classes"));
    DATA.legend.forEach(function (entry) {
      var label = el("label", null, "legend-class");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = entry.key;
      box.addEventListener("change", function () {
        if (box.checked) hiddenClasses.delete(entry.key); else hiddenClasses.add(entry.key);
        applyFilters();
      });
      var swatch = el("span", null, "swatch shape-" + entry.shape);
      swatch.style.background = entry.colour;
      label.append(box, swatch, el("span", entry.label + " (" + entry.count + ")"));
      legend.appendChild(label);
    });
    legend.appendChild(el("h3", "Edges"));
    DATA.edgeKinds.forEach(function (kind) {
      var row = el("div", null, "legend-edge");
      var line = el("span", null, "line");
      line.style.borderTop = "2px " + (kind.dashes ? "dashed " : "solid ") + kind.colour;
      row.append(line, el("span", kind.label));
      legend.appendChild(row);
    });
    legend.appendChild(el("p", DATA.sizeNote, "meta"));
    legend.appendChild(el("div", null, "chokepoint-box"));
    var inForceBox = el("div");
    inForceBox.id = "in-force";
    legend.appendChild(inForceBox);
    showChokepoints();
  }

  function showChokepoints() {
    var box = document.querySelector("#legend .chokepoint-box");
    if (!box) return;
    box.replaceChildren();
    var top = (DATA.chokepoints || []).filter(function (c) { return byId[c[0]]; });
    if (!top.length) return;
    box.appendChild(el("h3", "Top chokepoints" + (DATA.scoredOn ? " on " + DATA.scoredOn : "")));
    var list = el("ol", null, "chokepoints");
    top.forEach(function (c) {
      var li = el("li");
      li.appendChild(nodeButton({ id: c[0], label: c[1], shown: true }));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function fillSelect(id, choices) {
    var select = document.getElementById(id);
    if (!select) return;
    choices.forEach(function (choice) {
      var option = el("option", choice[1]);
      option.value = choice[0];
      select.appendChild(option);
    });
    select.addEventListener("change", applyFilters);
  }

  function exportPng() {
    var source = document.querySelector("#mynetwork canvas");
    var canvas = document.createElement("canvas");
    canvas.width = source.width;
    canvas.height = source.height;
    var context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(source, 0, 0);
    var a = document.createElement("a");
    a.download = "rarekg-graph.png";
    a.href = canvas.toDataURL("image/png");
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function init() {
    buildLegend();
    fillSelect("filter-country", DATA.countries);
    fillSelect("filter-element", DATA.elements);
    var list = document.getElementById("search-list");
    DATA.nodes.forEach(function (node) { list.appendChild(el("option", null)).value = node.label; });
    var search = document.getElementById("search");
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var id = find(search.value);
      if (id) select(id); else status("Nothing matches " + search.value);
    });
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      var id = find(q);
      if (id && (byId[id].search || []).some(function (t) { return t.toLowerCase() === q; })) {
        select(id);
      }
    });
    document.getElementById("export-png").addEventListener("click", exportPng);
    document.getElementById("fit").addEventListener("click", function () { network.fit(); });
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var drawn = nodes.get(params.nodes[0]);
      if (drawn && drawn.isGroup) toggle(drawn.group); else showPanel(params.nodes[0]);
    });
    var place = document.getElementById("time");
    if (place) {
      clock = RarekgTime.mount(place, TIME, function (date) {
        day = date;
        applyFilters();
        rescore(date);
      });
      day = clock.value();
    }
    applyFilters();
    network.fit();
    network.once("afterDrawing", function () {
      document.body.dataset.ready = "true";
      window.rarekgDrawnAt = performance.now();
    });
    network.redraw();
    // The sizes drawn are today's scores; another day asks for its own.
    if (day && day !== new Date().toISOString().slice(0, 10)) rescore(day);
    if (DATA.focus) {
      status("Neighbourhood of " + DATA.focus.label + ", depth " + DATA.focus.depth
        + ": " + nodes.length + " nodes");
      select(DATA.focus.id);
    }
  }

  init();
  return {
    select: select, find: find, applyFilters: applyFilters, toggle: toggle, present: present,
    shown: function (id) { return shownIds.has(id); },
    drawnIds: function () { return nodes.getIds(); },
    inForce: function () { return day ? RarekgTime.inForceOn(TIME, day) : []; },
    setDay: function (date) { if (clock) clock.set(date); },
    day: function () { return day; },
  };
})();
