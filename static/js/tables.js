/* Tables on phones (static/css/app.css, "Tables on phones"): below 640 px a .table whose rows do not fit on
   one line each becomes cards (.table-cards): each row a card, each cell shown after its column's heading.
   The headings are copied here into data-label, from the table's header row, so the templates stay plain
   tables. A table frame that still scrolls sideways (a wide table on a desktop) is made focusable, so that it
   can be scrolled from the keyboard. No inline script: CSP. */
(function () {
  "use strict";

  function headerRow(table) {
    if (table.tHead && table.tHead.rows.length) return table.tHead.rows[table.tHead.rows.length - 1];
    var first = table.rows[0];
    if (!first) return null;
    for (var i = 0; i < first.cells.length; i++) if (first.cells[i].tagName !== "TH") return null;
    return first;
  }

  function label(table) {
    var head = headerRow(table);
    if (!head) {
      table.classList.add("table-headless");
      return;
    }
    if (!table.tHead) head.classList.add("table-head-row");
    var names = [];
    for (var i = 0; i < head.cells.length; i++) {
      // An actions column's heading is for screen readers only: its buttons need no label on a card.
      var text = head.cells[i].classList.contains("col-actions") ? "" : head.cells[i].textContent.replace(/\s+/g, " ").trim();
      for (var span = 0; span < (head.cells[i].colSpan || 1); span++) names.push(text);
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        if (rows[r] === head) continue;
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function focusableWhenScrolling() {
    var frames = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.scrollWidth > frame.clientWidth + 1) {
        frame.setAttribute("tabindex", "0");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", "表格（可左右滚动）");
      } else if (frame.getAttribute("tabindex") === "0") {
        frame.removeAttribute("tabindex");
        frame.removeAttribute("role");
        frame.removeAttribute("aria-label");
      }
    }
  }

  var phone = window.matchMedia("(max-width: 640px)");

  function arrange() {
    for (var t = 0; t < tables.length; t++) {
      var table = tables[t];
      table.classList.remove("table-cards");
      if (!phone.matches) continue;
      table.classList.add("table-measure");
      var wide = table.offsetWidth > table.parentElement.clientWidth + 1;
      table.classList.remove("table-measure");
      if (wide) table.classList.add("table-cards");
    }
    focusableWhenScrolling();
  }

  var tables = document.querySelectorAll("table.table");
  for (var t = 0; t < tables.length; t++) label(tables[t]);
  arrange();
  window.addEventListener("resize", arrange);
})();
