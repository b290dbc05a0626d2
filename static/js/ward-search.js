// The ward search of the application form: as the applicant types in the search field, the
// wards matching it are fetched from the server (data-endpoint, wards.directory: accents
// ignored, exact names first, then prefixes) and put in the ward <select>, each with its
// province. A ward is chosen for the applicant only when exactly one name is exactly what was
// typed, never on a loose match ("Tràng Tiền" must not pick "Xã Tiên Trang"). Without
// JavaScript the form's "Find the ward" button does the same on the server.
(function () {
  "use strict";

  function enhance(select) {
    var form = select.form;
    var input = form && form.querySelector("input[name=ward_search]");
    if (!input) return;
    var finder = form.querySelector("[data-ward-find]");
    if (finder) finder.hidden = true;
    var placeholder = select.querySelector("option[value='']");
    var status = document.createElement("div");
    status.className = "form-text mb-2";
    status.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(status);
    input.setAttribute("aria-controls", select.id);

    var latest = 0;
    var timer = null;

    function show(data, query) {
      var chosen = select.value;
      var fragment = document.createDocumentFragment();
      if (placeholder) fragment.appendChild(placeholder);
      var exact = [];
      var keptChosen = false;
      data.results.forEach(function (ward) {
        var option = document.createElement("option");
        option.value = String(ward.id);
        option.textContent = ward.label;
        if (ward.exact) exact.push(option);
        if (option.value === chosen) keptChosen = true;
        fragment.appendChild(option);
      });
      // The ward chosen before stays in the list, or the browser would silently drop it.
      if (chosen && !keptChosen) {
        var previous = select.querySelector("option[value='" + chosen + "']");
        if (previous) fragment.appendChild(previous);
      }
      select.replaceChildren(fragment);
      if (exact.length === 1) {
        exact[0].selected = true;
      } else {
        select.value = chosen;
      }
      if (!query) {
        status.textContent = "";
      } else if (data.count === 0) {
        status.textContent = select.dataset.noneText || "";
      } else if (data.closest) {
        status.textContent = select.dataset.closestText || "";
      } else {
        status.textContent = (select.dataset.chooseText || "").replace("%(count)s", String(data.count));
      }
    }

    function search() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        show({ results: [], count: 0 }, "");
        return;
      }
      var url = select.dataset.endpoint + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          // An answer to an older query that arrives late is dropped.
          if (ticket === latest) show(data, query);
        })
        .catch(function () {
          if (ticket === latest && finder) finder.hidden = false; // the server-side search still works
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // choosing, not sending the form
        window.clearTimeout(timer);
        search();
        select.focus();
      }
    });
    if (input.value.trim()) search();
  }

  document.querySelectorAll("select[data-ward-search]").forEach(enhance);
})();
