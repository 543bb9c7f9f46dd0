// Sortable, searchable, paged tables drawn from JSON embedded in the page, so a table of any
// size costs one page of DOM rows. <div data-table="ID"> names a <script type="application/json"
// id="ID"> holding {columns: [{label, kind?: "number"|"day", lookup?: NAME}], rows: [[...]],
// lookups: {NAME: [value, ...]}}; a link is [text, href], a lookup cell an index into its list.
(function () {
  "use strict";
  var PAGE = 50;
  function text(value) {
    if (value === null || value === undefined) return "";
    return Array.isArray(value) ? String(value[0]) : String(value);
  }
  function setUp(holder) {
    var data = JSON.parse(document.getElementById(holder.getAttribute("data-table")).textContent);
    var columns = data.columns, rows = data.rows, lookups = data.lookups || {};
    function value(row, index) {
      var column = columns[index], cell = row[index];
      return column.lookup && cell !== null ? lookups[column.lookup][cell] : cell;
    }
    var order = rows.map(function (_, index) { return index; });
    var shown = order, page = 0, haystack = null;
    var controls = document.createElement("div");
    controls.className = "controls";
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = "Search (any column)";
    var previous = document.createElement("button"), next = document.createElement("button");
    previous.textContent = "< Previous";
    next.textContent = "Next >";
    var status = document.createElement("span");
    controls.append(search, previous, next, status);
    var table = document.createElement("table"), head = table.createTHead().insertRow(), body = table.createTBody();
    columns.forEach(function (column, index) {
      var th = document.createElement("th"), button = document.createElement("button");
      if (column.kind === "number") th.className = "number";
      button.textContent = column.label;
      button.addEventListener("click", function () { sortBy(index, th); });
      th.appendChild(button);
      head.appendChild(th);
    });
    holder.append(controls, table);
    function sortBy(index, th) {
      var descending = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(head.cells, function (cell) { cell.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var numeric = columns[index].kind === "number", sign = descending ? -1 : 1;
      var keys = rows.map(function (row) { var v = value(row, index); return numeric ? (v === null ? -Infinity : v) : text(v); });
      order = order.slice().sort(function (a, b) {
        var x = keys[a], y = keys[b];
        return sign * (numeric ? x - y : x.localeCompare(y)) || a - b;
      });
      filter();
    }
    function filter() {
      var wanted = search.value.trim().toLowerCase();
      if (wanted && haystack === null) {
        haystack = rows.map(function (row) {
          return row.map(function (_, index) { return text(value(row, index)); }).join("\u0001").toLowerCase();
        });
      }
      shown = wanted ? order.filter(function (index) { return haystack[index].indexOf(wanted) >= 0; }) : order;
      page = 0;
      draw();
    }
    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(Math.max(page, 0), pages - 1);
      body.textContent = "";
      shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (index) {
        var tr = body.insertRow();
        columns.forEach(function (column, columnIndex) {
          var td = tr.insertCell(), cell = value(rows[index], columnIndex);
          if (column.kind === "number" || column.kind === "day") td.className = column.kind;
          if (Array.isArray(cell) && cell[1]) {
            var link = document.createElement("a");
            link.href = cell[1];
            link.textContent = text(cell);
            td.appendChild(link);
          } else {
            td.textContent = text(cell);
          }
        });
      });
      status.textContent = shown.length ? "Rows " + (page * PAGE + 1) + "-" + Math.min(shown.length, (page + 1) * PAGE) +
        " of " + shown.length + (shown.length < rows.length ? " (filtered from " + rows.length + ")" : "") : "No rows";
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    search.addEventListener("input", filter);
    previous.addEventListener("click", function () { page -= 1; draw(); });
    next.addEventListener("click", function () { page += 1; draw(); });
    draw();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-table]"), setUp);
})();
