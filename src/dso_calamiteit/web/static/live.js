/* calamiteit web: live pages. Every page is complete without this file; with it, a page listens to its event
   stream (data-live on <body>) and, when the logbook has a new entry, re-reads itself from the server and
   puts the new <main> in place. No inline script, no external source: allowed by the site's CSP. */
(function () {
  "use strict";
  var source = document.body.getAttribute("data-live");
  if (!source || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var busy = false;
  var again = false;

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error("HTTP " + answer.status);
        }
        return answer.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["inhoud", "voet"].forEach(function (id) {
          var now = document.getElementById(id);
          var next = fresh.getElementById(id);
          if (now && next) {
            now.replaceWith(document.importNode(next, true));
          }
        });
        document.body.setAttribute("data-bijgewerkt", String(Date.now()));
      })
      .catch(function () {
        /* the page stays as it was; the next event tries again */
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var events = new EventSource(source, { withCredentials: true });
  events.addEventListener("regel", refresh);
  events.addEventListener("status", refresh); /* the public status page: what it shows has changed */
})();
