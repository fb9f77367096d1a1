/* The analyst's page: the picture in place, a node's side panel, 展开, search, shortest path. */
(function () {
  "use strict";
  const net = document.getElementById("net"), side = document.getElementById("side");
  const note = document.getElementById("path-note");
  const params = new URL(net.dataset.src, location.href).searchParams;
  const kinds = params.getAll("kinds");
  const ends = {from: null, to: null};
  let pic = null;

  function withSelection(path, extra) {
    const u = new URL(path, location.href);
    for (const [k, v] of params) u.searchParams.append(k, v);
    for (const [k, v] of Object.entries(extra || {})) u.searchParams.set(k, v);
    return u.pathname + u.search;
  }
  async function json(url) {
    const r = await fetch(url, {headers: {Accept: "application/json"}});
    const body = await r.json();
    if (!r.ok) throw new Error((body.error && body.error.message) || "请求失败");
    return body;
  }
  function show(id) {
    htmx.ajax("GET", withSelection("/pages/network/orgs/" + encodeURIComponent(id)), {target: "#side", swap: "innerHTML"});
  }
  async function expand(id) {
    const more = await json(withSelection("/pages/network/neighbours/" + encodeURIComponent(id)));
    pic.reveal(id);
    const added = pic.add(more, id);
    note.textContent = added ? `已展开：新增 ${added} 个相邻党组织` : "相邻的党组织都已在图中";
  }
  async function path() {
    if (!ends.from || !ends.to) {
      note.textContent = `起点：${ends.from ? ends.from.name : "（未选）"}；终点：${ends.to ? ends.to.name : "（未选）"}`;
      return;
    }
    const q = {source: ends.from.id, target: ends.to.id};
    const u = new URL("/network/path", location.href);
    if (params.get("street_id")) u.searchParams.set("street_id", params.get("street_id"));
    if (params.get("community_id")) u.searchParams.set("community_id", params.get("community_id"));
    kinds.forEach(k => u.searchParams.append("kinds", k));
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    try {
      const r = await json(u.pathname + u.search);
      if (!r.found) { pic.highlight([]); note.textContent = `${ends.from.name} 与 ${ends.to.name} 之间没有联系链`; return; }
      const ids = r.path.map(p => p.id);
      for (const id of ids) if (!pic.nodes.get(id)) await expand(id === ids[0] ? ids[0] : ids[ids.indexOf(id) - 1]);
      const lit = pic.highlight(ids);
      note.textContent = `最短联系链（${r.length} 步）：` + r.path.map(p => p.name || p.id).join(" → ");
      note.dataset.steps = String(r.length); note.dataset.lit = String(lit);
    } catch (e) { note.textContent = e.message; }
  }
  side.addEventListener("click", e => {
    const b = e.target.closest("button[data-act]");
    if (!b) return;
    if (b.dataset.act === "expand") expand(b.dataset.id);
    else { ends[b.dataset.act] = {id: b.dataset.id, name: b.dataset.name}; path(); }
  });

  // search the whole scope: a hit in the picture is selected, one outside it is added with its neighbours
  const box = document.getElementById("q"), hits = document.getElementById("hits");
  let timer = null;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = box.value.trim();
      if (!text) { hits.hidden = true; hits.innerHTML = ""; return; }
      const found = await json("/pages/network/search?" + new URLSearchParams({q: text}));
      hits.innerHTML = "";
      for (const h of found) {
        const li = document.createElement("li");
        li.tabIndex = 0; li.dataset.id = h.id;
        li.textContent = `${h.name}（${[h.level, h.community].filter(Boolean).join("，")}）`;
        li.addEventListener("click", () => pick(h.id));
        hits.append(li);
      }
      if (!found.length) { const li = document.createElement("li"); li.textContent = "没有找到"; hits.append(li); }
      hits.hidden = false;
    }, 200);
  });
  async function pick(id) {
    hits.hidden = true;
    if (!pic.nodes.get(id)) await expand(id);
    pic.reveal(id);
    pic.network.selectNodes([id]);
    pic.network.focus(id, {scale: 1.2, animation: false});
    show(id);
  }

  json(net.dataset.src).then(data => {
    pic = window.picture = GraphsvcPicture.mount(net, data, {
      legend: document.getElementById("legend"), png: document.getElementById("png")});
    pic.onNode = show;
  }).catch(e => { net.textContent = e.message; });
})();
