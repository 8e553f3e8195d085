// Sort tables marked "sortable" by clicking a column header; numbers sort by value.
(function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, col) {
      th.tabIndex = 0;
      function sort() {
        var body = table.tBodies[0];
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var xv = x.hasAttribute("data-sort") ? parseFloat(x.getAttribute("data-sort")) : x.textContent;
          var yv = y.hasAttribute("data-sort") ? parseFloat(y.getAttribute("data-sort")) : y.textContent;
          if (typeof xv === "number" && typeof yv === "number") { return asc ? xv - yv : yv - xv; }
          return asc ? String(xv).localeCompare(String(yv)) : String(yv).localeCompare(String(xv));
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
})();
// Printing shows the data behind each chart: open every <details> before printing.
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
