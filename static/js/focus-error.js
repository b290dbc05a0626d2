// A form sent back with errors: put the focus (and the screen) on its first bad field, not on
// the page body, and tie the field to its error text for screen readers. Pages without errors
// keep the focus the server chose (autofocus).
(function () {
  "use strict";

  var FIELD = "input, select, textarea";

  function firstBadField() {
    var marked = document.querySelectorAll(".is-invalid, [aria-invalid='true']");
    for (var i = 0; i < marked.length; i += 1) {
      var field = marked[i].matches(FIELD) ? marked[i] : marked[i].querySelector(FIELD);
      if (field && !field.disabled && field.type !== "hidden") return field;
    }
    return null;
  }

  function describe(field) {
    field.setAttribute("aria-invalid", "true");
    var group = field.closest(".mb-3, .form-group, fieldset") || field.parentNode;
    var errors = group.querySelectorAll(".invalid-feedback, .errorlist");
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    Array.prototype.forEach.call(errors, function (error, index) {
      if (!error.id) error.id = (field.id || "field") + "-error-" + index;
      if (ids.indexOf(error.id) === -1) ids.push(error.id);
    });
    if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
  }

  function run() {
    var field = firstBadField();
    if (!field) return;
    document.querySelectorAll(".is-invalid").forEach(function (marked) {
      var bad = marked.matches(FIELD) ? marked : marked.querySelector(FIELD);
      if (bad) describe(bad);
    });
    field.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
