/* The rectification page's forms: JSON to the API, then reload; messages in Chinese from the API. */
(function () {
  "use strict";
  var msg = document.getElementById("rect-msg");
  function send(method, url, body) {
    return fetch(url, { method: method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (res.ok) { location.reload(); return; }
        msg.className = "flash err";
        msg.textContent = (res.body.error && res.body.error.message) || "操作失败";
      });
  }
  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { if (String(v).trim() !== "") out[k] = String(v).trim(); });
    return out;
  }
  var create = document.getElementById("rect-new");
  if (create) create.addEventListener("submit", function (e) { e.preventDefault(); send("POST", "/rectifications", values(create)); });
  document.querySelectorAll("form.rect-edit").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      send("PATCH", "/rectifications/" + encodeURIComponent(f.closest("tr").dataset.id), values(f));
    });
  });
})();
