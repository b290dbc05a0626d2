// The search box above a notice's establishment boxes (templates/wards/_notice_filter.html):
// typing hides the boxes that do not match, without regard to accents ("khach san hoa" finds
// "Khách sạn Hoa Mai"); each typed word must begin a word of the name, address or code. A hidden
// box keeps its tick, so searching twice and ticking each time sends to both. The count says how
// many are ticked in all, shown or not. Ticking a box or a beat chooses "chosen establishments",
// or the ticks would be ignored and the notice go to the whole ward. Without JavaScript the
// plain list of boxes works as it is.
(function () {
  "use strict";

  var fold = window.Luutru.fold; // static/js/fold.js

  function words(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(Boolean);
  }

  function enhance(container) {
    var filter = container.querySelector("[data-notice-filter]");
    var boxes = Array.prototype.slice.call(
      container.querySelectorAll("input[type=checkbox][name=establishments]")
    );
    if (!filter || !boxes.length) return;
    var form = container.closest("form");
    var input = filter.querySelector("input[type=search]");
    var count = filter.querySelector("[data-count]");
    var none = filter.querySelector("[data-none]");
    var entries = boxes.map(function (box) {
      var label = form.querySelector("label[for='" + box.id + "']");
      var text = (label ? label.textContent : "") + " " + (box.dataset.search || "");
      return { box: box, row: box.closest(".form-check") || box, tokens: words(text) };
    });

    function showCount() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      count.textContent = count.dataset.text
        .replace("{count}", String(ticked))
        .replace("{total}", String(boxes.length));
    }

    function shown() {
      return entries.filter(function (entry) { return !entry.row.hidden; });
    }

    function render() {
      var typed = words(input.value);
      entries.forEach(function (entry) {
        entry.row.hidden = !typed.every(function (word) {
          return entry.tokens.some(function (token) { return token.indexOf(word) === 0; });
        });
      });
      none.hidden = shown().length > 0;
    }

    function chooseChosen() {
      var chosen = form.querySelector("input[name=audience][value=chosen]");
      if (chosen) chosen.checked = true;
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 80);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // filtering, not publishing
        window.clearTimeout(timer);
        render();
      }
    });
    filter.querySelector("[data-select-shown]").addEventListener("click", function () {
      shown().forEach(function (entry) { entry.box.checked = true; });
      if (shown().length) chooseChosen();
      showCount();
    });
    filter.querySelector("[data-clear]").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      showCount();
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type !== "checkbox") return;
      if (target.checked && (target.name === "establishments" || target.name === "beats")) {
        chooseChosen();
      }
      showCount();
    });

    filter.hidden = false;
    showCount();
  }

  document.querySelectorAll("[data-notice-recipients]").forEach(enhance);
})();
