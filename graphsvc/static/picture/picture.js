/* graphsvc pictures: one vis-network picture with its legend, search, labels, collapsed communities.
   GraphsvcPicture.mount(container, data, ui) -> the picture's handle (used by the pages around it).
   data: {nodes, edges, options, legend: [{kind, key, zh, color, count}], important: [ids],
          collapse: {color, edgeColor, groups: {key: {label, title, size, x, y}}} | null}
   A collapsed community is one node standing for its organisations, tied to whatever they are tied
   to; a click replaces it by them (in the places the server laid them out). */
(function () {
  "use strict";
  const LABEL_PX = 13;  // on-screen size of an important node's name at any zoom
  const CLUSTER = "cluster:";
  const DRAWN_PX = 9;  // vis draws a name only from this on-screen size (the pictures' drawThreshold)
  const CULL_ALL = 400;  // up to this many drawn nodes every name is kept off the others, not just the important ones

  function mount(el, data, ui) {
    ui = ui || {};
    const collapse = data.collapse;
    const all = new Map(data.nodes.map(n => [n.id, n]));  // every organisation, drawn or collapsed
    const allEdges = data.edges.slice();
    const closed = new Set(collapse ? Object.keys(collapse.groups) : []);
    const off = {node: new Set(), edge: new Set()};  // legend keys switched off
    const important = new Set(data.important || []);
    closed.forEach(k => important.add(CLUSTER + k));
    const base = new Map(data.nodes.map(n => [n.id, (n.font && n.font.size) || 14]));

    const rep = id => { const n = all.get(id); return n && n.cluster && closed.has(n.cluster) ? CLUSTER + n.cluster : id; };
    function clusterNode(key) {
      const g = collapse.groups[key];
      return {id: CLUSTER + key, label: g.label, title: g.title, shape: "hexagon", size: g.size, x: g.x, y: g.y,
              color: collapse.color, kind: "__collapsed", font: {size: 16, strokeWidth: 3}};
    }
    function visibleNodes() {
      const out = [...all.values()].filter(n => !(n.cluster && closed.has(n.cluster)))
        .map(n => ({...n, hidden: off.node.has(n.kind)}));
      closed.forEach(k => out.push(clusterNode(k)));
      return out;
    }
    function visibleEdges() {
      const out = [], merged = new Map();
      for (const e of allEdges) {
        const a = rep(e.from), b = rep(e.to);
        if (a === e.from && b === e.to) { out.push({...e, hidden: off.edge.has(e.kind)}); continue; }
        if (a === b) continue;
        const key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
        const m = merged.get(key);
        if (m) { m.n += 1; continue; }
        merged.set(key, {id: "agg:" + key, from: a, to: b, n: 1, kind: "__collapsed", color: collapse.edgeColor, width: 1.5});
      }
      merged.forEach(m => { m.title = `${m.n} 条联系`; out.push(m); });
      return out;
    }
    const nodes = new vis.DataSet(visibleNodes()), edges = new vis.DataSet(visibleEdges());
    const network = new vis.Network(el, {nodes, edges}, data.options);

    function sync() {  // after the closed set changed: swap what is drawn, keep what stays
      const wantN = new Map(visibleNodes().map(n => [n.id, n])), wantE = new Map(visibleEdges().map(e => [e.id, e]));
      nodes.remove(nodes.getIds().filter(id => !wantN.has(id)));
      nodes.add([...wantN.values()].filter(n => !nodes.get(n.id)));
      edges.remove(edges.getIds().filter(id => !wantE.has(id)));
      edges.add([...wantE.values()].filter(e => !edges.get(e.id)));
      edges.update([...wantE.values()].filter(e => e.kind === "__collapsed").map(e => ({id: e.id, title: e.title})));
      lastScale = 0; relabel();
    }
    function open(key) { if (closed.delete(key)) sync(); }
    function collapseAll() { if (collapse) { Object.keys(collapse.groups).forEach(k => closed.add(k)); sync(); } }
    function expandAll() { if (closed.size) { closed.clear(); sync(); } }
    function reveal(id) { const n = all.get(id); if (n && n.cluster && closed.has(n.cluster)) open(n.cluster); }

    // important names stay readable when the picture is zoomed out (the rest appear on zooming in);
    // most important first, a name that would cover one already shown waits until zooming in makes room
    let lastScale = 0, labelled = [];
    function labelBox(id, s, px) {
      const n = nodes.get(id);
      if (!n || n.hidden || !n.label) return null;
      const at = network.getPositions([id])[id];
      if (!at) return null;
      const p = network.canvasToDOM(at), lines = String(n.label).split("\n");
      const w = Math.max(...lines.map(l => l.length)) * px, r = (n.size || 10) * s;
      return {x1: p.x - Math.max(w / 2, r), x2: p.x + Math.max(w / 2, r), y1: p.y - r, y2: p.y + r + lines.length * px * 1.3};
    }
    function relabel() {
      const s = network.getScale();
      if (!s || (lastScale && Math.abs(s - lastScale) / s < 0.02)) return;
      lastScale = s;
      // the important ones (collapsed communities among them) first, then (small pictures) the rest; by size
      const bySize = list => list.sort((a, b) => (b.size || 0) - (a.size || 0)).map(n => n.id);
      const order = new Set(bySize([...important].map(id => nodes.get(id)).filter(Boolean)));
      if (nodes.length <= CULL_ALL) bySize(nodes.get()).forEach(id => order.add(id));
      const shown = [], update = [];
      labelled = [];
      for (const id of order) {
        const own = base.get(id) || 16, lead = important.has(id);
        const big = lead ? Math.max(own, Math.round(LABEL_PX / s)) : own;
        if (big * s < DRAWN_PX) continue;  // vis does not draw this name at this zoom anyway
        const b = labelBox(id, s, big * s);
        const fits = b !== null && !shown.some(o => b.x1 < o.x2 && o.x1 < b.x2 && b.y1 < o.y2 && o.y1 < b.y2);
        if (fits) { shown.push(b); labelled.push(id); }
        // a name that waits is drawn below vis's threshold: not at all, until zooming in makes room
        update.push({id, font: {size: fits ? big : Math.min(own, (DRAWN_PX - 2) / s)}});
      }
      nodes.update(update);
    }
    function fit() { network.fit({animation: false}); lastScale = 0; relabel(); }

    network.on("click", p => {
      if (p.nodes.length !== 1) return;
      const id = String(p.nodes[0]);
      if (id.startsWith(CLUSTER)) {  // open it and look at it: its organisations fill the window
        const key = id.slice(CLUSTER.length);
        open(key);
        network.fit({nodes: [...all.values()].filter(n => n.cluster === key).map(n => n.id), animation: false});
        lastScale = 0; relabel();
        return;
      }
      if (handle.onNode) handle.onNode(id);
    });
    network.on("doubleClick", p => {
      const n = p.nodes.length ? all.get(p.nodes[0]) : null;
      if (n && n.url && !handle.onNode) window.location.href = n.url;
    });
    network.on("zoom", relabel);
    network.once("stabilizationIterationsDone", fit);
    network.once("stabilized", fit);  // the layout has settled: the whole picture in the window
    network.once("afterDrawing", () => {
      fit();
      document.body.dataset.readyMs = Math.round(performance.now());
      document.body.dataset.ready = "1";
    });
    window.addEventListener("resize", () => { network.redraw(); fit(); });

    // the legend filters: a click hides (or shows again) every node or tie of that kind
    if (ui.legend) {
      ui.legend.innerHTML = "";
      for (const lg of data.legend) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "lg"; b.dataset.kind = lg.kind; b.dataset.key = lg.key;
        b.setAttribute("aria-pressed", "true");
        b.title = lg.kind === "collapsed" ? "点击全部展开或全部收起" : "点击隐藏或显示";
        const mark = document.createElement(lg.kind.endsWith("edge") ? "b" : "i");
        mark.style[lg.kind.endsWith("edge") ? "borderColor" : "background"] = lg.color;
        if (lg.dashes) mark.style.borderTopStyle = "dashed";
        const count = document.createElement("small");
        count.textContent = lg.count;
        b.append(mark, document.createTextNode(lg.zh), count);
        b.addEventListener("click", () => {
          const on = b.getAttribute("aria-pressed") !== "true";
          b.setAttribute("aria-pressed", String(on));
          if (lg.kind === "collapsed") { on ? collapseAll() : expandAll(); return; }
          if (lg.kind !== "node" && lg.kind !== "edge") return;
          const set = lg.kind === "node" ? nodes : edges;
          (on ? off[lg.kind].delete(lg.key) : off[lg.kind].add(lg.key));
          set.update(set.get({filter: x => x.kind === lg.key}).map(x => ({id: x.id, hidden: !on})));
        });
        ui.legend.append(b);
      }
    }
    function search(q) {
      q = (q || "").trim();
      const hits = q ? [...all.values()].filter(n => !off.node.has(n.kind) && (String(n.label).includes(q) || String(n.id) === q)) : [];
      hits.forEach(n => reveal(n.id));
      network.selectNodes(hits.map(n => n.id));
      if (hits.length) network.fit({nodes: hits.map(n => n.id), animation: false});
      lastScale = 0; relabel();
      return hits;
    }
    if (ui.search) ui.search.addEventListener("input", e => {
      const hits = search(e.target.value);
      if (ui.found) ui.found.textContent = e.target.value.trim() ? `找到 ${hits.length} 个` : "";
    });
    if (ui.png) ui.png.addEventListener("click", () => {
      const a = document.createElement("a");
      a.href = el.querySelector("canvas").toDataURL("image/png");
      a.download = "graphsvc.png"; a.click();
    });

    // for the pages around the picture: add neighbours in place, highlight a path
    function add(more, around) {
      reveal(around);
      const at = network.getPositions([around])[around] || {x: 0, y: 0};
      const fresh = more.nodes.filter(n => !all.has(n.id));
      fresh.forEach((n, i) => {
        const a = 2 * Math.PI * i / Math.max(fresh.length, 1), r = 120 + 6 * fresh.length;
        n.x = at.x + r * Math.cos(a); n.y = at.y + r * Math.sin(a);
        delete n.cluster;  // added by hand: it stays open
        all.set(n.id, n); base.set(n.id, (n.font && n.font.size) || 14);
        if (fresh.length <= 30) important.add(n.id);
      });
      const have = new Set(allEdges.map(e => e.id));
      more.edges.filter(e => !have.has(e.id)).forEach(e => allEdges.push(e));
      sync();
      return fresh.length;
    }
    function highlight(ids) {
      ids.forEach(reveal);
      const on = new Set(ids), pairs = new Set();
      for (let i = 1; i < ids.length; i++) pairs.add(ids[i - 1] + "\u0000" + ids[i]).add(ids[i] + "\u0000" + ids[i - 1]);
      const lit = new Set(), seen = new Set();
      for (const e of edges.get()) {  // one lit line per step, whatever kinds of tie it has
        const k = e.from + "\u0000" + e.to;
        if (pairs.has(k) && !seen.has(k)) { lit.add(e.id); seen.add(k).add(e.to + "\u0000" + e.from); }
      }
      nodes.update(nodes.get().map(n => ({id: n.id, opacity: !ids.length || on.has(n.id) ? 1 : 0.25})));
      edges.update(edges.get().map(e => ({id: e.id, width: lit.has(e.id) ? 6 : e.baseWidth || 1})));
      network.setSelection({nodes: ids, edges: [...lit]});
      if (ids.length) network.fit({nodes: ids, animation: false});
      lastScale = 0; relabel();
      return lit.size;
    }
    const handle = {data, network, nodes, edges, fit, labelled: () => labelled.slice(), labelBox, collapseAll, expandAll, open, search, add, highlight, reveal, onNode: null};
    return handle;
  }
  window.GraphsvcPicture = {mount};
})();
