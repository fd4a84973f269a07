// golive dashboard: keeps an open page current without a reload. It asks
// the same URL for the page's changing part every data-poll ms; the server
// answers 304 when nothing changed. No framework, no inline script (the
// CSP allows only this file).
//
// While keyboard focus is inside the changing part, a new version waits
// (and the live region says so) until focus leaves it: replacing the
// content under someone reading it with a keyboard would drop their place.
//
// The part is replaced only when it changed. The first poll has no ETag
// yet, so its answer is compared with the part as the server rendered it
// at load: when they are the same, the page is left alone. Replacing equal
// content would drop a reader's scroll position and selection, announce an
// update that did not happen, and pull nodes out from under a click.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch) return;
  var every = parseInt(root.getAttribute("data-poll"), 10) || 10000;
  var etag = "";
  var pending = null;
  var status = document.getElementById("live-status");
  // loaded is the part as the server rendered it, until the first answer.
  var loaded = root.innerHTML;
  // parsed serializes html as root.innerHTML would after a replacement,
  // in an inert document (nothing in it loads or runs).
  var inert = document.implementation.createHTMLDocument("");
  function parsed(html) {
    var d = inert.createElement("div");
    d.innerHTML = html;
    return d.innerHTML;
  }
  function say(text) { if (status) status.textContent = text; }
  // One clock: the page reads UTC; each time's title gives the reader's
  // local time, shown on hover.
  var localFormat = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  function localTitles(el) {
    var ts = el.querySelectorAll("time[datetime]");
    for (var i = 0; i < ts.length; i++) {
      var d = new Date(ts[i].getAttribute("datetime"));
      if (!isNaN(d.getTime())) {
        ts[i].title = "Your time: " + d.toLocaleString(undefined, localFormat);
      }
    }
  }
  function utcNow() { return new Date().toISOString().slice(11, 19) + " UTC"; }
  // A section a reader opened or closed stays so across updates: the
  // new content is rendered with the server's defaults, then the
  // reader's choices are put back.
  // Only a person's click (or Enter/Space, which click a summary)
  // counts: the toggle events of parsing an update do not.
  var folded = {};
  root.addEventListener("click", function (e) {
    var s = e.target.closest ? e.target.closest("summary") : null;
    var d = s && s.parentElement;
    if (d && d.tagName === "DETAILS" && d.id && s === d.querySelector("summary")) folded[d.id] = !d.open;
  });
  function keepFolds() {
    for (var id in folded) {
      var d = document.getElementById(id);
      if (d && d.tagName === "DETAILS" && root.contains(d) && d.open !== folded[id]) d.open = folded[id];
    }
  }
  function focusInside() {
    var a = document.activeElement;
    return a && a !== document.body && root.contains(a);
  }
  function show(html) {
    root.innerHTML = html;
    keepFolds();
    localTitles(root);
    say("Updated at " + utcNow() + ".");
  }
  localTitles(document);
  root.addEventListener("focusout", function (e) {
    if (pending !== null && !root.contains(e.relatedTarget)) {
      var html = pending;
      pending = null;
      show(html);
    }
  });
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
            var unchanged = loaded !== null && parsed(html) === loaded;
            loaded = null;
            if (unchanged) {
              schedule();
              return;
            }
            if (focusInside()) {
              pending = html;
              say("Newer information is ready; it shows when focus leaves this part of the page.");
            } else {
              show(html);
            }
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
