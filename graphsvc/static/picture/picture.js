/* graphsvc pictures: one vis-network picture with its legend, search, labels, collapsed communities.
   GraphsvcPicture.mount(container, data, ui) -> the picture's handle (used by the pages around it).
   data: {nodes, edges, options, legend: [{kind, key, zh, color, count}], important: [ids],
          collapse: {color, edgeColor, groups: {key: {label, title, size}}} | null} */
(function () {
  "use strict";
  const LABEL_PX = 13;  // on-screen size of an important node's name at any zoom

  function mount(el, data, ui) {
    ui = ui || {};
    const nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
    const network = new vis.Network(el, {nodes, edges}, data.options);
    const important = new Set(data.important || []);
    const base = new Map(data.nodes.map(n => [n.id, (n.font && n.font.size) || 14]));
    const home = new Map(data.nodes.filter(n => n.x !== undefined).map(n => [n.id, {x: n.x, y: n.y}]));
    const collapse = data.collapse;
    const off = {node: new Set(), edge: new Set()};  // legend keys switched off
    const isCluster = id => network.body.nodes[id] !== undefined && network.isCluster(id);  // vis logs an error for unknown ids

    // important names stay readable when the picture is zoomed out (the rest appear on zooming in)
    let lastScale = 0;
    function relabel() {
      const s = network.getScale();
      if (!s || Math.abs(s - lastScale) / s < 0.05) return;
      lastScale = s;
      const size = id => Math.max(base.get(id) || 14, Math.round(LABEL_PX / s));
      nodes.update([...important].filter(id => nodes.get(id)).map(id => ({id, font: {size: size(id)}})));
      if (collapse) {
        for (const key of Object.keys(collapse.groups)) {
          const cid = "cluster:" + key;
          if (isCluster(cid)) network.clustering.updateClusteredNode(cid, {font: {size: Math.max(16, Math.round(LABEL_PX / s))}});
        }
      }
    }

    function fit() { network.fit({animation: false}); relabel(); }

    function collapseAll() {
      if (!collapse) return;
      for (const [key, g] of Object.entries(collapse.groups)) {
        if (isCluster("cluster:" + key)) continue;
        network.cluster({
          joinCondition: o => o.cluster === key && !o.hidden,
          clusterNodeProperties: {
            id: "cluster:" + key, label: g.label, title: g.title, shape: "hexagon", size: g.size,
            color: collapse.color, font: {size: 16, strokeWidth: 3},
          },
          clusterEdgeProperties: {color: collapse.edgeColor, width: 1.5, title: "社区之间的联系", dashes: false},
        });
      }
    }
    function openCluster(cid) {
      network.openCluster(cid, {releaseFunction: (_c, pos) => {
        const out = {};
        for (const id of Object.keys(pos)) out[id] = home.get(id) || pos[id];
        return out;
      }});
    }
    function expandAll() {
      if (!collapse) return;
      for (const key of Object.keys(collapse.groups)) if (isCluster("cluster:" + key)) openCluster("cluster:" + key);
    }
    function reveal(id) {  // open the collapsed community holding a node
      const holder = network.clustering.findNode(id);
      for (const c of holder.slice(0, -1)) if (isCluster(c)) openCluster(c);
    }

    network.on("click", p => {
      if (p.nodes.length === 1 && isCluster(p.nodes[0])) { openCluster(p.nodes[0]); return; }
      if (handle.onNode && p.nodes.length === 1) handle.onNode(p.nodes[0]);
    });
    network.on("doubleClick", p => {
      const n = p.nodes.length ? nodes.get(p.nodes[0]) : null;
      if (n && n.url && !handle.onNode) window.location.href = n.url;
    });
    network.on("zoom", relabel);
    network.once("stabilizationIterationsDone", fit);
    network.once("stabilized", fit);  // the layout has settled: the whole picture in the window
    network.once("afterDrawing", () => {
      if (collapse) collapseAll();
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
        b.setAttribute("aria-pressed", "true"); b.title = lg.kind === "collapsed" ? "点击全部展开或收起" : "点击隐藏或显示";
        const mark = document.createElement(lg.kind === "edge" ? "b" : "i");
        mark.style[lg.kind === "edge" ? "borderColor" : "background"] = lg.color;
        if (lg.dashes) mark.style.borderTopStyle = "dashed";
        const count = document.createElement("small");
        count.textContent = lg.count;
        b.append(mark, document.createTextNode(lg.zh), count);
        b.addEventListener("click", () => {
          const on = b.getAttribute("aria-pressed") !== "true";
          b.setAttribute("aria-pressed", String(on));
          if (lg.kind === "collapsed") { on ? collapseAll() : expandAll(); return; }
          const set = lg.kind === "node" ? nodes : edges;
          (on ? off[lg.kind].delete(lg.key) : off[lg.kind].add(lg.key));
          set.update(set.get({filter: x => x.kind === lg.key}).map(x => ({id: x.id, hidden: !on})));
        });
        ui.legend.append(b);
      }
    }
    function search(q) {
      q = (q || "").trim();
      const hits = q ? nodes.get({filter: n => !n.hidden && (String(n.label).includes(q) || String(n.id) === q)}) : [];
      hits.forEach(n => reveal(n.id));
      network.selectNodes(hits.map(n => n.id));
      if (hits.length) network.fit({nodes: hits.map(n => n.id), animation: false});
      relabel();
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
      const at = network.getPositions([around])[around] || {x: 0, y: 0};
      const fresh = more.nodes.filter(n => !nodes.get(n.id));
      fresh.forEach((n, i) => {
        const a = 2 * Math.PI * i / Math.max(fresh.length, 1), r = 120 + 6 * fresh.length;
        n.x = at.x + r * Math.cos(a); n.y = at.y + r * Math.sin(a);
        home.set(n.id, {x: n.x, y: n.y});
        if (important.has(n.id) === false && fresh.length <= 30) important.add(n.id);
      });
      nodes.add(fresh);
      const have = new Set(edges.get().map(e => e.id));
      edges.add(more.edges.filter(e => !have.has(e.id)));
      lastScale = 0; relabel();
      return fresh.length;
    }
    function highlight(ids) {
      ids.forEach(reveal);
      const on = new Set(ids), pairs = new Set();
      for (let i = 1; i < ids.length; i++) pairs.add(ids[i - 1] + "\u0000" + ids[i]).add(ids[i] + "\u0000" + ids[i - 1]);
      const pathEdges = edges.get({filter: e => pairs.has(e.from + "\u0000" + e.to)}).map(e => e.id);
      nodes.update(nodes.get().map(n => ({id: n.id, opacity: !ids.length || on.has(n.id) ? 1 : 0.25})));
      edges.update(edges.get().map(e => ({id: e.id, width: pathEdges.includes(e.id) ? 6 : e.baseWidth || 1})));
      network.setSelection({nodes: ids, edges: pathEdges});
      if (ids.length) network.fit({nodes: ids, animation: false});
      lastScale = 0; relabel();
      return pathEdges.length;
    }
    const handle = {data, network, nodes, edges, fit, collapseAll, expandAll, search, add, highlight, reveal, onNode: null};
    return handle;
  }
  window.GraphsvcPicture = {mount};
})();
