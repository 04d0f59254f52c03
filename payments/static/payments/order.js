// The order page while a paid order's documents are being prepared by the
// worker: ask the page again, politely (a growing pause, not while the tab
// is hidden, for two minutes at most), and reload it once they are issued.
// Without JavaScript the page's "Refresh now" link does the same.
(function () {
  "use strict";
  var state = document.getElementById("documents-state");
  if (!state || state.getAttribute("data-state") !== "pending") {
    return;
  }
  var pause = 2000;
  var deadline = Date.now() + 120000;

  function ask() {
    if (Date.now() > deadline) {
      return;
    }
    if (document.hidden) {
      document.addEventListener("visibilitychange", ask, { once: true });
      return;
    }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (answer) {
        return answer.text();
      })
      .then(function (html) {
        if (html.indexOf('data-state="pending"') === -1) {
          window.location.reload();
        } else {
          pause = Math.min(pause * 1.5, 15000);
          window.setTimeout(ask, pause);
        }
      })
      .catch(function () {
        window.setTimeout(ask, (pause = Math.min(pause * 2, 15000)));
      });
  }

  window.setTimeout(ask, pause);
})();
