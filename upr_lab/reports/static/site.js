/* upr-lab overview: sort a table by a column (click its header) and filter its rows (text, group).
   No dependency and no network: the page works from file://. Without script the table shows every row. */
(function () {
  "use strict";

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? (cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent) : "";
    raw = raw.trim();
    if (!numeric) { return raw.toLowerCase(); }
    return raw === "" ? null : parseFloat(raw);
  }

  function compare(a, b, numeric, direction) {
    if (numeric) {
      if (a === null && b === null) { return 0; }
      if (a === null) { return 1; }   /* missing values last, whichever the direction */
      if (b === null) { return -1; }
      return direction * (a - b);
    }
    return direction * a.localeCompare(b);
  }

  function sortBy(table, header, index) {
    var numeric = header.getAttribute("data-type") === "num";
    var direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: cellValue(row, index, numeric), position: position };
    });
    rows.sort(function (a, b) {
      return compare(a.key, b.key, numeric, direction) || a.position - b.position;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = header.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(table, header, index); }); }
    });
  }

  function makeFilterable(table) {
    var text = document.getElementById(table.getAttribute("data-filter-text"));
    var group = document.getElementById(table.getAttribute("data-filter-group"));
    var count = document.getElementById(table.getAttribute("data-filter-count"));
    function apply() {
      var words = (text ? text.value : "").toLowerCase().trim().split(/\s+/).filter(Boolean);
      var wanted = group ? group.value : "";
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var haystack = row.textContent.toLowerCase();
        var visible = words.every(function (w) { return haystack.indexOf(w) !== -1; }) &&
          (!wanted || row.getAttribute("data-group") === wanted);
        row.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      if (count) { count.textContent = shown + " of " + table.tBodies[0].rows.length + " shown"; }
    }
    if (text) { text.addEventListener("input", apply); }
    if (group) { group.addEventListener("change", apply); }
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filter-text]"), makeFilterable);
  });
}());
