// The review inbox: a "select all" box for bulk confirmation.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var boxes = function () {
      return document.querySelectorAll(all.getAttribute("data-select-all"));
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) {
        box.checked = all.checked;
      });
    });
    document.addEventListener("change", function (event) {
      if (event.target === all || !event.target.matches(all.getAttribute("data-select-all"))) {
        return;
      }
      var list = Array.prototype.slice.call(boxes());
      all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
    });
  });
})();
