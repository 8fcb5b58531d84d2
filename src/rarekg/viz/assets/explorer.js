/* rarekg explorer: vis-network over the data the server put in #graph-data.
 *
 * Keeps pyvis's conventions: the globals `network`, `nodes` and `edges` (vis DataSets).
 * Every string from the data reaches the page as DOM text (textContent), never as HTML,
 * and only http(s) or same-site links become hrefs.
 */
"use strict";

var DATA = JSON.parse(document.getElementById("graph-data").textContent);
var nodes = new vis.DataSet(DATA.nodes);
var edges = new vis.DataSet(DATA.edges);
var network = new vis.Network(
  document.getElementById("mynetwork"), { nodes: nodes, edges: edges }, DATA.options);

var explorer = (function () {
  var hiddenClasses = new Set();
  var classLabels = {};
  DATA.legend.forEach(function (entry) { classLabels[entry.key] = entry.label; });

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
    if (!ref.shown || !nodes.get(ref.id)) return el("span", ref.label);
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
    var node = nodes.get(id);
    panel.appendChild(el("p", classLabels[node && node.cls] || "", "class"));
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
    section(panel, "Relations", d.relations, function (r, li) {
      li.appendChild(el("span", r.p + ": ", "meta"));
      li.appendChild(nodeButton(r));
    });
    section(panel, "Sources", d.sources, function (s, li) { sourceLinks([s], li); });
    section(panel, "Explore further", d.links, function (l, li) {
      li.appendChild(link(l.text, l.href, false));
    });
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function select(id) {
    var node = nodes.get(id);
    if (!node) return false;
    if (node.hidden) status(node.label + " is hidden by a filter");
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    showPanel(id);
    return true;
  }

  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var all = nodes.get();
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

  // A policy carries the spans it is in force, computed on the server by the same rule
  // as the analysis; anything else is shown from its own date on.
  function inForce(facet, date) {
    if (!facet) return true;
    if (facet.windows) {
      return facet.windows.some(function (w) { return w[0] <= date && (!w[1] || date <= w[1]); });
    }
    return !facet.start || facet.start <= date;
  }

  function applyFilters() {
    var country = value("filter-country");
    var element = value("filter-element");
    var date = value("filter-date");
    var nodeUpdates = [];
    var visible = new Set();
    nodes.forEach(function (node) {
      var facet = DATA.facets[node.id] || {};
      var show = !hiddenClasses.has(node.cls)
        && (!country || (facet.countries || []).indexOf(country) >= 0)
        && (!element || (facet.elements || []).indexOf(element) >= 0)
        && (!date || inForce(facet, date));
      if (show) visible.add(node.id);
      if (!!node.hidden === show) nodeUpdates.push({ id: node.id, hidden: !show });
    });
    nodes.update(nodeUpdates);
    var edgeUpdates = [];
    edges.forEach(function (edge) {
      var show = visible.has(edge.from) && visible.has(edge.to);
      if (!!edge.hidden === show) edgeUpdates.push({ id: edge.id, hidden: !show });
    });
    edges.update(edgeUpdates);
    status(visible.size + " of " + nodes.length + " nodes shown");
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
    var top = (DATA.chokepoints || []).filter(function (c) { return nodes.get(c[0]); });
    if (top.length) {
      legend.appendChild(el("h3", "Top chokepoints"));
      var list = el("ol", null, "chokepoints");
      top.forEach(function (c) {
        var li = el("li");
        li.appendChild(nodeButton({ id: c[0], label: c[1], shown: true }));
        list.appendChild(li);
      });
      legend.appendChild(list);
    }
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
    var date = document.getElementById("filter-date");
    if (date) date.addEventListener("change", applyFilters);
    var list = document.getElementById("search-list");
    nodes.forEach(function (node) { list.appendChild(el("option", null)).value = node.label; });
    var search = document.getElementById("search");
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var id = find(search.value);
      if (id) select(id); else status("Nothing matches " + search.value);
    });
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      var id = find(q);
      if (id && (nodes.get(id).search || []).some(function (t) { return t.toLowerCase() === q; })) {
        select(id);
      }
    });
    document.getElementById("export-png").addEventListener("click", exportPng);
    document.getElementById("fit").addEventListener("click", function () { network.fit(); });
    network.on("click", function (params) {
      if (params.nodes.length) showPanel(params.nodes[0]);
    });
    var done = false;
    function settle() {
      if (done) return;
      done = true;
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      document.body.dataset.ready = "true";
    }
    network.once("stabilizationIterationsDone", settle);
    setTimeout(settle, 4000);
    if (DATA.focus) {
      status("Neighbourhood of " + DATA.focus.label + ", depth " + DATA.focus.depth
        + ": " + nodes.length + " nodes");
      network.once("stabilizationIterationsDone", function () { select(DATA.focus.id); });
    } else {
      status(nodes.length + " nodes, " + edges.length + " edges");
    }
  }

  init();
  return { select: select, find: find, applyFilters: applyFilters, inForce: inForce };
})();
