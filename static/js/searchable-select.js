// A search box above each <select data-searchable> (grouped in <optgroup>s), filtering its
// options without regard to accents: "hoan kiem" finds "Phường Hoàn Kiếm", "da nang" finds every
// ward of "Thành phố Đà Nẵng", "han quoc" finds "Hàn Quốc". Each typed word must begin a word of
// the option or its group (so "han" no longer finds "Afghanistan"); exact names come first, then
// names that begin with what was typed, then the rest. An option is chosen for the user only on an
// exact name, never on a loose match ("Tràng Tiền" must not pick "Xã Tiên Trang"). Options are
// removed and re-added rather than hidden, because iOS Safari ignores `hidden` on <option>.
// Without JavaScript the plain grouped <select> works as it is.
(function () {
  "use strict";

  var fold = window.Luutru.fold; // static/js/fold.js

  var WARD_TYPE = /^(phuong|xa|dac khu|thi tran) /;

  function words(text) {
    return text.split(/[^a-z0-9]+/).filter(Boolean);
  }

  // 0: the name itself; 1: the name begins with the query; 2: the query begins a word of the
  // name; 3: every word begins some word of the option or its group; -1: no match.
  // An option's other names (data-other-name, e.g. the English name of a country) rank as its
  // name does; its codes (data-codes, e.g. "KOR KR") rank as an exact name when typed whole.
  function score(entry, query, queryWords) {
    if (entry.codes.indexOf(query) !== -1) return 0;
    var names = entry.names;
    if (names.indexOf(query) !== -1) return 0;
    if (names.some(function (name) { return name.indexOf(query) === 0; })) return 1;
    if (names.some(function (name) { return (" " + name).indexOf(" " + query) !== -1; })) return 2;
    var all = queryWords.every(function (word) {
      return entry.tokens.some(function (token) {
        return token.indexOf(word) === 0;
      });
    });
    return all ? 3 : -1;
  }

  function enhance(select) {
    var placeholder = null;
    var groups = [];
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var groupKey = fold(child.label);
        groups.push({
          label: child.label,
          options: Array.prototype.map.call(child.children, function (option, index) {
            var name = words(fold(option.text)).join(" ");
            var other = words(fold(option.dataset.otherName || "")).join(" ");
            var codes = words(fold(option.dataset.codes || ""));
            return {
              node: option,
              index: index,
              names: [name, name.replace(WARD_TYPE, ""), other].filter(Boolean),
              codes: codes,
              tokens: words(name + " " + other + " " + fold(option.dataset.search || "") + " " + groupKey),
            };
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
      var queryWords = words(fold(input.value));
      var query = queryWords.join(" ");
      var selected = select.value;
      var fragment = document.createDocumentFragment();
      var count = 0;
      var exact = [];
      if (placeholder) fragment.appendChild(placeholder);
      var ranked = groups.map(function (group, index) {
        var best = 99;
        var options = [];
        group.options.forEach(function (entry) {
          var rank = queryWords.length ? score(entry, query, queryWords) : 4;
          // The chosen option stays in the list, or the browser would silently choose another.
          if (rank === -1 && entry.node.value !== selected) return;
          if (rank !== -1) {
            count += 1;
            best = Math.min(best, rank);
            if (rank === 0) exact.push(entry.node);
          }
          options.push({ entry: entry, rank: rank === -1 ? 98 : rank });
        });
        options.sort(function (a, b) {
          return a.rank - b.rank || a.entry.index - b.entry.index;
        });
        return { group: group, index: index, best: best, options: options };
      });
      ranked.sort(function (a, b) {
        return a.best - b.best || a.index - b.index;
      });
      ranked.forEach(function (item) {
        if (!item.options.length) return;
        var optgroup = document.createElement("optgroup");
        optgroup.label = item.group.label;
        item.options.forEach(function (option) {
          optgroup.appendChild(option.entry.node);
        });
        fragment.appendChild(optgroup);
      });
      select.replaceChildren(fragment);
      if (exact.length === 1) {
        exact[0].selected = true;
      } else {
        select.value = selected;
      }
      var template = select.dataset.countText || "";
      status.textContent = queryWords.length ? template.replace("%(count)s", String(count)) : "";
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
