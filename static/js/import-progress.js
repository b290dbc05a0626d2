// The progress of a CSV import: sets the bar from its aria-valuenow (no inline style, for the
// Content-Security-Policy), then asks the progress endpoint every second until the batch is
// filed or refused, and reloads the page to show the result. Without JavaScript the page has a
// "Refresh" link.
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress]");
  if (!box) {
    return;
  }
  var meter = box.querySelector("[role=progressbar]");
  var bar = box.querySelector("[data-import-bar]");
  var statusText = box.querySelector("[data-import-status]");
  var count = box.querySelector("[data-import-count]");

  function show(percent) {
    meter.setAttribute("aria-valuenow", String(percent));
    bar.style.width = percent + "%";
  }

  show(Number(meter.getAttribute("aria-valuenow")) || 0);
  if (box.dataset.finished === "true") {
    return;
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          window.location.reload();
          return;
        }
        show(data.percent);
        statusText.textContent = data.status_display;
        if (data.status === "checking" && data.total_rows) {
          count.textContent = data.processed_rows + " / " + data.total_rows;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
