// Folding text for the pages' search boxes, written once: lower case, accents removed, đ read
// as d ("Đà Nẵng" -> "da nang"), as guests.names.fold does on the server.
(function () {
  "use strict";
  window.Luutru = window.Luutru || {};
  window.Luutru.fold = function (text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  };
})();
