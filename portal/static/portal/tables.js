// Tables marked `table.stack` become one card per row on a phone (portal.css): each
// cell is labelled with its column's heading here, so the card reads «Без темы: 0»
// where the desktop shows a column. Without this script the table scrolls sideways.
(function () {
  "use strict";

  function label(table) {
    const headings = Array.from(table.querySelectorAll("thead tr:last-child th"))
      .flatMap(function (th) {
        return Array(th.colSpan || 1).fill(th.textContent.trim());
      });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      let column = 0;
      Array.from(row.cells).forEach(function (cell) {
        if (!cell.hasAttribute("data-label") && headings[column]) {
          cell.setAttribute("data-label", headings[column]);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("stack-ready");
  }

  function setUp() {
    document.querySelectorAll("table.stack").forEach(label);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
