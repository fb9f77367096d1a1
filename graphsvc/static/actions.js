// In-page actions (htmx): when the server refuses one (4xx/5xx) or cannot be reached, say why next to
// what was clicked, in the server's words (its error page or its error body), instead of nothing.
(function () {
  function reason(xhr) {
    var text = (xhr && xhr.responseText) || "";
    try {
      var body = JSON.parse(text);
      if (body && body.error && body.error.message) return body.error.message;
    } catch (_) { /* not JSON: an error page */ }
    var doc = new DOMParser().parseFromString(text, "text/html");
    var said = doc.querySelector(".error-page .warn");
    if (said && said.textContent.trim()) return said.textContent.trim();
    return "操作没有完成（服务器返回 " + (xhr ? xhr.status : "?") + "），请刷新页面后再试";
  }
  function show(elt, text) {
    var where = (elt && elt.closest && elt.closest("form, .confirm, td, section")) || document.querySelector("main");
    var old = where.querySelector(":scope > .msg.action-err");
    if (old) old.remove();
    var p = document.createElement("p");
    p.className = "msg err action-err";
    p.setAttribute("role", "alert");
    p.textContent = text;
    where.appendChild(p);
  }
  document.addEventListener("htmx:responseError", function (e) { show(e.detail.elt, reason(e.detail.xhr)); });
  document.addEventListener("htmx:sendError", function (e) { show(e.detail.elt, "无法连接服务器，请检查网络后再试"); });
})();
