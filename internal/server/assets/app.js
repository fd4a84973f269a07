// golive dashboard: keeps an open page current without a reload. It asks
// the same URL for the page's changing part every data-poll ms; the server
// answers 304 when nothing changed. No framework, no inline script (the
// CSP allows only this file).
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch) return;
  var every = parseInt(root.getAttribute("data-poll"), 10) || 10000;
  var etag = "";
  var status = document.getElementById("live-status");
  function say(text) { if (status) status.textContent = text; }
  function schedule() { window.setTimeout(tick, every); }
  function tick() {
    if (document.hidden) { schedule(); return; }
    var headers = { "X-Golive-Fragment": "1" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(window.location.href, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        if (res.status === 200) {
          etag = res.headers.get("ETag") || "";
          return res.text().then(function (html) {
            root.innerHTML = html;
            say("Updated at " + new Date().toLocaleTimeString() + ".");
            schedule();
          });
        }
        if (res.status === 401 || res.status === 403) {
          say("You are signed out. Reload the page to sign in again.");
          return;
        }
        schedule();
      })
      .catch(function () { schedule(); });
  }
  schedule();
})();
