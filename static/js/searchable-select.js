// A search box above each <select data-searchable> (grouped in <optgroup>s), filtering its
// options without regard to accents: "hoan kiem" finds "Phường Hoàn Kiếm", "da nang" finds every
// ward of "Thành phố Đà Nẵng", "han quoc" finds "Hàn Quốc". Options are removed and re-added rather than hidden, because iOS Safari ignores
// `hidden` on <option>. Without JavaScript the plain grouped <select> works as it is.
(function () {
  "use strict";

  function fold(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  function enhance(select) {
    var placeholder = null;
    var groups = [];
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var groupKey = fold(child.label);
        groups.push({
          label: child.label,
          options: Array.prototype.map.call(child.children, function (option) {
            return { node: option, key: fold(option.text) + " " + groupKey };
          }),
        });
      } else if (child.value === "") {
        placeholder = child;
      }
    });

    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control mb-2";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = select.dataset.searchPlaceholder || "";
    input.setAttribute("aria-label", select.dataset.searchLabel || input.placeholder);
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("div");
    status.className = "form-text mb-1";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(status, select);

    function render() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var selected = select.value;
      var fragment = document.createDocumentFragment();
      var count = 0;
      var lastMatch = null;
      if (placeholder) fragment.appendChild(placeholder);
      groups.forEach(function (group) {
        var optgroup = null;
        group.options.forEach(function (entry) {
          var matches = words.every(function (word) {
            return entry.key.indexOf(word) !== -1;
          });
          // The chosen option stays in the list, or the browser would silently choose another.
          if (!matches && entry.node.value !== selected) return;
          if (optgroup === null) {
            optgroup = document.createElement("optgroup");
            optgroup.label = group.label;
            fragment.appendChild(optgroup);
          }
          optgroup.appendChild(entry.node);
          if (matches) {
            count += 1;
            lastMatch = entry.node;
          }
        });
      });
      select.replaceChildren(fragment);
      if (count === 1 && words.length) {
        lastMatch.selected = true;
      } else {
        select.value = selected;
      }
      var template = select.dataset.countText || "";
      status.textContent = words.length ? template.replace("%(count)s", String(count)) : "";
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // choosing, not submitting the form
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-searchable]").forEach(enhance);
})();
